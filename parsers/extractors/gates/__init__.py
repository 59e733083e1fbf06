"""Gates: criteria with a target or a pass/fail status.

Four shapes, each a small reader over the document:

- rows of gate tables (see :func:`parsers.tables.table_kinds`);
- checkbox items and status-marked items under gate headings (acceptance criteria, checklists,
  definition of done, readiness, verification);
- ``Label: PASS`` fields whose label names a gate/verdict, or that stand under a gate heading;
- comparisons in prose and tool output: ``19.11% < required 30%``, pytest-cov's
  ``Required test coverage of 30% reached. Total coverage: 31.21%``, ``--cov-fail-under=55``,
  ``66.7% final coverage (target: 80%)``.

Each gate keeps the report's own mark (``claimed_status``) apart from the comparison of its
numbers (``computed_status``); ``status`` is the claim where there is one."""

from __future__ import annotations

from parsers.extractors.gates.common import clean_name, make_gate
from parsers.extractors.gates.extract import extract_gates

__all__ = ["clean_name", "extract_gates", "make_gate"]
