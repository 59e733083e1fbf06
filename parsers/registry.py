"""The ordered registry of extractors: adding a category is one module and one line here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from parsers.document import Document
from parsers.extractors.blockers import extract_blockers
from parsers.extractors.commands import extract_commands
from parsers.extractors.files import extract_files_changed
from parsers.extractors.meta import extract_meta
from parsers.extractors.sections import extract_sections


@dataclass(frozen=True, slots=True)
class Extractor:
    #: the :class:`parsers.models.ParsedReport` field the extractor fills
    field: str
    function: Callable[[Document], Any]


REGISTRY: tuple[Extractor, ...] = (
    Extractor("meta", extract_meta),
    Extractor("sections", extract_sections),
    Extractor("files_changed", extract_files_changed),
    Extractor("blockers", extract_blockers),
    Extractor("commands", extract_commands),
)
