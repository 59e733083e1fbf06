"""Posting reports, and reading them back: list, one with every item, raw markdown."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.exceptions import HTTPException, NotFoundException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import FromPath, HeaderParameter
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import Project, Report, ReportRead
from db.queries import ReportFilters, get_report, list_reports, report_read
from db.store import load_parsed
from parsers import ParsedReport
from reports_service.controllers.openapi import PROJECT_READ, PostReportOperation, errors
from reports_service.controllers.params import MAX_ID, Limit, Offset, query
from reports_service.dependencies import provide_read_project, provide_writer_project
from reports_service.schemas import IngestResult, Page, ReportDetail
from reports_service.services.ingest import (
    IngestError,
    check_media_type,
    ingest,
    read_submission,
)


def report_url(project: str, report_id: int | None) -> str:
    return f"/api/projects/{project}/reports/{report_id}"


def _fields(report: Report, project: str) -> dict[str, object]:
    url = report_url(project, report.id)
    return {**report_read(report, project).model_dump(), "url": url, "raw_url": f"{url}/raw"}


def detail(report: Report, project: str, parsed: ParsedReport) -> ReportDetail:
    return ReportDetail.model_validate({**_fields(report, project), "parsed": parsed})


def ingest_result(
    report: Report, project: str, parsed: ParsedReport, duplicate: bool
) -> IngestResult:
    fields = {**_fields(report, project), "parsed": parsed, "duplicate": duplicate}
    return IngestResult.model_validate(fields)


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """Query times without a zone are taken as UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


class ReportController(Controller):
    path = "/api/projects/{project:str}/reports"
    tags = ("reports",)

    @post(
        "/",
        summary="Post a report",
        description=(
            "The body is the report: `text/markdown` (or `text/plain`) as it is, or "
            '`application/json` `{"markdown": ..., "agent": ..., "session": ..., "commit": ..., '
            '"remediation": ...}`. Needs `Authorization: Bearer <token>` for this project. '
            "201 with the stored report when it is new; 200 with the original when the same "
            "content (or the same `Idempotency-Key`) was posted to this project before."
        ),
        dependencies={"current_project": Provide(provide_writer_project)},
        status_code=201,
        operation_class=PostReportOperation,
        responses={
            200: ResponseSpec(
                data_container=IngestResult,
                description="already stored: the same content, or the same Idempotency-Key",
                generate_examples=False,
            ),
            **errors(401, 409, 413, 415, 422),
        },
    )
    async def post_report(
        self,
        request: Request[object, object, State],
        db_session: NamedDependency[AsyncSession],
        current_project: NamedDependency[Project],
        idempotency_key: Annotated[
            str | None,
            HeaderParameter(
                name="Idempotency-Key",
                required=False,
                description="a retry with the same key answers with the report first stored",
                examples=[Example(value="3f1e2a9c-8d2b-4d55-9a52-3b2f0c7e6a10")],
            ),
        ] = None,
    ) -> Response[IngestResult]:
        project_name = current_project.name  # before ingest: a lost race rolls back and expires it
        media_type, options = request.content_type
        try:
            check_media_type(media_type, options)  # before reading a body we would refuse
            body = await request.body()
            submission = read_submission(body, media_type, options, idempotency_key)
            outcome = await ingest(
                db_session, current_project, submission, request.app.state.writer
            )
        except IngestError as exc:
            raise HTTPException(
                status_code=exc.status_code, detail=exc.detail, extra=exc.extra
            ) from exc
        result = ingest_result(
            outcome.report, project_name, outcome.parsed, duplicate=not outcome.created
        )
        if outcome.created:
            return Response(result, status_code=201, headers={"Location": result.url})
        return Response(result, status_code=200)

    @get(
        "/",
        summary="A project's reports, newest first",
        dependencies={"current_project": Provide(provide_read_project)},
        responses=PROJECT_READ,
    )
    async def list_reports(
        self,
        db_session: NamedDependency[AsyncSession],
        current_project: NamedDependency[Project],
        limit: Limit = 50,
        offset: Offset = 0,
        since: Annotated[
            dt.datetime | None, query("received at or after (ISO 8601; UTC if no zone)")
        ] = None,
        until: Annotated[
            dt.datetime | None, query("received before (ISO 8601; UTC if no zone)")
        ] = None,
        date_from: Annotated[
            dt.date | None, query("the report's own date, from (YYYY-MM-DD, inclusive)")
        ] = None,
        date_to: Annotated[
            dt.date | None, query("the report's own date, to (YYYY-MM-DD, inclusive)")
        ] = None,
        agent: Annotated[str | None, query("as given by the poster")] = None,
        kind: Annotated[
            str | None, query("completion, status, remediation, plan, summary, other")
        ] = None,
    ) -> Page[ReportRead]:
        filters = ReportFilters(
            since=_utc(since),
            until=_utc(until),
            date_from=date_from,
            date_to=date_to,
            agent=agent,
            kind=kind,
        )
        items, total = await list_reports(db_session, current_project, filters, limit, offset)
        return Page(items=items, total=total, limit=limit, offset=offset)

    async def _report(self, session: AsyncSession, project: Project, report_id: int) -> Report:
        report = None
        if 1 <= report_id <= MAX_ID:
            report = await get_report(session, project, report_id)
        if report is None:
            raise NotFoundException(
                detail=f"project '{project.name}' has no report {report_id}: "
                f"see GET /api/projects/{project.name}/reports"
            )
        return report

    @get(
        "/{report_id:int}",
        summary="One report with everything extracted from it",
        dependencies={"current_project": Provide(provide_read_project)},
        responses=PROJECT_READ,
    )
    async def get_report(
        self,
        db_session: NamedDependency[AsyncSession],
        current_project: NamedDependency[Project],
        report_id: FromPath[int],
    ) -> ReportDetail:
        report = await self._report(db_session, current_project, report_id)
        return detail(report, current_project.name, await load_parsed(db_session, report))

    @get(
        "/{report_id:int}/raw",
        summary="The report's markdown, byte for byte as it was posted",
        dependencies={"current_project": Provide(provide_read_project)},
        responses=PROJECT_READ,
        media_type="text/markdown",
    )
    async def get_raw(
        self,
        db_session: NamedDependency[AsyncSession],
        current_project: NamedDependency[Project],
        report_id: FromPath[int],
    ) -> Response[bytes]:
        report = await self._report(db_session, current_project, report_id)
        return Response(
            report.raw,
            media_type="text/markdown",
            headers={"X-Content-Type-Options": "nosniff"},
        )
