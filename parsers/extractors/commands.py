"""Commands: shell commands the report says were run.

Sources: shell fences (``bash``, ``console``, ``powershell`` ...), plain fences that hold a
transcript (a command line, then its output), code spans in prose that a run word or a result
marks as run ("Executed: `make lint`", "`tsc --noEmit` clean", "`npm test` → 12 passed"), and
code spans in a table's command column.

A command line starts with a known program (``parsers/vocab`` ``commands.executables``), a
script path (``./fix.sh``) or environment assignments before one; ``$ `` prompts are stripped,
backslash continuations joined, comments and output lines dropped, repeats kept once.

Whether a block was run or only shown is decided by the nearest signal: a comment inside the
fence that gives an instruction (``# Run the unit tests``), the sentence before the fence
("Executed:" or "Please run:"), then the headings from the innermost ("How to Run", "Next
Steps" vs "Commands Run"). A fence with no signal counts as run; a code span in prose needs one.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from parsers.document import Block, Document, Inline, Section
from parsers.matching import has
from parsers.models import Command
from parsers.vocabulary import NO_SPACE_SCRIPT as CJK
from parsers.vocabulary import Vocabulary

PROMPT = re.compile(r"^[ \t]{0,8}(?:\$|PS(?: [^>\n]{0,80})?>|❯|➜(?: \S{1,80})?(?: \$)?)\s")
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=(?:\"[^\"]*\"|'[^']*'|\S*)$")
COMMENT = re.compile(r"^\s*(?:#|//|::|REM\s|rem\s)")
OUTPUT_COLUMNS = re.compile(r"\s{2,}|\t")
WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)
SENTENCE_END = re.compile(r"[.!?;](?:\s|$)|[。！？；]|\n")
SCRIPT = re.compile(r"^(?:\.{1,2}/|~/)[\w./-]+$")
NUMBERING = re.compile(r"^\s*(?:\d{1,3}[.)]|[-*•])\s*")
REPLACED_BY = frozenset({"→", "->", "=>", "⟶", "➜", "⇒"})
# a heading ticked off as done ("### 1. Vitest Installation ✅"): its shell block was run
DONE_MARK = re.compile(r"[✅✔☑✓]")
RESULT_WINDOW = 40
BANNER = re.compile(r"^(?:={3,}|-{3,}|#{3,}) (\S.{0,200}?) (?:={3,}|-{3,}|#{3,})$")


def is_command(line: str, vocab: Vocabulary) -> bool:
    """``line`` opens with a program: a known executable, a script path, or assignments
    (``FOO=1 npm test``) before one, written the way shells are typed (lowercase, or a
    PowerShell ``Verb-Noun``)."""
    words = line.split()
    first = 0
    while first < len(words) - 1 and ASSIGNMENT.match(words[first]):
        first += 1
    if first < len(words) - 1 and words[first] in ("sudo", "time", "nohup", "env"):
        first += 1
    if first >= len(words):
        return False
    word = words[first]
    if SCRIPT.match(word):
        return True
    powershell = "-" in word and word[:1].isupper()
    if not (word.islower() or powershell) or word.endswith((":", ",")):
        return False
    return word.lower() in vocab.role("commands", "executables").phrases


def _strip_comment(line: str) -> str:
    """Drop a trailing ``  # comment`` that is outside quotes."""
    quote = ""
    for position, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#" and position and line[position - 1] in " \t":
            return line[:position].rstrip()
    return line


#: a quoted argument spans at most this many lines (``-d '{`` ... ``}'``); past it, an odd quote
#: is an apostrophe in output or prose, not an open argument
MAX_QUOTED_LINES = 40


def _open_quote(line: str, quote: str = "") -> str:
    """The quote still open at the end of ``line`` ("" when none), starting inside ``quote``;
    a backslash escapes inside double quotes and outside quotes, as in a POSIX shell."""
    escaped = False
    for char in line:
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
    return quote


def _quote_closes(lines: list[str], start: int, quote: str) -> bool:
    """Whether a line after ``start`` (within :data:`MAX_QUOTED_LINES`) closes ``quote``."""
    for line in lines[start + 1 : start + MAX_QUOTED_LINES]:
        quote = _open_quote(line, quote)
        if not quote:
            return True
    return False


def _logical_lines(content: str) -> Iterator[tuple[int, str]]:
    """Lines with backslash continuations and multi-line quoted arguments (``-d '{`` over a
    JSON body) joined, each with the offset of its first line."""
    lines = content.split("\n")
    pending: list[str] = []
    quote = ""
    start = 0
    for offset, raw in enumerate(lines):
        line = raw.rstrip()
        if not pending:
            start = offset
        if not COMMENT.match(line) or quote:
            opened = _open_quote(line, quote)
            if opened and (quote or _quote_closes(lines, offset, opened)):
                quote = opened
                pending.append(line.strip())
                continue
            quote = ""
        if line.endswith("\\") and not line.endswith("\\\\"):
            pending.append(line[:-1].strip())
            continue
        yield start, " ".join([*pending, line.strip()]) if pending else line
        pending = []
    if pending:
        yield start, " ".join(pending)


