"""Storing prepared reports of one project in order, a batch per transaction (bulk import).

What a report needs of the reports before it is all that is left to do here; the rest was done
in a parser process (:mod:`reports_service.services.prepared`). The results are those of
:func:`reports_service.services.progress.store_tracked` called for each report in turn; what
changes is how often the database is asked:

- the project's latest reports, which a new report is placed among, are read once per
  transaction and kept in memory as reports are added (their derived words came worked out);
- a remediation found or created is looked up once per transaction;
- what orders a remediation's sessions (:class:`db.sessions.OrderSurvey`) is read once per
  transaction, so finding a report's previous session is one statement;
- the session before a report, when stored in the same transaction, is not read back;
- item rows and claim findings are inserted once per table for the whole transaction (in the
  same order, so with the same ids), and the latest and first mentions noted once.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from sqlmodel import Session

import parsers.models as pm
from db.first_mentions import note_first_mentions_of
from db.latest import note_latest_of
from db.models import Report
from db.remediations import (
    claim_rows,
    find_or_create,
    insert_claim_rows,
    recent_signatures,
    replace_claims,
)
from db.sessions import OrderSurvey, neighbours_of, survey_order
from db.store import apply_columns, insert_rows, load_items, read_parsed
from reports_service.progress.claims import AS_PREVIOUS, check_against_previous, check_report
from reports_service.progress.grouping import WINDOW, Placement, ReportSignature, place
from reports_service.services.prepared import PreparedReport
from reports_service.services.progress import signature_of, tracked_text


class BatchStore:
    """One transaction's reports of a project, stored with their tracking; :meth:`finish`
    writes what is kept for the end, then the caller commits."""

    def __init__(self, session: Session, project_id: int, remediation: str | None) -> None:
        self.session = session
        self.project_id = project_id
        self.remediation = remediation
        #: the project's latest reports, newest first
        self.window: deque[ReportSignature] = deque(
            map(signature_of, recent_signatures(session, project_id, WINDOW)), maxlen=WINDOW
        )
        self.remediations: dict[str, int] = {}
        self.orders: dict[int, OrderSurvey] = {}
        #: the reports stored in this transaction, as their next session reads them
        self.as_previous: dict[int, pm.ParsedReport] = {}
        self.items: dict[str, list[dict[str, Any]]] = {}
        self.claims: list[dict[str, Any]] = []
        self.stored: list[int] = []

    def add(self, item: PreparedReport) -> int:
        """Store ``item`` after the reports added before it; its report id."""
        report = Report(
            project_id=self.project_id,
            sha256=item.sha256,
            size=len(item.raw),
            raw=item.raw,
            parser_version=item.parser_version,
            remediation=self.remediation,
        )
        apply_columns(report, item.stored.columns)
        signature = item.signature.replaced(explicit=self.remediation)
        placement = place(signature, self.window)
        remediation_id = placement.remediation_id
        if remediation_id is None:
            remediation_id = self._remediation(placement)
        report.remediation_id = remediation_id
        self.session.add(report)
        self.session.flush()
        report_id = report.id
        if report_id is None:  # pragma: no cover - flush assigns the key
            raise RuntimeError("the report was not given an id")
        self.window.appendleft(signature.replaced(id=report_id, remediation_id=remediation_id))
        for field, rows in item.stored.rows.items():
            for row in rows:
                row["report_id"] = report_id
            self.items.setdefault(field, []).extend(rows)
        self.stored.append(report_id)
        self._check_claims(report, remediation_id, item)
        return report_id

    def _remediation(self, placement: Placement) -> int:
        found = self.remediations.get(placement.key)
        if found is None:
            remediation = find_or_create(
                self.session, self.project_id, placement.key, placement.name, placement.explicit
            )
            if remediation.id is None:  # pragma: no cover - find_or_create flushes it
                raise RuntimeError("the remediation was not given an id")
            found = self.remediations[placement.key] = remediation.id
        return found

    def _check_claims(self, report: Report, remediation_id: int, item: PreparedReport) -> None:
        """:func:`reports_service.services.progress.check_claims` of a new report."""
        survey = self.orders.get(remediation_id)
        if survey is None:  # read with the report in it
            survey = self.orders[remediation_id] = survey_order(self.session, remediation_id)
        else:
            survey.add(report.sequence_number, report.report_date)
        previous, following = neighbours_of(self.session, remediation_id, survey, report)
        claims = list(item.claims)
        if previous is not None:
            before = self.as_previous.get(previous)
            if before is None:
                before = load_items(self.session, previous, AS_PREVIOUS)
            claims.extend(check_against_previous(item.current, before))
        report_id: int = report.id  # type: ignore[assignment]  # stored
        self.claims.extend(claim_rows(report_id, remediation_id, claims))
        self.as_previous[report_id] = item.as_previous
        if following is not None:  # stored before, though it comes after: checked again
            self._flush()
            after_report = self.session.get(Report, following)
            if after_report is not None and after_report.id is not None:
                after = read_parsed(self.session, after_report)
                found = check_report(after, tracked_text(after_report), item.current)
                replace_claims(self.session, after_report.id, remediation_id, found)

    def _flush(self) -> None:
        insert_rows(self.session, self.items)
        self.items = {}
        insert_claim_rows(self.session, self.claims)
        self.claims = []

    def finish(self) -> None:
        """Write what was kept for the end of the transaction (no commit)."""
        self._flush()
        note_latest_of(self.session, self.stored)
        note_first_mentions_of(self.session, self.stored)
