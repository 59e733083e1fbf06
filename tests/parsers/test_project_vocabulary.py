"""A project's own words: a custom template goes from unparsed to fully parsed by vocabulary
alone (``parse_report(text, extra_words=...)``; storing a project's words comes with the DB)."""

from __future__ import annotations

from parsers import parse_report

# A German team's traffic-light template: no column name and no status word the shipped
# vocabulary knows.
TEMPLATE = """\
# Statusbericht Sprint 14

**Autor:** Build-Agent
**Datum:** 2026-03-14
**Sitzung:** 14

## Ampelübersicht

| Kontrollpunkt | Soll | Ist | Ampel |
|---------------|------|-----|-------|
| Offene Fehler | 0 | 2 | rot |
| Antwortzeit p95 | 200 ms | 180 ms | grün |
| Lastprobe | 500 rps | 420 rps | gelb |
"""

PROJECT_WORDS = {
    "columns": {"name": ["Kontrollpunkt"], "target": ["Soll"], "status": ["Ampel"]},
    "status": {"pass": ["grün"], "fail": ["rot"], "pending": ["gelb"]},
}

EXPECTED = [
    ("Offene Fehler", "0", "2", "fail", 11),
    ("Antwortzeit p95", "200 ms", "180 ms", "pass", 12),
    ("Lastprobe", "500 rps", "420 rps", "pending", 13),
]


def gates(
    text: str, extra_words: dict[str, dict[str, list[str]]] | None = None
) -> list[tuple[object, ...]]:
    report = parse_report(text, extra_words=extra_words)
    return [(g.name, g.target, g.current, g.status, g.line) for g in report.gates]


def test_the_template_is_not_read_with_the_shipped_words() -> None:
    assert gates(TEMPLATE) != EXPECTED
    assert not any(gate[0] == "Offene Fehler" and gate[3] == "fail" for gate in gates(TEMPLATE))


def test_the_projects_words_make_it_read_exactly() -> None:
    assert gates(TEMPLATE, extra_words=PROJECT_WORDS) == EXPECTED
    report = parse_report(TEMPLATE, extra_words=PROJECT_WORDS)
    assert (report.meta.author, report.meta.date, report.meta.sequence) == (
        "Build-Agent",
        "2026-03-14",
        "14",
    )
    assert report.findings == []
    assert report.summary.startswith("3 gates (1 failing)")


def test_the_projects_words_do_not_leak_into_other_parses() -> None:
    parse_report(TEMPLATE, extra_words=PROJECT_WORDS)
    assert gates(TEMPLATE) != EXPECTED
