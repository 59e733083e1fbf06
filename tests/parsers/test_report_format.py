"""The report format guide, read by the parser: its example and variations of it parse exactly.

The example and the front matter are taken from ``docs/REPORT_FORMAT.md`` itself, so that the
guide and this test cannot drift apart. "Exactly" means every expected item is found with every
field equal and nothing else is found (precision and recall 1.0), with no parse issue and no
lint finding. Categories whose body extractor is not registered yet are checked through the
front matter only.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from parsers import parse_report
from parsers.document import markdown_parser
from parsers.front_matter import KEYS
from parsers.registry import REGISTRY
from tests.parsers.fixture_files import FIXTURES, read_cases

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "REPORT_FORMAT.md"
GUIDE_TEXT = GUIDE.read_text(encoding="utf-8")
REGISTERED = frozenset(extractor.field for extractor in REGISTRY)


def fences(info: str) -> list[str]:
    return [
        token.content
        for token in markdown_parser().parse(GUIDE_TEXT)
        if token.type == "fence" and token.info.strip() == info
    ]


(EXAMPLE,) = fences("markdown")
(FRONT_MATTER,) = fences("yaml")

EXPECTED: dict[str, Any] = {
    "meta": {
        "title": "Completion Report: Payment Retry Queue",
        "kind": "completion",
        "author": "Claude Code",
        "date": "2026-03-14",
        "sequence": "000012",
        "in_response_to": "000011",
        "scope": "Module 4.2 - Payment retries",
    },
    "gates": [
        ("Overall coverage", "≥80%", "84.2%", "pass"),
        ("Failing unit tests", "0", "1", "fail"),
        ("mypy errors", "0", "0", "pass"),
        ("p95 latency", "≤200 ms", "240 ms", "fail"),
        ("Load test", "≥500 rps", "not run", "pending"),
    ],
    "tests": [
        ("tests/unit", 98, 96, 1, 1),
        ("tests/integration", 18, 18, 0, 0),
        (None, 116, 114, 1, 1),
    ],
    "coverage": [
        ("overall", 84.2, 80.0),
        ("payments/retry.py", 91.5, 90.0),
        ("payments/queue.py", 78.0, 80.0),
        ("payments/api.py", 88.0, 80.0),
    ],
    "files_changed": [
        ("payments/retry.py", "added"),
        ("payments/queue.py", "modified"),
        ("payments/legacy_retry.py", "deleted"),
    ],
    "blockers": [
        (False, "The load test needs the staging cluster, which is down until 2026-03-16."),
        (True, "ImportError in payments/api.py, fixed by importing RetryPolicy lazily."),
    ],
    "commands": ["pytest tests/ -q", "mypy --strict payments/"],
}
STATE_LABEL = re.compile(r"^\W*[^\W\d_]+\W*:\W*\s*")


def read(report: Any, category: str) -> list[Any]:
    """One category of a parsed report in the shape of ``EXPECTED`` (in source order)."""
    if category == "gates":
        return [(g.name, g.target, g.current, g.status) for g in report.gates]
    if category == "tests":
        return [(r.suite, r.total, r.passed, r.failed, r.skipped) for r in report.tests]
    if category == "coverage":
        return [(c.scope, c.value, c.target) for c in report.coverage]
    if category == "files_changed":
        return [(f.path, f.change) for f in report.files_changed]
    if category == "blockers":
        # the state label ("**Open:**") says what `resolved` says; the text is what follows it
        return [(b.resolved, STATE_LABEL.sub("", b.text, count=1)) for b in report.blockers]
    if category == "commands":
        return [c.text for c in report.commands]
    raise KeyError(category)


def assert_exact(
    text: str,
    expected: dict[str, Any] = EXPECTED,
    categories: frozenset[str] = REGISTERED,
    **parse_options: Any,
) -> Any:
    report = parse_report(text, **parse_options)
    meta = report.meta.model_dump(exclude={"lines"})
    assert meta == expected["meta"]
    for category, items in expected.items():
        if category != "meta" and category in categories:
            assert sorted(read(report, category), key=repr) == sorted(items, key=repr), category
    assert report.issues == []
    assert report.findings == []
    return report


def with_front_matter(body: str, front_matter: str = FRONT_MATTER) -> str:
    return f"---\n{front_matter}---\n\n{body}"


# -- the example itself ----------------------------------------------------------------------


def test_guide_has_one_example_and_one_front_matter_block() -> None:
    assert EXAMPLE.startswith("# Completion Report")
    assert FRONT_MATTER.startswith("title:")


@pytest.mark.parametrize("category", [c for c in EXPECTED if c != "meta"])
def test_example_category_parses_exactly(category: str) -> None:
    if category not in REGISTERED:
        pytest.skip(f"no body extractor for {category} is registered on this branch yet")
    report = parse_report(EXAMPLE)
    assert sorted(read(report, category), key=repr) == sorted(EXPECTED[category], key=repr)


def test_example_parses_exactly_with_no_issue_and_no_finding() -> None:
    assert_exact(EXAMPLE)


def test_every_item_points_at_its_own_line() -> None:
    report = parse_report(EXAMPLE)
    lines = EXAMPLE.split("\n")
    keyed: list[tuple[int | None, str]] = [
        *((g.line, g.name) for g in report.gates),
        *((r.line, r.suite or "Total") for r in report.tests),
        *((c.line, c.scope if c.scope != "overall" else f"{c.value:g}") for c in report.coverage),
        *((f.line, f.path) for f in report.files_changed),
        *((b.line, STATE_LABEL.sub("", b.text)[:20]) for b in report.blockers),
        *((c.line, c.text) for c in report.commands),
        *((line, "") for line in report.meta.lines.values()),
    ]
    for line, text in keyed:
        assert line is not None
        assert text in lines[line - 1].replace("**", ""), (line, text)


def test_example_summary() -> None:
    report = parse_report(with_front_matter(EXAMPLE))
    assert report.summary == (
        "5 gates (2 failing), 116 tests, 4 coverage figures, 1 open blocker; no findings"
    )


# -- variations generated from the example -----------------------------------------------------


def sections(text: str) -> tuple[str, list[str]]:
    """The header (title and fields) and the ``## `` sections, each with its body."""
    parts = re.split(r"(?m)^(?=## )", text)
    return parts[0], parts[1:]


