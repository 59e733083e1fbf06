"""Blockers: what stops progress now, and the blockers the report says it resolved.

Where a report states them:
- under a blockers heading ("Blockers", "Known Issues", "Remaining risks or blockers"): each
  sub-heading, or else each top-level list item, table row or paragraph, is one blocker;
- under a heading of problems met on the way ("Issues Encountered", "Critical Blockers
  Encountered", "Auto-fixed Issues"): the same, resolved;
- under a heading of mixed notes ("Deviations", "Challenges"): only items naming a failure;
- anywhere else: a heading or sentence with a blocking word ("BLOCKED", "blocked by",
  "awaiting decision"), or an open item marked critical / high / P0 / 🔴.
How-to, limitations and lessons sections hold none; items called pre-existing, unrelated or
non-blocking, and medium / low items, are not blockers. Each blocker's text is the sentence
or item that states it (a short title gets its first detail line); restatements of one
blocker (shared key words) are kept once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from parsers.document import Block, Document, ListItem, Section
from parsers.models import Blocker
from parsers.vocabulary import Vocabulary

WORD = re.compile(r"[^\W_]+(?:[-'.][^\W_]+)*", re.UNICODE)
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
SENTENCE_END = re.compile(r"[.!?;](?:\s|$)|[。！？；]|\n")
LEADING_MARKS = re.compile(r"^[^\w`'\"(\[]+", re.UNICODE)
SHORT_TITLE = 6
MAX_WORDS = 45
DETAIL_WORDS = 30
MAX_DETAILS = 3
MIN_DETAIL_WORDS = 8
MAX_DETAIL_LINES = 12
TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]|[^\W_]+", re.UNICODE)
CONTAINER_EXTRA_WORDS = 1
BRACKETS = re.compile(r"[(（][^)）]*[)）]")
EMOJI_MARK = re.compile(r"^[^\w\s]+$", re.UNICODE)
SAME_BLOCKER = 0.6
IDENTIFIER = re.compile(r"^(?=.*\d)(?=.*[a-z])[a-z0-9]+(?:[-_][a-z0-9]+)+$|^#\d+$")
NONE_WORDS = 12
COUNTED = re.compile(r"\d+\s+(?:[\w-]+\s+)?(?:blockers?|blocked)\b", re.IGNORECASE)
NOTHING = re.compile(
    r"^\W*(?:no|zero|0)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:issues|errors|blockers|problems|warnings|concerns|failures)\b",
    re.IGNORECASE,
)
ZERO = re.compile(r"^\W*0(?:\s|/|$)")
FIELD = re.compile(r"^\W*([^:：\n]{1,40}?)\W*[:：]\s*(\S.*)$")
ALPHA_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
MIN_ROW_WORDS = 3
BOLD_SHARE = 0.7

OPEN, RESOLVED, ISSUES, NOT = "open", "resolved", "issues", "not"


@dataclass(slots=True)
class Candidate:
    text: str
    line: int
    resolved: bool
    severity: str | None
    #: the list item it was read from, when it came from a sentence outside blocker sections
    item: ListItem | None = None
    block: int = -1


def _words(text: str) -> set[str]:
    text = CJK.sub(lambda m: f" {m.group(0)} ", text.lower())
    return set(WORD.findall(text))


def _clean(text: str) -> str:
    text = LEADING_MARKS.sub("", " ".join(text.split()))
    return text.strip(" -—–:：*")


def _cap(text: str) -> str:
    """The first sentences of ``text``, at most ``MAX_WORDS`` words (CJK characters count)."""
    words = 0
    end = len(text)
    position = 0
    for match in SENTENCE_END.finditer(text + "\n"):
        words += len(_words(text[position : match.end()]))
        if words > MAX_WORDS and position:
            end = position
            break
        position = match.end()
    return text[:end].strip()


def section_role(title: str, vocab: Vocabulary) -> str | None:
    """What a heading says about the items under it (how-to and lessons first: "Issues to
    fix later" is not a blocker list)."""
    sections = vocab.roles("sections")

    def found(role: str) -> bool:
        return role in sections and sections[role].found(title)

    if found("not_blockers") or found("howto"):
        return NOT
    if found("resolved"):
        return RESOLVED
    if found("blockers"):
        return OPEN
    if found("issues"):
        return ISSUES
    return None


def is_container(title: str, vocab: Vocabulary) -> bool:
    """A heading over a list of blockers ("Remaining Blockers", "Known Issues (3)") rather than
    a heading naming one ("Blocker 1: vi.waitFor is not a function (RESOLVED)", "The
    Blocker")."""
    if vocab.role("blockers", "single").exact(title):
        return False
    words = _words(_clean(BRACKETS.sub(" ", title)))
    sections = vocab.roles("sections")
    matched: set[str] = set()
    for role in ("blockers", "resolved", "issues", "not_blockers"):
        phrases = sections.get(role)
        if phrases is not None and phrases.pattern is not None:
            for match in phrases.pattern.finditer(title):
                matched |= _words(match.group(0))
    filler = vocab.role("blockers", "filler")
    rest = {w for w in words - matched if not w.isdigit() and not filler.exact(w)}
    return len(rest) <= CONTAINER_EXTRA_WORDS


def _context(doc: Document, section: Section | None) -> str | None:
    """The role of the nearest heading (the title aside) that has one."""
    while section is not None:
        is_title = section.parent is None and section.index == 0
        role = None if is_title else section_role(section.title, doc.vocab)
        if role is not None:
            return role
        section = None if section.parent is None else doc.sections[section.parent]
    return None


def _inside_cjk(text: str, position: int) -> bool:
    before = text[position - 1 : position]
    after = text[position + 1 : position + 2]
    return bool(CJK.match(before) or CJK.match(after))


def _severity(text: str, vocab: Vocabulary) -> tuple[str | None, bool | None]:
    """The severity named in ``text`` and whether it makes a blocker (None: none named).
    Words (``P2 - Medium``) outrank marks (🔴), which reports also use as bullets."""
    found: list[tuple[bool, int, str, bool]] = []  # (is mark, position, word, blocking)
    for role, blocking in (("blocking", True), ("minor", False)):
        phrases = vocab.role("severity", role)
        if phrases.pattern is None:
            continue
        for match in phrases.pattern.finditer(text):
            word = match.group(0).strip()
            if len(word) == 1 and CJK.match(word) and _inside_cjk(text, match.start()):
                continue  # 中 in 沙箱中 is no severity; a lone 中 or (高) is
            found.append((bool(EMOJI_MARK.match(word)), match.start(), word, blocking))
    if not found:
        return None, None
    _, _, word, blocking = min(found)
    return word, blocking


def _resolved(text: str, vocab: Vocabulary, default: bool) -> bool:
    """Resolved when the text says so before any word that keeps it open; else open when it
    says it is still open; else as its section says."""
    resolved = vocab.role("blockers", "resolved").search(text)
    still = vocab.role("blockers", "still").search(text)
    if resolved and not (still and still.start() < resolved.start()):
        return True
    if still:
        return False
    return default


def _names_failure(text: str, vocab: Vocabulary) -> bool:
    return vocab.role("blockers", "errors").found(text) or vocab.role("blockers", "open").found(
        text
    )


def _with_details(title: str, details: list[str], vocab: Vocabulary) -> str:
    """A title with as many detail lines as fit in ``DETAIL_WORDS`` words (the first one cut to
    fit); bookkeeping fields ("Status:", "Priority:", "Found during:") tell nothing about the
    problem and are left out."""
    text = _clean(title)
    count = len(_words(text))
    used = 0
    for detail in details:
        field = FIELD.match(detail)
        if field is not None and vocab.role("blockers", "bookkeeping").exact(field.group(1)):
            continue
        detail = _clean(detail)
        if not detail:
            continue
        more = len(_words(detail))
        if count + more > DETAIL_WORDS:
            if used:
                break
            detail = _cut(detail, max(DETAIL_WORDS - count, MIN_DETAIL_WORDS))
        joined = text and not text.endswith((":", "："))
        text = f"{text}: {detail}" if joined else f"{text} {detail}"
        count += more
        used += 1
        if count >= DETAIL_WORDS or used >= MAX_DETAILS:
            break
    return _cap(text.strip())


def _cut(text: str, words: int) -> str:
    """The first ``words`` words of ``text`` (CJK characters counted one by one)."""
    for seen, match in enumerate(TOKEN.finditer(text), start=1):
        if seen > words:
            return text[: match.start()].rstrip(" ,;:—-")
    return text


def _item_text(item: ListItem, vocab: Vocabulary) -> str:
    """An item's own words, with its first details (sub-items, later paragraphs)."""
    details = [b.text for b in item.blocks[1:] if b.kind == "paragraph"]
    details += [child.text for child in item.children]
    return _with_details(item.text, details, vocab)


def _heading_text(doc: Document, section: Section) -> str:
    """A heading naming a blocker, with the first lines of detail under it (paragraph lines
    and list items)."""
    details: list[str] = []
    for block in doc.blocks:
        if block.line <= section.line or block.section != section.index:
            continue
        if block.kind == "paragraph":
            details.extend(block.text.split("\n"))
        elif block.kind in ("heading", "fence", "table"):
            break
        if len(details) >= MAX_DETAIL_LINES:
            break
    return _with_details(section.title, details, doc.vocab)


def _subsections(doc: Document, section: Section) -> list[Section]:
    return [s for s in doc.sections if s.parent == section.index]


def _items_under(doc: Document, section: Section) -> Iterator[ListItem]:
    """Top-level list items directly under ``section`` (not under its sub-headings)."""
    for block in doc.blocks:
        if block.section == section.index and block.item is not None:
            item = block.item
            if item.parent is None and item.blocks and item.blocks[0] is block:
                yield item


def _titled_entries(doc: Document, section: Section) -> Iterator[tuple[Block, list[str]]]:
    """Entries written as a bold title line followed by a list of details
    ("**1. [Bug] migrate failed silently**" over "- Issue: ...", "- Fix: ...")."""
    title: Block | None = None
    details: list[str] = []
    for block in doc.blocks:
        if block.section != section.index:
            continue
        if block.kind == "paragraph" and block.item is None:
            if title is not None:
                yield title, details
            title, details = (block, []) if _bold_title(block) else (None, [])
        elif (
            block.kind == "paragraph"
            and title is not None
            and block.item is not None
            and block.item.parent is None
            and block.item.blocks[0] is block
        ):
            details.append(block.text)
    if title is not None:
        yield title, details


def _bold_title(block: Block) -> bool:
    text = block.text.strip()
    bold = sum(len(part) for part in block.inline.strong)
    return bool(text) and "\n" not in text and bold >= BOLD_SHARE * len(text)


def _grouping(title: str, vocab: Vocabulary, extra: int = CONTAINER_EXTRA_WORDS) -> bool | None:
    """A sub-heading that groups blockers by severity ("### High Priority", "CRÍTICAS (5/5)"):
    True when its entries are blockers, False when they are minor; None for other headings."""
    severity, blocking = _severity(title, vocab)
    if severity is None:
        return None
    words = _words(_clean(BRACKETS.sub(" ", title)))
    filler = vocab.role("blockers", "filler")
    rest = {
        w
        for w in words - _words(severity)
        if not w.isdigit() and not filler.exact(w) and section_role(w, vocab) is None
    }
    return blocking if len(rest) <= extra else None


def _says_none(text: str, vocab: Vocabulary) -> bool:
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


def _keep(text: str, role: str, strict: bool, vocab: Vocabulary) -> bool:
    """Whether an entry of a blocker section is a blocker: not empty, pre-existing or minor
    (unless the section calls it blocking); under problems-met or mixed headings, it must name
    a failure or a blocking severity (the rest describe fixes and outcomes)."""
    if not text or _says_none(text, vocab) or vocab.role("blockers", "not_blocker").found(text):
        return False
    _, blocking = _severity(text, vocab)
    named = strict or _names_failure(text, vocab) or blocking
    if role in (RESOLVED, ISSUES) and not named:
        return False
    return not (blocking is False and not strict)


def _from_section(
    doc: Document, section: Section, role: str, strict: bool, *, headings: bool = True
) -> Iterator[Candidate]:
    """Blockers under a container heading: its sub-headings, else its bold-titled entries,
    else its top-level items, else its table rows, else its paragraph lines."""
    vocab = doc.vocab
    default = role == RESOLVED
    subsections = _subsections(doc, section) if headings else []
    for sub in subsections:
        sub_role = section_role(sub.title, vocab)
        grouping = _grouping(sub.title, vocab)
        if sub_role == NOT or grouping is False:
            continue
        if grouping is True or (sub_role is not None and is_container(sub.title, vocab)):
            yield from _from_section(doc, sub, sub_role or role, strict)
            continue
        text = _heading_text(doc, sub)
        if _keep(text, role, strict, vocab):
            severity, _ = _severity(sub.title, vocab)
            yield Candidate(text, sub.line, _resolved(sub.title, vocab, default), severity)
    titled = [(t, d) for t, d in _titled_entries(doc, section) if d]
    for title, details in titled:
        text = _with_details(title.text, details, vocab)
        if _keep(text, role, strict, vocab):
            severity, _ = _severity(text, vocab)
            yield Candidate(text, title.line, _resolved(title.text, vocab, default), severity)
    if titled:
        return
    items = list(_items_under(doc, section))
    for item in items:
        text = _item_text(item, vocab)
        if _keep(text, role, strict, vocab):
            severity, _ = _severity(text, vocab)
            yield Candidate(text, item.line, _resolved(item.text, vocab, default), severity)
    if items or subsections:
        return
    for block in doc.blocks:
        if block.section != section.index:
            continue
        if block.kind == "table" and block.table is not None:
            for row in block.table.rows:
                text = _cap(" — ".join(t for t in row.texts if t))
                if len(ALPHA_WORD.findall(text)) >= MIN_ROW_WORDS and _keep(
                    text, role, strict, vocab
                ):
                    severity, _ = _severity(text, vocab)
                    yield Candidate(text, row.line, _resolved(text, vocab, default), severity)
        elif block.kind == "paragraph" and block.item is None:
            for offset, line in enumerate(block.text.split("\n")):
                text = _cap(_clean(line))
                field = FIELD.match(line)
                value = field.group(2) if field is not None else text
                if len(ALPHA_WORD.findall(value)) >= MIN_ROW_WORDS and _keep(
                    text, role, strict, vocab
                ):
                    severity, _ = _severity(text, vocab)
                    yield Candidate(
                        text, block.line + offset, _resolved(text, vocab, default), severity
                    )


def _sentences(text: str) -> Iterator[tuple[int, str]]:
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


def _is_label(label: str, vocab: Vocabulary) -> bool:
    """A field label that only names blockers ("Blockers", "Blocked on")."""
    matched: set[str] = set()
    phrases = vocab.role("sections", "blockers")
    if phrases.pattern is not None:
        for match in phrases.pattern.finditer(label):
            matched |= _words(match.group(0))
    filler = vocab.role("blockers", "filler")
    return not {w for w in _words(label) - matched if not filler.exact(w)}


def _loose(doc: Document, covered: set[int]) -> Iterator[Candidate]:
    """Outside blocker sections: headings naming a blocker, a "Blockers:" field's entries,
    sentences with a blocking word, and open items marked critical / high / P0."""
    vocab = doc.vocab
    strong = vocab.role("blockers", "strong")
    for block in doc.blocks:
        if block.kind not in ("paragraph", "heading") or block.section in covered:
            continue
        section = doc.section_of(block)
        if _context(doc, section) == NOT:
            continue
        if block.kind == "heading":
            if section is not None and section.index != 0 and strong.found(block.text):
                text = _heading_text(doc, section)
                yield Candidate(text, block.line, _resolved(block.text, vocab, False), None)
            continue
        if block.item is not None and block.item.blocks[0] is not block:
            continue
        for offset, line in enumerate(block.text.split("\n")):
            field = FIELD.match(line)
            if field is not None:
                label = field.group(1)
                if section_role(label, vocab) != OPEN or not _is_label(label, vocab):
                    continue  # "Status: BLOCKED" restates a blocker named elsewhere
                for _, sentence in _sentences(field.group(2)):
                    text = _cap(_clean(sentence))
                    if _keep(text, OPEN, True, vocab):
                        yield Candidate(text, block.line + offset, False, None)
                continue
            for _, sentence in _sentences(line):
                if (
                    not strong.found(sentence)
                    or COUNTED.search(sentence)
                    or vocab.role("blockers", "restating").found(sentence)
                ):
                    continue  # "resolved 2 critical blockers" sums up blockers named elsewhere
                text = _cap(_clean(sentence))
                if block.item is not None and offset == 0 and len(_words(line)) <= SHORT_TITLE:
                    text = _item_text(
                        block.item, vocab
                    )  # "**Dependency Blocker RESOLVED**" + details
                severity, _ = _severity(text, vocab)
                resolved = _resolved(sentence, vocab, False)
                yield Candidate(
                    text, block.line + offset, resolved, severity, block.item, block.index
                )
        item = block.item
        if item is not None:
            text = _item_text(item, vocab)
            severity, blocking = _severity(text, vocab)
            settled = vocab.role("status", "pass").found(text) or vocab.role(
                "blockers", "resolved"
            ).found(text)
            # a severity mark, not a blocking word naming the thing ("Blocking logic")
            marked = severity is not None and not vocab.role("blockers", "open").exact(severity)
            if blocking and marked and _names_failure(text, vocab) and not settled:
                yield Candidate(text, item.line, False, severity)


def _merge_runs(doc: Document, candidates: list[Candidate]) -> list[Candidate]:
    """Blocked sentences of sibling items ("- Cannot run pip (blocked)", "- Cannot run pkill
    (blocked)") tell one blocker: they are joined into the first."""
    merged: list[Candidate] = []
    for candidate in candidates:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.item is not None
            and candidate.item is not None
            and last.item is not candidate.item
            and last.item.parent is candidate.item.parent
            and last.item.depth == candidate.item.depth
            and all(b.item is not None for b in doc.blocks[last.block : candidate.block])
        ):
            last.text = _cap(f"{last.text}; {candidate.text}")
            last.item, last.block = candidate.item, candidate.block
            continue
        merged.append(candidate)
    return merged


