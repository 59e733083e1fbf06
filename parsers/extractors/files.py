"""Files changed: paths the report says it created, modified, deleted or renamed.

A path counts when something near it says it changed, nearest signal first:
1. the path's own words: a note right after it (``(new)``, ``(existing)``), a change word right
   before it (``Created `a.py```, ``MODIFIED `b.ts```), or its sentence opening with one;
2. the list item holding it (``- Updated 4 test files:`` above nested items), the paragraph that
   introduces its list, fence or table (``**Deleted**:``), then its headings, innermost first
   (``## Files Modified`` > ``### Configuration``), where a files heading or a change word with a
   file noun makes every path listed under it a change;
3. a table with a file column and a change column, and front matter ``key-files``.
Words that say a file was not changed (``NOT CREATED``, ``Code Reference``, ``already``) win
over the section around them; how-to and baseline sections list no changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, get_args

from parsers.document import Block, Document
from parsers.models import ChangeKind, FileChange
from parsers.paths import PathToken, clean_path, find_paths
from parsers.vocabulary import Vocabulary

KINDS: tuple[str, ...] = get_args(ChangeKind)
SENTENCE_END = re.compile(r"(?:[.!?;。！？；]\s|\n)")
LEADING_MARKS = re.compile(r"^[\W\d_]*", re.UNICODE)
LINE_MARKS = re.compile(r"^[^\w./~@(\[{]+", re.UNICODE)
NUMBERING = re.compile(r"^\d{1,3}[.)]\s+")
WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)
SHORT_LABEL_WORDS = 10
NEAR_WORDS = 3
LEAD_WORDS = 8
NOTE = re.compile(r"\s*(?:[(（]([^()（）]{0,48})[)）]|←\s*([^\n←]{1,40}))")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
NEAR_CJK_CHARS = 4
SHORT_NOUN_LABEL = 4
DESCRIPTION = re.compile(r"\s[-—–→]\s|[:：]\s")
TREE_MARKS = "├└│┣┗┃|`"


@dataclass(frozen=True, slots=True)
class Verdict:
    changed: bool
    kind: ChangeKind | None = None
    #: a rejection that nothing near a path overrides (how-to, NOT CREATED, planned)
    hard: bool = False


HARD_REJECT = Verdict(changed=False, hard=True)
SOFT_REJECT = Verdict(changed=False)


def _change(text: str, vocab: Vocabulary) -> str | None:
    """The change role a text names: a kind, or ``unspecified`` ("Files changed")."""
    return vocab.first_role("changes", text)


def _as_kind(role: str | None) -> ChangeKind | None:
    return role if role in KINDS else None  # type: ignore[return-value]


def _kind(text: str, vocab: Vocabulary) -> ChangeKind | None:
    return _as_kind(_change(text, vocab))


def _code(word: str, vocab: Vocabulary) -> ChangeKind | None:
    role = vocab.first_role("change_codes", word, exact=True)
    return role if role in KINDS else None  # type: ignore[return-value]


def _files_heading(text: str, vocab: Vocabulary) -> bool:
    return vocab.role("sections", "files_changed").found(text) or vocab.role(
        "files", "nouns"
    ).found(text)


def label_verdict(
    text: str, vocab: Vocabulary, *, heading: bool, title: bool = False
) -> Verdict | None:
    """What a heading, a list's lead-in or a parent item says about the paths under it:
    a files heading or a short change label accepts them; words of plans and negations reject
    them outright, words of inventories and reviews ("Files verified", "Related docs") only
    stop the context from accepting them."""
    text = text.strip()
    if not text:
        return None
    if vocab.role("files", "not_changed").found(text) or vocab.role("files", "planned").found(text):
        return HARD_REJECT
    if not title and vocab.role("files", "listing").found(text):
        return SOFT_REJECT
    change = _change(text, vocab)
    kind = _as_kind(change)
    words = len(WORD.findall(text))
    if heading and _files_heading(text, vocab):
        return Verdict(True, kind)
    noun = not heading and vocab.role("files", "nouns").found(text)
    if noun and (change is not None or words <= SHORT_NOUN_LABEL):
        return Verdict(True, kind)
    if change is not None and not title and (heading or words <= SHORT_LABEL_WORDS):
        return Verdict(True, kind)
    return None


def _heading_verdict(doc: Document, block: Block) -> Verdict | None:
    """The innermost heading that says something; else how-to or baseline headings reject
    every path under them, and coverage or test-result headings stop the context."""
    vocab = doc.vocab
    fallback: Verdict | None = None
    section = doc.section_of(block)
    while section is not None:
        title = section.title
        is_title = section.parent is None and section.index == 0
        verdict = label_verdict(title, vocab, heading=True, title=is_title)
        if verdict is not None:
            return verdict
        if not is_title:
            if any(vocab.role("sections", r).found(title) for r in ("howto", "baseline")):
                fallback = HARD_REJECT
            elif fallback is None and any(
                vocab.role("sections", r).found(title) for r in ("coverage", "tests")
            ):
                fallback = SOFT_REJECT
        section = None if section.parent is None else doc.sections[section.parent]
    return fallback


def context_verdict(doc: Document, block: Block) -> Verdict | None:
    """The nearest verdict of the parent items, the list's lead-in and the headings around
    ``block``; a heading's hard rejection wins over everything nearer."""
    vocab = doc.vocab
    heading = _heading_verdict(doc, block)
    if heading is not None and heading.hard:
        return heading
    item = block.item.parent if block.item is not None and block.kind == "paragraph" else block.item
    while item is not None:
        text = item.text
        if len(WORD.findall(text)) <= SHORT_LABEL_WORDS or text.rstrip().endswith((":", "：")):
            verdict = label_verdict(text, vocab, heading=False)
            if verdict is not None:
                return verdict
        item = item.parent
    lead = doc.lead_in(block)
    if lead is not None and lead is not block:
        last_line = lead.text.strip().rsplit("\n", 1)[-1]
        if len(WORD.findall(last_line)) <= SHORT_LABEL_WORDS or last_line.endswith((":", "：")):
            verdict = label_verdict(last_line, vocab, heading=False)
            if verdict is not None:
                return verdict
    return heading


