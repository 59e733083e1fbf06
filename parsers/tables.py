"""Tables by role: which column holds the name, target, current value, status, counts, ...

A table's header cells are matched against the ``columns`` vocabulary; an exact label beats a
label that merely contains a role word. The table's kind (gates, coverage, tests) is decided
once here from its column roles, cell contents and section headings, so that one table feeds
one category and the extractors agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from parsers.document import Block, Document, Table
from parsers.models import Status
from parsers.vocabulary import Vocabulary

PATH_LIKE = re.compile(
    r"^[\w@~.\-]*(?:/[\w@.\-\[\]{}*]+)+/?$|^[\w\-.]+\.[a-z]{1,5}$", re.IGNORECASE
)
INDEX_HEADER = re.compile(r"^(?:#|no\.?|n[°º]|id|№|序号|번호|番号)?$", re.IGNORECASE)
# Marks that carry a status on their own; words are looked up in the vocabulary.
MARKS = re.compile(r"[✅✔☑✓🟢❌✗✘✖🔴⛔⏳⏸🔄🚧🕐⏭➖⚠🟡📋]")


@dataclass(slots=True)
class Columns:
    """Column index per role; ``exact`` says the header was exactly a role word."""

    roles: dict[str, int] = field(default_factory=dict)
    exact: set[str] = field(default_factory=set)
    headers: list[str] = field(default_factory=list)

    def get(self, role: str) -> int | None:
        return self.roles.get(role)

    def has(self, role: str) -> bool:
        return role in self.roles


ROLE_ORDER = (
    "description",
    "status",
    "target",
    "baseline",
    "current",
    "coverage",
    "passed",
    "failed",
    "skipped",
    "errors",
    "total",
    "pass_rate",
    "severity",
    "change",
    "notes",
    "file",
    "suite",
    "name",
    "command",
    "blocker",
)


COUNT_ROLES = frozenset({"passed", "failed", "skipped", "errors", "total"})


def column_roles(headers: list[str], vocab: Vocabulary) -> Columns:
    """Roles of a header row (memoised: every extractor asks about every table)."""
    key = (id(vocab), tuple(headers))
    cached = _COLUMNS_CACHE.get(key)
    if cached is not None and cached[0] is vocab:
        return cached[1]
    columns = _column_roles(headers, vocab)
    if len(_COLUMNS_CACHE) > 4096:
        _COLUMNS_CACHE.clear()
    _COLUMNS_CACHE[key] = (vocab, columns)
    return columns


#: a snake_case identifier ("source_field", "period_date"): a data field's name
IDENTIFIER = re.compile(r"^`?[a-z][a-z0-9]*(?:_[a-z0-9]+)+`?$")
_COLUMNS_CACHE: dict[tuple[int, tuple[str, ...]], tuple[Vocabulary, Columns]] = {}


def _column_roles(headers: list[str], vocab: Vocabulary) -> Columns:
    columns = Columns(headers=headers)
    # exact labels first, then labels that contain a role word
    for exact in (True, False):
        for index, header in enumerate(headers):
            if not header or index in columns.roles.values():
                continue
            if not exact and IDENTIFIER.match(header):
                continue  # "target_field" names a data field, not a target column
            for role in ROLE_ORDER:
                phrases = vocab.role("columns", role)
                if not exact and role in COUNT_ROLES and len(header.split()) > 2:
                    continue  # "After ExxerHub pass" is no column of pass counts
                hit = phrases.exact(header) if exact else phrases.found(header)
                if hit and role not in columns.roles:
                    columns.roles[role] = index
                    if exact:
                        columns.exact.add(role)
                    break
    return columns


STATUS_ROLES: tuple[Status, ...] = ("pass", "fail", "pending", "unknown")


def status_of(text: str, vocab: Vocabulary) -> Status | None:
    """The status a cell or mark states: pass / fail / pending / unknown, or ``warning`` folded
    into None-with-mark by the caller (see :func:`warning_in`)."""
    best: tuple[int, int, Status] | None = None
    for role in STATUS_ROLES:
        span = vocab.role("status", role).first_match(text)
        if span is not None and (best is None or (span[0], span[0] - span[1]) < best[:2]):
            best = (span[0], span[0] - span[1], role)
    return best[2] if best else None


def warning_in(text: str, vocab: Vocabulary) -> bool:
    return vocab.role("status", "warning").found(text)


def has_mark(text: str) -> bool:
    return MARKS.search(text) is not None


def is_path(text: str) -> bool:
    text = text.strip().strip("`*")
    return bool(text) and " " not in text and PATH_LIKE.match(text) is not None


def name_column(table: Table, columns: Columns) -> int:
    """The column naming each row: the name role, else the first column that is not an index."""
    if columns.has("name") and columns.get("name") == 0:
        return 0
    for index, header in enumerate(table.header_texts):
        if INDEX_HEADER.match(header.strip()) and index + 1 < len(table.header):
            values = [row.texts[index] for row in table.rows if index < len(row.texts)]
            if all(not value or len(value) <= 6 for value in values):
                continue
        return index
    return 0


def section_has(doc: Document, block: Block, role: str, depth: int = 3) -> bool:
    """A heading among the block's nearest ``depth`` ancestors has a ``sections.role`` word."""
    key = (block.section, role, depth)
    cache: dict[tuple[int | None, str, int], bool] = doc.memo.setdefault("section_has", {})
    if key not in cache:
        phrases = doc.vocab.role("sections", role)
        # the report's own title speaks for the whole report, not for one section
        cache[key] = any(phrases.found(title) for title in doc.heading_path(block)[-depth:])
    return cache[key]