def _covered_sections(doc: Document, roots: list[Section]) -> set[int]:
    covered = {s.index for s in roots}
    changed = True
    while changed:
        changed = False
        for section in doc.sections:
            if section.parent in covered and section.index not in covered:
                covered.add(section.index)
                changed = True
    return covered


def _roots(doc: Document) -> list[tuple[Section, str, bool]]:
    """Blocker headings not inside another one, with their role and whether only their
    entries (not sub-headings) count. A lessons or how-to heading above does not hide a
    blocker heading ("Lessons > Critical Blockers Encountered"), but hides mixed notes and
    severity groups ("Next Steps > High Priority")."""
    vocab = doc.vocab
    roots: list[tuple[Section, str, bool]] = []
    for section in doc.sections:
        title = BRACKETS.sub(" ", section.title)
        if section_role(section.title, vocab) == NOT:
            continue  # "Known Failing Tests (Expected)"
        # the title counts for a report that is a register of blockers ("# Blocked work"), not
        # for "Session 12 - BLOCKED" (one report about one blocked session)
        register = (
            section_role(title, vocab) == OPEN
            and is_container(title, vocab)
            and not any(ch.isdigit() for ch in title)
        )
        if section.parent is None and section.index == 0 and not register:
            continue
        # words in brackets qualify a heading, they do not make it a blocker list
        role = section_role(title, vocab)
        entries_only = False
        if role is None and vocab.role("blockers", "single").exact(section.title):
            role = OPEN
        rating = FIELD.match(section.title)
        rates_incident = rating is not None and vocab.role("blockers", "rating").exact(
            rating.group(1)
        )
        if role is None and not rates_incident and _grouping(section.title, vocab, extra=0):
            role, entries_only = OPEN, True  # "### 🔴 Critical Priority": its open entries
        if role not in (OPEN, RESOLVED, ISSUES):
            continue
        parent = None if section.parent is None else doc.sections[section.parent]
        if (role == ISSUES or entries_only) and _context(doc, parent) == NOT:
            continue
        inside = False
        while parent is not None and not inside:
            inside = section_role(parent.title, vocab) in (OPEN, RESOLVED, ISSUES) and not (
                parent.parent is None and parent.index == 0
            )
            parent = None if parent.parent is None else doc.sections[parent.parent]
        if not inside:
            roots.append((section, role, entries_only))
    return roots


