"""A report file made ready to store, in a parser process of ``reports-service ingest``.

Everything about a report that depends on its text alone is worked out here: its parse, its
columns and item rows as stored (:func:`db.store.storable_parse`), its scope label and the words
the grouping rule reads (:class:`reports_service.progress.grouping.ReportSignature`), and the
claim checks of the report on its own. What is left for the process that stores the reports is
what depends on the reports before it: its remediation, its previous session, the INSERTs
(:mod:`reports_service.services.batch_store`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import parsers.models as pm
from db.store import StorableParse, storable_parse, stored_items
from parsers.project_words import Words
from reports_service.progress.claims import AS_PREVIOUS, Claim, check_report
from reports_service.progress.grouping import ReportSignature, scope_label_of
from reports_service.services.report_files import ReportFile, Unreadable


@dataclass(frozen=True, slots=True)
class PreparedReport:
    path: str
    raw: bytes  #: the file's bytes, stored as they are
    sha256: str
    stored: StorableParse  #: the report's columns (scope label included) and item rows
    #: for placing it (its id, remediation and explicit name are set when it is stored)
    signature: ReportSignature
    claims: list[Claim]  #: the findings of the checks of the report alone
    #: its gates, coverage and forecasts as parsed: compared with the session before it, and
    #: what a later stored session is checked against when it lands before that one
    current: pm.ParsedReport
    #: its gates and forecasts as stored: what the session after it is compared with
    as_previous: pm.ParsedReport

    @property
    def text(self) -> str:
        return self.raw.decode("utf-8-sig")

    @property
    def parser_version(self) -> str:
        version: str = self.stored.columns["parser_version"]
        return version


def prepare(item: ReportFile) -> PreparedReport:
    """``item`` ready to store (see the module)."""
    parsed = item.parsed
    text = item.raw.decode("utf-8-sig", errors="replace")  # as progress tracking reads it
    stored = storable_parse(parsed)
    columns = stored.columns
    columns["scope_label"] = scope_label_of(columns["meta_lines"], text)
    signature = ReportSignature(
        id=0,
        title=columns["title"],
        scope=columns["scope"],
        scope_label=columns["scope_label"],
        sequence=columns["sequence"],
        in_response_to=columns["in_response_to"],
    ).derive()
    return PreparedReport(
        path=item.path,
        raw=item.raw,
        sha256=hashlib.sha256(item.raw).hexdigest(),
        stored=stored,
        signature=signature,
        claims=check_report(parsed, text),
        current=pm.ParsedReport(
            parser_version="",
            gates=parsed.gates,
            coverage=parsed.coverage,
            coverage_forecasts=parsed.coverage_forecasts,
        ),
        as_previous=stored_items(stored, AS_PREVIOUS),
    )


def read_prepared(
    reader: Callable[..., ReportFile | Unreadable],
    path: str,
    max_bytes: int,
    words: Words | None = None,
) -> PreparedReport | Unreadable:
    """The file at ``path`` read by ``reader`` (with the project's ``words``, when it has
    some) and prepared: what a parser process of a bulk import does with each file."""
    found = reader(path, max_bytes) if words is None else reader(path, max_bytes, words=words)
    if not isinstance(found, ReportFile):
        return found
    try:
        return prepare(found)
    except Exception as exc:  # as the parser's: one file's failure is not the import's
        return Unreadable(path, f"cannot prepare it for storing: {type(exc).__name__}: {exc}")
