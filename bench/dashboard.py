"""Dashboard page times at 100 and at 10,000 stored reports, over HTTP, in one run.

    .venv/bin/python bench/dashboard.py [--sizes 100 10000] [--rounds 40]

For each size: a fresh SQLite database filled by bulk SQL with synthetic reports (two projects of
40 workstreams each, sessions per workstream growing with the size; every report is a real
markdown status report with its gates, tests, coverage, sections and two blockers, one that stays
open and one that opens and is resolved), plus a probe project with one workstream of 20
sessions at every size, then one uvicorn process serving it. Each page is
fetched once untimed, then ``--rounds`` times from each size's server in turn (both servers run
side by side, so load from elsewhere on the machine falls on every size alike); the median wall
time per request (loopback HTTP, so essentially server time) is printed with the ratio of each
size to the first.

Pages are measured in the steady state: the summary snapshot is built and the data unchanged.
"home after a post" is the first home page view after a new report arrived, which extends the
snapshot with it (the workstream and blocker keys the report touches) and is reported separately.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert

from db.engine import create_engine, session_factory
from db.migrate import upgrade
from db.models import Project, Remediation, Report
from db.store import ITEM_TABLES, normalise_key
from db.tokens import create_token
from parsers import parse_report
from reports_service.devserver import server_process

PROJECTS = 2
#: sessions of the probe workstream (project bench-2), the same at every size: the remediation
#: page of a workstream grows with its own sessions, so it is compared at one length
PROBE = 20
WORKSTREAMS = 40  #: per project
VARIANTS = 50  #: distinct parsed shapes reused (coverage value and test counts vary with them)
PAGES = {
    "home": "/",
    "project board": "/projects/bench-0",
    "board sorted by gates": "/projects/bench-0?sort=gates",
    "board filtered": "/projects/bench-0?q=stream+1&status=failing",
    "blockers": "/blockers",
    "blockers filtered": "/blockers?project=bench-1&q=flaky",
    "report": "/projects/bench-0/reports/{report}",
    f"remediation ({PROBE} sessions)": "/projects/bench-2/workstreams/{probe}",
    "remediation (every session of a workstream)": "/projects/bench-0/workstreams/{report}",
}


def report_markdown(number: int) -> str:
    """A status report in the shape agents write them; numbers vary with ``number``."""
    coverage = 40 + number % 50
    return f"""# Bench Remediation — Session {number} Status Report

**Date**: 2025-11-12
**Module**: bench module

## Gates

| Gate | Target | Current | Status |
|------|--------|---------|--------|
| Overall coverage | ≥67% | {coverage}% | {"✅" if coverage >= 67 else "❌"} |
| Lint | 0 errors | 0 errors | ✅ |
| Type check | 0 errors | {number % 4} errors | {"✅" if number % 4 == 0 else "❌"} |

## Tests

- 120 passed, {number % 3} failed, 4 skipped

## Blockers

- [ ] Flaky integration test in `tests/test_io.py`
- [x] Missing fixture data

## Commands

