"""Labelled lines (``**Coverage**: 31.2% (from 1.7%)``) and sentences with a coverage word
beside a percentage."""

from __future__ import annotations

import re

from parsers.context import is_before_label
from parsers.document import Block, Document
from parsers.extractors.coverage.collect import TEST_NAME, Collector, Mention, mention_of
from parsers.extractors.coverage.scopes import (
    PARENS,
    REPORT_ARTIFACT,
    SEQUENCE_LABEL,
    measured,
    metric_of,
    not_a_scope,
    scope_of,
    target_in,
)
from parsers.fields import split_field
from parsers.quantities import ARROW, RANGE, Quantity, percentages
from parsers.tables import is_path, section_has
from parsers.vocabulary import NO_SPACE_SCRIPT, Phrases, Vocabulary

# "14. base_client: 99%": an item CommonMark kept in its paragraph (a list may not interrupt
# a paragraph unless it starts at 1)
LIST_LIKE = re.compile(r"^\s*(?:\d{1,3}[.)]|[-*+•])\s")


def _from_field(
    doc: Document,
    block: Block,
    parsed: tuple[str, str],
    raw: str,
    line: int,
    mention: Mention,
    out: Collector,
) -> bool:
    """A ``Label: 55%`` line; True when it was read as coverage (or as a forecast)."""
    vocab = doc.vocab
    label, value = parsed
    if not percentages(value):
        return False
    label_is_coverage = vocab.role("coverage", "word").found(label)
    listed = block.item is not None or LIST_LIKE.match(raw) is not None
    in_coverage = section_has(doc, block, "coverage", 2) or (
        # "- **Statements**: 69.03%" anywhere in a report titled as a coverage report, or in a
        # list under a coverage label ("Coverage:" / "- Branches: 80%")
        _metric_label(label, vocab) and (_coverage_report(doc) or _coverage_intro(block, vocab))
    )
    if not (label_is_coverage or (listed and (in_coverage or _source_label(label, value, vocab)))):
        return False
    not_coverage = vocab.role("coverage", "not_coverage")
    if not_coverage.found(label) or (
        not label_is_coverage and not_coverage.found(value.split("%")[0][-40:])
    ):
        return True
    quantity = measured(value)
    scope = scope_of(label, vocab)
    if mention.forecast or (quantity is None and RANGE.search(value)):
        out.forecast(scope, value, line)
        return True
    if mention.baseline or quantity is None or quantity.signed:
        return True  # a baseline, or a change ("+12%"), is no measurement
    earlier = [q for q in percentages(value) if q.start < quantity.start]
    if _aimed_at(value, quantity, earlier[-1] if earlier else None, vocab):
        return True  # "Coverage: JaCoCo 70% enforced", "Coverage: goal 80%"
    if is_before_label(label, vocab) or not_a_scope(label, vocab):
        return True
    metric = metric_of(label, vocab)
    if scope == "overall" and (label_is_coverage or _metric_label(label, vocab)):
        # "### 1. Queue Processors Module" over "- Coverage: 74%" or "- Branches: 97.18%"
        scope = _component_heading(doc, block) or scope
    estimated = vocab.role("coverage", "estimate").found(label + " " + value)
    listed_metrics = _metric_list(value, vocab) if metric is None else []
    if len(listed_metrics) >= 2:  # "61.6% statements, 46.76% branches, 51.8% functions"
        for figure, named in listed_metrics:
            out.add(scope, figure, line, None, named, estimated)
        if scope == "overall":
            out.headlines.update((named or "", round(f.value, 2)) for f, named in listed_metrics)
        return True
    out.add(scope, quantity, line, target_in(value, vocab), metric, estimated)
    if scope == "overall":
        out.headlines.add((metric or "", round(quantity.value, 2)))
    return True


# "46.76% branches": a percentage, then the word it measures
PERCENT_WORD = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d+)?\s?%\s?([^\W\d_]+)")


def _metric_list(value: str, vocab: Vocabulary) -> list[tuple[Quantity, str | None]]:
    """Each ``N% metric`` of a value listing several; empty unless every percentage in it is
    followed by a metric's name."""
    figures = percentages(value)
    words = PERCENT_WORD.findall(value)
    if len(words) != len(figures):
        return []
    listed: list[tuple[Quantity, str | None]] = []
    for figure, word in zip(figures, words, strict=True):
        if not _metric_label(word, vocab):
            return []
        listed.append((figure, metric_of(word, vocab)))
    return listed


