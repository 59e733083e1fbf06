"""Query times as the store grows: p50/p95 at 1k, 10k, 100k synthetic reports.

Each (database, size) gets a database of its own (a SQLite file, or a PostgreSQL database named
``bench_scale_SIZE`` on the server of --postgres; ``PREFIX_SIZE`` with --postgres-prefix), filled
by ``bench/synthetic.py``'s ``fill``: every report read by the real parser in a process pool
and stored through ``add_report`` (and ``track`` with --track), 1000 per transaction, the same
readings into SQLite and PostgreSQL at once. With --keep DIR the SQLite files stay in DIR and the
PostgreSQL databases stay too, and a database that already holds SIZE reports is measured as it
is (fill once, measure again later).

Then, database by database, the dashboard's start: a server without the background warm-up
(``REPORTS_DASHBOARD_WARM=false``) and the time of its first gate-board view (it reads every
report); a server with it, the warm-up's own time (from its log line) and the slowest
``/health`` answer while it runs (asked every 0.1 s).

Then a uvicorn process per database; every endpoint is asked ``--rounds`` times over loopback
HTTP after one untimed request (its time is printed as "first"); all servers are asked in turn,
round by round, so that load from elsewhere falls on every size alike. Then each server's RSS is
read from /proc. Then, ``--changes`` rounds: one new report POSTed to bench-0 (a new session of
one of its workstreams) and the first gate-board view after it; and ``--reparses`` rounds: one
report of bench-0 re-parsed in the database (as ``reports-service reparse`` does) and the first
view after it. The POSTs stay in a kept database (a few reports more than SIZE).

Usage:
  python bench/scale.py [--sizes 1000 10000 100000] [--rounds 50] [--backends sqlite postgres]
                        [--postgres ADMIN_URL] [--postgres-prefix bench_scale]
                        [--keep DIR [--fill-only]] [--jobs N]
                        [--changes 10] [--reparses 3]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import col, select

from db.engine import create_engine, run_sync, session_factory
from db.migrate import upgrade
from db.models import Project, Report
from db.store import replace_parse
from db.tokens import create_token
from parsers import parse_report
from reports_service.devserver import running_server

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import Workstream, fill, report

PROJECTS = 4
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
Target = tuple[str, int]  # (backend, size)


def _sync_url(url: str) -> sa.URL:
    parsed = make_url(url)
    driver = "sqlite" if parsed.get_backend_name() == "sqlite" else "postgresql+psycopg"
    return parsed.set(drivername=driver)


def stored_reports(url: str) -> int:
    engine = sa.create_engine(_sync_url(url), poolclass=sa.NullPool)
    try:
        with engine.connect() as connection:
            return int(connection.execute(sa.text("SELECT count(*) FROM reports")).scalar_one())
    except sa.exc.SQLAlchemyError:
        return -1
    finally:
        engine.dispose()


def database(
    backend: str, size: int, postgres: str, folder: Path, keep: bool, prefix: str = "bench_scale"
) -> str:
    """The URL of the (backend, size) database: kept if ``keep`` and it exists, else fresh
    (PostgreSQL: database ``PREFIX_SIZE``; SQLite: ``FOLDER/scale-SIZE.sqlite3``)."""
    if backend == "sqlite":
        path = folder / f"scale-{size}.sqlite3"
        if not keep:
            for stale in folder.glob(f"{path.name}*"):
                stale.unlink()
        return f"sqlite+aiosqlite:///{path}"
    name = f"{prefix}_{size}"
    url = make_url(postgres).set(database=name).render_as_string(hide_password=False)
    admin = sa.create_engine(_sync_url(postgres), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).first()
        if exists and not keep:
            connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        if not exists or not keep:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def endpoints(client: httpx.Client, size: int, tracked: bool) -> dict[str, str]:
    """The endpoints measured, on bench-0's newest report of the fill (ids 1 to SIZE; those a
    run of --changes posts come after); the remediation API only for a fill with --track (the
    posted reports are tracked, but they make no remediation of the fill's size)."""
    reports = client.get("/api/projects/bench-0/reports", params={"limit": 500}).json()
    newest = next(item["id"] for item in reports["items"] if item["id"] <= size)
    remediations = client.get("/api/projects/bench-0/remediations", params={"limit": 1}).json()
    tracking = {}
    if tracked:
        tracking["remediation (API)"] = f"/api/remediations/{remediations['items'][0]['id']}"
    return {
        "open blockers (API, all projects)": "/api/blockers?status=open&limit=100",
        "project open blockers (API)": "/api/projects/bench-0/blockers?status=open",
        "failing gates (API)": "/api/projects/bench-0/gates/failing",
        "latest coverage (API)": "/api/projects/bench-0/coverage",
        "report list (API)": "/api/projects/bench-0/reports?limit=50",
        "report with items (API)": f"/api/projects/bench-0/reports/{newest}",
        **tracking,
        "project gate board (page)": "/projects/bench-0",
        "remediation (page)": f"/projects/bench-0/workstreams/{newest}",
        "report (page)": f"/projects/bench-0/reports/{newest}",
        "blockers (page)": "/blockers",
    }


def measure(
    urls: dict[Target, str], rounds: int, tracked: bool
) -> dict[Target, dict[str, tuple[float, float, float]]]:
    """Round by round, each endpoint on each database in turn. (first, p50, p95) in ms."""
    clients = {target: httpx.Client(base_url=url, timeout=600) for target, url in urls.items()}
    try:
        paths = {
            target: endpoints(client, target[1], tracked) for target, client in clients.items()
        }
        names = list(next(iter(paths.values())))
        first: dict[Target, dict[str, float]] = {target: {} for target in urls}
        times: dict[Target, dict[str, list[float]]] = {t: {n: [] for n in names} for t in urls}
        for round_number in range(rounds + 1):
            for name in names:
                for target, client in clients.items():
                    start = time.perf_counter()
                    client.get(paths[target][name]).raise_for_status()
                    elapsed = time.perf_counter() - start
                    if round_number == 0:
                        first[target][name] = elapsed
                    else:
                        times[target][name].append(elapsed)
    finally:
        for client in clients.values():
            client.close()
    results: dict[Target, dict[str, tuple[float, float, float]]] = {}
    for target in urls:
        results[target] = {}
        for name in names:
            ordered = sorted(times[target][name])
            p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
            results[target][name] = (
                first[target][name] * 1000,
                statistics.median(ordered) * 1000,
                p95 * 1000,
            )
    return results


BOARD = "/projects/bench-0"
#: seconds between two /health probes while the warm-up runs
HEALTH_EVERY = 0.1
#: the line the server logs when its warm-up has read every report
WARMED = re.compile(r"read whole: (\d+) reports in ([\d.]+) s")


def timed_ms(client: httpx.Client, path: str) -> float:
    start = time.perf_counter()
    client.get(path).raise_for_status()
    return (time.perf_counter() - start) * 1000


def startup(url: str, folder: Path, name: str) -> dict[str, float]:
    """The first gate-board view of a server without warm-up; with it, the warm-up's time and
    the slowest /health answer while it ran (ms)."""
    found: dict[str, float] = {}
    cold = folder / f"server-{name}-cold.log"
    with (
        running_server(url, cold, REPORTS_DASHBOARD_WARM="false") as server,
        httpx.Client(base_url=server.url, timeout=600) as client,
    ):
        found["first view, no warm-up"] = timed_ms(client, BOARD)
    warm = folder / f"server-{name}-warm.log"
    with (
        running_server(url, warm) as server,
        httpx.Client(base_url=server.url, timeout=600) as client,
    ):
        health = []
        while (match := WARMED.search(warm.read_text())) is None:
            health.append(timed_ms(client, "/health"))
            time.sleep(HEALTH_EVERY)  # a probe, not a load on the warm-up
        found["warm-up (background)"] = float(match.group(2)) * 1000
        found["slowest /health during it"] = max(health, default=0.0)
        found["first view after it"] = timed_ms(client, BOARD)
    return found


def make_token(url: str, project: str) -> str:
    async def made() -> str:
        engine = create_engine(url)
        try:
            async with session_factory(engine)() as session:
                return (await create_token(session, project, label="bench"))[1]
        finally:
            await engine.dispose()

    return asyncio.run(made())


def new_report(round_number: int) -> bytes:
    """A new session of a bench-0 workstream, unique to this moment (never a duplicate)."""
    stream = Workstream("bench-0", "Api router remediation 0", "api", "claude-code", 80)
    markdown = report(stream, 1000 + round_number, random.Random(round_number))
    return f"{markdown}\nPosted at {time.time_ns()}.\n".encode()


def reparse_one(url: str) -> None:
    """Re-parse bench-0's newest report, as ``reports-service reparse`` does with each."""

    async def reparse() -> None:
        engine = create_engine(url)
        try:
            async with session_factory(engine)() as session:
                statement = (
                    select(Report)
                    .join(Project, col(Project.id) == col(Report.project_id))
                    .where(Project.name == "bench-0")
                    .order_by(col(Report.id).desc())
                    .limit(1)
                )
                newest = (await session.exec(statement)).one()
                parsed = parse_report(newest.raw.decode())
                await run_sync(session, replace_parse, newest, parsed)
                await session.commit()
        finally:
            await engine.dispose()

    asyncio.run(reparse())


def after_changes(
    servers: dict[Target, str],
    databases: dict[Target, str],
    changes: int,
    reparses: int,
) -> dict[Target, dict[str, list[float]]]:
    """The first gate-board view after one new POST, and after one re-parse, round by round."""
    tokens = {target: make_token(url, "bench-0") for target, url in databases.items()}
    clients = {target: httpx.Client(base_url=url, timeout=600) for target, url in servers.items()}
    times: dict[Target, dict[str, list[float]]] = {t: {} for t in servers}
    try:
        for round_number in range(changes):
            for target, client in clients.items():
                client.post(
                    "/api/projects/bench-0/reports",
                    content=new_report(round_number),
                    headers={
                        "Authorization": f"Bearer {tokens[target]}",
                        "Content-Type": "text/markdown",
                    },
                ).raise_for_status()
                times[target].setdefault("gate board after a POST", []).append(
                    timed_ms(client, BOARD)
                )
        for _ in range(reparses):
            for target, client in clients.items():
                reparse_one(databases[target])
                times[target].setdefault("gate board after a re-parse", []).append(
                    timed_ms(client, BOARD)
                )
    finally:
        for client in clients.values():
            client.close()
    return times


def p50_p95(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"{statistics.median(ordered):.1f} / {p95:.1f}"


def print_table(backend: str, table: dict[int, dict[str, tuple[float, float, float]]]) -> None:
    sizes = sorted(table)
    smallest = sizes[0]
    print(f"\n{backend}\n\n| endpoint | ", end="")
    print(" | ".join(f"{s} p50 / p95 (ms)" for s in sizes), end="")
    print(" | " + " | ".join(f"p50 ratio {s}/{smallest}" for s in sizes[1:]) + " |")
    print("| --- " * (2 * len(sizes)) + "|")
    for name in table[smallest]:
        cells = " | ".join(f"{table[s][name][1]:.1f} / {table[s][name][2]:.1f}" for s in sizes)
        ratios = " | ".join(
            f"{table[s][name][1] / table[smallest][name][1]:.2f}" for s in sizes[1:]
        )
        print(f"| {name} | {cells} | {ratios} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--backends", nargs="+", choices=["sqlite", "postgres"], default=["sqlite"])
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="admin URL of PostgreSQL")
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the databases; SQLite here")
    parser.add_argument(
        "--postgres-prefix",
        default="bench_scale",
        help="PostgreSQL databases are PREFIX_SIZE (another name keeps others' runs apart)",
    )
    parser.add_argument("--jobs", type=int, help="parser processes for the fill")
    parser.add_argument(
        "--track", action="store_true", help="fill with progress tracking (and measure its API)"
    )
    parser.add_argument("--fill-only", action="store_true", help="fill (with --keep), no servers")
    parser.add_argument("--changes", type=int, default=10, help="POSTs, each then a first view")
    parser.add_argument("--reparses", type=int, default=3, help="re-parses, each then a view")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, ExitStack() as stack:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        urls: dict[Target, str] = {}
        for size in args.sizes:
            made = {
                (backend, size): database(
                    backend,
                    size,
                    args.postgres,
                    folder,
                    args.keep is not None,
                    args.postgres_prefix,
                )
                for backend in args.backends
            }
            # a kept database holds SIZE reports, and the few each run of --changes posts
            empty = [url for url in made.values() if stored_reports(url) < size]
            for url in empty:
                if stored_reports(url) > 0:
                    sys.exit(f"{url} holds some reports, not {size}: drop it first")
                upgrade(url)
            for url in set(made.values()) - set(empty):
                upgrade(url)  # a kept database made before the latest migration
            if empty:
                seconds = asyncio.run(fill(empty, size, PROJECTS, args.jobs, tracked=args.track))
                print(
                    f"{size} reports stored into {len(empty)} database(s) in {seconds:.0f} s "
                    f"({size / seconds:.0f}/s)",
                    flush=True,
                )
            urls.update(made)
        if args.fill_only:
            return
        starts = {
            target: startup(url, folder, f"{target[0]}-{target[1]}") for target, url in urls.items()
        }
        servers = {}
        for (backend, size), url in urls.items():
            log = folder / f"server-{backend}-{size}.log"
            servers[backend, size] = stack.enter_context(running_server(url, log))
        started = {target: rss_kib(server.process.pid) for target, server in servers.items()}
        table = measure(
            {target: server.url for target, server in servers.items()}, args.rounds, args.track
        )
        for target, server in servers.items():
            after = rss_kib(server.process.pid)
            print(
                f"{target[0]} {target[1]}: server RSS {started[target] / 1024:.0f} MiB at "
                f"start, {after / 1024:.0f} MiB after the pages"
            )
            for name, (first, p50, p95) in table[target].items():
                print(f"  {name:36s} first {first:8.1f}  p50 {p50:7.1f}  p95 {p95:7.1f} ms")
        changed = after_changes(
            {target: server.url for target, server in servers.items()},
            urls,
            args.changes,
            args.reparses,
        )
        for target in servers:
            print(f"{target[0]} {target[1]}: dashboard start and changes (ms)")
            for name, value in starts[target].items():
                print(f"  {name:36s} {value:8.1f}")
            for name, samples in changed[target].items():
                print(f"  {name:36s} p50 / p95 {p50_p95(samples)} ({len(samples)} views)")
    for backend in args.backends:
        print_table(
            backend, {size: table[backend, size] for backend_, size in table if backend_ == backend}
        )
        sizes = sorted(size for backend_, size in table if backend_ == backend)
        print(f"\n{backend}: the dashboard's start and its first views after a change\n")
        print("| | " + " | ".join(f"{size}" for size in sizes) + " |")
        print("| --- " * (len(sizes) + 1) + "|")
        for name in starts[backend, sizes[0]]:
            cells = " | ".join(f"{starts[backend, size][name]:.1f} ms" for size in sizes)
            print(f"| {name} | {cells} |")
        for name in changed[backend, sizes[0]]:
            cells = " | ".join(f"{p50_p95(changed[backend, size][name])} ms" for size in sizes)
            print(f"| {name} (p50 / p95) | {cells} |")


if __name__ == "__main__":
    main()
