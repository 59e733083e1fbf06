"""Claim checks: where a report's claims contradict its own numbers, or the next session.

Each check is a small function over a report's parse (and, for the cross-session ones, the
parse of the session before it in its remediation); :func:`check_report` runs them all. A
finding points at the line of the claim it questions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import parsers.models as pm
from parsers.vocabulary import Vocabulary, default_vocabulary
from reports_service.progress.gatekeys import GateMatcher
from reports_service.progress.words import tokens, words

#: what the checks read of the session before (:func:`check_against_previous`)
AS_PREVIOUS = frozenset({"gates", "coverage_forecasts"})
#: how far (percentage points) a measurement may miss a forecast's range before it is flagged
FORECAST_SLACK = 0.5


@dataclass(frozen=True, slots=True)
class Claim:
    code: str
    line: int | None
    message: str
    details: dict[str, Any] = field(default_factory=dict)


def _claimed_vs_computed(report: pm.ParsedReport) -> Iterator[Claim]:
    for gate in report.gates:
        claimed, computed = gate.claimed_status, gate.computed_status
        numbers = f"{gate.current} against {gate.target}"
        if claimed == "pass" and computed == "fail":
            yield Claim(
                "claimed-pass-numbers-fail",
                gate.line,
                f"Gate '{gate.name}' is marked passed, but its own numbers fail ({numbers}).",
                {"gate": gate.name, "current": gate.current, "target": gate.target},
            )
        elif claimed == "fail" and computed == "pass":
            yield Claim(
                "claimed-fail-numbers-pass",
                gate.line,
                f"Gate '{gate.name}' is marked failed, but its own numbers pass ({numbers}).",
                {"gate": gate.name, "current": gate.current, "target": gate.target},
            )


def _failing_evidence(report: pm.ParsedReport) -> list[str]:
    evidence = [f"gate '{g.name}' fails" for g in report.gates if g.status == "fail"]
    for run in report.tests:
        if run.failed:
            evidence.append(f"{run.failed} tests failed in {run.suite or 'the totals'}")
    return evidence


def _summary_parts(report: pm.ParsedReport, text: str) -> Iterator[tuple[int, str]]:
    """(first line, text) of the parts that sum the report up: the opening (title and what
    comes before the first sub-heading) and every section titled like a summary."""
    lines = text.splitlines()
    sections = sorted((s for s in report.sections if s.line), key=lambda s: s.line or 0)
    ends = [s.line or 0 for s in sections if s.level >= 2]
    opening_end = min(ends, default=len(lines) + 1)
    yield 1, "\n".join(lines[: opening_end - 1])
    titles = words()["summary"]
    for index, section in enumerate(sections):
        if section.level < 2:
            continue  # the title's own section is the whole report; its opening is above
        name = " ".join(tokens(section.title))
        if not any(name == t or name.startswith(t + " ") or name.endswith(" " + t) for t in titles):
            continue
        start = section.line or 1
        later = [s.line or 0 for s in sections[index + 1 :] if s.level <= section.level]
        end = min(later, default=len(lines) + 1)
        yield start, "\n".join(lines[start - 1 : end - 1])


def _summary_claims(report: pm.ParsedReport, text: str, vocabulary: Vocabulary) -> Iterator[Claim]:
    """A report that calls itself complete, or says all tests pass, while its numbers fail."""
    failing_tests = [r for r in report.tests if r.failed]
    found = None
    if failing_tests:
        all_passed = vocabulary.role("tests", "all_passed")
        for first, text_part in _summary_parts(report, text):
            match = all_passed.first_match(text_part)
            if match is not None:
                found = first + text_part.count("\n", 0, match[0])
                break
    if found is not None:
        failed = sum(r.failed or 0 for r in failing_tests)
        yield Claim(
            "all-passing-but-failures",
            found,
            f"The report says all tests pass here, but it counts {failed} failed "
            f"test{'s' if failed != 1 else ''} (line {failing_tests[0].line}).",
            {"failed": failed},
        )
    if report.meta.kind == "completion":
        evidence = _failing_evidence(report)
        if evidence:
            yield Claim(
                "complete-but-failing",
                report.meta.lines.get("title"),
                "The report calls the work complete, but " + "; ".join(evidence[:3]) + ".",
                {"evidence": evidence},
            )


def _counts(report: pm.ParsedReport) -> Iterator[Claim]:
    for run in report.tests:
        parts = [run.passed, run.failed, run.skipped]
        if run.total is None or any(p is None for p in parts[:2]):
            continue
        if run.total < max(p or 0 for p in parts):  # a misread total, not a claim
            continue
        added = sum(p or 0 for p in parts)
        if added != run.total and added + (run.errors or 0) != run.total:
            yield Claim(
                "counts-do-not-add-up",
                run.line,
                f"{run.suite or 'Total'}: {run.total} tests, but passed + failed + skipped "
                f"= {added}.",
                {"total": run.total, "sum": added, "suite": run.suite},
            )


def _against_previous(report: pm.ParsedReport, previous: pm.ParsedReport) -> Iterator[Claim]:
    matcher = GateMatcher()
    earlier = {matcher.key_of(g.name): g for g in previous.gates}
    seen: set[str] = set()
    for gate in report.gates:
        key = matcher.key_of(gate.name)
        seen.add(key)
        before = earlier.get(key)
        if before is None or before.target_value is None or gate.target_value is None:
            continue
        if before.target_value != gate.target_value and (before.unit == gate.unit):
            yield Claim(
                "target-changed",
                gate.line,
                f"Gate '{gate.name}': the target moved from {before.target} to {gate.target} "
                "since the previous session.",
                {"gate": gate.name, "before": before.target, "after": gate.target},
            )
    # only where the report goes on with the same gates: a session reporting another phase's
    # gates (none in common) says nothing about the earlier ones
    if seen & earlier.keys():
        for key, before in earlier.items():
            if key not in seen and before.status != "pass":
                yield Claim(
                    "gate-vanished",
                    None,
                    f"Gate '{before.name}' ({before.status} in the previous session) is no "
                    "longer reported, and no session says it passed.",
                    {"gate": before.name, "last_status": before.status},
                )
    measured = {c.scope.casefold(): c for c in report.coverage if not c.estimated}
    for forecast in previous.coverage_forecasts:
        figure = measured.get(forecast.scope.casefold())
        if figure is None:
            continue
        if not forecast.low - FORECAST_SLACK <= figure.value <= forecast.high + FORECAST_SLACK:
            yield Claim(
                "forecast-missed",
                figure.line,
                f"The previous session forecast {forecast.scope} coverage at "
                f"{forecast.low:g}-{forecast.high:g}%; this session measured {figure.value:g}%.",
                {"scope": forecast.scope, "low": forecast.low, "high": forecast.high},
            )


def check_against_previous(report: pm.ParsedReport, previous: pm.ParsedReport) -> list[Claim]:
    """The claims of ``report`` that the session before it contradicts: the part of
    :func:`check_report` that depends on which session that is (a bulk import checks the rest
    of each report in its parser processes)."""
    return list(_against_previous(report, previous))


SingleCheck = Callable[[pm.ParsedReport], Iterator[Claim]]


def check_report(
    report: pm.ParsedReport,
    text: str,
    previous: pm.ParsedReport | None = None,
    vocabulary: Vocabulary | None = None,
) -> list[Claim]:
    """Every claim of ``report`` (whose markdown is ``text``) that the numbers contradict."""
    vocab = vocabulary or default_vocabulary()
    found = [
        *_claimed_vs_computed(report),
        *_summary_claims(report, text, vocab),
        *_counts(report),
    ]
    if previous is not None:
        found.extend(_against_previous(report, previous))
    return found