def fence_commands(
    content: str, vocab: Vocabulary, *, transcript: bool
) -> tuple[list[tuple[int, str]], list[str]]:
    """The command lines of a fence (offset, text) and its comment lines.

    With ``$ `` prompts only prompted lines are commands; without, every line that opens with
    a program is one, and in a plain (transcript) fence the output after a wide gap on the
    same line (``npx tsc --noEmit      exit 0``) is dropped."""
    lines = list(_logical_lines(content))
    prompted = [(o, line) for o, line in lines if PROMPT.match(line)]
    commands: list[tuple[int, str]] = []
    comments: list[str] = []
    for offset, line in lines:
        text = line.strip()
        if not text:
            continue
        if prompted:
            match = PROMPT.match(line)
            if match is None:
                continue
            text = line[match.end() :].strip()
        elif COMMENT.match(text):
            comments.append(text.lstrip("#/:").strip())
            continue
        banner = BANNER.match(text)
        if banner:  # "=== go test ./... ===" echoes the command it ran
            text = banner.group(1)
        if transcript:
            text = OUTPUT_COLUMNS.split(text, 1)[0]
            if len(text.split()) < 2:
                continue  # a lone word in plain output is a column, not a command
        text = _strip_comment(text)
        # a shell prompt says the line was typed, whatever program it runs ("$ mdp patch ...")
        if text and ((prompted and text[:1].isalnum()) or is_command(text, vocab)):
            commands.append((offset, " ".join(text.split())))
    return commands, comments


def _opens_instruction(text: str, vocab: Vocabulary, role: str = "instruct") -> bool:
    """A sentence that gives an instruction: it opens with a verb of ``role`` ("Run the
    tests", "# Install dependencies"); in scripts written without spaces, the verb opens the
    first run of characters ("运行测试")."""
    word = WORD.search(NUMBERING.sub("", text, count=1))
    if word is None:
        return False
    first = word.group(0).lower()
    phrases = vocab.role("commands", role).phrases
    if CJK.search(first):
        return any(first.startswith(phrase) for phrase in phrases if CJK.search(phrase))
    return first in phrases


def _words_verdict(text: str, vocab: Vocabulary) -> bool | None:
    """True for run words ("Executed:", "Command run:"), False for how-to words ("To run:",
    "Please run", "Run the suite:"), None for neither."""
    text = text.strip()
    if not text:
        return None
    if _opens_instruction(text, vocab) or has(vocab.role("commands", "howto"), text):
        return False
    if has(vocab.role("commands", "run"), text):
        return True
    return None


def _intro_verdict(intro: str, vocab: Vocabulary) -> bool | None:
    """A list under a label line ("**Verification Run**", "Commands executed:") is read as
    under a heading of those words; a longer intro is a sentence, read with its item."""
    label = intro.strip().strip("*_:： ")
    longest = 12 if CJK.search(label) else 48  # a label, not a sentence, in any script
    if not label or "\n" in label or len(label.split()) > 5 or len(label) > longest:
        return None
    return _words_verdict(label, vocab)


def _heading_verdict(doc: Document, block: Block) -> bool | None:
    """``_section_verdict`` of the block's section, computed once per section."""
    verdicts: dict[int | None, bool | None] = doc.memo.setdefault("commands.heading", {})
    if block.section not in verdicts:
        verdicts[block.section] = _section_verdict(doc, doc.section_of(block))
    return verdicts[block.section]


def _section_verdict(doc: Document, section: Section | None) -> bool | None:
    """The innermost heading (the report's title aside) with run or how-to words."""
    vocab = doc.vocab
    while section is not None:
        title = section.title
        if not (section.parent is None and section.index == 0):
            if has(vocab.role("sections", "record"), title):
                return True  # "Timeline of Events": what was done, though "timeline" plans too
            if has(vocab.role("sections", "howto"), title) or has(
                vocab.role("sections", "not_blockers"), title
            ):
                return False
            if has(vocab.role("sections", "commands"), title):
                return True
            if _opens_instruction(title, vocab):
                return False
        section = None if section.parent is None else doc.sections[section.parent]
    return None


def _fence_verdict(doc: Document, block: Block, comments: list[str]) -> bool:
    vocab = doc.vocab
    for comment in comments:
        if len(WORD.findall(comment)) >= 2 or CJK.search(comment):
            instruction = _opens_instruction(comment, vocab, "imperative")
            if instruction or has(vocab.role("commands", "howto"), comment):
                return False
    lead = doc.previous(block)
    if lead is not None and lead.kind == "paragraph" and lead.section == block.section:
        sentence = [s for s in SENTENCE_END.split(lead.text) if s.strip()]
        verdict = _words_verdict(sentence[-1] if sentence else "", vocab)
        if verdict is not None:
            return verdict
    if block.item is not None:
        verdict = _words_verdict(block.item.text, vocab)
        if verdict is not None:
            return verdict
    section = doc.section_of(block)
    if section is not None and section.index != 0 and DONE_MARK.search(section.title):
        return True  # the shell block of a step ticked off as done was run
    verdict = _heading_verdict(doc, block)
    return True if verdict is None else verdict


