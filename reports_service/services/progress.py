"""Progress tracking as reports are stored: each report is placed in a remediation, and its
claims are checked against its own numbers and against the session before it.

Runs inside the transaction that stores the report, so that a report never lands without its
remediation and findings (or the other way round).
"""

from __future__ import annotations

from functools import lru_cache

from sqlmodel import Session

import parsers.models as pm
from db.first_mentions import note_first_mentions
from db.models import Report
from db.remediations import SignatureRow, find_or_create, recent_signatures, replace_claims
from db.sessions import neighbours
from db.store import add_report, load_items, read_parsed, replace_parse
from parsers.vocabulary import Vocabulary
from reports_service.progress.claims import AS_PREVIOUS, check_report
from reports_service.progress.grouping import WINDOW, ReportSignature, place, scope_label_of


def tracked_text(report: Report) -> str:
    """A stored report's markdown as the tracking reads it."""
    return report.raw.decode("utf-8-sig", errors="replace")


def label_scope(report: Report, text: str) -> None:
    """Record the header label the report's scope was given under (``Report.scope_label``)."""
    report.scope_label = scope_label_of(report.meta_lines or {}, text)


@lru_cache(maxsize=4 * WINDOW)
def signature_of(row: SignatureRow) -> ReportSignature:
    """An earlier report's signature, kept while its row is unchanged: each new report of a
    project is compared with the same latest reports, and a signature's derived words (scope,
    title pattern, numbers) were most of the cost of placing it."""
    return ReportSignature(
        id=row.id,
        remediation_id=row.remediation_id,
        explicit=row.remediation,
        title=row.title,
        scope=row.scope,
        scope_label=row.scope_label,
        sequence=row.sequence,
        in_response_to=row.in_response_to,
    )


def place_report(session: Session, report: Report) -> None:
    """Set ``report.remediation_id`` by the rule of :mod:`reports_service.progress.grouping`.

    A report not stored yet is placed among all the project's stored reports and keeps the
    remediation when it is inserted; a stored one among those stored before it, and is updated
    (and becomes a first mention of its blockers in its remediation where it is the earliest).
    """
    signature = ReportSignature(
        id=report.id or 0,  # 0: not stored yet (no stored report has it)
        explicit=report.remediation,
        title=report.title,
        scope=report.scope,
        scope_label=report.scope_label,
        sequence=report.sequence,
        in_response_to=report.in_response_to,
    )
    # an explicit remediation names its own: the earlier reports are not read then
    earlier = (
        []
        if signature.explicit and signature.explicit.strip()
        else recent_signatures(session, report.project_id, WINDOW, before=report.id)
    )
    placement = place(signature, map(signature_of, earlier))
    remediation_id = placement.remediation_id
    if remediation_id is None:
        remediation = find_or_create(
            session, report.project_id, placement.key, placement.name, placement.explicit
        )
        remediation_id = remediation.id
    report.remediation_id = remediation_id
    if report.id is not None:
        session.add(report)
        session.flush()
        note_first_mentions(session, report)


def check_claims(
    session: Session,
    report: Report,
    parsed: pm.ParsedReport | None = None,
    vocabulary: Vocabulary | None = None,
    new: bool = False,
) -> None:
    """Store the claim findings of ``report``, and of the session after it (whose previous
    session it now is). ``new``: the report was stored in this transaction, so it has no
    findings to replace yet."""
    if report.id is None or report.remediation_id is None:
        return
    # its neighbours in the whole remediation's session order, found by index seeks (db.sessions)
    previous, following = neighbours(session, report.remediation_id, report.id)
    own = parsed if parsed is not None else read_parsed(session, report)
    before = load_items(session, previous, AS_PREVIOUS) if previous is not None else None
    claims = check_report(own, tracked_text(report), before, vocabulary)
    replace_claims(session, report.id, report.remediation_id, claims, replacing=not new)
    if following is not None:
        after_report = session.get(Report, following)
        if after_report is not None and after_report.id is not None:
            after = read_parsed(session, after_report)
            claims = check_report(after, tracked_text(after_report), own, vocabulary)
            replace_claims(session, after_report.id, report.remediation_id, claims)


def _label_and_place(session: Session, report: Report) -> None:
    label_scope(report, tracked_text(report))
    place_report(session, report)


def track(
    session: Session,
    report: Report,
    parsed: pm.ParsedReport,
    vocabulary: Vocabulary | None = None,
) -> None:
    """Place a report stored without its remediation and check its claims (no commit);
    :func:`store_tracked` places a new report as it inserts it instead."""
    _label_and_place(session, report)
    check_claims(session, report, parsed, vocabulary, new=True)


def retrack(
    session: Session,
    report: Report,
    parsed: pm.ParsedReport,
    vocabulary: Vocabulary | None = None,
) -> None:
    """After a re-parse: keep the report's remediation (renames and merges stay), place it if it
    has none yet (stored before remediations existed), and check its claims again."""
    label_scope(report, tracked_text(report))
    if report.remediation_id is None:
        place_report(session, report)
    check_claims(session, report, parsed, vocabulary)


def store_tracked(
    session: Session,
    report: Report,
    parsed: pm.ParsedReport,
    vocabulary: Vocabulary | None = None,
) -> list[str]:
    """Add a new report with its items (see :func:`db.store.add_report`, whose notes it returns),
    placed in its remediation as it is inserted, and check its claims; no commit."""
    notes = add_report(
        session, report, parsed, before_insert=lambda new: _label_and_place(session, new)
    )
    check_claims(session, report, parsed, vocabulary, new=True)
    return notes


def replace_tracked(
    session: Session,
    report: Report,
    parsed: pm.ParsedReport,
    vocabulary: Vocabulary | None = None,
) -> None:
    """Swap a stored report's parse for ``parsed`` and track it again; no commit."""
    replace_parse(session, report, parsed)
    retrack(session, report, parsed, vocabulary)