def _note_verdict(text: str, found: PathToken, vocab: Vocabulary) -> Verdict | None:
    """A note attached to the path: inside its braces or in brackets right after it."""
    notes = [found.mark] if found.mark else []
    after = NOTE.match(text, found.end)
    if after is not None:
        notes.append(after.group(1) or after.group(2) or "")
    for note in notes:
        if any(
            vocab.role("files", role).found(note) for role in ("existing", "not_changed", "planned")
        ):
            return SOFT_REJECT
        kind = _kind(note, vocab)
        if kind is not None:
            return Verdict(True, kind)
    return None


def _word_change(word: str, vocab: Vocabulary) -> str | None:
    """A change word said of a done thing: ``Updated``, not the plan's ``Update``."""
    if vocab.role("files", "imperative").exact(word):
        return None
    return _change(word, vocab)


def _lead_verdict(
    text: str, found: PathToken, previous_end: int, vocab: Vocabulary
) -> Verdict | None:
    """A change word right before the path, a short sentence opening with one ("Added ...
    in"), or a file label ("Files changed:") before it."""
    sentence = SENTENCE_END.split(text[previous_end : found.start])[-1]
    words = WORD.findall(sentence)
    if not words:
        return None
    last = words[-1]
    # written without spaces: the characters right before the path
    near = [last[-NEAR_CJK_CHARS:]] if CJK.search(last) else words[-NEAR_WORDS:]
    for word in reversed(near):
        change = _word_change(word, vocab)
        if change is not None:
            return Verdict(True, _as_kind(change))
    kind = _code(last, vocab) if len(words) == 1 else None
    if kind is not None:
        return Verdict(True, kind)
    if len(words) <= LEAD_WORDS:
        change = _word_change(words[0], vocab)
        if change is not None:
            return Verdict(True, _as_kind(change))
    return None


def _label_verdict(text: str, found: PathToken, previous_end: int, vocab: Vocabulary) -> bool:
    """A file label right before the path: ``Files changed: a.py``, ``**File**: b.ts``."""
    sentence = SENTENCE_END.split(text[previous_end : found.start])[-1]
    label = sentence.strip(" *_").rstrip()
    return (
        len(WORD.findall(label)) <= LEAD_WORDS
        and label.endswith((":", "："))
        and _files_heading(label, vocab)
    )


def _leading(text: str, found: PathToken) -> bool:
    """The path opens its line: nothing but marks, numbering or a short label before it.
    A citation (``【F:a.ts†L3】``) stands apart from the words and always opens."""
    if found.cited:
        return True
    before = text[: found.start].rsplit("\n", 1)[-1]
    return len(WORD.findall(LEADING_MARKS.sub("", before))) <= 1


