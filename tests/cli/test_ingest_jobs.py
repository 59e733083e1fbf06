"""``reports-service ingest --jobs N`` stores the same as one process, and as posting one by one.

The parser processes prepare each report (parse, rows, signature words, its own claims) and
the main process places and checks them in batches (``reports_service.services.batch_store``):
the stored reports, remediations, items, claim findings, latest and first mentions must be
those of storing each report in turn through the post path (``store_tracked``).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

import reports_service.services.backfill as backfill_module
from bench.synthetic import generate
from db.engine import create_engine, session_factory
from db.migrate import upgrade
from db.models import metadata
from db.tokens import get_or_create_project
from reports_service.services.ingest import Submission, ingest
from tests.cli.conftest import invoke
from tests.databases import Databases
from tests.progress.series import AUTH, BILLING
from tests.samples import EXAMPLES, report_markdown

#: columns that say when, not what: they differ between any two imports
WHEN = {"received_at", "created_at", "updated_at"}
#: tables whose rows are upserted per key, so their ids follow the order keys were first met
KEYED = {"latest_mentions", "blocker_first_mentions"}


DAY = """# Day {n} Summary: Payments Gateway

**Date**: 2026-04-0{n}
{module}
## Tests

- 50 passed, {n} failed
"""


def write_history(root: Path) -> tuple[list[Path], list[Path]]:
    """Two imports' files (paths sorted = the order they are stored): realistic workstreams,
    two hand-written series, sessions that arrive after later ones, a duplicate, an example."""
    texts = [markdown for _, markdown in generate(90, projects=3, per_project=2, seed=3)]
    texts += [*AUTH, *BILLING]
    texts += [report_markdown(n, "late", date=f"2025-11-{10 + n:02d}") for n in (5, 2, 9, 1, 7)]
    texts += [path.read_text(encoding="utf-8") for path in EXAMPLES]
    texts.append(texts[3])  # the same content again: a duplicate
    texts[50:] = reversed(texts[50:])  # the later sessions come in before the earlier ones
    # first in the second import's first batch: a module's stream, then sessions that join it
    # by their scope alone (else they would go to the default stream), placed among the reports
    # stored just before them in the same transaction
    texts[20:20] = [
        DAY.format(n=n, module="**Module:** Payments Gateway\n" if n == 1 else "")
        for n in (1, 2, 3)
    ]
    paths = []
    for number, text in enumerate(texts):
        # the first ones imported before: the second import places among stored reports
        folder = root / ("first" if number < 20 else "later")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{number:04d}.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths[:20], paths[20:]


def stored_state(database_url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows (but the columns saying when), in id order, or in key order where
    there is no id or where ids follow the order of upserts."""

    async def read() -> dict[str, list[tuple[Any, ...]]]:
        engine = create_engine(database_url)
        state: dict[str, list[tuple[Any, ...]]] = {}
        try:
            async with engine.connect() as connection:
                for table in metadata.sorted_tables:
                    columns = [c for c in table.columns if c.name not in WHEN]
                    if table.name in KEYED:
                        columns = [c for c in columns if c.name != "id"]
                    if table.name in KEYED or "id" not in table.c:
                        rows = await connection.execute(sa.select(*columns))
                        state[table.name] = sorted((tuple(row) for row in rows), key=repr)
                    else:
                        rows = await connection.execute(sa.select(*columns).order_by(table.c.id))
                        state[table.name] = [tuple(row) for row in rows]
        finally:
            await engine.dispose()
        return state

    return asyncio.run(read())


def post_one_by_one(database_url: str, project: str, paths: list[Path]) -> None:
    """The sequential path: each file stored in its own transaction, as a POST stores it."""

    async def post() -> None:
        engine = create_engine(database_url)
        try:
            sessions = session_factory(engine)
            async with sessions() as session:
                owner = await get_or_create_project(session, project)
            for path in paths:
                raw = path.read_bytes()
                async with sessions() as session:
                    await ingest(session, owner, Submission(raw=raw, text=raw.decode("utf-8")))
        finally:
            await engine.dispose()

    asyncio.run(post())


def test_jobs_1_and_2_store_what_posting_one_by_one_stores(
    tmp_path: Path,
    backend: str,
    databases: Databases,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # small batches: many transactions, sessions whose previous one is in an earlier batch
    monkeypatch.setattr(backfill_module, "BATCH_SIZE", 7)
    early, later = write_history(tmp_path / "history")
    states = {}
    for jobs in ("1", "2"):
        url = databases.create(backend)
        upgrade(url)
        monkeypatch.setenv("REPORTS_DATABASE_URL", url)
        for folder in (tmp_path / "history" / "first", tmp_path / "history" / "later"):
            code, out, err = invoke("ingest", str(folder), "--project", "p", "--jobs", jobs)
            assert code == 0, err
        assert f"{len(later) - 1} imported, 1 duplicate" in out
        states[jobs] = stored_state(url)
    url = databases.create(backend)
    upgrade(url)
    post_one_by_one(url, "p", [*early, *later])
    states["posted"] = stored_state(url)

    reports = states["posted"]["reports"]
    assert len(reports) == len(early) + len(later) - 1
    assert len(states["posted"]["remediations"]) > 3
    assert len(states["posted"]["claim_findings"]) > 10
    for table in states["posted"]:
        assert states["1"][table] == states["posted"][table], table
        assert states["2"][table] == states["posted"][table], table