def reordered(order: list[int]) -> str:
    header, body = sections(EXAMPLE)
    return header + "".join(body[i].rstrip("\n") + "\n\n" for i in order)


SECTION_ORDERS = [[5, 4, 3, 2, 1, 0], [2, 0, 4, 1, 5, 3], [3, 5, 1, 0, 2, 4]]


@pytest.mark.parametrize("order", SECTION_ORDERS, ids=lambda order: "".join(map(str, order)))
def test_sections_in_any_order(order: list[int]) -> None:
    assert len(sections(EXAMPLE)[1]) == len(order)
    assert_exact(reordered(order))


PROSE = [
    "The numbers below come from the CI run of the final commit.",
    "Nothing in this part changed since the previous session, apart from what is listed.",
    "See the pull request for the discussion with the reviewer.",
]


def test_extra_prose_between_and_inside_sections() -> None:
    header, body = sections(EXAMPLE)
    padded = [
        section.replace("\n\n", f"\n\n{PROSE[index % len(PROSE)]}\n\n", 1)
        + f"\n{PROSE[(index + 1) % len(PROSE)]}\n\n"
        for index, section in enumerate(body)
    ]
    assert_exact(header + f"{PROSE[2]}\n\n" + "".join(padded))


def test_ascii_operators_and_status_words_without_marks() -> None:
    text = (
        EXAMPLE.replace("≥", ">=")
        .replace("≤", "<=")
        .replace("✅ PASS", "PASS")
        .replace("❌ FAIL", "FAIL")
        .replace("⏳ PENDING", "PENDING")
    )
    expected = {
        **EXPECTED,
        "gates": [
            (name, target.replace("≥", ">=").replace("≤", "<="), current, status)
            for name, target, current, status in EXPECTED["gates"]
        ],
    }
    assert_exact(text, expected)


