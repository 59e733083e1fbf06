"""Progress across sessions through the API: grouping, gate series, blocker lifecycles, claim
findings, rename and merge; on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import random
from typing import Any

import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

import parsers.models as pm
from db.engine import run_sync
from db.models import Remediation, Report
from db.sessions import SessionRow
from db.store import add_report
from db.tokens import get_or_create_project
from reports_service.progress.history import session_order
from reports_service.services.remediations import MAX_SESSIONS, detail_of, sessions_of
from tests.api.conftest import TokenFactory, bearer
from tests.progress.series import AUTH, BILLING, numbered_session
from tests.samples import EXAMPLES

pytestmark = pytest.mark.anyio
Client = AsyncTestClient[Litestar]


async def post(client: Client, token: str, text: str, project: str = "shop") -> dict[str, Any]:
    response = await client.post(
        f"/api/projects/{project}/reports", content=text.encode(), headers=bearer(token)
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def remediations(client: Client, project: str = "shop") -> dict[str, dict[str, Any]]:
    response = await client.get(f"/api/projects/{project}/remediations")
    assert response.status_code == 200, response.text
    return {r["name"]: r for r in response.json()["items"]}


async def detail(client: Client, remediation_id: int) -> dict[str, Any]:
    response = await client.get(f"/api/remediations/{remediation_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def post_series(client: Client, token: str) -> dict[str, dict[str, Any]]:
    # interleaved, and the auth sessions out of order: session order comes from the sequence
    for text in (AUTH[0], BILLING[0], AUTH[2], BILLING[1], AUTH[1]):
        await post(client, token, text)
    return await remediations(client)


async def test_reports_group_by_module_and_stay_apart(
    client: Client, make_token: TokenFactory
) -> None:
    found = await post_series(client, await make_token("shop"))
    assert sorted(found) == ["Auth Service", "Billing"]
    assert found["Auth Service"]["sessions"] == 3
    assert found["Billing"]["sessions"] == 2
    auth = await detail(client, found["Auth Service"]["id"])
    assert [r["sequence"] for r in auth["reports"]] == ["1", "2", "3"]


async def test_explicit_remediation_field_and_numbered_sessions(
    client: Client, make_token: TokenFactory
) -> None:
    token = await make_token("shop")
    for number, coverage in ((4, 50), (5, 55)):
        await post(client, token, numbered_session(number, coverage))
    response = await client.post(
        "/api/projects/shop/reports",
        json={"markdown": numbered_session(6, 60), "remediation": "Coverage Push"},
        headers=bearer(token, "application/json"),
    )
    assert response.status_code == 201
    found = await remediations(client)
    assert found["Session 4"]["sessions"] == 2
    assert found["Coverage Push"]["sessions"] == 1
    assert found["Coverage Push"]["explicit"] is True


async def test_a_reworded_gate_is_one_series_with_trend_and_estimate(
    client: Client, make_token: TokenFactory
) -> None:
    found = await post_series(client, await make_token("shop"))
    auth = await detail(client, found["Auth Service"]["id"])
    coverage = next(g for g in auth["gates"] if g["key"] == "coverage overall")
    assert [o["current_value"] for o in coverage["observations"]] == [55.0, 61.0, 68.0]
    assert [o["session"] for o in coverage["observations"]] == [1, 2, 3]
    assert coverage["latest_status"] == "pass"
    assert coverage["trend"] == "improving"
    assert coverage["name"] == "overall coverage gate"
    assert auth["status"] == "passing"
    assert (auth["gates_passing"], auth["gates_total"]) == (2, 2)
    billing = await detail(client, found["Billing"]["id"])
    stuck = billing["gates"][0]
    assert stuck["trend"] == "stalled"
    assert stuck["stalled_sessions"] == 2
    assert stuck["sessions_to_target"] is None  # no progress, no estimate
    assert billing["gates_stalled"] == 1


async def test_sessions_to_target_from_the_trend(client: Client, make_token: TokenFactory) -> None:
    token = await make_token("shop")
    await post(client, token, AUTH[0])
    await post(client, token, AUTH[1])
    found = await remediations(client)
    coverage = (await detail(client, found["Auth Service"]["id"]))["gates"][0]
    # 55% -> 61% in one session; 6 points to go to 67%
    assert coverage["sessions_to_target"] == 1
    assert coverage["trend"] == "improving"


async def test_blocker_lifecycle_resolved_and_dropped(
    client: Client, make_token: TokenFactory
) -> None:
    found = await post_series(client, await make_token("shop"))
    auth = await detail(client, found["Auth Service"]["id"])
    threads = {b["text"]: b for b in auth["blockers"]}
    redis = next(b for t, b in threads.items() if "Redis mock" in t)
    assert redis["state"] == "resolved"
    assert [e["event"] for e in redis["events"]] == ["opened", "resolved"]
    assert redis["resolved_session"] == 2
    clock = threads["Token refresh test needs a fake clock"]
    assert clock["state"] == "dropped"
    assert [e["event"] for e in clock["events"]] == ["opened", "mentioned again", "dropped"]
    billing = await detail(client, found["Billing"]["id"])
    stripe = billing["blockers"][0]
    assert (stripe["state"], stripe["age_sessions"]) == ("open", 2)
    assert billing["open_blockers"] == 1


async def test_a_blocker_reopened(client: Client, make_token: TokenFactory) -> None:
    token = await make_token("shop")
    await post(client, token, AUTH[0])
    await post(client, token, AUTH[1])
    reopened = AUTH[2].replace("## Tests", "## Blockers\n\n- Redis mock missing in CI\n\n## Tests")
    await post(client, token, reopened)
    found = await remediations(client)
    auth = await detail(client, found["Auth Service"]["id"])
    redis = next(b for b in auth["blockers"] if "Redis mock" in b["text"])
    assert redis["state"] == "reopened"
    assert [e["event"] for e in redis["events"]] == ["opened", "resolved", "reopened"]


async def test_findings_point_at_their_lines(client: Client, make_token: TokenFactory) -> None:
    token = await make_token("shop")
    await post(client, token, AUTH[0])
    lying = AUTH[1].replace(
        "| Coverage (overall) | >=67% | 61% | ❌ |", "| Coverage (overall) | >=60% | 61% | ✅ |"
    )
    body = await post(client, token, lying)
    found = await remediations(client)
    remediation_id = found["Auth Service"]["id"]
    response = await client.get(f"/api/remediations/{remediation_id}/findings")
    claims = [
        (f["kind"], f["line"], f["report_id"]) for f in response.json() if f["source"] == "claim"
    ]
    assert ("target-changed", 12, body["id"]) in claims
    assert found["Auth Service"]["findings_count"] == len(claims)


async def test_clean_series_raise_no_findings(client: Client, make_token: TokenFactory) -> None:
    found = await post_series(client, await make_token("shop"))
    for remediation in found.values():
        assert remediation["findings_count"] == 0


async def test_example_reports_get_remediations_and_findings(
    client: Client, make_token: TokenFactory
) -> None:
    token = await make_token("examples")
    for path in EXAMPLES:
        await post(client, token, path.read_text(encoding="utf-8"), "examples")
    found = await remediations(client, "examples")
    assert len(found) == 2  # a completion report and an unrelated module's status report
    section = next(r for name, r in found.items() if "Certificate Storage" in name)
    assert section["status"] == "failing"


async def test_rename_and_merge_need_the_projects_token(
    client: Client, make_token: TokenFactory
) -> None:
    token = await make_token("shop")
    other = await make_token("elsewhere")
    found = await post_series(client, token)
    auth, billing = found["Auth Service"]["id"], found["Billing"]["id"]
    url = f"/api/remediations/{auth}"
    assert (await client.patch(url, json={"name": "x"})).status_code == 401
    assert (
        await client.patch(url, json={"name": "x"}, headers=bearer(other, None))
    ).status_code == 401
    assert (
        await client.patch(url, json={"name": ""}, headers=bearer(token, None))
    ).status_code == 400
    renamed = await client.patch(
        url, json={"name": " Auth  hardening "}, headers=bearer(token, None)
    )
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "Auth hardening"
    merge = f"/api/remediations/{billing}/merge"
    assert (
        await client.post(merge, json={"into": billing}, headers=bearer(token, None))
    ).status_code == 422
    assert (
        await client.post(merge, json={"into": auth}, headers=bearer(other, None))
    ).status_code == 401
    merged = await client.post(merge, json={"into": auth}, headers=bearer(token, None))
    assert merged.status_code == 200, merged.text
    assert merged.json()["moved_reports"] == 2
    assert merged.json()["remediation"]["sessions"] == 5
    assert (await client.get(f"/api/remediations/{billing}")).status_code == 404
    # a later billing report follows the merge
    await post(client, token, BILLING[1].replace("Sequence**: 2", "Sequence**: 3"))
    assert list(await remediations(client)) == ["Auth hardening"]


async def test_unknown_remediation_is_404(client: Client) -> None:
    for url in (
        "/api/remediations/999",
        "/api/remediations/999/findings",
        "/api/remediations/99999999999",
    ):
        response = await client.get(url)
        assert response.status_code == 404
        assert "remediation" in response.json()["detail"]
    assert (await client.get("/api/projects/nope/remediations")).status_code == 404


async def test_open_blockers_carry_remediation_and_age(
    client: Client, make_token: TokenFactory
) -> None:
    found = await post_series(client, await make_token("shop"))
    for url in ("/api/blockers?status=open", "/api/projects/shop/blockers"):
        body = (await client.get(url)).json()
        stripe = next(b for b in body["items"] if b["text"] == "Stripe sandbox key expired")
        assert stripe["remediation"] == "Billing"
        assert stripe["remediation_id"] == found["Billing"]["id"]
        assert stripe["age_sessions"] == 2


async def test_remediations_are_paginated_most_recent_first(
    client: Client, make_token: TokenFactory
) -> None:
    token = await make_token("shop")
    await post_series(client, token)  # the last report posted is an auth session
    first = (await client.get("/api/projects/shop/remediations?limit=1")).json()
    second = (await client.get("/api/projects/shop/remediations?limit=1&offset=1")).json()
    assert first["total"] == second["total"] == 2
    assert [r["name"] for r in first["items"] + second["items"]] == ["Auth Service", "Billing"]
    assert (await client.get("/api/projects/shop/remediations?limit=0")).status_code == 400


async def test_a_huge_module_name_is_stored_cut_short(
    client: Client, make_token: TokenFactory
) -> None:
    token = await make_token("shop")
    await post(client, token, f"# Status\n\n**Module**: {'Payments ' * 200}\n\nAll good.\n")
    (name,) = await remediations(client)
    assert name.startswith("Payments Payments")
    assert len(name) <= 200


async def test_a_long_remediation_shows_its_latest_sessions_as_the_whole_order_has_them(
    client: Client, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """More sessions than a detail follows, arriving out of session order (numbers repeated):
    the API's detail, read from SQL with a limit, is the one built from every row ordered in
    Python, numbering, histories and counts alike."""
    rng = random.Random(8)  # noqa: S311 - test data, not a secret
    numbers = [n // 2 for n in range(MAX_SESSIONS + 40)]
    rng.shuffle(numbers)
    async with sessions() as session:
        project = await get_or_create_project(session, "shop")
        assert project.id is not None
        made = Remediation(project_id=project.id, key="push", name="Push")
        session.add(made)
        await session.flush()
        assert made.id is not None
        for arrival, number in enumerate(numbers):
            parsed = pm.ParsedReport(
                parser_version="1",
                meta=pm.Meta(title="Push", sequence=f"Session {number}", date="2025-01-02"),
                gates=[
                    pm.Gate(
                        line=4,
                        name="Coverage",
                        status="fail",
                        current=f"{number}%",
                        current_value=float(number),
                        target=">=90%",
                        target_value=90.0,
                        operator=">=",
                        unit="%",
                    ),
                ],
                blockers=[
                    pm.Blocker(line=9, text=f"Blocker {number % 7}", resolved=number % 3 == 0)
                ],
            )
            raw = f"report {arrival}".encode()
            report = Report(
                project_id=project.id, raw=raw, sha256=hashlib.sha256(raw).hexdigest(),
                size=len(raw), parser_version="1", remediation_id=made.id,
            )  # fmt: skip
            await run_sync(session, add_report, report, parsed)
        await session.commit()
        rows = await session.exec(
            sa.select(Report.id, Report.title, Report.date, Report.agent, Report.received_at,
                      Report.kind, Report.sequence, Report.report_date)
            .where(Report.remediation_id == made.id)
        )  # fmt: skip
        every = session_order([SessionRow(*row) for row in rows])
        expected = await detail_of(
            session, sessions_of(every), id=made.id, project="shop", name="Push"
        )
    body = await detail(client, made.id)
    assert body["sessions"] == len(numbers)
    assert len(body["reports"]) == MAX_SESSIONS
    assert body == expected.model_dump(mode="json")
