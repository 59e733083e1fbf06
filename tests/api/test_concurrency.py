"""16 concurrent posters x 25 reports each, against two real server processes on one database.

Every report must be stored exactly once and no request may fail: the unique constraints in the
database, not the process, decide which of two racing inserts wins.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import httpx
import pytest
from anyio import create_task_group
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import Report
from reports_service.devserver import server_process
from tests.api.conftest import TokenFactory, bearer
from tests.latest import assert_latest_mentions_agree
from tests.samples import report_markdown

pytestmark = [pytest.mark.anyio, pytest.mark.slow]
POSTERS = 16
REPORTS_EACH = 25


async def run_posters(
    urls: list[str], token: str, plans: list[list[str]]
) -> list[tuple[int, str, int | None]]:
    """Each plan is one poster's reports, sent one after another; the posters run at once."""
    results: list[tuple[int, str, int | None]] = []
    limits = httpx.Limits(max_connections=POSTERS * 2)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:

        async def poster(number: int, plan: list[str]) -> None:
            base = urls[number % len(urls)]
            for markdown in plan:
                response = await client.post(
                    f"{base}/api/projects/load/reports",
                    content=markdown.encode(),
                    headers=bearer(token),
                )
                body = response.json()
                results.append((response.status_code, markdown, body.get("id")))

        async with create_task_group() as group:
            for number, plan in enumerate(plans):
                group.start_soon(poster, number, plan)
    return results


async def stored_count(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return (await session.exec(select(func.count(col(Report.id))))).one()


async def test_distinct_reports_from_16_posters_are_all_stored_once(
    database_url: str,
    make_token: TokenFactory,
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    token = await make_token("load")
    plans = [
        [report_markdown(n, series=f"poster{p}") for n in range(REPORTS_EACH)]
        for p in range(POSTERS)
    ]
    with (
        server_process(database_url, tmp_path / "a.log") as first,
        server_process(database_url, tmp_path / "b.log") as second,
    ):
        results = await run_posters([first, second], token, plans)
    assert Counter(status for status, _, _ in results) == {201: POSTERS * REPORTS_EACH}
    assert len({report_id for _, _, report_id in results}) == POSTERS * REPORTS_EACH
    assert await stored_count(sessions) == POSTERS * REPORTS_EACH
    # the gates and blockers every poster names: each key's latest mention, whoever won
    await assert_latest_mentions_agree(sessions)


async def test_the_same_reports_from_16_posters_are_stored_once(
    database_url: str,
    make_token: TokenFactory,
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    """All posters send the same 25 reports (in different orders): the races are real."""
    token = await make_token("load")
    shared = [report_markdown(n, series="shared") for n in range(REPORTS_EACH)]
    shuffler = random.Random(7)  # noqa: S311 - an order, not a secret
    plans = [shuffler.sample(shared, len(shared)) for _ in range(POSTERS)]
    with (
        server_process(database_url, tmp_path / "a.log") as first,
        server_process(database_url, tmp_path / "b.log") as second,
    ):
        results = await run_posters([first, second], token, plans)
    statuses = Counter(status for status, _, _ in results)
    assert statuses == {201: REPORTS_EACH, 200: REPORTS_EACH * (POSTERS - 1)}, (
        tmp_path / "a.log"
    ).read_text() + (tmp_path / "b.log").read_text()
    ids_per_report: dict[str, set[int | None]] = {}
    for _, markdown, report_id in results:
        ids_per_report.setdefault(markdown, set()).add(report_id)
    assert all(len(ids) == 1 for ids in ids_per_report.values())
    created = Counter(markdown for status, markdown, _ in results if status == 201)
    assert set(created.values()) == {1}
    assert await stored_count(sessions) == REPORTS_EACH


async def test_overlapping_reports_with_keys_through_both_servers_are_stored_once(
    database_url: str,
    make_token: TokenFactory,
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    """Each poster sends a different half of a shared pool, each report always under its own
    Idempotency-Key (as a retrying client does), every request to the other server than the last:
    both unique constraints, (project, sha256) and (project, key), race across the processes."""
    token = await make_token("load")
    pool = [report_markdown(n, series="pool") for n in range(REPORTS_EACH * 2)]
    keys = {markdown: f"pool-{n}" for n, markdown in enumerate(pool)}
    shuffler = random.Random(11)  # noqa: S311 - an order, not a secret
    plans = [shuffler.sample(pool, REPORTS_EACH) for _ in range(POSTERS)]
    results: list[tuple[int, str, int | None]] = []
    with (
        server_process(database_url, tmp_path / "a.log") as first,
        server_process(database_url, tmp_path / "b.log") as second,
    ):
        async with httpx.AsyncClient(
            timeout=120, limits=httpx.Limits(max_connections=POSTERS * 2)
        ) as client:

            async def poster(number: int, plan: list[str]) -> None:
                for index, markdown in enumerate(plan):
                    base = (first, second)[(number + index) % 2]
                    headers = {**bearer(token), "Idempotency-Key": keys[markdown]}
                    response = await client.post(
                        f"{base}/api/projects/load/reports",
                        content=markdown.encode(),
                        headers=headers,
                    )
                    results.append((response.status_code, markdown, response.json().get("id")))

            async with create_task_group() as group:
                for number, plan in enumerate(plans):
                    group.start_soon(poster, number, plan)
    sent = {markdown for plan in plans for markdown in plan}
    assert {status for status, _, _ in results} <= {200, 201}
    created = Counter(markdown for status, markdown, _ in results if status == 201)
    assert set(created) == sent
    assert set(created.values()) == {1}
    ids: dict[str, set[int | None]] = {}
    for _, markdown, report_id in results:
        ids.setdefault(markdown, set()).add(report_id)
    assert all(len(found) == 1 for found in ids.values())
    assert await stored_count(sessions) == len(sent)