# Labels in other languages, where the vocabulary has them (the rest stays English).
LANGUAGES: dict[str, dict[str, str]] = {
    "de": {
        "# Completion Report:": "# Abschlussbericht:",
        "**Agent:**": "**Autor:**",
        "**Date:**": "**Datum:**",
        "**Sequence:**": "**Sitzung:**",
        "**Scope:**": "**Modul:**",
        "| Gate | Target | Current | Status |": "| Kriterium | Ziel | Aktuell | Status |",
        "✅ PASS": "✅ bestanden",
        "❌ FAIL": "❌ fehlgeschlagen",
        "⏳ PENDING": "⏳ ausstehend",
        "## Tests": "## Testergebnisse",
        "| Suite | Total | Passed | Failed | Skipped |": (
            "| Suite | Gesamt | Bestanden | Fehlgeschlagen | Übersprungen |"
        ),
        "| Total |": "| Gesamt |",
        "## Coverage": "## Testabdeckung",
        "| Scope | Coverage | Target |": "| Modul | Abdeckung | Ziel |",
        "| Overall |": "| Gesamt |",
        "## Files changed": "## Geänderte Dateien",
        "(added)": "(neu)",
        "(modified)": "(geändert)",
        "(deleted)": "(gelöscht)",
        # "## Blockers" stays: German uses the English plural too
        "**Open:**": "**Offen:**",
        "**Resolved:**": "**Behoben:**",
        "## Commands run": "## Ausgeführte Befehle",
    },
    "fr": {
        "# Completion Report:": "# Rapport final:",
        "**Agent:**": "**Auteur:**",
        "**Date:**": "**Date:**",
        "**Sequence:**": "**Session:**",
        "**Scope:**": "**Module:**",
        "| Gate | Target | Current | Status |": "| Critère | Objectif | Actuel | Statut |",
        "✅ PASS": "✅ réussi",
        "❌ FAIL": "❌ échec",
        "⏳ PENDING": "⏳ en attente",
        "| Suite | Total | Passed | Failed | Skipped |": (
            "| Suite | Total | Réussis | Échoués | Ignorés |"
        ),
        "## Coverage": "## Couverture",
        "| Scope | Coverage | Target |": "| Module | Couverture | Objectif |",
        "| Overall |": "| Global |",
        "## Files changed": "## Fichiers modifiés",
        "## Commands run": "## Commandes exécutées",
    },
    "es": {
        "# Completion Report:": "# Informe final:",
        "**Agent:**": "**Autor:**",
        "**Date:**": "**Fecha:**",
        "**Sequence:**": "**Sesión:**",
        "**Scope:**": "**Módulo:**",
        "| Gate | Target | Current | Status |": "| Criterio | Objetivo | Actual | Estado |",
        "✅ PASS": "✅ aprobado",
        "❌ FAIL": "❌ fallido",
        "⏳ PENDING": "⏳ pendiente",
        "## Coverage": "## Cobertura",
        "| Scope | Coverage | Target |": "| Módulo | Cobertura | Objetivo |",
        "## Files changed": "## Archivos modificados",
        "## Commands run": "## Comandos ejecutados",
    },
}


def translated(language: str) -> tuple[str, dict[str, Any]]:
    text = EXAMPLE
    for english, other in LANGUAGES[language].items():
        assert english in text, english
        text = text.replace(english, other)
    title = text.split("\n", 1)[0].removeprefix("# ")
    return text, {**EXPECTED, "meta": {**EXPECTED["meta"], "title": title}}


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_labels_in_other_languages(language: str) -> None:
    text, expected = translated(language)
    assert_exact(text, expected)


# -- front matter forms ------------------------------------------------------------------------


ALL = frozenset(EXPECTED) - {"meta"}


def test_front_matter_alone_states_every_item() -> None:
    title_only = "# Completion Report: Payment Retry Queue\n"
    report = assert_exact(with_front_matter(title_only), categories=ALL)
    assert {item.source for item in (*report.gates,)} == {"front_matter"}
    assert {item.source for item in (*report.tests, *report.coverage, *report.blockers)} == {
        "front_matter"
    }


