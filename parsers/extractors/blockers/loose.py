"""Blockers stated outside blocker headings: headings and sentences with a blocking word, a
"Blockers:" field, open items marked critical / high / P0.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from parsers.document import Block, Document, ListItem, Section
from parsers.extractors.blockers.entries import Candidate, keep
from parsers.extractors.blockers.headings import (
    BRACKETS,
    NOT,
    OPEN,
    RESOLVED,
    is_container,
    role_context,
    section_role,
)
from parsers.extractors.blockers.text import (
    FIELD,
    cap,
    clean,
    heading_text,
    item_text,
    names_failure,
    only_status,
    resolved_in,
    sentences,
    severity_of,
    with_details,
    words_of,
)
from parsers.matching import has
from parsers.vocabulary import Vocabulary

SHORT_TITLE = 6
#: marks that tick an item off as done
TICKS = ("✓", "✔", "☑", "✅")
#: "P0: 0, P1: 1 (FEAT-006)": a count right after the severity word
COUNT_AFTER = re.compile(r"[*_\s]{0,4}[:：=][*_\s]{0,4}\d+(?![\d.%])")
TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
#: the blocks (heading included) in which a heading's rating field is looked for
RATED_BLOCKS = 4
COUNTED = re.compile(r"(?<![\w.])\d+\s+(?:[\w-]+\s+)?(?:blockers?|blocked)\b", re.IGNORECASE)


def _is_label(label: str, vocab: Vocabulary) -> bool:
    """A field label that only names blockers ("Blockers", "Blocked on")."""
    matched: set[str] = set()
    phrases = vocab.role("sections", "blockers")
    if phrases.pattern is not None:
        for match in phrases.pattern.finditer(label):
            matched |= words_of(match.group(0))
    filler = vocab.role("blockers", "filler")
    return not {w for w in words_of(label) - matched if not filler.exact(w)}


def loose_candidates(doc: Document, covered: set[int]) -> Iterator[Candidate]:
    """Outside blocker sections: headings naming a blocker, a "Blockers:" field's entries,
    sentences with a blocking word, and open items marked critical / high / P0."""
    vocab = doc.vocab
    strong = vocab.role("blockers", "strong")
    for block in doc.blocks:
        if block.kind not in ("paragraph", "heading") or block.section in covered:
            continue
        section = doc.section_of(block)
        if role_context(doc, section) == NOT:
            continue
        if block.kind == "heading":
            if section is None or section.index == 0:
                continue
            if has(strong, block.text):
                text = heading_text(doc, section)
                yield Candidate(text, block.line, resolved_in(block.text, vocab, False), None)
                continue
            rated = _rated_heading(doc, section)
            if rated is not None:
                yield rated
            continue
        if block.item is not None and block.item.blocks[0] is not block:
            continue
        if block.item is not None and _howto_list(block.item, vocab):
            continue  # "RECOMMENDED ACTIONS:" over "- Monitor for blockers as work begins"
        if block.item is not None and (
            block.item.checkbox or _ticked(block.text, vocab) or _past(doc, block)
        ):
            continue  # "- [x] Blocked items linked", "✓ Blocker info displayed", "Before: - ❌ .."
        for offset, line in _field_lines(block.text, vocab):
            field = FIELD.match(line)
            if field is not None:
                label = field.group(1)
                if section_role(label, vocab) != OPEN or not _is_label(label, vocab):
                    if _fixed_label(label, vocab):
                        # "**Bug Fixed**: Critical validation bug where price = 0 was skipped"
                        text = cap(clean(field.group(2)))
                        if keep(text, RESOLVED, False, vocab):
                            severity, _ = severity_of(text, vocab)
                            yield Candidate(text, block.line + offset, True, severity)
                        continue
                    if _named_state(block, label, field.group(2), vocab):
                        # "1. **Frontend-recovery (Window 6):** STUCK" over what is wrong
                        text = item_text(block.item, vocab) if block.item else cap(clean(line))
                        yield Candidate(text, block.line + offset, False, None)
                        continue
                    if not _progress_label(label, vocab):
                        continue  # "Status: BLOCKED" restates a blocker named elsewhere
                    # "Phase 1: 6/9 - P1.8 blocked": the value names the blocked items
                    yield from _sentence_candidates(doc, block, field.group(2), offset, vocab)
                    continue
                for _, sentence in sentences(field.group(2)):
                    if COUNTED.search(sentence):
                        continue  # "Blockers: 2 gates blocked by ..." counts blockers
                    text = cap(clean(sentence))
                    if keep(text, OPEN, True, vocab):
                        yield Candidate(text, block.line + offset, False, None)
                continue
            if not has(strong, line):
                continue  # no blocking word on the line: no sentence of it can state one
            introduced = _introduced(doc, block, line, offset)
            if introduced:
                yield from introduced
                continue
            for _, sentence in sentences(line):
                if (
                    not has(strong, sentence)
                    or COUNTED.search(sentence)
                    or has(vocab.role("blockers", "restating"), sentence)
                ):
                    continue  # "resolved 2 critical blockers" sums up blockers named elsewhere
                text = cap(clean(sentence))
                if block.item is not None and offset == 0 and len(words_of(line)) <= SHORT_TITLE:
                    text = item_text(
                        block.item, vocab
                    )  # "**Dependency Blocker RESOLVED**" + details
                severity, _ = severity_of(text, vocab)
                resolved = resolved_in(sentence, vocab, False)
                yield Candidate(
                    text, block.line + offset, resolved, severity, block.item, block.index
                )
        item = block.item
        if item is not None and _rated(item, vocab):
            text = item_text(item, vocab)
            severity, blocking = severity_of(text, vocab)
            settled = has(vocab.role("status", "pass"), text) or has(
                vocab.role("blockers", "resolved"), text
            )
            # a severity mark, not a blocking word naming the thing ("Blocking logic")
            marked = severity is not None and not vocab.role("blockers", "open").exact(severity)
            tally = _tally(text, vocab)
            if blocking and marked and names_failure(text, vocab) and not settled and not tally:
                yield Candidate(text, item.line, False, severity)


LABEL_LINE = re.compile(r"^\W{0,8}(\w[^:：\n]{0,39}?)[\s*_]{0,4}[:：]\s*$")


def _field_lines(text: str, vocab: Vocabulary) -> Iterator[tuple[int, str]]:
    """The lines of a paragraph with their offsets; a line that is only a blockers label
    ("⚠️ Blockers:") gives its value to each line after it ("None currently"), as if each
    were written "Blockers: ..." (the label alone states no blocker)."""
    lines = text.split("\n")
    label: str | None = None
    for offset, line in enumerate(lines):
        if label is not None:
            yield offset, f"{label}: {line}"
            continue
        only = LABEL_LINE.match(line)
        if (
            only is not None
            and offset + 1 < len(lines)
            and section_role(only.group(1), vocab) == OPEN
            and _is_label(only.group(1), vocab)
        ):
            label = only.group(1)
            continue
        yield offset, line


#: a label, not a sentence: "📝 RECOMMENDED ACTIONS:", not "..., the session:"
HOWTO_LABEL_WORDS = 4


def _fixed_label(label: str, vocab: Vocabulary) -> bool:
    """A label naming a problem and its fix, and nothing else ("Bug Fixed", "Issue resolved",
    "Fixed bug")."""
    words = [
        w for w in TOKEN.findall(label.lower()) if not vocab.role("blockers", "filler").exact(w)
    ]
    single = vocab.role("blockers", "single")
    resolved = vocab.role("blockers", "resolved")
    return (
        len(words) == 2
        and any(single.exact(w) for w in words)
        and any(resolved.exact(w) for w in words)
    )


def _named_state(block: Block, label: str, value: str, vocab: Vocabulary) -> bool:
    """An item that names a thing and says only that it is blocked ("**QA-validator (Window
    4):** STUCK"), not a state field ("Status: BLOCKED") nor a gate's verdict."""
    if block.item is None or block.item.parent is not None or not only_status(value, vocab):
        return False
    if not has(vocab.role("blockers", "strong"), value):
        return False
    meta = any(phrases.exact(label) for phrases in vocab.roles("meta").values())
    return not (meta or has(vocab.role("gates", "word"), label))


