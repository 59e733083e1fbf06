"""Remediations: the workstreams reports group into, with every series across their sessions."""

from __future__ import annotations

from litestar import Controller, Request, get, patch, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ClientException, NotFoundException
from litestar.params import FromPath, JSONBody
from pydantic import BaseModel, Field
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import Project, Remediation
from db.models.progress import NAME_MAX
from db.remediations import get_remediation, merge, project_remediations, rename
from reports_service.controllers.openapi import PROJECT_READ, errors
from reports_service.controllers.params import MAX_ID, Limit, Offset
from reports_service.dependencies import (
    ReadScope,
    provide_read_project,
    token_project,
    unauthorized,
)
from reports_service.progress.history import FindingEntry, RemediationDetail, RemediationSummary
from reports_service.schemas import Page
from reports_service.services.remediations import remediation_detail, summary_of


class RemediationRename(BaseModel):
    name: str = Field(min_length=1, max_length=NAME_MAX, description="the new display name")


class RemediationMerge(BaseModel):
    into: int = Field(ge=1, le=MAX_ID, description="id of the remediation that takes the reports")


class MergeResult(BaseModel):
    moved_reports: int
    remediation: RemediationSummary


async def _readable(
    session: AsyncSession, read_scope: ReadScope, remediation_id: int
) -> tuple[Remediation, Project]:
    in_range = 0 < remediation_id <= MAX_ID
    found = await get_remediation(session, remediation_id) if in_range else None
    if found is None or (read_scope.project is not None and found[1].name != read_scope.project):
        raise NotFoundException(
            detail=f"no remediation {remediation_id}: see GET /api/projects/{{project}}"
            "/remediations for a project's remediations"
        )
    remediation, project = found
    if remediation.merged_into_id is not None:
        raise NotFoundException(
            detail=f"remediation {remediation_id} was merged into remediation "
            f"{remediation.merged_into_id}: read that one"
        )
    return remediation, project


async def _writable(
    request: Request[object, object, State], session: AsyncSession, remediation_id: int
) -> tuple[Remediation, Project]:
    writer = await token_project(request, session)
    remediation, project = await _readable(session, ReadScope(), remediation_id)
    if writer.id != project.id:
        raise unauthorized(
            f"this token belongs to project '{writer.name}', not '{project.name}': "
            "use that project's token"
        )
    return remediation, project


class RemediationController(Controller):
    path = "/api"
    tags = ("remediations",)

    @get(
        "/projects/{project:str}/remediations",
        summary="A project's remediations, most recently active first",
        description="Each with its sessions, gate status, open blockers and claim findings. "
        "Reports group by the poster's `remediation` field, else scope, else their sequence "
        "chain (see the README, 'Progress across sessions').",
        dependencies={"current_project": Provide(provide_read_project)},
        responses=PROJECT_READ,
    )
    async def list_remediations(
        self,
        db_session: NamedDependency[AsyncSession],
        current_project: NamedDependency[Project],
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> Page[RemediationSummary]:
        if current_project.id is None:  # pragma: no cover - a stored project has an id
            raise NotFoundException(detail="the project is not stored")
        shown, total = await project_remediations(db_session, current_project.id, limit, offset)
        page = [
            summary_of(await remediation_detail(db_session, r, current_project.name)) for r in shown
        ]
        return Page(items=page, total=total, limit=limit, offset=offset)

    @get(
        "/remediations/{remediation_id:int}",
        summary="One remediation: sessions, gate series, coverage and test series, blockers",
        description="Sessions are numbered from 1 in session order (sequence number, else "
        "report date, else arrival); every observation names its report and source line.",
        responses=errors(401, 404),
    )
    async def get_remediation(
        self,
        db_session: NamedDependency[AsyncSession],
        read_scope: NamedDependency[ReadScope],
        remediation_id: FromPath[int],
    ) -> RemediationDetail:
        remediation, project = await _readable(db_session, read_scope, remediation_id)
        return await remediation_detail(db_session, remediation, project.name)

    @get(
        "/remediations/{remediation_id:int}/findings",
        summary="Claim-check and lint findings on a remediation's reports, in session order",
        responses=errors(401, 404),
    )
    async def remediation_findings(
        self,
        db_session: NamedDependency[AsyncSession],
        read_scope: NamedDependency[ReadScope],
        remediation_id: FromPath[int],
    ) -> list[FindingEntry]:
        remediation, project = await _readable(db_session, read_scope, remediation_id)
        return (await remediation_detail(db_session, remediation, project.name)).findings

    @patch(
        "/remediations/{remediation_id:int}",
        summary="Rename a remediation (needs the project's token)",
        responses=errors(401, 404),
    )
    async def rename_remediation(
        self,
        request: Request[object, object, State],
        db_session: NamedDependency[AsyncSession],
        remediation_id: FromPath[int],
        data: JSONBody[RemediationRename],
    ) -> RemediationSummary:
        remediation, project = await _writable(request, db_session, remediation_id)
        await rename(db_session, remediation, " ".join(data.name.split()))
        await db_session.commit()
        return summary_of(await remediation_detail(db_session, remediation, project.name))

    @post(
        "/remediations/{remediation_id:int}/merge",
        summary="Merge this remediation into another of the same project (needs its token)",
        description="Its reports move to `into`; later reports that would have joined it join "
        "`into` instead.",
        status_code=200,
        responses=errors(401, 404, 422),
    )
    async def merge_remediation(
        self,
        request: Request[object, object, State],
        db_session: NamedDependency[AsyncSession],
        remediation_id: FromPath[int],
        data: JSONBody[RemediationMerge],
    ) -> MergeResult:
        source, project = await _writable(request, db_session, remediation_id)
        if data.into == remediation_id:
            raise ClientException(
                status_code=422, detail="a remediation cannot be merged into itself"
            )
        target, target_project = await _readable(db_session, ReadScope(), data.into)
        if target_project.id != project.id:
            raise ClientException(
                status_code=422,
                detail=f"remediation {data.into} belongs to project '{target_project.name}': "
                "only remediations of the same project can be merged",
            )
        moved = await merge(db_session, source, target)
        await db_session.commit()
        detail = await remediation_detail(db_session, target, project.name)
        return MergeResult(moved_reports=moved, remediation=summary_of(detail))
