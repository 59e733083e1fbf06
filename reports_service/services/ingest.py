"""Turning a POSTed body into a stored report: decode, deduplicate, parse, store in one transaction.

Idempotency holds across server processes because the database enforces it: ``(project,
sha256)`` and ``(project, idempotency key)`` are unique, so when two requests race, one insert
wins and the other one's transaction fails, rolls back, and answers with the winner's report.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Integer, String, bindparam
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from db.engine import in_writer_serially, run_sync
from db.models import POSTER_FIELD_MAX, Project, Report
from db.store import read_parsed
from db.vocabulary import read_project_words
from parsers import ParsedReport, parse_report
from parsers.project_words import vocabulary_with
from reports_service.schemas import ReportSubmission
from reports_service.services.progress import store_tracked

#: media types a report may be sent as, besides JSON
MARKDOWN_TYPES = frozenset({"text/markdown", "text/x-markdown", "text/plain"})
JSON_TYPE = "application/json"
ACCEPTED = "text/markdown, text/plain or application/json"
IDEMPOTENCY_KEY_PATTERN = rf"^[\x21-\x7e]{{1,{POSTER_FIELD_MAX}}}$"
_IDEMPOTENCY_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN)


class IngestError(Exception):
    """A request the service cannot take, with the status and an actionable message."""

    def __init__(
        self, status_code: int, detail: str, extra: list[Any] | dict[str, Any] | None = None
    ) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail
        self.extra = extra


@dataclass(frozen=True, slots=True)
class Submission:
    raw: bytes  #: the markdown exactly as it will be stored
    text: str  #: the markdown decoded, for the parser
    agent: str | None = None
    session: str | None = None
    commit: str | None = None
    remediation: str | None = None
    idempotency_key: str | None = None
    #: of ``raw``, computed once: a submission is looked up and stored by it
    sha256: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sha256", hashlib.sha256(self.raw).hexdigest())


@dataclass(frozen=True, slots=True)
class Outcome:
    report: Report
    parsed: ParsedReport
    created: bool


def check_media_type(media_type: str, options: dict[str, str]) -> None:
    media_type = media_type.strip().lower()
    if media_type not in MARKDOWN_TYPES and media_type != JSON_TYPE:
        shown = f"'{media_type}'" if media_type else "no Content-Type"
        raise IngestError(415, f"cannot take {shown}: send the report as {ACCEPTED}")
    charset = options.get("charset", "utf-8").strip().lower()
    if charset not in ("utf-8", "utf8"):
        raise IngestError(
            415, f"cannot take charset '{charset}': send the report as UTF-8 (charset=utf-8)"
        )


def check_idempotency_key(value: str | None) -> str | None:
    if value is None:
        return None
    if not _IDEMPOTENCY_KEY.match(value):
        raise IngestError(
            422,
            f"Idempotency-Key must be 1 to {POSTER_FIELD_MAX} visible ASCII characters "
            "(a UUID is a good choice)",
        )
    return value


def _decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(
            422,
            f"the report is not UTF-8 text (invalid byte at offset {exc.start}); "
            "save it as UTF-8 and send it again",
        ) from exc
    if not text.strip():
        raise IngestError(422, "the report is empty: send the markdown text of the report")
    return text


def read_submission(
    body: bytes, media_type: str, options: dict[str, str], idempotency_key: str | None = None
) -> Submission:
    """The submission in ``body``; :class:`IngestError` (415/422) when it cannot be taken."""
    check_media_type(media_type, options)
    key = check_idempotency_key(idempotency_key)
    if media_type.strip().lower() != JSON_TYPE:
        return Submission(raw=body, text=_decode(body), idempotency_key=key)
    if not body.strip():
        raise IngestError(422, 'the body is empty: send {"markdown": "..."}')
    try:
        form = ReportSubmission.model_validate_json(body)
    except ValidationError as exc:
        problems = [
            {"field": ".".join(str(p) for p in error["loc"]) or "(body)", "message": error["msg"]}
            for error in exc.errors(include_url=False, include_input=False)
        ]
        summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems[:5])
        raise IngestError(
            422,
            f'the JSON body is not a report submission ({summary}); expected {{"markdown": '
            '"...", "agent", "session", "commit", "remediation" optional strings}',
            extra=problems,
        ) from exc
    try:
        raw = form.markdown.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise IngestError(
            422, "markdown: must be valid Unicode text (no lone surrogate escapes)"
        ) from exc
    return Submission(
        raw=raw,
        text=_decode(raw),
        agent=form.agent,
        session=form.session,
        commit=form.commit,
        remediation=form.remediation,
        idempotency_key=key,
    )


@cache
def _existing_statement(with_key: bool) -> SelectOfScalar[Report]:
    """Reports of project ``:project_id`` with content ``:sha256`` (or key
    ``:idempotency_key`` when ``with_key``): built once, as building and keying a statement cost
    more than running it."""
    matches = [col(Report.sha256) == bindparam("sha256", type_=String())]
    if with_key:
        matches.append(col(Report.idempotency_key) == bindparam("idempotency_key", type_=String()))
    project = col(Report.project_id) == bindparam("project_id", type_=Integer())
    return select(Report).where(project, or_(*matches))


def _existing(session: Session, project_id: int, submission: Submission) -> Outcome | None:
    """The report this submission duplicates, or a 409 when its key names other content."""
    params = {
        "project_id": project_id,
        "sha256": submission.sha256,
        "idempotency_key": submission.idempotency_key,
    }
    statement = _existing_statement(submission.idempotency_key is not None)
    found = list(session.exec(statement, params=params))
    for report in found:
        if report.sha256 == submission.sha256:
            return Outcome(report=report, parsed=read_parsed(session, report), created=False)
    if found:
        raise IngestError(
            409,
            f"Idempotency-Key '{submission.idempotency_key}' was already used for report "
            f"{found[0].id} with different content: use a new key for a new report",
        )
    return None


#: times a SQLite write that found the database locked is tried again
LOCKED_RETRIES = 5


def _locked(exc: OperationalError) -> bool:
    return "database is locked" in str(exc.orig)


async def ingest(
    session: AsyncSession,
    project: Project,
    submission: Submission,
    writer: sessionmaker[Session] | None = None,
) -> Outcome:
    """Store ``submission`` in ``project`` once: the stored report, created or already there.

    The store is synchronous code. Given ``writer`` (sessions of a synchronous engine on the same
    database, see :func:`db.engine.create_writer`), it runs whole in a worker thread in a
    session of its own: through the async driver each statement costs several hops between
    threads, which made up most of what storing added to parsing (``bench/statements.py``).
    The stores of one process take their turn (:func:`db.engine.in_writer_serially`).
    Without ``writer`` it runs in ``session``.

    On SQLite a writer can find the database locked by another process's writer although it
    waited its busy timeout (a read snapshot older than that writer's commit cannot be turned
    into a write); the whole store is then tried again from a fresh transaction.
    """
    project_id = project.id  # read now: a rollback below expires every loaded object
    if project_id is None:
        raise ValueError("the project is not stored")
    for attempt in range(LOCKED_RETRIES + 1):
        try:
            if writer is None:
                return await run_sync(session, _ingest_once, project_id, submission)
            return await in_writer_serially(writer, _ingest_once, project_id, submission)
        except OperationalError as exc:
            if writer is None:
                await session.rollback()
            if not _locked(exc) or attempt == LOCKED_RETRIES:
                raise
            await asyncio.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover


def _ingest_once(session: Session, project_id: int, submission: Submission) -> Outcome:
    previous = _existing(session, project_id, submission)
    if previous is not None:
        return previous
    words = read_project_words(session, project_id)
    # end the read transaction before parsing: the write below starts from a fresh snapshot,
    # so a concurrent writer's commit meanwhile makes it wait (busy timeout), not fail
    session.commit()
    vocabulary = vocabulary_with(words)
    parsed = parse_report(submission.text, vocabulary=vocabulary)
    report = Report(
        project_id=project_id,
        sha256=submission.sha256,
        size=len(submission.raw),
        raw=submission.raw,
        parser_version=parsed.parser_version,
        agent=submission.agent,
        session=submission.session,
        commit=submission.commit,
        remediation=submission.remediation,
        idempotency_key=submission.idempotency_key,
    )
    try:
        notes = store_tracked(session, report, parsed, vocabulary)
        session.commit()
    except IntegrityError:
        # lost a race with an identical report (or key): answer with the one that won
        session.rollback()
        previous = _existing(session, project_id, submission)
        if previous is None:
            raise
        return previous
    if notes:
        parsed = read_parsed(session, report)
    return Outcome(report=report, parsed=parsed, created=True)
