"""Tests: counts of test runs, per suite and in total.

Readers:

- tables with pass/fail count columns (one run per row, a TOTAL row for the grand total), and
  tables with a test-count column and a status column ("67 | ✅ All passing");
- runner summary lines wherever they appear: pytest ``41 failed, 331 passed``, jest/vitest
  ``Tests: 18 failed | 144 passed | 6 skipped (168)``, Ginkgo ``22 Passed | 0 Failed``, cargo
  ``test result: ok. 12 passed; 0 failed``, JUnit ``Tests run: 5, Failures: 1``, dotnet
  ``Failed: 0, Passed: 53, Skipped: 0, Total: 53``, mocha ``12 passing``;
- labelled prose: ``**Total Tests**: 51 (38 passing, 13 failing)``, ``- Utils: 74 passing``,
  ``33/35 ✅``, ``9/9 tests passed``.

Counts of tests written, planned or expected are not runs; neither are runs of earlier sessions.
A field the report does not state stays None; ``failed`` is 0 only where the report leaves no
doubt (``17/17``, "all passed", a runner line that omits zero counts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from parsers.context import in_baseline
from parsers.document import Block, Document
from parsers.fields import split_field
from parsers.models import TestRun
from parsers.tables import column_roles, name_column, section_has, status_of, table_kinds
from parsers.vocabulary import Phrases, Vocabulary, tokens

NUMBER = r"(\d{1,3}(?:[,\s]\d{3})+|\d+)"
# "<count> <word>" and "<word>: <count>", the two orders runners print counts in
COUNT_WORD = re.compile(
    NUMBER + r"\s?(?:tests?\s|個\s?|개\s?|件\s?|个\s?)?([^\W\d_]+(?:\s[^\W\d_]+)?)"
)
WORD_COUNT = re.compile(
    r"((?:[^\W\d_]+ )?[^\W\d_]+)[ \t]*[:：=][ \t]*" + NUMBER + r"(?![\d.%/]|\s?[^\W\d_])"
)
RATIO = re.compile(r"(?<![\d.])(\d{1,6})\s?/\s?(\d{1,6})(?![\d.]|\s?%)")
RATIO_WORD = re.compile(r"(?<![\d.])(\d{1,6})\s?/\s?(\d{1,6})\s?(?:tests?\s|specs?\s)?([^\W\d_]+)")
PARENS_TOTAL = re.compile(r"\((\d{1,6})\)")
TOTAL_AFTER = re.compile(NUMBER + r"\s?(?:total|in total|tests? total)", re.IGNORECASE)
DOTNET_DLL = re.compile(r"-\s([\w.]+\.dll)")
CARGO_SUITE = re.compile(r"Running\s.*?(?:tests?/|src/)?([\w\-]+)(?:\.rs)?")


def _int(text: str) -> int:
    return int(re.sub(r"[,\s]", "", text))


@dataclass(slots=True)
class Counts:
    passed: int | None = None
    failed: int | None = None
    skipped: int | None = None
    errors: int | None = None
    total: int | None = None
    words: list[str] = field(default_factory=list)
    #: passed only because of a pass mark beside "N tests"; says nothing of failures
    marked: bool = False

    def empty(self) -> bool:
        return self.passed is None and self.failed is None

    def set(self, role: str, value: int) -> None:
        if role == "skipped" and self.skipped is not None:
            self.skipped += value  # "3 skipped, 2 xfailed": both count as skipped
            return
        if getattr(self, role) is None:
            setattr(self, role, value)


def count_role(word: str, vocab: Vocabulary, after_number: bool = False) -> str | None:
    """passed / failed / skipped / errors / total for a runner's count word."""
    word = word.lower().strip()
    for role in ("passed", "failed", "skipped", "errors"):
        if vocab.role("tests", role).exact(word):
            return role
    parts = word.split()
    first = parts[0] if parts else word
    for role in ("passed", "failed", "skipped", "errors"):
        if vocab.role("tests", role).exact(first):
            return role
    if vocab.role("tests", "total").exact(word) or vocab.role("tests", "total").exact(first):
        return "total"
    if after_number and len(parts) == 2 and vocab.role("tests", "total").exact(parts[1]):
        return "total"  # "187 unit tests", "28 integration tests"
    return None


HEADING_COUNT = re.compile(
    r"^[\d.\s]*(?P<name>[^()（）]{2,60}?)\s?[(（](?P<count>[^()（）]{1,30})[)）]"
)
TEST_FILE = re.compile(r"(?:^|[/_.])(?:test|tests|spec)[_.]|[_.](?:test|spec)\.\w+$|Tests?\.\w+$")
DIGIT = re.compile(r"\d")
LEADING_MARKS = re.compile(r"^[\W_]+(?=\w)")
PASS_MARK = re.compile(r"[✅✔☑✓]")


