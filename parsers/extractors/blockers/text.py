"""The words of a blocker: its text built from a title and its details, cut to a sentence or
two; and what those words say (severity, resolved or open, a failure, nothing at all).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from parsers.document import Block, Document, ListItem, Section
from parsers.matching import has
from parsers.vocabulary import NO_SPACE_SCRIPT as CJK
from parsers.vocabulary import Vocabulary

WORD = re.compile(r"[^\W_]+(?:[-'.][^\W_]+)*", re.UNICODE)
SENTENCE_END = re.compile(r"[.!?;](?:\s|$)|[。！？；]|\n")
LEADING_MARKS = re.compile(r"^[^\w`'\"(\[]+", re.UNICODE)
MAX_WORDS = 45
DETAIL_WORDS = 30
MAX_DETAILS = 3
MIN_DETAIL_WORDS = 8
MAX_DETAIL_LINES = 12
TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]|[^\W_]+", re.UNICODE)
EMOJI_MARK = re.compile(r"^[^\w\s]+$", re.UNICODE)
NONE_WORDS = 12
NOTHING = re.compile(
    r"^\W*(?:no|zero|0)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:issues|errors|blockers|problems|warnings|concerns|failures)\b",
    re.IGNORECASE,
)
ZERO = re.compile(r"^\W*0(?:\s|/|$)")
#: a note's name: the words before its first dash or colon ("Potion agent resolved — ...")
NOTE_NAME = re.compile(r"\s[—–-]\s|[:：]\s")
NOTE_WORDS = 12
MIN_NOTE_NAME = 2
#: the rest of a compound word ("High-Value", "low-risk")
COMPOUND = re.compile(r"-([^\W\d_]+)", re.UNICODE)
FIELD = re.compile(r"^\W{0,8}(\w[^:：\n]{0,39}?)[\s*_]{0,4}[:：]\s*(\S.*)$")


def words_of(text: str) -> set[str]:
    text = CJK.sub(lambda m: f" {m.group(0)} ", text.lower())
    return set(WORD.findall(text))


def clean(text: str) -> str:
    text = LEADING_MARKS.sub("", " ".join(text.split()))
    return text.strip(" -—–:：*")


def cap(text: str) -> str:
    """The first sentences of ``text``, at most ``MAX_WORDS`` words (CJK characters count)."""
    words = 0
    end = len(text)
    position = 0
    for match in SENTENCE_END.finditer(text + "\n"):
        words += len(words_of(text[position : match.end()]))
        if words > MAX_WORDS and position:
            end = position
            break
        position = match.end()
    return text[:end].strip()


def cut(text: str, words: int) -> str:
    """The first ``words`` words of ``text`` (CJK characters counted one by one)."""
    for seen, match in enumerate(TOKEN.finditer(text), start=1):
        if seen > words:
            return text[: match.start()].rstrip(" ,;:—-")
    return text


def with_details(title: str, details: list[str], vocab: Vocabulary) -> str:
    """A title with as many detail lines as fit in ``DETAIL_WORDS`` words (the first one cut to
    fit); bookkeeping fields ("Status:", "Priority:", "Found during:") tell nothing about the
    problem and are left out."""
    text = clean(title)
    count = len(words_of(text))
    used = 0
    for detail in details:
        field = FIELD.match(detail)
        if field is not None and vocab.role("blockers", "bookkeeping").exact(field.group(1)):
            continue
        detail = clean(detail)
        if not detail:
            continue
        more = len(words_of(detail))
        if count + more > DETAIL_WORDS:
            if used:
                break
            detail = cut(detail, max(DETAIL_WORDS - count, MIN_DETAIL_WORDS))
        joined = text and not text.endswith((":", "："))
        text = f"{text}: {detail}" if joined else f"{text} {detail}"
        count += more
        used += 1
        if count >= DETAIL_WORDS or used >= MAX_DETAILS:
            break
    return cap(text.strip())


def item_text(item: ListItem, vocab: Vocabulary) -> str:
    """An item's own words, with its first details (sub-items, later paragraphs)."""
    details = [b.text for b in item.blocks[1:] if b.kind == "paragraph"]
    details += [child.text for child in item.children]
    return with_details(item.text, details, vocab)


def heading_text(doc: Document, section: Section) -> str:
    """A heading naming a blocker, with the first lines of detail under it (paragraph lines
    and list items)."""
    details: list[str] = []
    for block in doc.blocks_in(section.index):
        if block.line <= section.line:
            continue
        if details and note_name(block, doc.vocab) is not None:
            break  # a note on another blocker
        if block.kind == "paragraph":
            details.extend(block.text.split("\n"))
        elif block.kind == "fence" and not details:
            # "### The Bug" over an error log: the log's first line that names a failure
            error = next(
                (
                    line.strip()
                    for line in block.content.split("\n")
                    if names_failure(line, doc.vocab)
                ),
                None,
            )
            if error is not None:
                details.append(error)
            break
        elif block.kind in ("heading", "fence", "table"):
            break
        if len(details) >= MAX_DETAIL_LINES:
            break
    if not details:
        details = _first_subsection_details(doc, section)
    return with_details(section.title, details, doc.vocab)


def _first_subsection_details(doc: Document, section: Section) -> list[str]:
    """The detail of a heading that has none of its own but a sub-heading ("### 3. Mock
    Patching Issues (29 failures)" over "#### get_client missing" / "- **Error**: ..."): the
    sub-section's lines, those naming a failure first."""
    first = next(iter(doc.subsections(section.index)), None)
    if first is None:
        return []
    lines = [
        line
        for block in doc.blocks_in(first.index)[:MAX_DETAIL_LINES]
        if block.kind == "paragraph"
        for line in block.text.split("\n")
    ]
    failing = [line for line in lines if names_failure(line, doc.vocab)]
    return failing + [line for line in lines if not names_failure(line, doc.vocab)]


