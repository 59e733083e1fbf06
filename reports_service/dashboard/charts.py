"""Charts as inline SVG, drawn on the server: line charts with axes, sparklines, timelines.

Hand-written rather than pygal: these are three small shapes whose look comes from the page's
stylesheet (classes only, no inline styles, so a strict Content-Security-Policy holds), whose
points carry the dashboard's own marks (claimed vs computed status), and which need no script.
pygal renders whole documents with their own fonts and styles and expects its JS for tooltips.

Every text that comes from a report is escaped; numbers are formatted here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

STATUSES = ("pass", "fail", "pending", "unknown")


@dataclass(frozen=True, slots=True)
class Point:
    """One observation; ``value`` None leaves a gap in the line."""

    value: float | None
    tooltip: str = ""
    #: status computed from the numbers (or the only status known): the dot's colour
    status: str | None = None
    #: status the report claimed, when it differs from ``status``: a ring of that colour
    claimed: str | None = None


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    points: Sequence[Point]
    #: style slot s0..s5 in the stylesheet
    slot: int = 0


@dataclass(frozen=True, slots=True)
class Span:
    """One row of a timeline: from column ``start`` to ``end`` (inclusive), or still going."""

    label: str
    start: int
    end: int | None
    state: str  #: open / resolved / dropped / reopened
    tooltip: str = ""
    marks: Sequence[int] = field(default_factory=tuple)  #: columns where it was mentioned


def number(value: float, unit: str | None = None) -> str:
    """``67``, ``67.5``, ``67%``: at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    if text == "-0":
        text = "0"
    return f"{text}%" if unit == "%" else text


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]: steps of 1, 2, 2.5 or 5 times a power of ten."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high <= low:
        high = low + 1
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    stop = math.ceil(high / step - 1e-9) * step
    steps = round((stop - start) / step)
    return [round(start + i * step, 10) for i in range(steps + 1)]


def value_range(values: Sequence[float], unit: str | None, target: float | None) -> list[float]:
    """Ticks for the y axis: 0-100 for percentages that fit, else around the data and target."""
    known = [*values, *([target] if target is not None else [])]
    if not known:
        return [0.0, 1.0]
    low, high = min(known), max(known)
    if unit == "%" and low >= 0 and high <= 100:
        return [0.0, 25.0, 50.0, 75.0, 100.0]
    low = min(low, 0.0)
    if high == low:
        high = low + 1
    return nice_ticks(low, high + (high - low) * 0.05)


class _Frame:
    """Maps data to the plotting area of a ``width`` x ``height`` chart."""

    def __init__(self, width: int, height: int, columns: int, ticks: list[float], left: int):
        self.width, self.height = width, height
        self.left, self.right, self.top, self.bottom = left, 10, 10, 24
        self.columns = columns
        self.low, self.high = ticks[0], ticks[-1]

    def x(self, column: int) -> float:
        inner = self.width - self.left - self.right
        if self.columns <= 1:
            return self.left + inner / 2
        return self.left + inner * column / (self.columns - 1)

    def y(self, value: float) -> float:
        inner = self.height - self.top - self.bottom
        span = (self.high - self.low) or 1
        clamped = min(max(value, self.low), self.high)
        return self.top + inner * (1 - (clamped - self.low) / span)