class Collected:
    """Paths in first-seen order; a later mention may fill in the change kind."""

    def __init__(self) -> None:
        self.items: dict[str, FileChange] = {}

    def add(self, path: str, kind: ChangeKind | None, line: int) -> None:
        key = path.rstrip("/")
        if "/" not in key and any(known.endswith("/" + key) for known in self.items):
            key = next(known for known in self.items if known.endswith("/" + key))
        elif "/" in key and key.rsplit("/", 1)[1] in self.items:
            bare = self.items.pop(key.rsplit("/", 1)[1])
            self.items[key] = FileChange(path=path, change=bare.change or kind, line=line)
        current = self.items.get(key)
        if current is None:
            self.items[key] = FileChange(path=path, change=kind, line=line)
        elif current.change is None and kind is not None:
            current.change = kind


def _plan_step(lead: str, vocab: Vocabulary) -> bool:
    """A plan's step names its files with the plan form of a verb ("Create: `a.go`",
    "Modify `b.ts`") and no done form ("Updated")."""
    words = WORD.findall(lead)
    imperative = any(vocab.role("files", "imperative").exact(w) for w in words)
    done = any(_word_change(w, vocab) for w in words)
    return imperative and not done


def _continues(gap: str) -> bool:
    """Two paths in one run (``a.ts, b.ts``, ``a.ts + b.test.ts``, ``new a.ts``): only
    separators and at most two short words between them, no sentence end, no bracket."""
    gap = gap.replace("\n", " ")
    if DESCRIPTION.search(gap) or SENTENCE_END.search(gap) or any(ch in gap for ch in "(（[【"):
        return False
    return len(WORD.findall(gap)) <= 2


def _text_paths(
    text: str, line: int, context: Verdict | None, vocab: Vocabulary, out: Collected
) -> None:
    """Paths in one list item's or one paragraph line's text. A note on the path decides first;
    a context that rejects (how-to, NOT CREATED) or words in the text that do, come next; then a
    change word or file label before the path; a path continuing a run of accepted paths; and
    last the context, for a path that opens the text."""
    found = find_paths(text, vocab)
    if not found:
        return
    if context is not None and context.hard:
        return
    rejected = vocab.role("files", "not_changed").found(text) or _plan_step(
        text[: found[0].start], vocab
    )
    previous_end = 0
    previous_dir = ""
    carried: Verdict | None = None
    for index, token in enumerate(found):
        path = token.path
        gap = text[previous_end : token.start]
        if "/" not in path and previous_dir and gap.strip(" `*") in ("+", "&"):
            path = f"{previous_dir}/{path}"
        note = _note_verdict(text, token, vocab)
        verdict = None
        if note is None and not rejected:
            verdict = _lead_verdict(text, token, previous_end, vocab)
            located = token.located  # "a.py:42" points at code, it does not list a change
            open_context = context is None or context.changed
            if (
                verdict is None
                and open_context
                and _label_verdict(text, token, previous_end, vocab)
            ):
                verdict = Verdict(True, None)
            if verdict is None and carried is not None and index and _continues(gap):
                verdict = None if located else carried
            if verdict is None and index == 0 and context is not None and _leading(text, token):
                verdict = None if located or not context.changed else context
        carried = verdict if verdict is not None and verdict.changed else None
        if note is not None:  # the path's own note decides, and a noted change starts a run
            verdict = note
            carried = Verdict(True, None) if note.changed and not rejected else None
        if verdict is not None and verdict.changed:
            out.add(path, verdict.kind, line + text.count("\n", 0, token.start))
        previous_end = token.end
        if "/" in path:
            previous_dir = path.rsplit("/", 1)[0]


def _cell_kind(text: str, vocab: Vocabulary) -> ChangeKind | None:
    return _code(text, vocab) or _kind(text, vocab)


def _table(doc: Document, block: Block, out: Collected) -> None:
    table = block.table
    if table is None or not table.rows:
        return
    vocab = doc.vocab
    headers = table.header_texts
    file_column = next(
        (i for i, h in enumerate(headers) if vocab.role("columns", "file").exact(h)), None
    )
    change_column = next(
        (
            i
            for i, h in enumerate(headers)
            if vocab.role("columns", "change").exact(h)
            and any(i < len(row.cells) and _cell_kind(row.texts[i], vocab) for row in table.rows)
        ),
        None,
    )
    context = context_verdict(doc, block)
    if context is not None and not context.changed:
        return
    measured = ("coverage", "passed", "failed", "total")
    if change_column is None and any(
        vocab.role("columns", role).exact(h) for h in headers for role in measured
    ):
        return  # results and coverage tables name files, they do not change them
    for row in table.rows:
        texts = row.texts
        kind = None
        if change_column is not None and change_column < len(texts):
            kind = _cell_kind(texts[change_column], vocab)
        if context is None and kind is None:
            continue
        columns = [file_column] if file_column is not None else range(len(texts))
        for column in columns:
            if column is None or column >= len(texts):
                continue
            paths = [t for t in find_paths(texts[column], vocab) if _leading(texts[column], t)]
            if not paths:
                continue
            rest = " ".join(t for i, t in enumerate(texts) if i != column)
            if vocab.role("files", "not_changed").found(rest) and kind is None:
                break
            row_kind = kind or _kind(" ".join(WORD.findall(rest)[:2]), vocab)
            for token in paths:
                out.add(token.path, row_kind or (context.kind if context else None), row.line)
            break