@lru_cache(maxsize=64)
def _lower_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def lower_is_better_words(vocab: Vocabulary) -> re.Pattern[str] | None:
    return _lower_pattern(vocab.role("gates", "lower_is_better").phrases)


def table_kinds(doc: Document, block: Block) -> frozenset[str]:
    """What a table reports: any of ``gates``, ``coverage``, ``tests`` (or nothing)."""
    cache = doc.memo.setdefault("table_kinds", {})
    if block.line not in cache:
        cache[block.line] = _table_kinds(doc, block)
    kinds: frozenset[str] = cache[block.line]
    return kinds


def _table_kinds(doc: Document, block: Block) -> frozenset[str]:
    table = block.table
    if table is None or not table.rows:
        return frozenset()
    vocab = doc.vocab
    columns = column_roles(table.header_texts, vocab)
    kinds: set[str] = set()
    if columns.has("passed") or columns.has("failed"):
        kinds.add("tests")
    first_values = [row.texts[0] for row in table.rows if row.texts]
    path_rows = sum(1 for value in first_values if is_path(value))
    first_is_path = path_rows * 2 > len(first_values)
    percent_rows = _percent_cells(table)
    coverage_rows = sum(1 for value in first_values if vocab.role("coverage", "word").found(value))
    coverage_context = (
        columns.has("coverage")
        or section_has(doc, block, "coverage", 2)
        or coverage_rows * 2 > len(first_values)
    )
    if percent_rows * 2 > len(table.rows) and coverage_context and not kinds:
        kinds.add("coverage")
    finding_table = any(vocab.role("columns", "finding").exact(h) for h in table.header_texts)
    if "tests" in kinds or columns.has("severity") or finding_table:
        return frozenset(kinds)
    if _per_test_rows(table, columns, vocab):
        return frozenset(kinds)  # "| `test_01_file_exists` | ✅ PASS |": one test per row
    identifiers = sum(1 for h in table.header_texts if IDENTIFIER.match(h))
    if (
        identifiers
        and IDENTIFIER.match(table.header_texts[0])
        and identifiers * 2 >= len(table.header_texts)
    ):
        return frozenset(kinds)  # "| source_field | target_field |": records of data fields
    name_header = table.header_texts[name_column(table, columns)] if table.header else ""
    named_gate = vocab.role("columns", "name").exact(name_header)
    if (
        "coverage" in kinds
        and not columns.has("target")
        and not (named_gate and columns.has("status"))
    ):
        return frozenset(kinds)  # coverage per component with a status mark: coverage, not gates
    nearest = doc.heading_path(block)[-1:] or ("",)
    if (
        vocab.role("sections", "summary").found(nearest[0])
        and not vocab.role("sections", "gates").found(nearest[0])
        and not columns.has("target")
    ):
        return frozenset(kinds)  # a status-only summary matrix restates what is listed elsewhere
    criteria_column = any(vocab.role("columns", "name").exact(h) for h in table.header_texts)
    if (
        vocab.role("columns", "task").exact(name_header)
        and not section_has(doc, block, "gates")
        and not criteria_column  # "| Milestone | Criterion | Status |" states criteria
    ):
        return frozenset(kinds)
    status_at = columns.get("status")
    if status_at is not None and not columns.has("target") and _all_done(table, status_at, vocab):
        return frozenset(kinds)  # "| Module | Tests | Status: Done |": a task list, not criteria
    if (
        status_at is not None
        and not columns.has("target")
        and not vocab.role("gates", "word").found(name_header)  # "| Check | Errors | Status |"
        and not section_has(doc, block, "gates", 2)
        and _tally(table, {name_column(table, columns), status_at})
    ):
        return frozenset(kinds)  # "| Module | Tests | Status: ✅ PASSED |": a tally, not criteria
    status_rows = _status_cells(table, vocab)
    explicit_status = columns.has("status") and status_rows * 5 >= len(table.rows) * 3
    marked_status = status_rows * 2 >= len(table.rows)
    has_goal = columns.has("target") and (columns.has("current") or columns.has("coverage"))
    in_gates = section_has(doc, block, "gates", 2)
    if first_is_path:
        if explicit_status and percent_rows * 2 <= len(table.rows):
            kinds.add("gates")
        return frozenset(kinds)
    if (
        explicit_status
        or has_goal
        or (marked_status and (named_gate or in_gates or columns.has("target")))
        or (in_gates and (columns.has("target") or columns.has("current")))
    ):
        kinds.add("gates")
    return frozenset(kinds)


