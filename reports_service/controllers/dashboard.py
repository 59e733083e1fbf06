"""The gates dashboard: server-rendered HTML pages over the same data as the API.

Pages: home (projects), project (its workstreams as a gate board), report (rendered beside what
was extracted), blockers (open ones across projects). They read a :class:`Snapshot` kept per
process (see ``reports_service.dashboard.snapshot``), except the report page, which reads its
one report. They honour ``REPORTS_READS_REQUIRE_TOKEN`` like the API.
"""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.exceptions import HTTPException, NotAuthorizedException, NotFoundException
from litestar.params import FromPath
from litestar.response import Template
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import Project, Remediation
from db.queries import get_report
from db.store import load_parsed
from reports_service.controllers.params import MAX_ID
from reports_service.dashboard.listing import (
    BlockerQuery,
    BoardQuery,
    blockers_page,
    board_page,
)
from reports_service.dashboard.markdown import render_report
from reports_service.dashboard.remediation import from_detail
from reports_service.dashboard.snapshot import ProjectView, Snapshot, SnapshotCache
from reports_service.dashboard.templating import PAGE_HEADERS
from reports_service.dashboard.workstreams import STATUSES, workstream_name
from reports_service.dependencies import ReadScope, provide_read_project
from reports_service.services.remediations import detail_of_sessions, remediation_detail

#: how many rows the project page shows of its open blockers and recent reports
PROJECT_PREVIEW = 10


async def _snapshot(state: State, session: AsyncSession) -> Snapshot:
    """The process's snapshot. Read in the handler, not as a dependency: Litestar resolves
    dependencies concurrently, and the read scope and project checks use the same session."""
    cache: SnapshotCache = state.dashboard_cache
    return await cache.get(session)


def _params(request: Request[object, object, State]) -> dict[str, str | None]:
    return {key: request.query_params.get(key) for key in request.query_params}


def _visible(snapshot: Snapshot, scope: ReadScope) -> list[ProjectView]:
    if scope.project is None:
        return snapshot.projects
    return [view for view in snapshot.projects if view.name == scope.project]


def html_error(request: Request[object, object, State], exc: HTTPException) -> Template:
    """Errors on pages are pages too: what went wrong, and a way back."""
    return Template(
        template_name="error.html",
        context={"status_code": exc.status_code, "detail": exc.detail},
        status_code=exc.status_code,
        headers={**{h.name: h.value or "" for h in PAGE_HEADERS}, **(exc.headers or {})},
    )


