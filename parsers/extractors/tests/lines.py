"""Count lines in prose, headings and fences: runner summaries, labelled counts, per-file
runner results, with the context that says whether a line is a run of this session."""

from __future__ import annotations

import re

from parsers.context import in_baseline, in_forecast, is_before_label
from parsers.document import Block, Document
from parsers.extractors.tests.counts import (
    DIGIT,
    RATIO,
    _count_words,
    _counts_other_things,
    _mentions_counts,
    _runner_line,
    complete,
    count_role,
    read_counts,
)
from parsers.extractors.tests.runs import Runs
from parsers.fields import split_field
from parsers.models import TestRun
from parsers.tables import section_has
from parsers.vocabulary import Vocabulary

DOTNET_DLL = re.compile(r"-\s([\w.]+\.dll)")


HEADING_COUNT = re.compile(
    r"^[\d.\s]*(?P<name>[^()（）]{2,60}?)\s?[(（](?P<count>[^()（）]{1,30})[)）]"
)


TEST_FILE = re.compile(r"(?:^|[/_.])(?:test|tests|spec)[_.]|[_.](?:test|spec)\.\w+$|Tests?\.\w+$")


LEADING_MARKS = re.compile(r"^[\W_]+(?=\w)")


def earlier_session(doc: Document, block: Block) -> bool:
    """Counts of no run of this session: earlier runs (under a "Before"/"Baseline" heading or
    list intro) and expected ones (under "Expected results", "期待される結果")."""
    return in_baseline(doc, block) or in_forecast(doc, block)


def _baseline_label(label: str, vocab: Vocabulary) -> bool:
    """A label naming an earlier state ("Initial State", "Before", "Baseline")."""
    return vocab.role("sections", "baseline").exact(label) or is_before_label(label, vocab)


def _runner_suite(text: str, label: str | None) -> str | None:
    dll = DOTNET_DLL.search(text)
    if dll:
        return dll.group(1)
    return label


def _suite_in_line(block: Block, text: str) -> str | None:
    """A test file named in the line (``15/17 passing in `test_s3.py` ``) is the suite."""
    for code in block.inline.codes:
        if code in text and TEST_FILE.search(code):
            return code
    return None


def from_lines(doc: Document, runs: Runs, skip: frozenset[int] | set[int] = frozenset()) -> None:
    """Count lines of paragraphs, headings and fences (``skip``: lines already read)."""
    vocab = doc.vocab
    not_runs = vocab.role("tests", "not_runs")
    generic = vocab.role("tests", "total")
    count_words = _count_words(vocab)
    for block in doc.blocks:
        if block.kind not in ("paragraph", "fence", "heading"):
            continue
        body = block.content if block.kind == "fence" else block.text
        if DIGIT.search(body) is None or earlier_session(doc, block):
            continue
        if block.kind != "fence" and section_has(doc, block, "howto", 2):
            continue
        lines = body.split("\n")
        first_line = block.line + (1 if block.kind == "fence" else 0)
        for offset, raw in enumerate(lines[:2000]):
            text = raw.strip()
            if not text or len(text) > 400 or DIGIT.search(text) is None:
                continue
            if first_line + offset in skip:
                continue
            if block.kind == "fence" and COMMIT_LINE.match(text):
                continue  # "17b3289 Phase 2: 13 failed -> 0 (225/225 pass)": history, not a run
            per_file = RUNNER_FILE.match(text) if block.kind == "fence" else None
            if per_file is not None:
                runs.add(
                    _file_run(per_file),
                    per_file.group("pass") or per_file.group("fail"),
                    first_line + offset,
                )
                continue
            if "/" not in text and not _mentions_counts(text, count_words):
                continue  # no count word and no ratio: nothing to read
            parsed = split_field(text)
            label = parsed[0] if parsed else None
            value = parsed[1] if parsed else text
            if label is not None and (not_runs.found(label) or _baseline_label(label, vocab)):
                continue  # "Tests added: 12", "**Initial State**: 62 passed / 87 total"
            if vocab.role("tests", "not_tests").found(text[:24]):
                continue  # "Test Files  1 passed (1)" counts files, not tests
            counts = read_counts(
                value if parsed and count_role(label or "", vocab) is None else text, vocab, text
            )
            titled = HEADING_COUNT.match(text) if block.kind == "heading" else None
            if titled is not None and (counts.empty() or label is None):
                # "### 3. AuthService (11 tests) ✅", "### a.test.ts (17/17 passed)": the
                # heading names the suite its parenthesis counts
                if counts.empty():
                    counts = read_counts(titled.group("count"), vocab, text)
                label = titled.group("name")
            ratio_run = counts.empty() and RATIO.search(value) is not None
            all_passed = counts.total is not None and vocab.role("tests", "all_passed").found(text)
            if counts.empty() and not ratio_run and not all_passed:
                continue
            if ratio_run and not _ratio_is_tests(label, value, vocab):
                continue
            failures = RATIO.search(value) if ratio_run and label is not None else None
            if failures is not None and count_role(label or "", vocab) == "failed":
                # "Failing Tests (13/51)": the ratio counts failures out of the total
                counts.failed, counts.total = int(failures.group(1)), int(failures.group(2))
            window = text[:120]
            if not_runs.found(window) and not _runner_line(text, counts, vocab):
                continue
            runner = (
                block.kind == "fence"
                or _runner_line(text, counts, vocab)
                or _runner_context(text, block, vocab)
            )
            run = complete(
                counts, value, runner, vocab, ratio_run or _ratio_is_tests(label, value, vocab)
            )
            if run is None:
                continue
            single = sum(v is not None for v in (run.passed, run.failed, run.total)) <= 1
            named = (
                counts.marked
                or block.kind == "heading"  # "### AuthService (11 tests) ✅"
                or EXPLICIT_RUN.search(text) is not None  # "1282 tests passing"
            )
            if single and not runner and not named and not _tests_label(label, vocab):
                continue  # "Stability: 22 passing" restates a run; only a suite label names one
            suite = None
            if (
                label is not None
                and not generic.exact(label)
                and not vocab.role("tests", "generic_label").exact(label)
                and count_role(label, vocab) is None
            ):
                suite = LEADING_MARKS.sub("", label)
            named_suite = _suite_in_line(block, text) if block.kind != "fence" else None
            runs.add(run, named_suite or _runner_suite(text, suite), first_line + offset)