def _spans(inline: Inline) -> list[tuple[int, int, str]]:
    """Each code span with its position in the inline text, found left to right."""
    spans: list[tuple[int, int, str]] = []
    cursor = 0
    for code in inline.codes:
        position = inline.text.find(code, cursor)
        if position < 0:
            continue
        spans.append((position, position + len(code), code))
        cursor = position + len(code)
    return spans


def _result_after(after: str, vocab: Vocabulary) -> bool:
    """A result follows the code span in its clause: "`tsc` clean", "`npm test` → 12 passed"."""
    after = SENTENCE_END.split(after.replace("\n", " "), 1)[0]
    return (
        has(vocab.role("commands", "results"), after)
        or has(vocab.role("status", "pass"), after)
        or has(vocab.role("status", "fail"), after)
    )


def _inline_commands(
    doc: Document, block: Block, inline: Inline, heading: bool | None
) -> Iterator[str]:
    """Code spans in prose that name a run command: in a run section, next to a run word or
    followed by a result, or introducing the output fence that follows ("`make test`:").
    Each sentence's words (code spans blanked) are read once."""
    vocab = doc.vocab
    if not inline.codes or heading is False:
        return
    text = inline.text
    following = doc.blocks[block.index + 1] if block.index + 1 < len(doc.blocks) else None
    introduces_output = (
        following is not None and following.kind == "fence" and text.rstrip().endswith((":", "："))
    )
    spans = _spans(inline)
    span_starts = [span[0] for span in spans]
    ends = [m.start() for m in SENTENCE_END.finditer(text)]
    starts = [m.end() for m in SENTENCE_END.finditer(text)]
    sentence_words: dict[int, tuple[bool, bool]] = {}  # sentence -> (how-to, run words)
    for number, (start, end, code) in enumerate(spans):
        command = " ".join(code.split())
        if not is_command(command, vocab):
            continue
        sentence = bisect_right(starts, start)
        begin = starts[sentence - 1] if sentence else 0
        finish = ends[sentence] if sentence < len(ends) else len(text)
        if sentence not in sentence_words:
            outside = _blanked(text, begin, finish, spans, span_starts)
            sentence_words[sentence] = (
                _words_verdict(outside, vocab) is False,
                has(vocab.role("commands", "run"), outside),
            )
        howto, runs = sentence_words[sentence]
        if howto or _opens_instruction(text[begin:start], vocab):
            continue
        stop = spans[number + 1][0] if number + 1 < len(spans) else len(text)
        if stop < len(text) and text[end:stop].strip() in REPLACED_BY:
            continue  # "`jest` → `vi`": one name replaced by another, nothing was run
        result = _result_after(text[end : min(end + RESULT_WINDOW, stop)], vocab)
        if len(command.split()) == 1 and not result:
            continue  # `eslint` alone is a tool's name unless a result follows it
        if result or runs or heading or introduces_output:
            yield command


def _blanked(
    text: str, begin: int, finish: int, spans: list[tuple[int, int, str]], starts: list[int]
) -> str:
    """``text[begin:finish]`` with the code spans in it replaced by spaces."""
    parts: list[str] = []
    cursor = begin
    for start, end, _ in spans[bisect_right(starts, begin - 1) :]:
        if start >= finish:
            break
        parts.append(text[cursor:start])
        parts.append(" ")
        cursor = max(cursor, end)
    parts.append(text[cursor:finish])
    return "".join(parts)


def _table_commands(doc: Document, block: Block, heading: bool | None) -> Iterator[tuple[int, str]]:
    table = block.table
    if table is None or heading is False:
        return
    vocab = doc.vocab
    columns = [
        i for i, h in enumerate(table.header_texts) if vocab.role("columns", "command").exact(h)
    ]
    for row in table.rows:
        for i in columns:
            if i < len(row.cells):
                for code in row.cells[i].codes:
                    text = " ".join(code.split())
                    if is_command(text, vocab):
                        yield row.line, text


def extract_commands(doc: Document) -> list[Command]:
    vocab = doc.vocab
    found: dict[str, Command] = {}

    def add(text: str, line: int) -> None:
        if text and text not in found:
            found[text] = Command(text=text, line=line)

    for block in doc.blocks:
        if block.kind == "fence":
            info = block.info.split(" ", 1)[0].lower()
            shell = vocab.role("commands", "shell_info").exact(info) if info else False
            if not shell and info and not vocab.role("commands", "transcript_info").exact(info):
                continue
            commands, comments = fence_commands(block.content, vocab, transcript=not shell)
            if commands and _fence_verdict(doc, block, comments):
                for offset, text in commands:
                    add(text, block.line + 1 + offset)
        elif block.kind in ("paragraph", "heading"):
            verdict = _heading_verdict(doc, block)
            if verdict is None and block.item is not None:
                verdict = _intro_verdict(block.item.intro, vocab)
            for text in _inline_commands(doc, block, block.inline, verdict):
                add(text, block.line)
        elif block.kind == "table":
            for line, text in _table_commands(doc, block, _heading_verdict(doc, block)):
                add(text, line)
    return list(found.values())
