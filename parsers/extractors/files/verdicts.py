"""What the words around a path say about it: changed (and how), or not.

Verdicts come from the path's own note and the words before it, from a file label, from the
list item, lead-in paragraph and headings around it. A hard rejection (how-to sections, plans,
negations such as NOT CREATED) wins over everything nearer; a soft one (inventories, reviews,
coverage headings) only stops the context from accepting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import get_args

from parsers.document import Block, Document, Section
from parsers.matching import first_role, has, is_word, word_role
from parsers.models import ChangeKind
from parsers.paths import PathToken
from parsers.vocabulary import NO_SPACE_SCRIPT as CJK
from parsers.vocabulary import Vocabulary

KINDS: tuple[str, ...] = get_args(ChangeKind)
SENTENCE_END = re.compile(r"(?:[.!?;。！？；]\s|\n)")
LEADING_MARKS = re.compile(r"^[\W\d_]*", re.UNICODE)
#: how far before a path its line may start for the path to open the line
OPENING_CHARS = 400
WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)
SHORT_LABEL_WORDS = 10
NEAR_WORDS = 3
LEAD_WORDS = 8
NOTE = re.compile(
    r"\s*(?:[(（]([^()（）]{0,48})[)）]|←\s*([^\n←]{1,40})|\[([^\[\]\n]{1,24})\](?!\())"
)
#: notes read after a path: "(+120 -0) [NEW]" is a size, then the change
MAX_NOTES = 2
NEAR_CJK_CHARS = 4
SHORT_NOUN_LABEL = 4
DESCRIPTION = re.compile(r"\s[-—–→]\s|[:：]\s")


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
    return first_role(vocab, "changes", text)


def _as_kind(role: str | None) -> ChangeKind | None:
    return role if role in KINDS else None  # type: ignore[return-value]


def change_kind(text: str, vocab: Vocabulary) -> ChangeKind | None:
    return _as_kind(_change(text, vocab))


def code_kind(word: str, vocab: Vocabulary) -> ChangeKind | None:
    role = vocab.first_role("change_codes", word, exact=True)
    return role if role in KINDS else None  # type: ignore[return-value]


def _files_heading(text: str, vocab: Vocabulary) -> bool:
    return has(vocab.role("sections", "files_changed"), text) or has(
        vocab.role("files", "nouns"), text
    )


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
    if has(vocab.role("files", "not_changed"), text) or has(vocab.role("files", "planned"), text):
        return HARD_REJECT
    if not title and has(vocab.role("files", "listing"), text):
        return SOFT_REJECT
    change = _change(text, vocab)
    kind = _as_kind(change)
    words = len(WORD.findall(text))
    if heading and _files_heading(text, vocab):
        return Verdict(True, kind)
    noun = not heading and has(vocab.role("files", "nouns"), text)
    if noun and (change is not None or words <= SHORT_NOUN_LABEL):
        return Verdict(True, kind)
    if change is not None and not title and (heading or words <= SHORT_LABEL_WORDS):
        return Verdict(True, kind)
    return None


def heading_verdict(doc: Document, block: Block) -> Verdict | None:
    """``section_verdict`` of the block's section, computed once per section."""
    verdicts: dict[int | None, Verdict | None] = doc.memo.setdefault("files.heading", {})
    if block.section not in verdicts:
        verdicts[block.section] = section_verdict(doc, doc.section_of(block))
    return verdicts[block.section]


def _title_verdict(doc: Document, title: str, is_title: bool) -> Verdict | None:
    """``label_verdict`` of a heading, once per document and heading text."""
    verdicts: dict[tuple[str, bool], Verdict | None] = doc.memo.setdefault("files.titles", {})
    key = (title, is_title)
    if key not in verdicts:
        verdicts[key] = label_verdict(title, doc.vocab, heading=True, title=is_title)
    return verdicts[key]


