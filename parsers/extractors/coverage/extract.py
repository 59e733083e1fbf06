"""The coverage extractor: tables first, then tool output, then prose."""

from __future__ import annotations

from parsers.document import Document
from parsers.extractors.coverage.collect import Collector
from parsers.extractors.coverage.fences import from_fences
from parsers.extractors.coverage.tables import from_tables
from parsers.extractors.coverage.text import from_text
from parsers.models import CoverageFigure, CoverageForecast


def extract_coverage(doc: Document) -> list[CoverageFigure]:
    out = Collector(doc)
    from_tables(doc, out)
    from_fences(doc, out)
    from_text(doc, out)
    doc.found["coverage_forecasts"] = out.forecasts
    return sorted(out.resolved(), key=lambda figure: figure.line or 0)


def extract_coverage_forecasts(doc: Document) -> list[CoverageForecast]:
    forecasts = doc.found.get("coverage_forecasts", [])
    return list(forecasts) if isinstance(forecasts, list) else []