def note_name(block: Block, vocab: Vocabulary) -> str | None:
    """The name of a blocker that a free paragraph records as resolved ("(Potion agent
    graduated 2026-05-18 — composes ...)", "Cache race resolved: ..."): the words before its
    first dash or colon, few, holding a resolved word and at least two others."""
    text = block.text.strip()
    if block.kind != "paragraph" or block.item is not None or text.endswith((":", "：")):
        return None  # "**Solution Applied**:" introduces the lines after it
    name = clean(NOTE_NAME.split(text, maxsplit=1)[0].strip(" _*()（）"))
    words = words_of(name)
    found = vocab.role("blockers", "resolved").search(name)
    if found is None or len(words) > NOTE_WORDS or says_none(name, vocab):
        return None
    others = {w for w in words - words_of(found.group(0)) if not w[0].isdigit()}
    return name if len(others) >= MIN_NOTE_NAME else None


def sentences(text: str) -> Iterator[tuple[int, str]]:
    """Sentences of ``text`` with their line offset; a full stop inside brackets ("(see a;
    b)") does not end one."""
    position = 0
    depth = 0
    for index, char in enumerate(text):
        if char in "(（[":
            depth += 1
        elif char in ")）]":
            depth = max(0, depth - 1)
        elif (
            depth == 0
            and SENTENCE_END.match(text, index)
            and (char != "." or index + 1 == len(text) or text[index + 1].isspace())
        ):
            sentence = text[position : index + 1].strip()
            if sentence:
                yield text.count("\n", 0, position), sentence
            position = index + 1
    tail = text[position:].strip()
    if tail:
        yield text.count("\n", 0, position), tail


def _inside_cjk(text: str, position: int) -> bool:
    before = text[position - 1 : position]
    after = text[position + 1 : position + 2]
    return bool(CJK.match(before) or CJK.match(after))


def _compound(text: str, end: int, vocab: Vocabulary) -> bool:
    """A severity word joined by a hyphen to a word that is neither a severity nor a
    severity label ("High-Value", but not "High-priority" or "P1-High")."""
    joined = COMPOUND.match(text, end)
    if joined is None:
        return False
    rest = joined.group(1)
    return not (
        vocab.role("blockers", "filler").exact(rest)
        or vocab.role("severity", "blocking").exact(rest)
        or vocab.role("severity", "minor").exact(rest)
    )


NUMBERED_AFTER = re.compile(r"\.\d")


def severity_of(text: str, vocab: Vocabulary) -> tuple[str | None, bool | None]:
    """The severity named in ``text`` and whether it makes a blocker (None: none named).
    Words (``P2 - Medium``) outrank marks (🔴), which reports also use as bullets."""
    found: list[tuple[bool, int, str, bool]] = []  # (is mark, position, word, blocking)
    for role, blocking in (("blocking", True), ("minor", False)):
        phrases = vocab.role("severity", role)
        if phrases.pattern is None or not has(phrases, text):
            continue
        for match in phrases.pattern.finditer(text):
            word = match.group(0).strip()
            if len(word) == 1 and CJK.match(word) and _inside_cjk(text, match.start()):
                continue  # 中 in 沙箱中 is no severity; a lone 中 or (高) is
            if _compound(text, match.end(), vocab):
                continue  # "High-Value Tests" rates nothing; "High-priority", "P1-High" do
            if NUMBERED_AFTER.match(text, match.end()):
                continue  # "P0.28 T2" numbers a plan item; it rates nothing
            found.append((bool(EMOJI_MARK.match(word)), match.start(), word, blocking))
    if not found:
        return None, None
    _, _, word, blocking = min(found)
    return word, blocking


def resolved_in(text: str, vocab: Vocabulary, default: bool) -> bool:
    """Resolved when the text says so before any word that keeps it open; else open when it
    says it is still open; else as its section says."""
    resolved = vocab.role("blockers", "resolved").search(text)
    still = vocab.role("blockers", "still").search(text)
    if resolved and not (still and still.start() < resolved.start()):
        return True
    if still:
        return False
    return default


def names_failure(text: str, vocab: Vocabulary) -> bool:
    return has(vocab.role("blockers", "errors"), text) or has(vocab.role("blockers", "open"), text)


def only_status(text: str, vocab: Vocabulary) -> bool:
    """The entry is only a state ("RESOLVED", "Blocked ❌", "Still open"), naming nothing."""
    words = words_of(text)
    for role in ("resolved", "still", "strong"):
        phrases = vocab.role("blockers", role)
        if phrases.pattern is not None:
            for match in phrases.pattern.finditer(text):
                words -= words_of(match.group(0))
    return not words


def says_none(text: str, vocab: Vocabulary) -> bool:
    """The entry says there is nothing: "None", "无（...）", "0 critical, 0 minor", "MINOR
    Issues: NONE", "Zero compilation errors"."""
    if ZERO.match(text):
        return True
    parts = [text]
    field = FIELD.match(text)
    if field is not None:
        parts.append(field.group(2))
    for part in parts:
        words = WORD.findall(part.lower())
        if not words or NOTHING.match(part):
            return True
        if vocab.role("blockers", "none").exact(words[0]) and len(words) <= NONE_WORDS:
            return True
    return False
