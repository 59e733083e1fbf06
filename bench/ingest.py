"""Ingest throughput: the corpus POSTed over HTTP to a real server process by N concurrent clients.

    .venv/bin/python bench/ingest.py [CORPUS_DIR] [--clients 1 4 16] [--workers 1] \
        [--database-url URL]

Prints, for each N, reports/s and the ratio of the per-report ingest time (wall time / reports)
to the bare parse time per report, timed right before and after that N's run (their mean), so
that a machine whose load moves compares like with like (target: <= 1.30, i.e. HTTP + DB add
at most 30%). Beside it, the CPU time the server's processes used per report, and its ratio
to the bare parse's CPU time: what the service adds in work, which other load on a shared
machine does not stretch as it stretches wall time (the client's own work is not in it).
Each run posts into a project of its own, so nothing is answered as a duplicate; an untimed
pass first warms the server up.
The server is uvicorn on a free loopback port with ``--workers`` worker processes (default 1: one
process, as `reports-service serve`); the default database is a fresh SQLite file in a temporary
directory. The server runs the code this script imports (the same ``sys.path``: run it from the
checkout it measures, with PYTHONPATH set to it when that is not the installed one).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

import reports_service
from db.engine import create_engine, session_factory
from db.migrate import upgrade
from db.tokens import create_token
from parsers import parse_report
from reports_service.devserver import running_server

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpus" / "reports"


def load_average() -> str:
    """The 1/5/15-minute load averages (other work on a shared machine moves every figure)."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def bare_parse_times(texts: list[str], rounds: int) -> tuple[float, float]:
    """Medians over ``rounds`` of the wall time and of the CPU time to parse every text once,
    divided per report."""
    timings, cpu = [], []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        for text in texts:
            parse_report(text)
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(timings) / len(texts), statistics.median(cpu) / len(texts)


def bare_parse_seconds(texts: list[str], rounds: int) -> float:
    """Median over ``rounds`` of the time to parse every text once, divided per report."""
    return bare_parse_times(texts, rounds)[0]


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by process ``pid`` and its living children (the
    worker processes of a uvicorn supervisor): unlike wall time, not stretched when other work
    on the machine holds the cores."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        own, parent = int(stat.parent.name), int(fields[1])
        if pid in (own, parent):
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


async def make_token(database_url: str, project: str) -> str:
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            return (await create_token(session, project, label="bench"))[1]
    finally:
        await engine.dispose()


async def wait_healthy(client: httpx.AsyncClient, base: str) -> None:
    """Until the server answers ``/health``: with several workers, uvicorn says it is running
    before they listen."""
    for _ in range(300):
        try:
            if (await client.get(f"{base}/health")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{base}/health did not answer 200 within 30 s")


async def post_all(
    base: str, project: str, token: str, bodies: list[bytes], clients: int
) -> tuple[float, dict[int, int]]:
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    statuses: dict[int, int] = {}
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/markdown"}
    url = f"{base}/api/projects/{project}/reports"
    async with httpx.AsyncClient(
        timeout=120, limits=httpx.Limits(max_connections=clients)
    ) as client:
        await wait_healthy(client, base)

        async def worker() -> None:
            while not queue.empty():
                body = queue.get_nowait()
                response = await client.post(url, content=body, headers=headers)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        return time.perf_counter() - start, statuses


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--parse-rounds", type=int, default=5)
    parser.add_argument(
        "--workers", type=int, default=1, help="uvicorn worker processes of the server"
    )
    args = parser.parse_args()

    paths = sorted(args.corpus.glob("*.md"))
    if not paths:
        sys.exit(f"no *.md reports in {args.corpus}")
    bodies = [path.read_bytes() for path in paths]
    texts = [body.decode("utf-8-sig") for body in bodies]
    distinct = len(set(bodies))

    with tempfile.TemporaryDirectory() as directory:
        database_url = args.database_url or f"sqlite+aiosqlite:///{directory}/bench.sqlite3"
        upgrade(database_url)
        parse_per_report = bare_parse_seconds(texts, args.parse_rounds)
        print(
            f"corpus: {len(paths)} reports ({distinct} distinct), "
            f"{sum(map(len, bodies)) / 1024:.0f} KiB"
        )
        print(
            f"database: {database_url.split(':')[0]}, python {sys.version.split()[0]}, "
            f"{os.cpu_count()} cores, load average {load_average()}"
        )
        print(
            f"server: uvicorn, {args.workers} worker process{'es' if args.workers > 1 else ''}; "
            f"code from {Path(reports_service.__file__).resolve().parent.parent}"
        )
        print(
            f"bare parse: {parse_per_report * 1000:.2f} ms/report "
            f"({1 / parse_per_report:.0f} reports/s)"
        )
        print(
            f"{'clients':>7}  {'reports/s':>9}  {'ms/report':>9}  {'parse ms':>8}  "
            f"{'ingest/parse':>12}  {'server cpu ms':>13}  {'cpu/parse cpu':>13}  statuses"
        )
        # WEB_CONCURRENCY: uvicorn's command line reads its worker count from it
        workers = {"WEB_CONCURRENCY": str(args.workers)} if args.workers > 1 else {}
        log = Path(directory) / "server.log"
        with running_server(database_url, log, port=None, **workers) as server:
            base = server.url
            # one untimed pass first: connection pools, prepared statements and caches warm up
            warm = f"bench-warmup-{uuid.uuid4().hex[:8]}"
            asyncio.run(
                post_all(base, warm, asyncio.run(make_token(database_url, warm)), bodies, 4)
            )
            for clients in args.clients:
                project = f"bench-{clients}-{uuid.uuid4().hex[:8]}"
                token = asyncio.run(make_token(database_url, project))
                # bare parse timed right before and after each run too: on a shared machine the
                # load moves within minutes, and the ratio should compare like with like
                before, before_cpu = bare_parse_times(texts, 1)
                server_cpu = cpu_seconds(server.process.pid)
                elapsed, statuses = asyncio.run(post_all(base, project, token, bodies, clients))
                server_cpu = (cpu_seconds(server.process.pid) - server_cpu) / len(bodies)
                after, after_cpu = bare_parse_times(texts, 1)
                parse_now, parse_cpu = (before + after) / 2, (before_cpu + after_cpu) / 2
                per_report = elapsed / len(bodies)
                print(
                    f"{clients:>7}  {len(bodies) / elapsed:>9.1f}  {per_report * 1000:>9.2f}  "
                    f"{parse_now * 1000:>8.2f}  {per_report / parse_now:>12.2f}  "
                    f"{server_cpu * 1000:>13.2f}  {server_cpu / parse_cpu:>13.2f}  "
                    f"{dict(sorted(statuses.items()))}"
                )
                if statuses.get(201, 0) != distinct or any(code >= 500 for code in statuses):
                    sys.exit(f"unexpected statuses {statuses}: see the server log")
        print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
