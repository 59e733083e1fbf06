"""``blocker_first_mentions``: each blocker's first mention in each remediation, kept right however
reports arrive, are re-parsed, placed, merged or were stored before the table existed (migration
0009 fills it); and the blocker lists' ages read from it equal those computed from every row."""

from __future__ import annotations

import asyncio
import hashlib
import random

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

import parsers.models as pm
from db.engine import create_engine, run_sync, session_factory
from db.migrate import upgrade
from db.models import Blocker, Remediation, Report
from db.queries import latest_blockers
from db.remediations import merge
from db.store import add_report, normalise_key, replace_parse
from db.tokens import get_or_create_project
from reports_service.services.progress import track
from tests.databases import Databases
from tests.db.helpers import make_remediation
from tests.db.legacy import insert_project, insert_report
from tests.latest import assert_first_mentions_agree, assert_latest_mentions_agree

pytestmark = pytest.mark.anyio


def reading(*blockers: tuple[str, bool], title: str = "t") -> pm.ParsedReport:
    """Blockers as (text, resolved)."""
    return pm.ParsedReport(
        parser_version="1",
        meta=pm.Meta(title=title),
        blockers=[
            pm.Blocker(line=n, text=text, resolved=resolved)
            for n, (text, resolved) in enumerate(blockers)
        ],
    )


async def store(
    sessions: async_sessionmaker[AsyncSession],
    parsed: pm.ParsedReport,
    remediation_id: int | None,
    report_id: int | None = None,
    project: str = "alpha",
    raw: bytes | None = None,
) -> int:
    async with sessions() as session:
        owner = await get_or_create_project(session, project)
        assert owner.id is not None
        raw = raw or f"{report_id} {remediation_id} {parsed.blockers}".encode()
        report = Report(
            id=report_id,
            project_id=owner.id,
            raw=raw,
            sha256=hashlib.sha256(raw).hexdigest(),
            size=len(raw),
            parser_version="1",
            remediation_id=remediation_id,
        )
        await run_sync(session, add_report, report, parsed)
        await session.commit()
        assert report.id is not None
        return report.id


async def reparse(
    sessions: async_sessionmaker[AsyncSession], report_id: int, parsed: pm.ParsedReport
) -> None:
    async with sessions() as session:
        report = await session.get(Report, report_id)
        assert report is not None
        await run_sync(session, replace_parse, report, parsed)
        await session.commit()


async def ages(sessions: async_sessionmaker[AsyncSession]) -> dict[str, tuple[int | None, ...]]:
    """Listed blocker -> (remediation, age), every project, open or resolved."""
    async with sessions() as session:
        listed, _ = await latest_blockers(session, None, None, 1000, 0)
    return {b.text: (b.remediation_id, b.age_sessions) for b in listed}


