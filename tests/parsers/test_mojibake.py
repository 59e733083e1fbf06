"""UTF-8 read as Windows-1252 is repaired before parsing; ordinary accented text is left alone."""

from __future__ import annotations

import pytest

from parsers import parse_report
from parsers.mojibake import repair_mojibake


@pytest.mark.parametrize(
    ("misread", "meant"),
    [
        ("âœ… PASS", "✅ PASS"),
        ("## ðŸ“Š Final Metrics", "## 📊 Final Metrics"),
        ("â€œquotedâ€\x9d", "“quoted”"),
        ("ç»“æžœ: é€šè¿‡", "结果: 通过"),
        ("**Status**: ‚ö†Ô∏è **COMPLETE**", "**Status**: ⚠️ **COMPLETE**"),  # Mac Roman
        ("| Phase 2 | ‚úÖ Complete |", "| Phase 2 | ✅ Complete |"),
    ],
)
def test_misread_sequences_are_decoded(misread: str, meant: str) -> None:
    repaired, count = repair_mojibake(misread)
    assert repaired == meant
    assert count > 0


@pytest.mark.parametrize(
    "text",
    ["café… ção Öß naïve", "Größe: 5 µs", "Ãx", "résumé — ok", "«à la française» Ècole Ñandú"],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert repair_mojibake(text) == (text, 0)


def test_a_misread_report_keeps_its_marks_and_lines() -> None:
    report = parse_report(
        "# Handoff\n\n| Metric | Value | Status |\n|---|---|---|\n"
        "| Failing Tests | 3 | âŒ |\n| Code Coverage | 41.83% | âœ… |\n"
    )
    gates = {gate.name: (gate.status, gate.line) for gate in report.gates}
    assert gates == {"Failing Tests": ("fail", 5), "Code Coverage": ("pass", 6)}
    assert any("Windows-1252" in issue.message for issue in report.issues)
