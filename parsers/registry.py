"""The ordered registry of extractors: adding a category is one module and one line here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from parsers.document import Document
from parsers.extractors.blockers import extract_blockers
from parsers.extractors.commands import extract_commands
from parsers.extractors.coverage import extract_coverage, extract_coverage_forecasts
from parsers.extractors.files import extract_files_changed
from parsers.extractors.gates import extract_gates
from parsers.extractors.meta import extract_meta
from parsers.extractors.sections import extract_sections
from parsers.extractors.tests import extract_tests


@dataclass(frozen=True, slots=True)
class Extractor:
    #: the :class:`parsers.models.ParsedReport` field the extractor fills
    field: str
    function: Callable[[Document], Any]


REGISTRY: tuple[Extractor, ...] = (
    Extractor("meta", extract_meta),
    Extractor("sections", extract_sections),
    # coverage before gates: a "--cov-fail-under" gate compares with the measured figure
    Extractor("coverage", extract_coverage),
    Extractor("coverage_forecasts", extract_coverage_forecasts),
    Extractor("gates", extract_gates),
    Extractor("tests", extract_tests),
    Extractor("files_changed", extract_files_changed),
    Extractor("blockers", extract_blockers),
    Extractor("commands", extract_commands),
)
