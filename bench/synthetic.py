"""Realistic synthetic reports, and databases filled with them.

The shapes are those of the corpus (``../shared/corpus/reports``): a title naming a workstream
and its session, bold header fields (date, status, phase, agent), a gates table (Gate / Target /
Current / Status with ✅ ❌ ⚠️), test counts in pytest's or jest's wording, a per-file coverage
table, files changed with verdicts, blockers that open and are resolved sessions later, and a
commands fence. Only the structure is taken from the corpus; every value is generated, from a
seed, so a run can be repeated.

Usage:
  python bench/synthetic.py --count 20 --out DIR            # write report files
  python bench/synthetic.py --count 10000 --database-url URL [--database-url URL2] [--jobs N]
      [--track]  # fill databases: parsed in N processes, stored through add_report (+ track),
      # 1000 per transaction, the same readings into every database at once
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import random
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from db.engine import create_engine, run_sync, session_factory
from db.migrate import upgrade
from db.models import Report
from db.store import add_report
from db.tokens import get_or_create_project
from parsers import parse_report
from parsers.models import ParsedReport
from reports_service.services.progress import track

AREAS = ["auth", "billing", "ingest", "scheduler", "storage", "search", "notifications", "api"]
WORDS = ["client", "handler", "service", "repository", "worker", "parser", "cache", "router"]
KINDS = ["Status Report", "Completion Report", "Remediation Plan", "Session Summary"]
AGENTS = ["claude-code", "codex", "cursor", "copilot"]
GATES = [
    ("Overall coverage", "≥{t}%", "{v}%"),
    ("Lint errors", "0", "{e}"),
    ("Type check", "0 errors", "{e} errors"),
    ("Unit tests", "100% passing", "{p}/{n} passing"),
    ("Security scan", "0 high", "{h} high"),
]
BLOCKERS = [
    "Flaky integration test in `tests/test_{a}_io.py`",
    "Waiting on staging credentials for the {a} sandbox",
    "Upstream {w} API returns 502 under load",
    "Migration {n:04d} conflicts with the {a} schema",
    "CI runner out of disk during the {a} build",
]


@dataclass(frozen=True, slots=True)
class Workstream:
    project: str
    name: str
    area: str
    agent: str
    target: int


def workstreams(projects: int, per_project: int, rng: random.Random) -> list[Workstream]:
    made = []
    for p in range(projects):
        for w in range(per_project):
            area = rng.choice(AREAS)
            made.append(
                Workstream(
                    project=f"bench-{p}",
                    name=f"{area.title()} {rng.choice(WORDS)} remediation {w}",
                    area=area,
                    agent=rng.choice(AGENTS),
                    target=rng.choice([60, 67, 70, 80, 85]),
                )
            )
    return made


def report(stream: Workstream, session: int, rng: random.Random) -> str:
    """Session ``session`` (1-based) of ``stream``: values drift towards the targets."""
    progress = min(1.0, session / 12)
    coverage = round(20 + (stream.target + 8 - 20) * progress * rng.uniform(0.8, 1.05), 1)
    errors = max(0, int(rng.gauss(6 * (1 - progress), 2)))
    total = 80 + session * rng.randint(3, 9)
    failed = max(0, int(total * (1 - progress) * rng.uniform(0, 0.15)))
    passed = total - failed
    date = dt.date(2025, 1, 1) + dt.timedelta(days=session * 2 + rng.randint(0, 1))
    status = "✅ COMPLETE" if coverage >= stream.target and not failed else "⚠️ IN PROGRESS"
    marks = {True: "✅", False: "❌"}
    values = {"t": stream.target, "v": coverage, "e": errors, "p": passed, "n": total}
    values["h"] = max(0, 2 - session // 3)
    gate_rows = []
    for name, target, current in rng.sample(GATES, rng.randint(3, len(GATES))):
        met = {
            "Overall coverage": coverage >= stream.target,
            "Unit tests": failed == 0,
            "Security scan": values["h"] == 0,
        }.get(name, errors == 0)
        mark = marks[met] if rng.random() > 0.1 else "⚠️"
        gate_rows.append(
            f"| {name} | {target.format(**values)} | {current.format(**values)} | {mark} |"
        )
    files = [f"src/{stream.area}/{rng.choice(WORDS)}_{i}.py" for i in range(rng.randint(2, 6))]
    coverage_rows = [
        f"| `{path}` | {rng.randint(20, 100)}% | {rng.choice(['+', '-'])}{rng.randint(0, 9)}% |"
        for path in files
    ]
    blockers = []
    for index, template in enumerate(BLOCKERS):
        opened = 1 + index * 3 + len(stream.name) % 3  # each opens at its own session
        if session < opened:
            continue
        text = template.format(a=stream.area, w=rng.choice(WORDS), n=index + 1)
        resolved = session >= opened + 2 + index % 3
        blockers.append(f"- [{'x' if resolved else ' '}] {text}")
    tests_line = (
        f"- {passed} passed, {failed} failed, {rng.randint(0, 5)} skipped in "
        f"{rng.uniform(2, 90):.2f}s"
        if rng.random() < 0.7
        else f"- Tests: {failed} failed, {passed} passed, {total} total"
    )
    title = f"{stream.name.title()} — Session {session} {rng.choice(KINDS)}"
    lines = [
        f"# {title}",
        "",
        f"**Date**: {date.isoformat()}",
        f"**Status**: {status}",
        f"**Agent**: {stream.agent}",
        f"**Session:** {session}",
        "",
        "## Gates",
        "",
        "| Gate | Target | Current | Status |",
        "|------|--------|---------|--------|",
        *gate_rows,
        "",
        "## Test results",
        "",
        tests_line,
        "",
        "## Coverage",
        "",
        "| File | Coverage | Change |",
        "|------|----------|--------|",
        *coverage_rows,
        f"| **Total** | **{coverage}%** | |",
        "",
        "## Files changed",
        "",
        *(f"- `{path}` ({rng.choice(['modified', 'created', 'refactored'])})" for path in files),
        "",
        "## Blockers",
        "",
        *(blockers or ["None."]),
        "",
        "## Commands",
        "",
        "```bash",
        f"pytest --cov=src/{stream.area} -q",
        f"ruff check src/{stream.area}",
        "```",
        "",
        f"Next: session {session + 1} continues with the {rng.choice(WORDS)} layer.",
        "",
    ]
    return "\n".join(lines)


def generate(
    count: int, projects: int = 4, per_project: int = 25, seed: int = 8
) -> Iterator[tuple[str, str]]:
    """``count`` (project, markdown) pairs: workstreams advance one session at a time, in turn."""
    rng = random.Random(seed)
    streams = workstreams(projects, per_project, rng)
    session = 0
    made = 0
    while True:
        session += 1
        for stream in streams:
            if made == count:
                return
            yield stream.project, report(stream, session, rng)
            made += 1


def _report_row(project_id: int, markdown: str, parsed: ParsedReport) -> Report:
    raw = markdown.encode()
    return Report(
        project_id=project_id,
        raw=raw,
        sha256=hashlib.sha256(raw).hexdigest(),
        size=len(raw),
        parser_version=parsed.parser_version,
        remediation=markdown.split(" — ", 1)[0][2:],
    )


async def _store_window(
    sessions: async_sessionmaker[AsyncSession],
    owners: dict[str, int],
    window: list[tuple[str, str]],
    parsed: list[ParsedReport],
    tracked: bool,
) -> None:
    """One transaction: each report through ``add_report`` (and ``track`` if ``tracked``:
    remediation placement and claim checks, as ``ingest`` and the POST endpoint do)."""
    async with sessions() as session:
        for project in {project for project, _ in window} - owners.keys():
            owner = await get_or_create_project(session, project)
            if owner.id is None:
                raise RuntimeError(f"project {project} has no id")
            owners[project] = owner.id
        for (project, markdown), reading in zip(window, parsed, strict=True):
            report = _report_row(owners[project], markdown, reading)
            await run_sync(session, add_report, report, reading)
            if tracked:
                await run_sync(session, track, report, reading)
        await session.commit()


async def fill(
    database_urls: list[str],
    count: int,
    projects: int,
    jobs: int | None = None,
    batch: int = 1000,
    tracked: bool = False,
) -> float:
    """Store ``count`` synthetic reports into each database; seconds taken.

    Every report is read by the real parser (``parse_report``, in ``jobs`` processes, a window
    of ``batch`` reports ahead of the store) and stored through the real store path
    (``db.store.add_report``), ``batch`` reports per transaction; the databases get the same
    readings, each in its own transaction, at the same time. ``tracked`` adds the progress
    tracking of ``reports_service.services.progress.track`` (remediations, claim checks): the
    service's whole store path, about twice the time.
    """
    engines = [create_engine(url) for url in database_urls]
    factories = [session_factory(engine) for engine in engines]
    owners: list[dict[str, int]] = [{} for _ in database_urls]
    per_project = max(1, count // (projects * 40))  # about 40 sessions per workstream
    stream = generate(count, projects, per_project)
    start = time.perf_counter()
    try:
        with ProcessPoolExecutor(jobs) as pool:

            def parse_next() -> tuple[list[tuple[str, str]], Iterator[ParsedReport]]:
                window = list(islice(stream, batch))
                markdowns = [markdown for _, markdown in window]
                return window, pool.map(parse_report, markdowns, chunksize=25)

            window, readings = parse_next()
            while window:
                parsed = list(readings)
                following = parse_next()  # parsed while this window is stored
                await asyncio.gather(
                    *(
                        _store_window(sessions, known, window, parsed, tracked)
                        for sessions, known in zip(factories, owners, strict=True)
                    )
                )
                window, readings = following
    finally:
        for engine in engines:
            await engine.dispose()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--projects", type=int, default=4)
    parser.add_argument("--out", type=Path, help="write report files here")
    parser.add_argument(
        "--database-url", action="append", help="fill this database (migrated first; repeatable)"
    )
    parser.add_argument("--jobs", type=int, help="parser processes (default: one per core)")
    parser.add_argument(
        "--track", action="store_true", help="also place remediations, check claims"
    )
    args = parser.parse_args()
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        per_project = max(1, args.count // (args.projects * 40))
        for number, (project, markdown) in enumerate(
            generate(args.count, args.projects, per_project)
        ):
            (args.out / f"{number:06d}-{project}.md").write_text(markdown, encoding="utf-8")
    elif args.database_url:
        for url in args.database_url:
            upgrade(url)
        seconds = asyncio.run(
            fill(args.database_url, args.count, args.projects, args.jobs, tracked=args.track)
        )
        print(f"{args.count} reports stored in {seconds:.1f} s")
    else:
        sys.exit("give --out DIR or --database-url URL")


if __name__ == "__main__":
    main()
