"""A remediation's detail (sessions, histories, findings), built from its reports' stored items."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from db.dashboard import ReportItems, report_items
from db.engine import run_sync
from db.models import Remediation
from db.remediations import claims_of, session_rows
from reports_service.progress import history as h

#: sessions a detail follows (the latest ones); the counts cover all of them
MAX_SESSIONS = 200


async def remediation_detail(
    session: AsyncSession, remediation: Remediation, project: str
) -> h.RemediationDetail:
    if remediation.id is None:
        raise ValueError("the remediation is not stored")
    every = h.session_order(await run_sync(session, session_rows, remediation.id))
    return await detail_of_sessions(
        session,
        every,
        id=remediation.id,
        project=project,
        name=remediation.name,
        explicit=remediation.explicit,
    )


async def detail_of_sessions(
    session: AsyncSession,
    every: Sequence[h.SessionRow],
    *,
    id: int,
    project: str,
    name: str,
    explicit: bool = False,
) -> h.RemediationDetail:
    """The detail of a series of reports given in session order (its latest
    :data:`MAX_SESSIONS` followed): a stored remediation's, or the dashboard's grouping of
    reports stored before remediations existed."""
    ids = [row.id for row in every[-MAX_SESSIONS:]]
    items = await report_items(session, ids) if ids else None
    claims = await claims_of(session, ids) if ids else []
    return detail_from(every, items, claims, id=id, project=project, name=name, explicit=explicit)


def detail_from(
    every: Sequence[h.SessionRow],
    items: ReportItems | None,
    claims: Sequence[h.ClaimRow],
    *,
    id: int,
    project: str,
    name: str,
    explicit: bool = False,
) -> h.RemediationDetail:
    """The detail of sessions ``every`` (in session order) from their stored items and claim
    findings (those of the latest :data:`MAX_SESSIONS` sessions are read)."""
    rows = every[-MAX_SESSIONS:]
    number = {row.id: n for n, row in enumerate(rows, 1)}
    gates = h.gate_series(items.gates, number, len(rows)) if items else []
    blockers = h.blocker_threads(items.blockers, number, rows) if items else []
    status, passing, total = h.gate_status(gates, len(rows))
    found = h.findings(claims, items.findings if items else [], number)
    return h.RemediationDetail(
        id=id,
        project=project,
        name=name,
        explicit=explicit,
        sessions=len(every),
        status=status,
        gates_passing=passing,
        gates_total=total,
        gates_stalled=sum(1 for g in gates if g.stalled_sessions),
        open_blockers=sum(b.state in ("open", "reopened") for b in blockers),
        findings_count=sum(f.source == "claim" for f in found),
        first_report_at=min((r.received_at for r in every), default=None),
        last_report_at=max((r.received_at for r in every), default=None),
        reports=[
            h.SessionEntry(
                session=number[r.id],
                report=h.ReportSummary(
                    id=r.id, title=r.title, date=r.date, agent=r.agent, received_at=r.received_at
                ),
                kind=r.kind,
                sequence=r.sequence,
            )
            for r in rows
        ],
        gates=gates,
        coverage=h.coverage_series(items.coverage, number) if items else [],
        tests=h.test_series(items.tests, number) if items else [],
        blockers=blockers,
        findings=found,
    )


def summary_of(detail: h.RemediationDetail) -> h.RemediationSummary:
    return h.RemediationSummary.model_validate(
        detail.model_dump(include=set(h.RemediationSummary.model_fields))
    )
