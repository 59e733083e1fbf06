"""Sections: the heading tree, each heading with its level, parent and source line."""

from __future__ import annotations

from parsers.document import Document
from parsers.models import Section


def extract_sections(doc: Document) -> list[Section]:
    return [
        Section(line=section.line, level=section.level, title=section.title, parent=section.parent)
        for section in doc.sections
    ]
