"""Read endpoints: projects, report pages, filters, one report, raw, blockers, gates, coverage."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

import parsers.models as pm
from db.engine import run_sync
from db.models import Report
from db.store import add_report
from db.tokens import get_or_create_project
from tests.api.conftest import TokenFactory, bearer
from tests.samples import parsed_with_items, report_markdown

pytestmark = pytest.mark.anyio
Client = AsyncTestClient[Litestar]


async def stored(
    sessions: async_sessionmaker[AsyncSession],
    project: str,
    parsed: pm.ParsedReport,
    raw: bytes,
    **fields: object,
) -> int:
    """A report put straight into the database (items independent of the parser's progress)."""
    async with sessions() as session:
        owner = await get_or_create_project(session, project)
        assert owner.id is not None
        report = Report(
            project_id=owner.id,
            raw=raw,
            sha256=hashlib.sha256(raw).hexdigest(),
            size=len(raw),
            parser_version=parsed.parser_version,
            **fields,  # type: ignore[arg-type]
        )
        await run_sync(session, add_report, report, parsed)
        await session.commit()
        assert report.id is not None
        return report.id


def with_items(
    gates: list[pm.Gate] | None = None,
    blockers: list[pm.Blocker] | None = None,
    coverage: list[pm.CoverageFigure] | None = None,
    kind: str = "status",
    date: str | None = None,
) -> pm.ParsedReport:
    return pm.ParsedReport(
        parser_version="1",
        meta=pm.Meta(title="t", kind=kind, date=date),  # type: ignore[arg-type]
        gates=gates or [],
        blockers=blockers or [],
        coverage=coverage or [],
    )


async def test_projects_list_counts_reports(
    client: Client, sessions: async_sessionmaker[AsyncSession], make_token: TokenFactory
) -> None:
    await make_token("empty")
    await stored(sessions, "alpha", with_items(), b"1")
    await stored(sessions, "alpha", with_items(), b"2")
    body = (await client.get("/api/projects")).json()
    assert [(p["name"], p["reports"]) for p in body] == [("alpha", 2), ("empty", 0)]
    assert body[0]["last_report_at"] is not None
    assert body[1]["last_report_at"] is None


async def test_reports_are_paginated_newest_first(client: Client, make_token: TokenFactory) -> None:
    token = await make_token("alpha")
    ids = []
    for number in range(5):
        response = await client.post(
            "/api/projects/alpha/reports",
            content=report_markdown(number).encode(),
            headers=bearer(token),
        )
        ids.append(response.json()["id"])
    first = (await client.get("/api/projects/alpha/reports?limit=2")).json()
    second = (await client.get("/api/projects/alpha/reports?limit=2&offset=2")).json()
    assert first["total"] == second["total"] == 5
    assert [r["id"] for r in first["items"] + second["items"]] == ids[::-1][:4]
    assert "raw" not in first["items"][0]


async def test_reports_filter_by_agent_kind_and_dates(
    client: Client, sessions: async_sessionmaker[AsyncSession]
) -> None:
    old = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    new = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    a = await stored(
        sessions,
        "alpha",
        with_items(kind="plan", date="2025-01-01"),
        b"a",
        agent="cursor",
        received_at=old,
    )
    b = await stored(
        sessions,
        "alpha",
        with_items(kind="status", date="2025-06-01"),
        b"b",
        agent="claude",
        received_at=new,
    )
    c = await stored(
        sessions,
        "alpha",
        with_items(kind="status", date="not a date"),
        b"c",
        agent="claude",
        received_at=new,
    )

    async def ids(query: str) -> list[int]:
        response = await client.get(f"/api/projects/alpha/reports?{query}")
        assert response.status_code == 200, response.text
        return sorted(r["id"] for r in response.json()["items"])

    assert await ids("agent=claude") == [b, c]
    assert await ids("kind=plan") == [a]
    assert await ids("since=2025-03-01T00:00:00Z") == [b, c]
    assert await ids("until=2025-03-01T00:00:00") == [a]
    assert await ids("date_from=2025-02-01") == [b]
    assert await ids("date_to=2025-02-01") == [a]
    assert await ids("agent=claude&kind=status&date_from=2025-06-01") == [b]


async def test_one_report_carries_every_item(
    client: Client, sessions: async_sessionmaker[AsyncSession]
) -> None:
    parsed = parsed_with_items()
    report_id = await stored(sessions, "alpha", parsed, b"# raw\n", agent="cursor")
    body = (await client.get(f"/api/projects/alpha/reports/{report_id}")).json()
    assert pm.ParsedReport.model_validate(body["parsed"]) == parsed
    assert body["agent"] == "cursor"
    assert body["kind"] == "status"
    raw = await client.get(body["raw_url"])
    assert raw.content == b"# raw\n"
    assert raw.headers["content-type"] == "text/markdown; charset=utf-8"


@pytest.mark.parametrize(
    "path",
    [
        "/api/projects/nope/reports",
        "/api/projects/nope/blockers",
        "/api/projects/nope/gates/failing",
        "/api/projects/nope/coverage",
        "/api/projects/alpha/reports/999999",
        "/api/projects/alpha/reports/999999/raw",
        "/api/projects/alpha/reports/0",
        "/api/projects/alpha/reports/-1",
        "/api/projects/alpha/reports/99999999999999999999999",
        "/api/nothing-here",
    ],
)
async def test_unknown_things_are_404(
    client: Client, sessions: async_sessionmaker[AsyncSession], path: str
) -> None:
    await stored(sessions, "alpha", with_items(), b"x")
    response = await client.get(path)
    assert response.status_code == 404, response.text
    assert response.json()["status_code"] == 404
    assert response.json()["detail"]


async def test_a_report_is_not_found_through_another_project(
    client: Client, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await stored(sessions, "beta", with_items(), b"x")
    report_id = await stored(sessions, "alpha", with_items(), b"y")
    assert (await client.get(f"/api/projects/beta/reports/{report_id}")).status_code == 404
    assert (await client.get(f"/api/projects/beta/reports/{report_id}/raw")).status_code == 404


async def test_blockers_follow_their_latest_mention(
    client: Client, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await stored(
        sessions,
        "alpha",
        with_items(
            blockers=[
                pm.Blocker(line=3, text="CI secrets missing"),
                pm.Blocker(line=4, text="Flaky test"),
            ]
        ),
        b"1",
    )
    later = await stored(
        sessions,
        "alpha",
        with_items(
            blockers=[
                pm.Blocker(line=7, text="flaky   TEST", resolved=True),
                pm.Blocker(line=8, text="Docs outdated"),
            ]
        ),
        b"2",
    )
    await stored(
        sessions, "beta", with_items(blockers=[pm.Blocker(line=2, text="Beta blocked")]), b"3"
    )

    project = (await client.get("/api/projects/alpha/blockers")).json()
    assert sorted(b["text"] for b in project["items"]) == ["CI secrets missing", "Docs outdated"]
    docs = next(b for b in project["items"] if b["text"] == "Docs outdated")
    assert docs["report"]["id"] == later
    assert docs["report"]["project"] == "alpha"
    assert docs["line"] == 8

    resolved = (await client.get("/api/projects/alpha/blockers?status=resolved")).json()
    assert [b["text"] for b in resolved["items"]] == ["flaky   TEST"]
    everything = (await client.get("/api/projects/alpha/blockers?status=all")).json()
    assert everything["total"] == 3

    across = (await client.get("/api/blockers?status=open")).json()
    assert sorted((b["report"]["project"], b["text"]) for b in across["items"]) == [
        ("alpha", "CI secrets missing"),
        ("alpha", "Docs outdated"),
        ("beta", "Beta blocked"),
    ]
    page = (await client.get("/api/blockers?limit=1&offset=1")).json()
    assert page["total"] == 3
    assert len(page["items"]) == 1
    past_the_end = (await client.get("/api/blockers?limit=1&offset=5")).json()
    assert (past_the_end["total"], past_the_end["items"]) == (3, [])
    none = (await client.get("/api/projects/alpha/gates/failing")).json()
    assert (none["total"], none["items"]) == (0, [])


async def test_failing_gates_are_those_failing_in_their_latest_report(
    client: Client, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await stored(
        sessions,
        "alpha",
        with_items(
            gates=[
                pm.Gate(line=1, name="Coverage", status="fail", current="50%"),
                pm.Gate(line=2, name="Lint", status="fail"),
            ]
        ),
        b"1",
    )
    await stored(
        sessions,
        "alpha",
        with_items(
            gates=[
                pm.Gate(line=1, name="coverage", status="fail", current="60%"),
                pm.Gate(line=2, name="Lint", status="pass"),
                pm.Gate(line=3, name="Types", status="pending"),
            ]
        ),
        b"2",
    )
    body = (await client.get("/api/projects/alpha/gates/failing")).json()
    assert [(g["name"], g["current"]) for g in body["items"]] == [("coverage", "60%")]


async def test_coverage_gives_the_latest_figure_per_scope(
    client: Client, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await stored(
        sessions,
        "alpha",
        with_items(
            coverage=[
                pm.CoverageFigure(line=1, scope="overall", value=40.0),
                pm.CoverageFigure(line=2, scope="storage.py", value=70.0),
            ]
        ),
        b"1",
    )
    await stored(
        sessions,
        "alpha",
        with_items(
            coverage=[
                pm.CoverageFigure(line=1, scope="Overall", value=55.5, target=67.0),
                pm.CoverageFigure(line=2, scope="overall", value=48.0, metric="branches"),
            ]
        ),
        b"2",
    )
    body = (await client.get("/api/projects/alpha/coverage")).json()
    figures = sorted((c["scope"], c["metric"], c["value"]) for c in body["items"])
    assert figures == [
        ("Overall", None, 55.5),
        ("overall", "branches", 48.0),
        ("storage.py", None, 70.0),
    ]


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=501",
        "limit=abc",
        "offset=-1",
        "offset=99999999999999999999",
        "since=yesterday",
        "date_from=2025-13-01",
        "status=closed",
    ],
)
async def test_malformed_query_parameters_are_400(
    client: Client, sessions: async_sessionmaker[AsyncSession], query: str
) -> None:
    await stored(sessions, "alpha", with_items(), b"x")
    path = "blockers" if query.startswith("status") else "reports"
    response = await client.get(f"/api/projects/alpha/{path}?{query}")
    assert response.status_code == 400, response.text
    assert response.json()["detail"]


async def test_health_and_openapi(client: Client) -> None:
    assert (await client.get("/health")).json() == {"status": "ok"}
    schema = (await client.get("/schema/openapi.json")).json()
    paths = set(schema["paths"])
    assert {
        "/health",
        "/api/projects",
        "/api/projects/{project}/reports",
        "/api/projects/{project}/reports/{report_id}",
        "/api/projects/{project}/reports/{report_id}/raw",
        "/api/projects/{project}/blockers",
        "/api/projects/{project}/gates/failing",
        "/api/projects/{project}/coverage",
        "/api/blockers",
    } <= paths