def _metric_label(label: str, vocab: Vocabulary) -> bool:
    """A label naming a coverage metric ("Statements", "Branches", "% Lines")."""
    return metric_of(label, vocab) is not None or vocab.role("coverage", "statements").found(label)


def _coverage_intro(block: Block, vocab: Vocabulary) -> bool:
    """The block's list opens under a short coverage label ("Coverage:", "**Cobertura**")."""
    if block.item is None:
        return False
    intro = block.item.intro.strip().strip("*_:： ")
    return 0 < len(intro) <= 40 and vocab.role("coverage", "word").found(intro)


def _coverage_report(doc: Document) -> bool:
    """The report's title names coverage ("Test Coverage Report - E-commerce")."""
    title = doc.sections[0].title if doc.title_section == 0 else ""
    return bool(title) and doc.vocab.role("coverage", "word").found(title)


def _source_label(label: str, value: str, vocab: Vocabulary) -> bool:
    """``- config/validation.py: 279 statements (15%)``: a listed source file whose value is
    its percentage (and nothing a test run counts); a report file or a test file is no scope."""
    name = label.replace("`", "").replace("*", "").strip()
    if not is_path(name) or REPORT_ARTIFACT.search(name) or TEST_NAME.match(name):
        return False
    return not vocab.role("tests", "total").found(value.split("%", 1)[0])


def _counted_file(parsed: tuple[str, str], vocab: Vocabulary) -> bool:
    """``- auth.py: 124 statements (0%)``: a file's size and its percentage measure the file,
    even in a list of files to target next (a threshold names a metric: ``Branches: 80%``)."""
    label, value = parsed
    return _source_label(label, value, vocab) and COUNT_THEN_PERCENT.match(value) is not None


# "124 statements (0%)": a count, a word, then the percentage in brackets
COUNT_THEN_PERCENT = re.compile(r"^~?\d[\d,]*\s[^\W\d_]+\s?\(\s?\d{1,3}(?:\.\d+)?\s?%\)")


NUMBERED_TITLE = re.compile(r"^\s*\d{1,3}[.)]\s")
# a figure a heading gives after its name: " - 97.7% ✅", ": 86%"
TITLE_FIGURE = re.compile(r"\s[-–—:]\s*[*_~]*\d{1,3}(?:[.,]\d+)?\s?%.*$")


# CamelCase, snake_case, dotted or slashed names: identifiers of code
IDENTIFIER_WORD = re.compile(r"[a-z][A-Z]|[A-Za-z][_./][A-Za-z]|^[A-Z]{2,}[a-z]")


def _component_heading(doc: Document, block: Block) -> str | None:
    """``#### 1. ReplicationWorker (server)`` above ``- Coverage: 74%``: the figure belongs to
    the component the subsection is about, not to the whole project."""
    section = doc.section_of(block)
    if section is None or section.level < 3:
        return None
    title = section.title
    roles = doc.vocab.roles("sections")
    if any(phrases.found(title) for phrases in roles.values()):
        return None  # "### Coverage", "### Summary", "### Before": a role, not a component
    if doc.vocab.role("coverage", "word").found(title) or SEQUENCE_LABEL.match(title):
        return None
    numbered = NUMBERED_TITLE.match(title) is not None
    title = TITLE_FIGURE.sub("", title)  # "Queue Processors Module - 97.7% ✅": the name
    name = scope_of(PARENS.sub("", title), doc.vocab)
    if name == "overall" or len(name.split()) > 4:
        return None
    if not numbered and not any(IDENTIFIER_WORD.search(word) for word in name.split()):
        return None  # "The Numbers" titles prose; "ReplicationWorker", "2. Auth flow" name parts
    return name


