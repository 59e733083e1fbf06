"""Reading counts in one line: ``N word`` and ``word: N`` in every runner's and language's
words, ratios (``451/456 passing``), totals, and completing what the line leaves no doubt about."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from parsers.models import TestRun
from parsers.vocabulary import Phrases, Vocabulary, tokens

NUMBER = r"(?<!\d)(\d{1,3}(?:[,\s]\d{3})+|\d+)"  # anchored at a run's start: linear on "1111"


# "<count> <word>" and "<word>: <count>", the two orders runners print counts in
COUNT_WORD = re.compile(
    r"(?<![\d.,])" + NUMBER + r"\s?(?:tests?\s|個\s?|개\s?|件\s?|个\s?)?([^\W\d_]+(?:\s[^\W\d_]+)?)"
)


WORD_COUNT = re.compile(
    # the label starts where its word does: linear on a run of letters
    r"(?<![^\W\d_])((?:[^\W\d_]+ )?[^\W\d_]+)[ \t]*[:：=][ \t]*"
    + NUMBER
    + r"(?![\d.%/]|,\d|\s?[^\W\d_])"
)


RATIO = re.compile(r"(?<![\d.])(\d{1,6})\s?/\s?(\d{1,6})(?![\d.]|\s?%)")


# "9/9 passed", "12/14 tests passing", "17/17 integration tests passed": at most two words
# may name the kind of tests, only before "tests" / "specs"
RATIO_WORD = re.compile(
    r"(?<![\d.])(\d{1,6})\s?/\s?(\d{1,6})\s?"
    r"(?:(?:[^\W\d_][\w-]{0,30}\s){0,2}(?:tests?|specs?)\s)?([^\W\d_]+)"
)


PARENS_TOTAL = re.compile(r"\((\d{1,6})\)")


TOTAL_AFTER = re.compile(NUMBER + r"\s?(?:total|in total|tests? total)", re.IGNORECASE)


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
    parts = word.split()
    first = parts[0] if parts else word
    if after_number and vocab.role("tests", "label_only").exact(first):
        return None  # "200 OK" is an HTTP status; runners print "ok" before counts
    if vocab.role("tests", "not_tests").exact(word):
        return None  # "Test Suites: 1" counts suites, not tests
    for role in ("passed", "failed", "skipped", "errors"):
        if vocab.role("tests", role).exact(word):
            return role
    for role in ("passed", "failed", "skipped", "errors"):
        if vocab.role("tests", role).exact(first):
            rest = " ".join(parts[1:])
            if rest and vocab.role("tests", "not_tests").found(rest):
                return None  # "Successful migrations", "Failed logins" count other things
            return role
    if len(parts) in (2, 3) and vocab.role("tests", "total").exact(parts[-2]):
        for role in ("passed", "failed", "skipped", "errors"):
            if vocab.role("tests", role).exact(parts[-1]):
                return role  # "Tests passed: 2824", "Unit tests failed: 3"
    if vocab.role("tests", "total").exact(word) or vocab.role("tests", "total").exact(first):
        if first != word and vocab.role("tests", "not_tests").found(word):
            return None  # "Total files processed" counts files
        return "total"
    if after_number and len(parts) == 2 and vocab.role("tests", "total").exact(parts[1]):
        return "total"  # "187 unit tests", "28 integration tests"
    if after_number and len(parts) == 2 and not vocab.role("tests", "not_runs").exact(first):
        for role in ("failed", "skipped", "errors"):
            if vocab.role("tests", role).exact(parts[1]):
                return role  # "3 minor failures", "2 flaky skipped"; "3 new failures" is no run
    return None


DIGIT = re.compile(r"\d")


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
        if text[match.start() - 1 : match.start()] == "+":
            continue  # "+5 tests passing": a gain since the last run ("70 passed + 1 skipped" adds)
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
    if (
        counts.failed is not None
        and counts.passed is None
        and counts.total is None
        and vocab.role("tests", "all_failed").found(text)
    ):
        counts.passed, counts.total = 0, counts.failed  # "12 tests all failing" (a RED run)
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
        short = counts.total is not None and counts.total > counts.passed
        if short and counts.skipped is None:
            # "8/11 tests passing", even in a runner's output: the rest did not pass
            counts.failed = counts.total - counts.passed if counts.total is not None else None
        elif runner or counts.total == counts.passed:
            counts.failed = 0  # a runner omits zero counts; "17/17 passed" has none failing
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


def _runner_line(text: str, counts: Counts, vocab: Vocabulary) -> bool:
    """Two or more distinct count words on one line is a runner's summary."""
    return len({count_role(word, vocab) for word in counts.words} - {None}) >= 2


def _counts_other_things(words: str, vocab: Vocabulary) -> bool:
    """Words between a count and its verb name what is counted: checks, files, statements...
    unless they also say tests ("JS modules/regression tests passed")."""
    if not words.strip():
        return False
    other = vocab.role("tests", "not_tests").found(words)
    nouns = vocab.role("tests", "nouns")
    if other and nouns.phrases and not nouns.found(words):
        return True  # "17 items completed": a verb of runs does not make items tests
    if vocab.role("tests", "total").found(words):
        return False
    return other