# a line of ``git log --oneline``: an abbreviated commit hash, then its message
COMMIT_LINE = re.compile(r"^[0-9a-f]{7,40}\s")


# vitest/jest per-file results: "✓ src/a.test.ts (8 tests)", "❯ src/b.test.ts (5 tests | 2 failed)"
RUNNER_FILE = re.compile(
    r"^(?:[✓✔√]|PASS)\s+(?P<pass>\S+\.\w+)\s+\((?P<n>\d+) tests?\b"
    r"|^(?:[✗×❯]|FAIL)\s+(?P<fail>\S+\.\w+)\s+\((?P<m>\d+) tests?\s?\|\s?(?P<f>\d+) failed"
)


EXPLICIT_RUN = re.compile(r"\d\s?tests?\s(?:passing|passed|failing|failed)\b", re.IGNORECASE)


RUNNER_TIMING = re.compile(r"\bin \d+(?:\.\d+)?\s?(?:s|ms|sec|seconds)\b")


def _runner_context(text: str, block: Block, vocab: Vocabulary) -> bool:
    """A count printed by a test runner: its timing (``26 passed in 0.03s``) or the runner's
    command on the same line (`` `uv run pytest tests/x.py` 通过（4 passed） ``)."""
    if RUNNER_TIMING.search(text):
        return True
    runners = vocab.role("commands", "test_runner")
    return any(runners.found(code) for code in block.inline.codes if code in text)


def _file_run(match: re.Match[str]) -> TestRun:
    if match.group("pass"):
        count = int(match.group("n"))
        return TestRun(total=count, passed=count, failed=0)
    total, failed = int(match.group("m")), int(match.group("f"))
    return TestRun(total=total, passed=total - failed, failed=failed)


def _tests_label(label: str | None, vocab: Vocabulary) -> bool:
    if label is None:
        return False
    return vocab.role("tests", "total").found(label) or vocab.role("columns", "suite").found(label)


RATIO_END = re.compile(r"[)\]）,;|]|\s[-–—]\s")


def _ratio_is_tests(label: str | None, value: str, vocab: Vocabulary) -> bool:
    """``Tests: 33/35 ✅`` or ``9/9 tests passed``: a ratio whose own words count tests
    (``(388/389) - 100 tests`` counts statements, the tests are another number)."""
    match = RATIO.search(value)
    if match is None:
        return False
    # only the words right after the ratio say what it counts: "(388/389) - 100 tests"
    after = RATIO_END.split(value[match.end() : match.end() + 16], maxsplit=1)[0]
    if _counts_other_things(after, vocab):
        return False
    if label is not None and vocab.role("coverage", "word").found(label):
        return False  # "Total Coverage: 100% (3736/3736 statements)"
    words = vocab.role("tests", "total")
    if words.found(after) or vocab.role("tests", "passed").found(after):
        return True
    return label is not None and (words.found(label) or vocab.role("tests", "passed").found(label))