TEST_ID = re.compile(r"^`?(?:test|it|should)[\w.:\-]*`?$|^`?\w+[_.]test\w*`?$", re.IGNORECASE)


def _per_test_rows(table: Table, columns: Columns, vocab: Vocabulary) -> bool:
    """A results table with one test per row, named by its identifier under a test column
    ("| Test | Estado |" over "| `test_01_file_exists` | ✅ PASS |"): test results, which are
    no criteria."""
    at = name_column(table, columns)
    if not table.header or not vocab.role("columns", "suite").exact(table.header_texts[at]):
        return False
    names = [row.texts[at] for row in table.rows if at < len(row.texts)]
    return bool(names) and sum(1 for name in names if TEST_ID.match(name)) * 2 >= len(names)


COUNT_CELL = re.compile(r"^[*_\s]*\d[\d,.\s]*[*_\s]*$")


def _tally(table: Table, taken: set[int]) -> bool:
    """Every cell besides the name and the status is a bare count: things counted per row
    (tests per module, files per category), which a status mark does not make criteria."""
    cells = [
        text for row in table.rows for index, text in enumerate(row.texts) if index not in taken
    ]
    return bool(cells) and all(COUNT_CELL.match(text) for text in cells)


def _all_done(table: Table, status_at: int, vocab: Vocabulary) -> bool:
    done = vocab.role("status", "done")
    cells = [row.texts[status_at] for row in table.rows if status_at < len(row.texts)]
    stripped = [MARKS.sub("", cell).strip(" *_\ufe0f") for cell in cells]
    return bool(stripped) and all(done.exact(cell) for cell in stripped)


def _percent_cells(table: Table) -> int:
    """Rows holding a percentage outside their first cell (coverage per file)."""
    return sum(1 for row in table.rows if any("%" in text for text in row.texts[1:]))


def _status_cells(table: Table, vocab: Vocabulary) -> int:
    """Rows with a cell (after the first) that states a status: a mark, or a status word that
    opens the cell ("PASS", "✓ VERIFIED", "Met — see log")."""
    count = 0
    for row in table.rows:
        for text in row.texts[1:]:
            opening = " ".join(text.split()[:2])
            if has_mark(text[:4]) or (opening and status_of(opening, vocab) is not None):
                count += 1
                break
    return count
