"""Coverage: each measured coverage percentage with its scope, target and estimate flag.

Readers, in order of trust:

- tables of coverage per file/component, and rows of gate tables naming a coverage figure;
- coverage tool output in fences (istanbul, coverage.py, ``go test -cover``, tarpaulin,
  ``go tool cover -func``) and ``name: 95%`` lines in a fence under a coverage heading;
- labelled lines (``**Coverage**: 31.2% (from 1.7%)``, ``- ab_testing.py: 95%`` under a coverage
  heading) and sentences with a coverage word beside a percentage.

Baselines ("Before", "Starting point", "from 31%", the left side of ``14% -> 41%``) and
forecasts ("expected 68-72%") are not measurements: baselines are dropped, forecasts are kept
apart as :class:`CoverageForecast`."""

from __future__ import annotations

from parsers.extractors.coverage.collect import same_scope_key
from parsers.extractors.coverage.extract import extract_coverage, extract_coverage_forecasts
from parsers.extractors.coverage.scopes import measured, scope_of

__all__ = [
    "extract_coverage",
    "extract_coverage_forecasts",
    "measured",
    "same_scope_key",
    "scope_of",
]