def _progress_label(label: str, vocab: Vocabulary) -> bool:
    """A label naming a unit of work and its number ("Phase 1", "Sprint 3"), whose value
    tells how its items stand; a state label ("Status") only restates."""
    words = label.split()
    return (
        len(words) == 2 and words[1][:1].isdigit() and vocab.role("meta", "scope").exact(words[0])
    )


def _sentence_candidates(
    doc: Document, block: Block, text: str, offset: int, vocab: Vocabulary
) -> Iterator[Candidate]:
    strong = vocab.role("blockers", "strong")
    for _, sentence in sentences(text):
        if not has(strong, sentence) or COUNTED.search(sentence):
            continue
        severity, _ = severity_of(sentence, vocab)
        yield Candidate(
            cap(clean(sentence)),
            block.line + offset,
            resolved_in(sentence, vocab, False),
            severity,
            block.item,
            block.index,
        )


def _howto_list(item: ListItem, vocab: Vocabulary) -> bool:
    """The item's list is introduced by a label line of how-to or lessons words ("📝
    RECOMMENDED ACTIONS:", "Next steps:"): its items say what to do, not what stops work."""
    while item.parent is not None:
        item = item.parent
    label = item.intro.strip().rsplit("\n", 1)[-1].strip("*_ ")
    if not label.endswith((":", "：")) or len(label.split()) > HOWTO_LABEL_WORDS:
        return False
    return section_role(label.rstrip(":：").strip("*_ "), vocab) == NOT