class DashboardController(Controller):
    path = "/"
    include_in_schema = False
    response_headers = PAGE_HEADERS
    exception_handlers = {  # noqa: RUF012 - Litestar's own API
        NotFoundException: html_error,
        NotAuthorizedException: html_error,
    }

    @get("/", name="home")
    async def home(
        self,
        state: State,
        db_session: NamedDependency[AsyncSession],
        read_scope: NamedDependency[ReadScope],
    ) -> Template:
        snapshot = await _snapshot(state, db_session)
        projects = sorted(
            _visible(snapshot, read_scope),
            key=lambda v: (v.last_report.id if v.last_report else 0, v.name),
            reverse=True,
        )
        return Template(template_name="home.html", context={"projects": projects})

    @get(
        "/projects/{project:str}",
        name="project",
        dependencies={"current_project": Provide(provide_read_project)},
    )
    async def project(
        self,
        request: Request[object, object, State],
        db_session: NamedDependency[AsyncSession],
        current_project: NamedDependency[Project],
    ) -> Template:
        snapshot = await _snapshot(request.app.state, db_session)
        view = snapshot.by_name.get(current_project.name)
        if view is None:  # created after the snapshot's stamp was read
            raise NotFoundException(detail=f"no project '{current_project.name}' yet")
        query = BoardQuery.from_params(_params(request))
        context = {
            "project": view,
            "board": board_page(view.workstreams, query),
            "query": query,
            "statuses": STATUSES,
            "blockers": view.open_blockers[:PROJECT_PREVIEW],
            "recent": view.reports[-PROJECT_PREVIEW:][::-1],
        }
        return Template(template_name="project.html", context=context)

    @get(
        "/projects/{project:str}/reports/{report_id:int}",
        name="report",
        dependencies={"current_project": Provide(provide_read_project)},
    )
    async def report(
        self,
        state: State,
        db_session: NamedDependency[AsyncSession],
        current_project: NamedDependency[Project],
        report_id: FromPath[int],
    ) -> Template:
        report = None
        if 1 <= report_id <= MAX_ID:
            report = await get_report(db_session, current_project, report_id)
        if report is None:
            raise NotFoundException(
                detail=f"project '{current_project.name}' has no report {report_id}"
            )
        parsed = await load_parsed(db_session, report)
        highlights: dict[int, str] = {}
        for finding in parsed.findings:
            if finding.line is not None:
                note = f"{finding.severity}: {finding.message}"
                previous = highlights.get(finding.line)
                highlights[finding.line] = f"{previous}\n{note}" if previous else note
        rendered = render_report(report.raw.decode("utf-8", errors="replace"), highlights)
        view = (await _snapshot(state, db_session)).by_name.get(current_project.name)
        key, _ = workstream_name(report)
        stream = None
        if view is not None:
            stream = view.streams.get(key)
        numbers = {r.id: n for n, r in enumerate(stream.sessions, 1)} if stream else {}
        if report_id not in numbers:  # stored after the snapshot was built
            stream = None
        context = {
            "project": current_project.name,
            "report": report,
            "parsed": parsed,
            "rendered": rendered,
            "stream": stream,
            "session_number": numbers.get(report_id),
        }
        return Template(template_name="report.html", context=context)

    @get(
        "/projects/{project:str}/workstreams/{report_id:int}",
        name="workstream",
        dependencies={"current_project": Provide(provide_read_project)},
    )
    async def workstream(
        self,
        state: State,
        db_session: NamedDependency[AsyncSession],
        current_project: NamedDependency[Project],
        report_id: FromPath[int],
    ) -> Template:
        """The remediation page of the workstream that ``report_id`` is a session of."""
        snapshot = await _snapshot(state, db_session)
        view = snapshot.by_name.get(current_project.name)
        stream = view.stream_of(report_id) if view is not None else None
        if stream is None:
            raise NotFoundException(
                detail=f"project '{current_project.name}' has no report {report_id} "
                "(or it arrived a moment ago: reload)"
            )
        remediation = (
            await db_session.get(Remediation, stream.remediation_id)
            if stream.remediation_id is not None
            else None
        )
        if remediation is not None:
            detail = await remediation_detail(db_session, remediation, current_project.name)
            page = from_detail(detail.model_dump(mode="json"))
        else:  # reports stored before remediations existed, grouped by the dashboard's rule
            detail = await detail_of_sessions(
                db_session, stream.sessions, id=0, project=current_project.name, name=stream.name
            )
            page = from_detail({**detail.model_dump(mode="json"), "id": None})
        context = {"remediation": page}
        return Template(template_name="remediation.html", context=context)

    @get("/blockers", name="blockers")
    async def blockers(
        self,
        request: Request[object, object, State],
        db_session: NamedDependency[AsyncSession],
        read_scope: NamedDependency[ReadScope],
    ) -> Template:
        snapshot = await _snapshot(request.app.state, db_session)
        query = BlockerQuery.from_params(_params(request))
        visible = _visible(snapshot, read_scope)
        every = snapshot.open_blockers
        if read_scope.project is not None:
            every = [b for b in every if b.project == read_scope.project]
        context = {
            "page": blockers_page(every, query),
            "query": query,
            "projects": [view.name for view in visible],
            "all_open": len(every),
        }
        return Template(template_name="blockers.html", context=context)