```bash
pytest --cov=src -q
ruff check src
```
"""


async def make_token(database_url: str, project: str) -> str:
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            return (await create_token(session, project, label="bench"))[1]
    finally:
        await engine.dispose()


def _line(markdown: str, needle: str) -> int:
    return next(n for n, text in enumerate(markdown.splitlines(), 1) if needle in text)


def remediation_id(project: int, stream: int) -> int:
    """The stored remediation of a synthetic workstream (the poster named it explicitly)."""
    return project * (WORKSTREAMS + 1) + stream + 1


def synthetic(size: int) -> Iterator[tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]]:
    """(report row, item rows per table) for ``size`` reports, ids from 1."""
    variants = []
    for number in range(VARIANTS):
        markdown = report_markdown(number)
        variants.append((markdown, parse_report(markdown)))
    for index in range(size + PROBE):
        project = index % PROJECTS
        stream = (index // PROJECTS) % WORKSTREAMS
        session = index // (PROJECTS * WORKSTREAMS)
        if index >= size:  # the probe: one workstream of PROBE sessions, in a project of its own
            project, stream, session = PROJECTS, WORKSTREAMS, index - size
        markdown, parsed = variants[index % VARIANTS]
        raw = f"{markdown}\n<!-- synthetic report {index} -->\n".encode()
        report_id = index + 1
        report = {
            "id": report_id, "project_id": project + 1, "raw": raw,
            "sha256": hashlib.sha256(raw).hexdigest(), "size": len(raw),
            "parser_version": parsed.parser_version, "agent": f"agent-{stream % 3}",
            "session": f"s{session}", "remediation": f"stream {stream}",
            "title": f"Stream {stream} — session {session}", "kind": "status",
            "date": None, "sequence": f"{session:06d}", "scope": "bench module",
            "meta_lines": {}, "remediation_id": remediation_id(project, stream),
        }  # fmt: skip
        items: dict[str, list[dict[str, Any]]] = {}
        for spec in ITEM_TABLES:
            rows = []
            for position, item in enumerate(getattr(parsed, spec.field)):
                row = {**item.model_dump(), "report_id": report_id, "position": position}
                if spec.key_of is not None:
                    row["key"] = normalise_key(row[spec.key_of])
                rows.append(row)
            items[str(spec.table.__tablename__)] = rows
        flaky = _line(markdown, "Flaky integration test")
        items["blockers"] = [
            {"report_id": report_id, "position": 0, "line": flaky, "resolved": False,
             "text": f"Flaky integration test in stream {stream}", "severity": None},
            {"report_id": report_id, "position": 1, "line": flaky + 1,
             "resolved": session % 4 == 3,
             "text": f"Missing fixture data, stream {stream} phase {session // 4}",
             "severity": "high"},
        ]  # fmt: skip
        for row in items["blockers"]:
            row["key"] = normalise_key(row["text"])
        yield report, items


async def fill(url: str, size: int) -> None:
    engine = create_engine(url)
    tables: dict[str, Any] = {str(spec.table.__tablename__): spec.table for spec in ITEM_TABLES}
    async with engine.begin() as connection:
        await connection.execute(
            insert(Project), [{"id": i + 1, "name": f"bench-{i}"} for i in range(PROJECTS + 1)]
        )
        await connection.execute(
            insert(Remediation),
            [
                {
                    "id": remediation_id(project, stream),
                    "project_id": project + 1,
                    "key": f"stream {stream}",
                    "name": f"stream {stream}",
                    "explicit": True,
                }
                for project in range(PROJECTS + 1)
                for stream in range(WORKSTREAMS + 1)
            ],
        )
        reports: list[dict[str, Any]] = []
        items: dict[str, list[dict[str, Any]]] = {name: [] for name in tables}

        async def flush() -> None:
            await connection.execute(insert(Report), reports)
            for name, rows in items.items():
                if rows:
                    await connection.execute(insert(tables[name]), rows)
                    rows.clear()
            reports.clear()

        for report, report_items in synthetic(size):
            reports.append(report)
            for name, rows in report_items.items():
                items[name].extend(rows)
            if len(reports) == 1000:
                await flush()
        if reports:
            await flush()
    await engine.dispose()


def timed_ms(client: httpx.Client, path: str) -> float:
    start = time.perf_counter()
    client.get(path).raise_for_status()
    return (time.perf_counter() - start) * 1000


def after_post_ms(client: httpx.Client, token: str) -> float:
    """The home page right after a new report arrived (the snapshot is extended with it)."""
    client.post(
        "/api/projects/bench-1/reports",
        content=f"# Fresh report {time.time_ns()}\n".encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/markdown"},
    ).raise_for_status()
    return timed_ms(client, "/")


def _path(template: str, size: int) -> str:
    # bench-0's newest report; the probe's newest
    return template.format(report=size - PROJECTS + 1, probe=size + PROBE)


def prepare(size: int, directory: Path) -> tuple[str, str]:
    url = f"sqlite+aiosqlite:///{directory / f'dashboard-{size}.sqlite3'}"
    upgrade(url)
    started = time.perf_counter()
    asyncio.run(fill(url, size))
    print(f"{size} reports stored in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return url, asyncio.run(make_token(url, "bench-1"))


def measure(sizes: list[int], rounds: int, directory: Path) -> dict[int, dict[str, float]]:
    """Median ms per page and size. The servers run side by side and are asked in turn, round
    by round, so that load from elsewhere on the machine falls on every size alike."""
    prepared = {size: prepare(size, directory) for size in sizes}
    samples: dict[int, dict[str, list[float]]] = {size: {} for size in sizes}
    with ExitStack() as stack:
        clients = {}
        for size, (url, _) in prepared.items():
            base = stack.enter_context(server_process(url, directory / f"server-{size}.log"))
            clients[size] = stack.enter_context(httpx.Client(base_url=base, timeout=120))
        for name, template in PAGES.items():
            for size, client in clients.items():
                path = _path(template, size)
                timed_ms(client, path)  # untimed warm-up: snapshot, route, templates
            for _ in range(rounds):
                for size, client in clients.items():
                    path = _path(template, size)
                    samples[size].setdefault(name, []).append(timed_ms(client, path))
        for _ in range(max(rounds // 3, 5)):
            for size, client in clients.items():
                token = prepared[size][1]
                samples[size].setdefault("home after a post", []).append(
                    after_post_ms(client, token)
                )
    return {
        size: {name: statistics.median(values) for name, values in pages.items()}
        for size, pages in samples.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 10_000])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as tmp:
        figures = measure(args.sizes, args.rounds, Path(tmp))
    first = args.sizes[0]
    header = "| page | " + " | ".join(f"{s} reports (ms)" for s in args.sizes)
    header += " | " + " | ".join(f"ratio {s}/{first}" for s in args.sizes[1:]) + " |"
    print(header)
    print("|" + " --- |" * (2 * len(args.sizes)))
    for name in figures[first]:
        times = " | ".join(f"{figures[s][name]:.2f}" for s in args.sizes)
        ratios = " | ".join(
            f"{figures[s][name] / figures[first][name]:.2f}" for s in args.sizes[1:]
        )
        print(f"| {name} | {times} | {ratios} |")


if __name__ == "__main__":
    main()