def test_front_matter_over_the_same_body_lists_each_item_once() -> None:
    report = assert_exact(with_front_matter(EXAMPLE), categories=ALL)
    assert report.gates[0].line == 9  # the YAML entry's line, not the table row's


def test_partial_front_matter_and_the_body_fill_each_other() -> None:
    """Header and gates stated in front matter; tests, coverage, ... only in the body."""
    header_and_gates = FRONT_MATTER.split("tests:\n", 1)[0]
    body = re.sub(r"(?s)\*\*Agent:\*\*.*?\n\n", "", EXAMPLE, count=1)  # header only in YAML
    report = assert_exact(with_front_matter(body, header_and_gates))
    assert {gate.source for gate in report.gates} == {"front_matter"}
    assert {run.source for run in report.tests} == {"body"}


# -- the rules one by one ----------------------------------------------------------------------


def gate_row(status: str, current: str = "84.2%") -> str:
    return EXAMPLE.replace("| 84.2% | ✅ PASS |", f"| {current} | {status} |", 1)


@pytest.mark.parametrize(
    ("status", "current", "expected"),
    [
        ("✅ PASS", "84.2%", "pass"),
        ("❌ FAIL", "84.2%", "fail"),
        ("⏳ PENDING", "84.2%", "pending"),
        ("⏭️ SKIP", "84.2%", "unknown"),
        ("⚠️ WARN", "84.2%", "pending"),  # the numbers meet the target
        ("⚠️ WARN", "79.0%", "fail"),  # the numbers miss it
    ],
)
def test_status_marks(status: str, current: str, expected: str) -> None:
    report = parse_report(gate_row(status, current))
    assert (report.gates[0].name, report.gates[0].status) == ("Overall coverage", expected)


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("Completion", "completion"),
        ("Status", "status"),
        ("Remediation", "remediation"),
        ("Plan", "plan"),
        ("Summary", "summary"),
    ],
)
def test_title_word_sets_the_kind(word: str, kind: str) -> None:
    text = EXAMPLE.replace("# Completion Report:", f"# {word} Report:", 1)
    assert parse_report(text).meta.kind == kind


def test_acceptance_checklist_items_are_gates() -> None:
    checklist = (
        "## Acceptance criteria\n\n- [x] Retries survive a restart\n- [ ] Alert on dead letters\n\n"
    )
    text = EXAMPLE.replace("## Tests", checklist + "## Tests", 1)
    gates = parse_report(text).gates
    assert [(g.name, g.status, g.source) for g in gates[-2:]] == [
        ("Retries survive a restart", "pass", "checkbox"),
        ("Alert on dead letters", "pending", "checkbox"),
    ]


def test_blockers_none() -> None:
    if "blockers" not in REGISTERED:
        pytest.skip("no body extractor for blockers is registered on this branch yet")
    header, body = sections(EXAMPLE)
    text = header + "".join(
        "## Blockers\n\nNone.\n\n" if section.startswith("## Blockers") else section
        for section in body
    )
    assert parse_report(text).blockers == []


# -- the guide's tables agree with the code ------------------------------------------------------


def test_every_front_matter_key_is_documented() -> None:
    schema_table = GUIDE_TEXT.split("## 8. Front matter", 1)[1].split("## 9.", 1)[0]
    documented = set(re.findall(r"`([a-z_]+)`", schema_table))
    assert set(KEYS) <= documented


def test_every_lint_code_is_documented_and_tested() -> None:
    table = GUIDE_TEXT.split("## 9. Lint findings", 1)[1].split("\n## ", 1)[0]
    documented = dict(re.findall(r"^\| `([a-z-]+)` \| (\w+) \|", table, re.MULTILINE))
    tested: dict[str, set[str]] = {}
    for case in read_cases(FIXTURES / "findings.md"):
        for finding in case.expected:
            tested.setdefault(finding["code"], set()).add(finding.get("severity", ""))
    assert set(documented) == set(tested)
    for code, severity in documented.items():
        assert severity in tested[code], code