def _n_tests(vocab: Vocabulary) -> re.Pattern[str]:
    """``19 tests`` / ``19 testes`` / ``19개 테스트``: a count followed by a word for tests."""
    return _count_then_word(vocab.role("tests", "total"))


@lru_cache(maxsize=8)
def _count_then_word(phrases: Phrases) -> re.Pattern[str]:
    words = phrases.pattern
    return re.compile(
        NUMBER + r"\s?(?:개|個|个|件)?\s?(?:" + (words.pattern if words else "tests") + ")",
        re.IGNORECASE,
    )


def read_counts(text: str, vocab: Vocabulary, marks: str = "") -> Counts:
    """Every ``N word`` / ``word: N`` count in one line of text (``marks``: the whole line,
    where a pass mark may stand before the label)."""
    counts = Counts()
    tests = _n_tests(vocab).match(text.lstrip("*_ (（"))  # the value opens with "19 tests"
    if (
        tests
        and PASS_MARK.search(marks or text)
        and "%" not in text  # "99% (388/389) - 100 tests ✅" is coverage with an inventory
        and not vocab.role("status", "fail").found(text)
    ):
        counts.passed = _int(tests.group(1))  # "Batch helpers: 19 tests ✅": passed, no more
        counts.words.append("tests")
        counts.marked = True
    for match in RATIO_WORD.finditer(text):
        role = count_role(match.group(3), vocab)
        between = text[match.end(2) : match.start(3)]
        if _counts_other_things(between, vocab):
            continue  # "6/6 checks passed", "3736/3736 statements"
        if role in ("passed", "failed"):  # "451/456 passing": 451 of 456
            counts.set(role, _int(match.group(1)))
            counts.set("total", _int(match.group(2)))
            counts.words.append(match.group(3))
            text = text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]
    for match in COUNT_WORD.finditer(text):
        role = count_role(match.group(2), vocab, after_number=True)
        if role is not None:
            counts.set(role, _int(match.group(1)))
            counts.words.append(match.group(2))
    for match in WORD_COUNT.finditer(text):
        role = count_role(match.group(1), vocab)
        if role is not None:
            counts.set(role, _int(match.group(2)))
            counts.words.append(match.group(1))
    return counts


def complete(
    counts: Counts, text: str, runner: bool, vocab: Vocabulary, ratio_counts_tests: bool = True
) -> TestRun | None:
    """Fill what the line leaves no doubt about; None when it states no run.

    ``ratio_counts_tests`` says whether a bare ``a/b`` in the text counts tests (it may count
    statements: ``99% (388/389) - 100 tests``)."""
    ratio = RATIO.search(text) if ratio_counts_tests else None
    if ratio is not None and counts.passed == int(ratio.group(1)) and counts.total is None:
        counts.total = int(ratio.group(2))  # "9/9 tests passed"
    if (
        counts.passed is not None
        and counts.failed is None
        and vocab.role("tests", "all_passed").found(text)
    ):
        counts.failed = 0
    if counts.total is None:
        total = TOTAL_AFTER.search(text) or PARENS_TOTAL.search(text)
        if total is not None:
            counts.total = _int(total.group(1))
    if counts.empty() and ratio is not None:
        done, total_count = int(ratio.group(1)), int(ratio.group(2))
        if total_count == 0 or done > total_count:
            return None
        counts.passed, counts.total = done, total_count
        counts.failed = total_count - done
    if counts.empty() and counts.total is not None and runner:
        counts.passed = counts.total - sum(v or 0 for v in (counts.failed, counts.errors))
    if counts.empty():
        return None
    if counts.passed is None and counts.total is not None and counts.failed is not None:
        # "Tests run: 5, Failures: 1, Errors: 0, Skipped: 0"
        counts.passed = counts.total - counts.failed - (counts.errors or 0) - (counts.skipped or 0)
    if counts.passed is not None and counts.failed is None and not counts.marked:
        if runner or (counts.total is not None and counts.total == counts.passed):
            counts.failed = 0  # a runner omits zero counts; "17/17 passed" has none failing
        elif counts.total is not None and counts.skipped is None:
            counts.failed = counts.total - counts.passed if counts.total > counts.passed else None
    if counts.total is None and runner and counts.passed is not None:
        counts.total = sum(
            v for v in (counts.passed, counts.failed, counts.skipped, counts.errors) if v
        )
    return TestRun(
        total=counts.total,
        passed=counts.passed,
        failed=counts.failed,
        skipped=counts.skipped,
        errors=counts.errors,
    )


