"""A remediation's detail (sessions, histories, findings), built from its reports' stored items."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from db.dashboard import ReportItems, report_items
from db.engine import run_sync
from db.models import Remediation
from db.remediations import claims_of
from db.sessions import Sessions, latest_sessions
from reports_service.progress import history as h

#: sessions a detail follows (the latest ones); the counts cover all of them
MAX_SESSIONS = 200


async def remediation_detail(
    session: AsyncSession, remediation: Remediation, project: str
) -> h.RemediationDetail:
    """A stored remediation's detail: its latest :data:`MAX_SESSIONS` sessions are read in
    session order (``db.sessions``), the others only counted."""
    if remediation.id is None:
        raise ValueError("the remediation is not stored")
    sessions = await run_sync(session, latest_sessions, remediation.id, MAX_SESSIONS)
    return await detail_of(
        session,
        sessions,
        id=remediation.id,
        project=project,
        name=remediation.name,
        explicit=remediation.explicit,
    )


def sessions_of(every: Sequence[h.SessionRow]) -> Sessions[h.SessionRow]:
    """A series of reports given whole, in session order, as a detail shows it."""
    return Sessions(
        latest=every[-MAX_SESSIONS:],
        count=len(every),
        first_received_at=min((r.received_at for r in every), default=None),
        last_received_at=max((r.received_at for r in every), default=None),
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
    """The detail of a series of reports given whole, in session order: the dashboard's
    grouping of reports stored before remediations existed."""
    return await detail_of(
        session, sessions_of(every), id=id, project=project, name=name, explicit=explicit
    )


async def detail_of(
    session: AsyncSession,
    sessions: Sessions[h.SessionRow],
    *,
    id: int,
    project: str,
    name: str,
    explicit: bool = False,
) -> h.RemediationDetail:
    """The detail of ``sessions``, its latest ones followed through their stored items."""
    ids = [row.id for row in sessions.latest[-MAX_SESSIONS:]]
    items = await report_items(session, ids) if ids else None
    claims = await claims_of(session, ids) if ids else []
    return detail_from(
        sessions, items, claims, id=id, project=project, name=name, explicit=explicit
    )


def detail_from(
    sessions: Sessions[h.SessionRow],
    items: ReportItems | None,
    claims: Sequence[h.ClaimRow],
    *,
    id: int,
    project: str,
    name: str,
    explicit: bool = False,
) -> h.RemediationDetail:
    """The detail of ``sessions`` from the stored items and claim findings of the latest ones
    (at most :data:`MAX_SESSIONS`, numbered from 1)."""
    rows = sessions.latest[-MAX_SESSIONS:]
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
        sessions=sessions.count,
        status=status,
        gates_passing=passing,
        gates_total=total,
        gates_stalled=sum(1 for g in gates if g.stalled_sessions),
        open_blockers=sum(b.state in ("open", "reopened") for b in blockers),
        findings_count=sum(f.source == "claim" for f in found),
        first_report_at=sessions.first_received_at,
        last_report_at=sessions.last_received_at,
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