def _same(words: set[str], other: set[str]) -> bool:
    """One blocker told twice: an identifier in common (``BUG-P1-002``, ``CRIT-001``, ``#12``)
    or most of the shorter text's words in the longer."""
    if not words or not other:
        return False
    ids = {w for w in words & other if IDENTIFIER.match(w)}
    return bool(ids) or len(words & other) / min(len(words), len(other)) >= SAME_BLOCKER


def extract_blockers(doc: Document) -> list[Blocker]:
    vocab = doc.vocab
    candidates: list[Candidate] = []
    roots = _roots(doc)
    for section, role, entries_only in roots:
        strict = vocab.role("blockers", "strong").found(section.title)
        if entries_only or is_container(section.title, vocab):
            candidates.extend(_from_section(doc, section, role, strict, headings=not entries_only))
        else:
            text = _heading_text(doc, section)
            if _keep(text, role, strict, vocab):
                severity, _ = _severity(section.title, vocab)
                resolved = _resolved(section.title, vocab, role == RESOLVED)
                candidates.append(Candidate(text, section.line, resolved, severity))
    candidates.extend(
        _merge_runs(doc, list(_loose(doc, _covered_sections(doc, [s for s, _, _ in roots]))))
    )

    kept: list[Candidate] = []
    for candidate in candidates:
        words = _words(candidate.text)
        if not words or vocab.role("blockers", "not_blocker").found(candidate.text):
            continue
        duplicate = next((k for k in kept if _same(words, _words(k.text))), None)
        if duplicate is not None:
            duplicate.resolved = duplicate.resolved or candidate.resolved
            continue
        kept.append(candidate)
    return [
        Blocker(text=c.text, resolved=c.resolved, severity=c.severity, line=c.line) for c in kept
    ]