async def test_arrival_out_of_order_resolve_reopen_and_a_move_between_remediations(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Ids are arrival order as the ages count it; a report stored after a later one (an import,
    a slow poster) can still be a blocker's first mention; resolved mentions count; the age is
    in the remediation of the latest mention, wherever the blocker was named before."""
    push = await make_remediation(sessions, "push")
    other = await make_remediation(sessions, "other")
    await store(sessions, reading(("Flaky test", False)), push, report_id=50)
    await store(sessions, reading(("Other thing", False)), push, report_id=55)
    await assert_first_mentions_agree(sessions)
    assert (await ages(sessions))["Flaky test"] == (push, 2)
    await store(sessions, reading(("flaky  TEST", True)), push, report_id=10)  # resolved, earlier
    await store(sessions, reading(("Flaky test", False)), push, report_id=60)  # reopened
    await store(sessions, reading(), push, report_id=5)  # an earlier report naming nothing
    await assert_first_mentions_agree(sessions)
    assert (await ages(sessions))["Flaky test"] == (push, 4)  # 10, 50, 55, 60
    await store(sessions, reading(("Flaky test", False)), other, report_id=70)
    await assert_first_mentions_agree(sessions)
    assert (await ages(sessions))["Flaky test"] == (other, 1)
    await store(sessions, reading(("Flaky test", False)), push, report_id=80)
    await store(sessions, reading(("Gone", False)), None, report_id=90)  # no remediation
    await assert_first_mentions_agree(sessions)
    found = await ages(sessions)
    assert found["Flaky test"] == (push, 5)
    assert found["Gone"] == (None, None)
    await assert_latest_mentions_agree(sessions)


async def test_reparse_moves_a_first_mention_or_drops_it(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    push = await make_remediation(sessions, "push")
    first = await store(sessions, reading(("Flaky", False), ("Disk", False)), push)
    second = await store(sessions, reading(("Flaky", False)), push)
    third = await store(sessions, reading(("Creds", False)), push)
    await assert_first_mentions_agree(sessions)
    # the first report no longer names either: Flaky's first mention is the second report,
    # Disk has none left in the remediation
    await reparse(sessions, first, reading(("Something else", True)))
    await assert_first_mentions_agree(sessions)
    assert (await ages(sessions))["Flaky"] == (push, 2)
    # an earlier report now names Creds: its first mention moves back
    await reparse(sessions, second, reading(("Flaky", False), ("creds", False)))
    await assert_first_mentions_agree(sessions)
    assert (await ages(sessions))["Creds"] == (push, 2)
    # the same reading again changes nothing
    await reparse(sessions, third, reading(("Creds", False)))
    await assert_first_mentions_agree(sessions)
    await assert_latest_mentions_agree(sessions)


async def test_a_merge_takes_the_earlier_first_mention(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    push = await make_remediation(sessions, "push")
    other = await make_remediation(sessions, "other")
    await store(sessions, reading(("Flaky", False)), other)
    await store(sessions, reading(("Disk", False)), push)
    await store(sessions, reading(("Flaky", False), ("Disk", False)), push)
    await store(sessions, reading(("Only there", False)), other)
    await assert_first_mentions_agree(sessions)
    async with sessions() as session:
        source = await session.get(Remediation, other)
        target = await session.get(Remediation, push)
        assert source is not None
        assert target is not None
        await merge(session, source, target)
        await session.commit()
    await assert_first_mentions_agree(sessions)
    found = await ages(sessions)
    assert found["Flaky"] == (push, 4)
    assert found["Only there"] == (push, 1)


async def test_a_report_placed_after_it_was_stored_becomes_a_first_mention(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """``track`` places a report stored without its remediation (as a bulk fill does)."""
    parsed = reading(("Flaky", False), title="Auth: status report")
    stored = await store(sessions, parsed, None)
    async with sessions() as session:
        report = await session.get(Report, stored)
        assert report is not None
        await run_sync(session, track, report, parsed)
        await session.commit()
        assert report.remediation_id is not None
    await assert_first_mentions_agree(sessions)
    assert (await ages(sessions))["Flaky"] == (report.remediation_id, 1)


async def test_racing_posters_leave_each_remediation_its_first_mentions(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Eight writers at once into two remediations on the same keys (on PostgreSQL their ids
    are handed out before they commit, in any order)."""
    rng = random.Random(8)  # noqa: S311 - test data, not a secret
    push = await make_remediation(sessions, "push")
    other = await make_remediation(sessions, "other")

    async def poster(number: int) -> None:
        for session_number in range(5):
            parsed = reading(
                *(
                    (text, rng.random() < 0.3)
                    for text in rng.sample(["CI disk", "Flaky", "Credentials", "Quota"], 2)
                )
            )
            target = push if (number + session_number) % 3 else other
            await store(sessions, parsed, target, raw=f"{number}-{session_number}".encode())

    await asyncio.gather(*(poster(number) for number in range(8)))
    await assert_first_mentions_agree(sessions)
    await assert_latest_mentions_agree(sessions)


async def test_migration_0009_fills_the_first_mentions(backend: str, databases: Databases) -> None:
    """From before the latest mentions too (0005 fills those), as an old store is upgraded."""
    url = databases.create(backend)
    upgrade(url, "0004")
    engine = create_engine(url)
    sessions = session_factory(engine)
    try:
        async with sessions() as session:
            project_id = await insert_project(session, "alpha")
            push = Remediation(project_id=project_id, key="push", name="push")
            other = Remediation(project_id=project_id, key="other", name="other")
            session.add_all([push, other])
            await session.flush()
            # ids out of arrival order; one report in no remediation
            placed = {30: push.id, 10: push.id, 20: other.id, 40: None, 50: push.id}
            for report_id, remediation_id in placed.items():
                await insert_report(
                    session, report_id, project_id, str(report_id).encode(),
                    remediation_id=remediation_id,
                )  # fmt: skip
            for report_id, position, text, resolved in (
                (30, 0, "Flaky", False),
                (10, 0, "flaky", True),
                (10, 1, "Disk", False),
                (20, 0, "Flaky", False),
                (40, 0, "Flaky", False),
                (50, 0, "Disk", False),
            ):
                session.add(
                    Blocker(
                        report_id=report_id,
                        position=position,
                        text=text,
                        resolved=resolved,
                        key=normalise_key(text),
                    )
                )
            await session.commit()
        upgrade(url)
        await assert_first_mentions_agree(sessions)
        assert (await ages(sessions))["Disk"] == (push.id, 3)
        # and the table is kept from there on
        await store(sessions, reading(("Flaky", False)), other.id)
        await assert_first_mentions_agree(sessions)
    finally:
        await engine.dispose()