def section_verdict(doc: Document, section: Section | None) -> Verdict | None:
    """The innermost heading that says something; else how-to or baseline headings reject
    every path under them, and coverage or test-result headings stop the context."""
    vocab = doc.vocab
    fallback: Verdict | None = None
    while section is not None:
        title = section.title
        is_title = section.parent is None and section.index == 0
        verdict = _title_verdict(doc, title, is_title)
        if verdict is not None:
            return verdict
        if not is_title and not has(vocab.role("sections", "record"), title):
            if any(has(vocab.role("sections", r), title) for r in ("howto", "baseline")):
                fallback = HARD_REJECT
            elif fallback is None and any(
                has(vocab.role("sections", r), title) for r in ("coverage", "tests")
            ):
                fallback = SOFT_REJECT
        section = None if section.parent is None else doc.sections[section.parent]
    return fallback


def context_verdict(doc: Document, block: Block) -> Verdict | None:
    """The nearest verdict of the parent items, the list's lead-in and the headings around
    ``block``; a heading's hard rejection wins over everything nearer."""
    vocab = doc.vocab
    heading = heading_verdict(doc, block)
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


def note_verdict(text: str, found: PathToken, vocab: Vocabulary) -> Verdict | None:
    """A note attached to the path: inside its braces or in brackets right after it."""
    notes = [found.mark] if found.mark else []
    position = found.end
    for _ in range(MAX_NOTES):
        after = NOTE.match(text, position)
        if after is None:
            break
        notes.append(after.group(1) or after.group(2) or after.group(3) or "")
        position = after.end()
    for note in notes:
        if any(
            has(vocab.role("files", role), note) for role in ("existing", "not_changed", "planned")
        ):
            return SOFT_REJECT
        kind = change_kind(note, vocab)
        if kind is not None:
            return Verdict(True, kind)
    return None


def _word_change(word: str, vocab: Vocabulary) -> str | None:
    """A change word said of a done thing: ``Updated``, not the plan's ``Update``."""
    if is_word(vocab.role("files", "imperative"), word):
        return None
    plain = WORD.fullmatch(word) and not CJK.search(word)
    return word_role(vocab, "changes", word) if plain else _change(word, vocab)


def lead_verdict(
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
    kind = code_kind(last, vocab) if len(words) == 1 else None
    if kind is not None:
        return Verdict(True, kind)
    if len(words) <= LEAD_WORDS:
        change = _word_change(words[0], vocab)
        if change is not None:
            return Verdict(True, _as_kind(change))
    return None


def label_before(text: str, found: PathToken, previous_end: int, vocab: Vocabulary) -> bool:
    """A file label right before the path: ``Files changed: a.py``, ``**File**: b.ts``."""
    sentence = SENTENCE_END.split(text[previous_end : found.start])[-1]
    label = sentence.strip(" *_").rstrip()
    return (
        len(WORD.findall(label)) <= LEAD_WORDS
        and label.endswith((":", "："))
        and _files_heading(label, vocab)
    )


def opens_line(text: str, found: PathToken) -> bool:
    """The path opens its line: nothing but marks, numbering or a short label before it.
    A citation (``【F:a.ts†L3】``) stands apart from the words and always opens."""
    if found.cited:
        return True
    # only a short prefix can be marks and a label: look back at most OPENING_CHARS (each path
    # of a long line read its whole line before it, quadratic in a cell of thousands of paths)
    window = max(0, found.start - OPENING_CHARS)
    newline = text.rfind("\n", window, found.start)
    if newline < 0 and window > 0:
        return False
    before = text[newline + 1 : found.start]
    words = WORD.finditer(LEADING_MARKS.sub("", before))
    return next(words, None) is None or next(words, None) is None


def plan_step(lead: str, vocab: Vocabulary) -> bool:
    """A plan's step names its files with the plan form of a verb ("Create: `a.go`",
    "Modify `b.ts`") and no done form ("Updated")."""
    words = WORD.findall(lead)
    imperative = any(is_word(vocab.role("files", "imperative"), w) for w in words)
    done = any(_word_change(w, vocab) for w in words)
    return imperative and not done


def continues_run(gap: str) -> bool:
    """Two paths in one run (``a.ts, b.ts``, ``a.ts + b.test.ts``, ``new a.ts``): only
    separators and at most two short words between them, no sentence end, no bracket."""
    gap = gap.replace("\n", " ")
    if DESCRIPTION.search(gap) or SENTENCE_END.search(gap) or any(ch in gap for ch in "(（[【"):
        return False
    return len(WORD.findall(gap)) <= 2
