"""Server-side SVG charts: axes, labels, target line, status marks, escaping."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from reports_service.dashboard.charts import (
    Point,
    Series,
    Span,
    line_chart,
    nice_ticks,
    number,
    sparkline,
    timeline,
    value_range,
)

SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup: str) -> ET.Element:
    # inline SVG in HTML has no namespace declaration; give it one to parse it as XML
    return ET.fromstring(  # noqa: S314 - our own output
        markup.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    )


def _texts(root: ET.Element, css: str) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text") if css in (t.get("class") or "")]


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (67, "%", "67%"),
        (67.5, "%", "67.5%"),
        (0.125, None, "0.12"),
        (-0.0, None, "0"),
        (3, "ms", "3"),
    ],
)
def test_numbers_are_short(value: float, unit: str | None, text: str) -> None:
    assert number(value, unit) == text


@pytest.mark.parametrize(
    ("low", "high", "ticks"),
    [
        (0, 100, [0, 25, 50, 75, 100]),
        (0, 42, [0, 20, 40, 60]),
        (5, 5, [5, 5.25, 5.5, 5.75, 6]),
    ],
)
def test_ticks_are_round_and_cover_the_range(low: float, high: float, ticks: list[float]) -> None:
    assert nice_ticks(low, high) == ticks


def test_percentages_use_a_0_to_100_axis_and_counts_start_at_zero() -> None:
    assert value_range([55, 60], "%", 67) == [0, 25, 50, 75, 100]
    counts = value_range([120, 180], "count", None)
    assert counts[0] == 0
    assert counts[-1] >= 180


def test_line_chart_has_axes_labels_target_and_status_marks() -> None:
    chart = line_chart(
        title="Overall coverage",
        x_labels=["S1", "S2", "S3"],
        series=[
            Series(
                "coverage",
                [
                    Point(50, "S1: 50%", status="fail"),
                    Point(None),
                    Point(70, "S3: 70%", status="fail", claimed="pass"),
                ],
            )
        ],
        unit="%",
        target=67,
    )
    root = _parse(str(chart))
    assert root.find(f"{SVG}title").text == "Overall coverage"  # type: ignore[union-attr]
    assert _texts(root, "tick y") == ["0%", "25%", "50%", "75%", "100%"]
    assert _texts(root, "tick x") == ["S1", "S2", "S3"]
    assert _texts(root, "target-label") == ["target 67%"]
    dots = [c.get("class") for c in root.iter(f"{SVG}circle")]
    assert dots == ["dot st-fail", "ring st-pass", "dot st-fail"]  # the claim that differs: a ring
    assert len(list(root.iter(f"{SVG}line"))) >= 5 + 2 + 1  # grid lines, two axes, the target


def test_a_gap_splits_the_line() -> None:
    points = [Point(1), Point(2), Point(None), Point(3), Point(4)]
    chart = str(line_chart(title="t", x_labels=list("abcde"), series=[Series("s", points)]))
    assert chart.count("<polyline") == 2


def test_text_from_reports_is_escaped() -> None:
    hostile = "<script>alert(1)</script>"
    chart = str(
        line_chart(
            title=hostile, x_labels=[hostile], series=[Series("s", [Point(1, tooltip=hostile)])]
        )
    )
    assert "<script" not in chart
    assert chart.count("&lt;script&gt;") == 4  # title, aria-label, x label, tooltip
    _parse(chart)  # still well-formed


def test_sparkline_labels_its_scale_and_last_value() -> None:
    root = _parse(str(sparkline([20, None, 60], title="trend", high=100, unit="%")))
    assert _texts(root, "tick y") == ["100%", "0"]
    assert _texts(root, "last") == ["60%"]


def test_many_sessions_thin_the_x_labels_but_keep_the_last() -> None:
    labels = [f"S{i}" for i in range(1, 61)]
    chart = line_chart(
        title="t", x_labels=labels, series=[Series("s", [Point(i) for i in range(60)])]
    )
    shown = _texts(_parse(str(chart)), "tick x")
    assert 3 < len(shown) < 20
    assert shown[0] == "S1"
    assert shown[-1] == "S60"


def test_timeline_draws_one_bar_per_span_in_its_state() -> None:
    chart = timeline(
        title="Blockers",
        x_labels=["S1", "S2", "S3"],
        spans=[Span("CI red", 0, 1, "resolved"), Span("flaky <io>", 1, None, "open", marks=(1, 2))],
    )
    root = _parse(str(chart))
    rects = [r.get("class") for r in root.iter(f"{SVG}rect")]
    assert rects == ["span resolved", "span open"]
    assert _texts(root, "span-label") == ["CI red", "flaky <io>"]
    assert len([c for c in root.iter(f"{SVG}circle") if c.get("class") == "mention"]) == 2
    assert re.search(r"&lt;io&gt;", str(chart))