class Runs:
    def _restated(self, run: TestRun) -> bool:
        """A partial count that an earlier run already holds (``42 tests failing`` after a
        table whose total row says 42 failed)."""
        stated = {k: v for k, v in _fields(run).items() if v is not None}
        if len(stated) > 1:
            return False
        return any(all(_fields(other)[k] == v for k, v in stated.items()) for other in self.runs)

    def __init__(self) -> None:
        self.runs: list[TestRun] = []
        self.seen: set[tuple[str | None, int | None, int | None, int | None]] = set()

    def add(self, run: TestRun | None, suite: str | None, line: int) -> None:
        if run is None or self._restated(run):
            return
        suite = (suite or "").strip(" *_`:-") or None
        key = (suite.lower() if suite else None, run.total, run.passed, run.failed)
        loose = (None, run.total, run.passed, run.failed)
        if key in self.seen or (
            suite is None and any((k[1], k[2], k[3]) == loose[1:] for k in self.seen)
        ):
            return
        self.seen.add(key)
        run.suite = suite
        run.line = line
        self.runs.append(run)


def _fields(run: TestRun) -> dict[str, int | None]:
    return {"total": run.total, "passed": run.passed, "failed": run.failed}


def from_tables(doc: Document, runs: Runs) -> None:
    vocab = doc.vocab
    summary = vocab.role("gates", "summary_row")
    for block in doc.blocks:
        table = block.table
        if table is None or _earlier(doc, block) or _history(table.header_texts, vocab):
            continue
        columns = column_roles(table.header_texts, vocab)
        kinds = table_kinds(doc, block)
        count_columns = {
            role: columns.roles[role]
            for role in ("passed", "failed", "skipped", "errors", "total")
            if role in columns.roles
        }
        if "tests" not in kinds and not ("total" in count_columns and columns.has("status")):
            continue
        if "tests" not in kinds and not section_has(doc, block, "tests", 2):
            total_header = table.header_texts[count_columns["total"]]
            if not vocab.role("tests", "total").found(total_header):
                continue
        name_at = name_column(table, columns)
        for row in table.rows:
            texts = row.texts
            counts = Counts()
            for role, index in count_columns.items():
                if index < len(texts):
                    number = re.match(r"^\D{0,3}?(\d[\d,]*)", texts[index].replace("**", ""))
                    if number:
                        counts.set(role, _int(number.group(1)))
            if "tests" not in kinds:
                status_at = columns.get("status")
                status_text = (
                    texts[status_at] if status_at is not None and status_at < len(texts) else ""
                )
                inner = read_counts(status_text, vocab)
                if not inner.empty():
                    counts.passed, counts.failed = inner.passed, inner.failed
                elif vocab.role("tests", "qualified").found(status_text):
                    pass  # "Mostly passing": the count of tests, nothing about failures
                elif status_of(status_text, vocab) == "pass" and counts.total is not None:
                    counts.passed, counts.failed = counts.total, 0
                else:
                    continue
            if counts.total is not None and counts.passed is None and counts.failed is not None:
                counts.passed = counts.total - counts.failed - (counts.skipped or 0)
            if counts.failed is None and counts.total is not None and counts.passed is not None:
                counts.failed = max(counts.total - counts.passed - (counts.skipped or 0), 0)
            if counts.empty() and counts.total is not None:
                run: TestRun | None = TestRun(total=counts.total)
            else:
                run = complete(counts, "", False, vocab) if not counts.empty() else None
            name = texts[name_at] if name_at < len(texts) else ""
            suite = None if summary.exact(name) else name
            runs.add(run, suite, row.line)


def _count_words(vocab: Vocabulary) -> frozenset[str]:
    """Every single word that can label a count (passed, failed, tests, 通过, ...)."""
    words: set[str] = set()
    for role in ("passed", "failed", "skipped", "errors", "total"):
        phrases = vocab.role("tests", role)
        words.update(phrase.split()[0] for phrase in phrases.word_phrases if phrase)
        words.update(phrases.literals)
    return frozenset(words)


def _mentions_counts(text: str, count_words: frozenset[str]) -> bool:
    if any(token in count_words for token, _, _ in tokens(text)):
        return True
    if text.isascii():
        return False
    return any(word in text for word in _unspaced(count_words))


@lru_cache(maxsize=8)
def _unspaced(words: frozenset[str]) -> tuple[str, ...]:
    """Count words of scripts written without spaces: looked up as substrings."""
    return tuple(word for word in words if not word.isascii())


def _history(headers: list[str], vocab: Vocabulary) -> bool:
    """``Session | Passed | Failed``: one row per earlier session, not runs of this one."""
    first = headers[0] if headers else ""
    return any(vocab.role("meta", role).exact(first) for role in ("sequence", "date"))