def from_text(doc: Document, out: Collector) -> None:
    vocab = doc.vocab
    coverage_word = vocab.role("coverage", "word")
    not_coverage = vocab.role("coverage", "not_coverage")
    for block in doc.blocks:
        if block.kind not in ("paragraph", "heading"):
            continue
        in_coverage = section_has(doc, block, "coverage", 2)
        # "## Coverage Thresholds": what is required, not what was measured
        targets = section_has(doc, block, "targets", 1)
        for offset, raw in enumerate(block.text.split("\n")):
            if "%" not in raw:
                continue
            line = block.line + offset
            mention = mention_of(doc, block, raw)
            parsed = split_field(raw)
            if targets and not (parsed is not None and _counted_file(parsed, vocab)):
                continue
            if parsed is not None and _from_field(doc, block, parsed, raw, line, mention, out):
                continue
            if mention.baseline or mention.forecast:
                continue
            listed = block.item is not None or LIST_LIKE.match(raw) is not None
            if in_coverage and listed and _listed_path(doc, block, raw, out, line):
                continue
            found = percentages(raw)[:4]
            for index, quantity in enumerate(found):
                if quantity.operator is not None:
                    continue  # "achieve ≥67% overall coverage": a threshold, not a measurement
                if quantity.signed:
                    continue  # "(+10% controller coverage)": a change, not a measurement
                if _superseded(raw, quantity, found[index + 1 :], vocab):
                    continue  # "14% to 41%", "from 31%": an earlier value, not the measurement
                if _aimed_at(raw, quantity, found[index - 1] if index else None, vocab):
                    continue  # "increase coverage to 50%", "the 90% goal": not a measurement
                window = raw[max(0, quantity.start - 25) : quantity.start + 20]
                after = raw[quantity.start : quantity.start + 40]
                clause = re.split(
                    r"[.;:!?。]\s", raw[max(0, quantity.start - 80) : quantity.start]
                )[-1]
                if not coverage_word.found(after) and not coverage_word.found(clause):
                    continue
                if not_coverage.found(window) or vocab.role("sections", "baseline").found(window):
                    continue
                if vocab.role("sections", "forecast").found(window):
                    continue
                scope = _scope_in_sentence(block, raw, quantity.start, vocab)
                out.add(scope, quantity, line, target_in(raw, vocab), metric_of(after, vocab))


FROM_WORD = re.compile(r"(?:from|was|von|de|desde|从|から|에서)\s*$", re.IGNORECASE)


# the words right after a percentage, up to a mark or a number ("coverage goal" in "90% coverage
# goal."; nothing in "81% (≥80% minimum met)")
WORDS_AFTER = re.compile(r"[\s*_`]*((?:[^\W\d_][\w'-]*[\s*_`]*){1,3})")
# "31.2% to 55%": at most this many characters from one figure of a change to the next
MAX_CHANGE_GAP = 16
# what may stand between a goal word and its percentage: "required 30%", "goal: **80%**"
BEFORE_PADDING = " \t*_`(:："


def _aimed_at(raw: str, quantity: Quantity, previous: Quantity | None, vocab: Vocabulary) -> bool:
    """Whether the percentage at ``quantity`` is a goal or a bound the sentence aims at
    (``previous``: the percentage before it on the line, if any)."""
    before = raw[max(0, quantity.start - 40) : quantity.start].lower().rstrip(BEFORE_PADDING)
    if _ends_with(before, vocab.role("coverage", "aim_before")):
        return True
    # "14% to 41%", "from 31% to 55%": the end of a change, measured
    change = previous is not None and quantity.start - previous.start <= MAX_CHANGE_GAP
    if _ends_with(before, vocab.role("coverage", "aim_to")) and not change:
        clause = re.split(r"[.;:!?。,]\s", before)[-1]
        if not vocab.role("coverage", "change_done").found(clause):
            return True
    end = raw.find("%", quantity.start)
    words = WORDS_AFTER.match(raw, end + 1) if end >= 0 else None
    if words is None:
        return False
    aim_after = vocab.role("coverage", "aim_after")
    return any(aim_after.exact(word) for word in re.split(r"[\s*_`]+", words.group(1)) if word)


def _ends_with(text: str, phrases: Phrases) -> bool:
    """``text`` ends with one of the phrases, as whole words (a phrase in a script written
    without spaces may follow any character: "目标80%")."""
    for phrase in phrases.phrases:
        if text.endswith(phrase):
            at = len(text) - len(phrase)
            if at == 0 or not text[at - 1].isalnum() or NO_SPACE_SCRIPT.search(phrase):
                return True
    return False


def _superseded(raw: str, quantity: Quantity, later: list[Quantity], vocab: Vocabulary) -> bool:
    if FROM_WORD.search(raw[max(0, quantity.start - 8) : quantity.start]):
        return True
    if later:
        between = raw[quantity.start : later[0].start]
        return ARROW.search(" " + between.split("%", 1)[-1] + " ") is not None
    return False