def _introduced(doc: Document, block: Block, line: str, offset: int) -> list[Candidate]:
    """A free paragraph's last line that names a blocker and ends in a colon, over a list
    ("**Database modules (Pydantic v2 blocker):**" over its items): the line with the items
    it introduces is one blocker. A line that only labels blockers ("**Remaining blockers (all
    require the API key)**:") introduces one blocker per item instead."""
    vocab = doc.vocab
    following = doc.blocks[block.index + 1] if block.index + 1 < len(doc.blocks) else None
    if (
        block.item is not None
        or offset != block.text.count("\n")
        or not line.rstrip(" *_").endswith((":", "："))
        or following is None
        or following.item is None
        or following.section != block.section
        or COUNTED.search(line)
        or has(vocab.role("blockers", "restating"), line)
    ):
        return []
    items: list[ListItem] = []
    for later in doc.blocks[following.index :]:
        if later.item is None:
            break
        if later.item.parent is None and later.item.blocks[0] is later:
            items.append(later.item)
    label = clean(BRACKETS.sub(" ", line)).rstrip(":： ")
    if section_role(label, vocab) == OPEN and is_container(line.rstrip(":： *_"), vocab):
        listed = []
        for item in items:
            text = item_text(item, vocab)
            if keep(text, OPEN, False, vocab):
                severity, _ = severity_of(text, vocab)
                listed.append(
                    Candidate(text, item.line, resolved_in(item.text, vocab, False), severity)
                )
        return listed
    texts = [item.text for item in items]
    text = with_details(line, texts, vocab)
    severity, _ = severity_of(text, vocab)
    resolved = resolved_in(" ".join([line, *texts]), vocab, False)
    return [Candidate(text, block.line + offset, resolved, severity)]


def _ticked(text: str, vocab: Vocabulary) -> bool:
    """An item ticked off as done ("✓ Blocker info displayed") that says nothing was resolved:
    a feature or check named with a blocker word, not a blocker."""
    text = text.lstrip()
    tick = next((mark for mark in TICKS if text.startswith(mark)), None)
    rest = text[len(tick) :] if tick is not None else ""
    return tick is not None and vocab.role("blockers", "resolved").search(rest) is None


def _past(doc: Document, block: Block) -> bool:
    """An item of a list introduced as an earlier state ("**Before All Sessions:**",
    "Previously:"): what was wrong then, not what stops progress now."""
    lead = doc.lead_in(block)
    if lead is None:
        return False
    words = TOKEN.findall(lead.text.lower())
    return bool(words) and (
        doc.vocab.role("sections", "before_label").exact(words[0])
        or has(doc.vocab.role("sections", "baseline"), lead.text)
    )


def _tally(text: str, vocab: Vocabulary) -> bool:
    """The text counts rated items ("P1 bug fixes (2 critical bugs)", "P0: 0, P1: 1"): a
    number right before or after a blocking severity word sums up items listed elsewhere."""
    phrases = vocab.role("severity", "blocking")
    if phrases.pattern is None:
        return False
    return any(
        _number_before(text, m.start()) or COUNT_AFTER.match(text, m.end())
        for m in phrases.pattern.finditer(text)
    )


def _number_before(text: str, end: int) -> bool:
    """A number, then only spaces, right before ``end`` (looked at backwards from ``end``: a
    search of the whole text before each severity word was quadratic)."""
    at = end - 1
    while at >= 0 and text[at].isspace():
        at -= 1
    return at >= 0 and text[at].isdecimal()


def _rated_heading(doc: Document, section: Section) -> Candidate | None:
    """A heading over one open problem rated critical / high / P0 by a field in its first
    lines ("### Missing request timeouts" over "**Impact**: High - requests hang"): a
    blocker when its words name a failure and nothing says it is settled."""
    vocab = doc.vocab
    rating: str | None = None
    for block in doc.blocks_in(section.index)[1:RATED_BLOCKS]:
        if block.kind != "paragraph":
            break
        for line in block.text.split("\n"):
            field = FIELD.match(line)
            if field is not None and vocab.role("blockers", "rating").exact(field.group(1)):
                severity, blocking = severity_of(field.group(2), vocab)
                if blocking and severity is not None:
                    rating = severity
        if rating is not None:
            break
    if rating is None:
        return None
    text = heading_text(doc, section)
    settled = has(vocab.role("status", "pass"), text) or has(
        vocab.role("blockers", "resolved"), text
    )
    if settled or not names_failure(text, vocab):
        return None
    return Candidate(text, section.line, False, rating)


def _rated(item: ListItem, vocab: Vocabulary) -> bool:
    """The item or its first details name a severity (a cheap test before reading it)."""
    blocking = vocab.role("severity", "blocking")
    texts = [item.text, *(child.text for child in item.children[:3])]
    return any(has(blocking, text) for text in texts)


def merge_runs(doc: Document, candidates: list[Candidate]) -> list[Candidate]:
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
            last.text = cap(f"{last.text}; {candidate.text}")
            last.item, last.block = candidate.item, candidate.block
            continue
        merged.append(candidate)
    return merged