def _label_every(count: int, room: float, width_per_label: float) -> int:
    fits = max(int(room // width_per_label), 1)
    return max(math.ceil(count / fits), 1)


def _svg(width: int, height: int, title: str, body: list[str], css: str) -> Markup:
    text = escape(title)
    return Markup(  # noqa: S704 - every piece below is escaped or a formatted number
        f'<svg class="chart {css}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{text}" preserveAspectRatio="xMinYMin meet">'
        f"<title>{text}</title>{''.join(body)}</svg>"
    )


def _axes(
    frame: _Frame, ticks: list[float], unit: str | None, x_labels: Sequence[str]
) -> list[str]:
    parts = []
    for tick in ticks:
        y = frame.y(tick)
        parts.append(
            f'<line class="grid" x1="{frame.left}" x2="{frame.width - frame.right}" '
            f'y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="tick y" x="{frame.left - 4}" y="{y + 3:.1f}">'
            f"{escape(number(tick, unit))}</text>"
        )
    base = frame.height - frame.bottom
    parts.append(
        f'<line class="axis" x1="{frame.left}" x2="{frame.left}" y1="{frame.top}" y2="{base}"/>'
        f'<line class="axis" x1="{frame.left}" x2="{frame.width - frame.right}" '
        f'y1="{base}" y2="{base}"/>'
    )
    every = _label_every(len(x_labels), frame.width - frame.left - frame.right, 44)
    for column, label in enumerate(x_labels):
        if column % every and column != len(x_labels) - 1:
            continue
        parts.append(
            f'<text class="tick x" x="{frame.x(column):.1f}" y="{base + 14}">{escape(label)}</text>'
        )
    return parts


def _line(frame: _Frame, series: Series) -> list[str]:
    parts = []
    run: list[str] = []
    for column, point in enumerate(series.points):
        if point.value is None:
            if len(run) > 1:
                parts.append(f'<polyline class="line s{series.slot}" points="{" ".join(run)}"/>')
            run = []
            continue
        run.append(f"{frame.x(column):.1f},{frame.y(point.value):.1f}")
    if len(run) > 1:
        parts.append(f'<polyline class="line s{series.slot}" points="{" ".join(run)}"/>')
    for column, point in enumerate(series.points):
        if point.value is None:
            continue
        x, y = frame.x(column), frame.y(point.value)
        tip = f"<title>{escape(point.tooltip)}</title>" if point.tooltip else ""
        status = point.status if point.status in STATUSES else None
        dot = f"dot st-{status}" if status else f"dot s{series.slot}"
        if point.claimed in STATUSES and point.claimed != point.status:
            parts.append(
                f'<circle class="ring st-{point.claimed}" cx="{x:.1f}" cy="{y:.1f}" r="6.5"/>'
            )
        parts.append(f'<circle class="{dot}" cx="{x:.1f}" cy="{y:.1f}" r="3.5">{tip}</circle>')
    return parts


def line_chart(
    *,
    title: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    unit: str | None = None,
    target: float | None = None,
    target_label: str | None = None,
    width: int = 560,
    height: int = 220,
) -> Markup:
    """Series over sessions: y axis with ticks, x axis with session labels, optional target line."""
    values = [p.value for s in series for p in s.points if p.value is not None]
    ticks = value_range(values, unit, target)
    widest = max(len(number(t, unit)) for t in ticks)
    frame = _Frame(width, height, len(x_labels), ticks, left=12 + 7 * widest)
    body = _axes(frame, ticks, unit, x_labels)
    if target is not None:
        y = frame.y(target)
        label = target_label or f"target {number(target, unit)}"
        body.append(
            f'<line class="target" x1="{frame.left}" x2="{width - frame.right}" '
            f'y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="target-label" x="{width - frame.right}" y="{y - 4:.1f}">'
            f"{escape(label)}</text>"
        )
    for one in series:
        body.extend(_line(frame, one))
    return _svg(width, height, title, body, "line-chart")


def sparkline(
    values: Sequence[float | None],
    *,
    title: str,
    high: float,
    unit: str | None = None,
    statuses: Sequence[str | None] = (),
    width: int = 150,
    height: int = 48,
) -> Markup:
    """A small trend: axis from 0 to ``high`` labelled at both ends, the last value printed."""
    ticks = [0.0, high if high > 0 else 1.0]
    frame = _Frame(width, height, len(values), ticks, left=26)
    frame.right, frame.top, frame.bottom = 34, 6, 6
    base = height - frame.bottom
    body = [
        f'<line class="axis" x1="{frame.left}" x2="{frame.left}" y1="{frame.top}" y2="{base}"/>'
        f'<line class="axis" x1="{frame.left}" x2="{width - frame.right}" '
        f'y1="{base}" y2="{base}"/>'
        f'<text class="tick y" x="{frame.left - 3}" y="{frame.top + 7}">'
        f"{escape(number(ticks[1], unit))}</text>"
        f'<text class="tick y" x="{frame.left - 3}" y="{base}">0</text>'
    ]
    points = [
        Point(v, status=statuses[i] if i < len(statuses) else None) for i, v in enumerate(values)
    ]
    body.extend(_line(frame, Series("trend", points)))
    last = next((v for v in reversed(values) if v is not None), None)
    if last is not None:
        body.append(
            f'<text class="last" x="{width - frame.right + 4}" y="{frame.y(last) + 4:.1f}">'
            f"{escape(number(last, unit))}</text>"
        )
    return _svg(width, height, title, body, "sparkline")


def timeline(*, title: str, x_labels: Sequence[str], spans: Sequence[Span]) -> Markup:
    """One bar per span over the session columns: blockers opened, resolved, dropped."""
    row, label_width, width = 22, 180, 560
    height = 30 + row * max(len(spans), 1)
    inner = width - label_width - 10
    columns = max(len(x_labels), 1)
    step = inner / columns

    def x(column: int) -> float:
        return label_width + step * column

    body = []
    every = _label_every(len(x_labels), inner, 44)
    for column, label in enumerate(x_labels):
        if column % every and column != len(x_labels) - 1:
            continue
        body.append(
            f'<text class="tick x" x="{x(column) + step / 2:.1f}" y="{height - 8}">'
            f"{escape(label)}</text>"
        )
    for index, span in enumerate(spans):
        top = 6 + row * index
        end = span.end if span.end is not None else columns - 1
        tip = escape(span.tooltip or span.label)
        short = span.label if len(span.label) <= 28 else span.label[:27] + "…"
        body.append(
            f'<text class="span-label" x="{label_width - 6}" y="{top + 12}">{escape(short)}'
            f"<title>{escape(span.label)}</title></text>"
            f'<rect class="span {escape(span.state)}" x="{x(span.start) + 1:.1f}" y="{top}" '
            f'width="{max(step * (end - span.start + 1) - 2, 2):.1f}" height="{row - 8}">'
            f"<title>{tip}</title></rect>"
        )
        for mark in span.marks:
            body.append(
                f'<circle class="mention" cx="{x(mark) + step / 2:.1f}" '
                f'cy="{top + (row - 8) / 2:.1f}" r="2.5"/>'
            )
    return _svg(width, height, title, body, "timeline")
