"""Realistic synthetic reports, and databases filled with them.

The shapes are those of the corpus (``../shared/corpus/reports``): a title naming a workstream
and its session, bold header fields (date, status, phase, agent), a gates table (Gate / Target /
Current / Status with ✅ ❌ ⚠️), test counts in pytest's or jest's wording, a per-file coverage
table, files changed with verdicts, blockers that open and are resolved sessions later, and a
commands fence. Only the structure is taken from the corpus; every value is generated, from a
seed, so a run can be repeated.

Usage:
  python bench/synthetic.py --count 20 --out DIR            # write report files
  python bench/synthetic.py --count 10000 --database-url URL  # fill a database (store functions)
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
from dataclasses import dataclass
from pathlib import Path

from db.engine import create_engine, run_sync, session_factory
from db.migrate import upgrade
from db.models import Report
from db.store import add_report
from db.tokens import get_or_create_project
from parsers import parse_report

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


async def fill(database_url: str, count: int, projects: int, batch: int = 200) -> float:
    """Store ``count`` synthetic reports through ``db.store.add_report``; seconds taken."""
    engine = create_engine(database_url)
    sessions = session_factory(engine)
    start = time.perf_counter()
    per_project = max(1, count // (projects * 40))  # about 40 sessions per workstream
    try:
        owners: dict[str, int] = {}
        pending = 0
        session = sessions()
        for project, markdown in generate(count, projects, per_project):
            if project not in owners:
                owner = await get_or_create_project(session, project)
                if owner.id is None:
                    raise RuntimeError(f"project {project} has no id")
                owners[project] = owner.id
            raw = markdown.encode()
            row = Report(
                project_id=owners[project],
                raw=raw,
                sha256=hashlib.sha256(raw).hexdigest(),
                size=len(raw),
                parser_version="",
                remediation=markdown.split(" — ", 1)[0][2:],
            )
            await run_sync(session, add_report, row, parse_report(markdown))
            pending += 1
            if pending == batch:
                await session.commit()
                await session.close()
                session = sessions()
                pending = 0
        await session.commit()
        await session.close()
    finally:
        await engine.dispose()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--projects", type=int, default=4)
    parser.add_argument("--out", type=Path, help="write report files here")
    parser.add_argument("--database-url", help="fill this database (migrated first)")
    args = parser.parse_args()
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        per_project = max(1, args.count // (args.projects * 40))
        for number, (project, markdown) in enumerate(
            generate(args.count, args.projects, per_project)
        ):
            (args.out / f"{number:06d}-{project}.md").write_text(markdown, encoding="utf-8")
    elif args.database_url:
        upgrade(args.database_url)
        seconds = asyncio.run(fill(args.database_url, args.count, args.projects))
        print(f"{args.count} reports stored in {seconds:.1f} s")
    else:
        sys.exit("give --out DIR or --database-url URL")


if __name__ == "__main__":
    main()