def _listed_path(doc: Document, block: Block, raw: str, out: Collector, line: int) -> bool:
    """``- `src/core/adapters.py` - 100%`` under a coverage heading: the path is the scope."""
    found = percentages(raw)
    if not found:
        return False
    head = raw[: found[0].start]
    paths = [code for code in block.inline.codes if is_path(code) and code in head]
    if not paths:
        paths = [w.strip("*`,;()") for w in head.split() if is_path(w.strip("*`,;()"))]
    if not paths or doc.vocab.role("coverage", "not_coverage").found(raw):
        return False
    after = raw[found[0].start : found[0].start + 16]
    overall = doc.vocab.role("coverage", "overall").found(after)  # "(generated, 55% overall)"
    out.add("overall" if overall else paths[0], found[0], line)
    return True


def _scope_in_sentence(block: Block, text: str, position: int, vocab: Vocabulary) -> str:
    end = text.find("%", position)
    after = WORDS_AFTER.match(text, end + 1) if end >= 0 else None
    first = after.group(1).split()[0] if after is not None else ""
    if first and vocab.role("coverage", "overall").exact(first):
        return "overall"  # "(55% overall)", not "100% and overall coverage is 81%"
    for code in block.inline.codes:
        if is_path(code) and code in text[:position] and not REPORT_ARTIFACT.search(code):
            return code
    words = [w.strip("*`,;()") for w in text[:position].split()[-6:]]
    paths = [w for w in words if is_path(w) and not REPORT_ARTIFACT.search(w)]
    if paths:
        return paths[-1]
    return _subject(text[:position], vocab) or _object(text, end, vocab) or "overall"


# the words after a figure: "coverage on RelationshipService", "line coverage of `parse_report`"
WORDS_THEN_NAME = re.compile(r"[^\s*`]+")


def _object(text: str, end: int, vocab: Vocabulary) -> str | None:
    """The part of code named after the figure's coverage words ("100% coverage on
    RelationshipService", "92% line coverage of `parse_report`")."""
    if end < 0:
        return None
    words = WORDS_THEN_NAME.findall(text[end + 1 : end + 80])[:5]
    coverage_word = vocab.role("coverage", "word")
    prepositions = vocab.role("coverage", "preposition")
    for index, word in enumerate(words[:3]):
        if not coverage_word.exact(word.strip("_")) or index + 2 >= len(words):
            continue
        preposition, name = words[index + 1].lower(), words[index + 2].strip("_(),.;:")
        if prepositions.exact(preposition) or preposition == "on":
            return name if CODE_NAME.match(name) and not is_path(name) else None
    return None


# a named part of code or of a plan: "GestureDetector", "handle_timeout()", "P1"
CODE_NAME = re.compile(
    r"^(?:[A-Za-z_][\w.]*\(\)|[A-Z]{1,3}\d{1,2}|\w*[a-z][A-Z]\w*|[a-z]+_[a-z_]+)$"
)


# "**ReportingUtils** - 89.47% coverage", "response-context-builder: 100% coverage": a code
# name, then a dash or a colon right before the figure
NAMED_BEFORE = re.compile(r"(?:^|[\s*_`>])([\w.]+(?:-[\w.]+)*)[*_`]*\s?[-–—:：]\s*[*_`~]*$")
KEBAB_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+){1,5}$")


def _subject(before: str, vocab: Vocabulary) -> str | None:
    """The part of code a sentence gives the coverage of, named right before its verb:
    "`handleAwaitingApprovalPhase` has 0% unit test coverage", "P1 coverage is 64%",
    "GestureDetector which has 100% coverage" (``coverage.subject_link`` words), or right
    before a dash or colon ("**ReportingUtils** - 89.47% coverage")."""
    named = NAMED_BEFORE.search(before[-80:])
    if named is not None:
        name = named.group(1)
        if (CODE_NAME.match(name) or KEBAB_NAME.match(name)) and not is_path(name):
            return name
    clause = re.split(r"[.;:!?。,(]\s|[(]", before)[-1]
    words = [w.strip("*`'\"") for w in clause.split()]
    links = vocab.role("coverage", "subject_link")
    coverage_word = vocab.role("coverage", "word")
    filler = vocab.role("coverage", "filler")
    linked = False
    while words and (
        links.exact(words[-1]) or coverage_word.exact(words[-1]) or filler.exact(words[-1])
    ):
        linked = linked or links.exact(words[-1])
        words.pop()
    if not linked or not words:
        return None
    name = words[-1]
    return name if CODE_NAME.match(name) and not is_path(name) else None