def _fence(doc: Document, block: Block, out: Collected) -> None:
    """A plain fence listing files, one per line (``✅ a.rs - fixed``, ``- a.ts, b.ts``); a line
    naming only a directory (``src/:``, ``docs/``) prefixes the tree lines under it."""
    vocab = doc.vocab
    info = block.info.split(" ", 1)[0].lower()
    if info and not vocab.role("commands", "transcript_info").exact(info):
        return
    context = context_verdict(doc, block)
    if context is None or not context.changed:
        return
    directory = ""
    for offset, raw in enumerate(block.content.split("\n")):
        nested = raw[:1] in (" ", "\t") or raw.lstrip()[:1] in TREE_MARKS
        line = LINE_MARKS.sub("", NUMBERING.sub("", LINE_MARKS.sub("", raw.strip())))
        if not line:
            directory = ""
            continue
        tokens = find_paths(line, vocab)
        if not tokens or tokens[0].start > 2 or tokens[0].located:
            if not nested and not raw.lstrip().startswith(("-", "*", "+")):
                directory = ""
            continue
        first = tokens[0]
        if first.path.endswith("/") and line[first.end :].strip(" :") == "":
            directory = first.path  # a directory heading the tree lines below it
            continue
        if not nested and not raw.lstrip().startswith(("-", "*", "+")):
            directory = ""
        rest = line[first.end :]  # "a.ts ....... ✅ MODIFIED", "b.md  (from prev session)"
        if any(vocab.role("files", r).found(rest) for r in ("existing", "not_changed", "planned")):
            continue
        own = _note_verdict(line, first, vocab)
        if own is not None and not own.changed:
            continue
        kind = own.kind if own is not None else (_kind(rest, vocab) or context.kind)
        previous_end = 0
        for token in tokens:
            gap = line[previous_end : token.start].strip(" ,`+&")
            if previous_end and gap:
                break
            path = token.path
            if directory and not path.startswith(directory) and path not in out.items:
                path = directory + path  # a tree line under "src/": unless listed already
            out.add(path, kind, block.line + 1 + offset)
            previous_end = token.end


def _front_matter_lists(
    value: Any, kind: ChangeKind | None, vocab: Vocabulary
) -> Iterator[tuple[str, ChangeKind | None]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _front_matter_lists(inner, _kind(str(key), vocab) or kind, vocab)
    elif isinstance(value, list):
        for entry in value:
            if isinstance(entry, str):
                for path, _ in clean_path(entry, vocab):
                    yield path, kind
    elif isinstance(value, str):
        for path, _ in clean_path(value, vocab):
            yield path, kind


def _front_matter(doc: Document, out: Collected) -> None:
    front = doc.front_matter or {}
    vocab = doc.vocab
    for key, value in front.items():
        label = str(key).replace("_", " ").replace("-", " ")
        if not vocab.role("sections", "files_changed").exact(label) and not (
            vocab.role("files", "nouns").found(label) and _kind(label, vocab) is not None
        ):
            continue
        line = _front_matter_line(doc, str(key))
        for path, kind in _front_matter_lists(value, _kind(label, vocab), vocab):
            out.add(path, kind, line)


def _front_matter_line(doc: Document, key: str) -> int:
    for number, text in enumerate(doc.lines[: doc.front_matter_end], start=1):
        if text.startswith(f"{key}:"):
            return number
    return 1


def extract_files_changed(doc: Document) -> list[FileChange]:
    out = Collected()
    _front_matter(doc, out)
    for block in doc.blocks:
        if block.kind == "paragraph":
            if block.item is not None and block.item.blocks and block.item.blocks[0] is block:
                _text_paths(block.text, block.line, context_verdict(doc, block), doc.vocab, out)
            else:
                context = _heading_verdict(doc, block)
                for offset, text in enumerate(block.text.split("\n")):
                    _text_paths(text, block.line + offset, context, doc.vocab, out)
        elif block.kind == "heading":
            # "### 1. **tests/ApiTest.php** - main class" under "## Test files created"
            _text_paths(block.text, block.line, _heading_verdict(doc, block), doc.vocab, out)
        elif block.kind == "table":
            _table(doc, block, out)
        elif block.kind == "fence":
            _fence(doc, block, out)
    return list(out.items.values())