def from_table_cells(doc: Document, runs: Runs) -> None:
    """Runner output quoted in a cell of another table (``| `pytest` | 234 passed |``)."""
    vocab = doc.vocab
    count_words = _count_words(vocab)
    for block in doc.blocks:
        table = block.table
        if table is None or "tests" in table_kinds(doc, block) or _earlier(doc, block):
            continue
        for row in table.rows:
            for text in row.texts:
                if DIGIT.search(text) is None or not _mentions_counts(text, count_words):
                    continue
                counts = read_counts(text, vocab)
                if _runner_line(text, counts, vocab) or RATIO_WORD.search(text):
                    runs.add(complete(counts, text, True, vocab), None, row.line)


def from_key_value_tables(doc: Document, runs: Runs) -> None:
    """``| Total Tests | 12 |`` / ``| Passed | 12 |`` rows of a two-column table: one run."""
    vocab = doc.vocab
    for block in doc.blocks:
        table = block.table
        if table is None or len(table.header) != 2 or _earlier(doc, block):
            continue
        text = ", ".join(
            f"{row.texts[0]}: {row.texts[1]}" for row in table.rows if len(row.texts) == 2
        )
        counts = read_counts(text.replace("*", ""), vocab)
        if counts.passed is None or len(set(counts.words)) < 2:
            continue
        runs.add(complete(counts, text, True, vocab), None, table.line)


def _earlier(doc: Document, block: Block) -> bool:
    """Runs of earlier sessions: under a "Before"/"Baseline" heading or list intro."""
    return in_baseline(doc, block)


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


def from_lines(doc: Document, runs: Runs) -> None:
    vocab = doc.vocab
    not_runs = vocab.role("tests", "not_runs")
    generic = vocab.role("tests", "total")
    count_words = _count_words(vocab)
    for block in doc.blocks:
        if block.kind not in ("paragraph", "fence", "heading"):
            continue
        body = block.content if block.kind == "fence" else block.text
        if DIGIT.search(body) is None or _earlier(doc, block):
            continue
        if block.kind != "fence" and section_has(doc, block, "howto", 2):
            continue
        lines = body.split("\n")
        first_line = block.line + (1 if block.kind == "fence" else 0)
        for offset, raw in enumerate(lines[:2000]):
            text = raw.strip()
            if not text or len(text) > 400 or DIGIT.search(text) is None:
                continue
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
            if label is not None and not_runs.found(label):
                continue
            if vocab.role("tests", "not_tests").found(text[:24]):
                continue  # "Test Files  1 passed (1)" counts files, not tests
            counts = read_counts(
                value if parsed and count_role(label or "", vocab) is None else text, vocab, text
            )
            if counts.empty() and block.kind == "heading":
                titled = HEADING_COUNT.match(text)  # "### 3. AuthService (11 tests) ✅"
                if titled is not None:
                    counts = read_counts(titled.group("count"), vocab, text)
                    label = titled.group("name")
            ratio_run = counts.empty() and RATIO.search(value) is not None
            all_passed = counts.total is not None and vocab.role("tests", "all_passed").found(text)
            if counts.empty() and not ratio_run and not all_passed:
                continue
            if ratio_run and not _ratio_is_tests(label, value, vocab):
                continue
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


def _runner_line(text: str, counts: Counts, vocab: Vocabulary) -> bool:
    """Two or more distinct count words on one line is a runner's summary."""
    return len({count_role(word, vocab) for word in counts.words} - {None}) >= 2


def _counts_other_things(words: str, vocab: Vocabulary) -> bool:
    """Words between a count and its verb name what is counted: checks, files, statements...
    unless they also say tests ("JS modules/regression tests passed")."""
    if not words.strip():
        return False
    if vocab.role("tests", "total").found(words):
        return False
    return vocab.role("tests", "not_tests").found(words)


def _ratio_is_tests(label: str | None, value: str, vocab: Vocabulary) -> bool:
    """``Tests: 33/35 ✅`` or ``9/9 tests passed``: a ratio whose own words count tests
    (``(388/389) - 100 tests`` counts statements, the tests are another number)."""
    match = RATIO.search(value)
    if match is None:
        return False
    after = value[match.end() : match.end() + 16]
    if _counts_other_things(after.split(")")[0], vocab):
        return False
    if label is not None and vocab.role("coverage", "word").found(label):
        return False  # "Total Coverage: 100% (3736/3736 statements)"
    words = vocab.role("tests", "total")
    if words.found(after) or vocab.role("tests", "passed").found(after):
        return True
    return label is not None and (words.found(label) or vocab.role("tests", "passed").found(label))


def extract_tests(doc: Document) -> list[TestRun]:
    runs = Runs()
    from_tables(doc, runs)
    from_key_value_tables(doc, runs)
    from_lines(doc, runs)
    from_table_cells(doc, runs)
    return sorted(runs.runs, key=lambda run: run.line or 0)
