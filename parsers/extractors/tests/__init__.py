"""Tests: counts of test runs, per suite and in total.

Readers:

- tables with pass/fail count columns (one run per row, a TOTAL row for the grand total), and
  tables with a test-count column and a status column ("67 | ✅ All passing");
- runner summary lines wherever they appear: pytest ``41 failed, 331 passed``, jest/vitest
  ``Tests: 18 failed | 144 passed | 6 skipped (168)``, Ginkgo ``22 Passed | 0 Failed``, cargo
  ``test result: ok. 12 passed; 0 failed``, JUnit ``Tests run: 5, Failures: 1``, dotnet
  ``Failed: 0, Passed: 53, Skipped: 0, Total: 53``, mocha ``12 passing``;
- labelled prose: ``**Total Tests**: 51 (38 passing, 13 failing)``, ``- Utils: 74 passing``,
  ``33/35 ✅``, ``9/9 tests passed``.

Counts of tests written, planned or expected are not runs; neither are runs of earlier sessions.
A field the report does not state stays None; ``failed`` is 0 only where the report leaves no
doubt (``17/17``, "all passed", a runner line that omits zero counts)."""

from __future__ import annotations

from parsers.extractors.tests.counts import complete, read_counts
from parsers.extractors.tests.extract import extract_tests

__all__ = ["complete", "extract_tests", "read_counts"]
