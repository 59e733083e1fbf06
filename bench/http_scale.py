"""The store grown over HTTP, as agents grow it: reports POSTed to a running server, then queried.

    .venv/bin/python bench/http_scale.py --sizes 1000 100000 --keep /tmp/http-scale \
        [--clients 4] [--workers 1] [--rounds 30] [--database-url-template URL] \
        [--one-remediation]

For each size, a database of its own (``DIR/http-SIZE.sqlite3``, or ``--database-url-template``
with ``{size}`` in it) is brought to SIZE synthetic reports (``bench/synthetic.py``'s report
shapes) by POSTing them to a uvicorn server with ``--clients`` concurrent clients. The store
grows as a real one does, by more workstreams rather than longer ones: 4 projects, 25
workstreams each under way at a time, each running 12 sessions before the next 25 start
(``grown``), each naming its module in its header (a made-up word per workstream), so a
remediation at 100k reports is as long as at 1k (``--one-remediation``: no module, so each
project's reports make one remediation, a quarter of the store: the worst case). Every report
goes through the API, the parser, the store and progress tracking (remediations, claim checks).
Reports already there are kept (``--keep``): an interrupted run carries on. Printed per size:
reports/s, and the server's RSS right after the last POST (every uvicorn process, summed).

Then one server per size, and every endpoint of ``bench/scale.py`` (the remediation API and
the blockers' ages included, as these databases are tracked) asked ``--rounds`` times, the sizes
in turn round by round; p50 / p95 per size and the p50 ratio to the smallest, and each server's
RSS after the queries.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import itertools
import random
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx

from db.engine import create_engine, session_factory
from db.migrate import upgrade
from db.tokens import create_token
from reports_service.devserver import running_server

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import measure, print_table, rss_kib, stored_reports
from synthetic import report, workstreams

PROJECTS = 4


def grown(
    count: int,
    projects: int = PROJECTS,
    active: int = 25,
    sessions: int = 12,
    seed: int = 8,
    modules: bool = True,
) -> Iterator[tuple[str, str]]:
    """``count`` (project, markdown) pairs: cohorts of ``active`` workstreams per project, each
    cohort's sessions in turn, then the next cohort (new names). ``modules=False``: the reports
    name no module and their workstreams differ by a number only, so that every report of a
    project joins one remediation (the worst case: a remediation as long as the store)."""
    rng = random.Random(seed)
    made = 0
    for cohort in itertools.count():
        streams = [
            dataclasses.replace(
                stream,
                name=(
                    f"{stream.area} {_code(cohort * 1000 + index)}"
                    if modules
                    else f"{stream.name} {cohort}"
                ),
            )
            for index, stream in enumerate(workstreams(projects, active, rng))
        ]
        for session in range(1, sessions + 1):
            for stream in streams:
                if made == count:
                    return
                markdown = report(stream, session, rng)
                if modules:
                    # a header naming the module: what the grouping rule follows (without one,
                    # every report of a project joins its default remediation)
                    agent = f"**Agent**: {stream.agent}\n"
                    markdown = markdown.replace(
                        agent, f"{agent}**Module:** {stream.name.title()}\n", 1
                    )
                yield stream.project, markdown
                made += 1
    raise AssertionError("unreachable")  # pragma: no cover


_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]


def _code(number: int) -> str:
    """A made-up word per number ("bada", "bade", ...): module names that differ in words, not
    only in numbers (which the grouping rule sets aside)."""
    letters = ""
    for _ in range(3):
        number, digit = divmod(number, len(_SYLLABLES))
        letters += _SYLLABLES[digit]
    return letters


def server_rss_kib(pid: int) -> int:
    """RSS of a uvicorn process and of its worker processes (``--workers``)."""
    total = rss_kib(pid)
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        total += sum(rss_kib(int(child)) for child in children)
    return total


async def project_tokens(database_url: str) -> dict[str, str]:
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            return {
                f"bench-{p}": (await create_token(session, f"bench-{p}", label="http-scale"))[1]
                for p in range(PROJECTS)
            }
    finally:
        await engine.dispose()


async def post_missing(
    base: str, tokens: dict[str, str], size: int, skip: int, clients: int, modules: bool = True
) -> None:
    """POST reports ``skip`` .. ``size`` of the synthetic sequence, printing progress."""
    queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue(maxsize=clients * 4)
    sent = 0
    start = time.perf_counter()

    async def feed() -> None:
        for index, (project, markdown) in enumerate(grown(size, modules=modules)):
            if index >= skip:
                await queue.put((project, markdown))
        for _ in range(clients):
            await queue.put(("", ""))

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal sent
        while True:
            project, markdown = await queue.get()
            if not project:
                return
            response = await client.post(
                f"{base}/api/projects/{project}/reports",
                content=markdown.encode(),
                headers={
                    "Authorization": f"Bearer {tokens[project]}",
                    "Content-Type": "text/markdown",
                },
            )
            if response.status_code >= 300:
                raise RuntimeError(f"{response.status_code}: {response.text[:300]}")
            sent += 1
            if sent % 5000 == 0:
                elapsed = time.perf_counter() - start
                print(f"  {skip + sent} stored, {sent / elapsed:.1f} reports/s", flush=True)

    async with httpx.AsyncClient(timeout=600, limits=httpx.Limits(max_connections=clients)) as c:
        for _ in range(300):  # with --workers, the supervisor says it runs before they listen
            try:
                if (await c.get(f"{base}/health")).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
        await asyncio.gather(feed(), *(worker(c) for _ in range(clients)))
    elapsed = time.perf_counter() - start
    if sent:
        print(f"  posted {sent} in {elapsed:.0f} s: {sent / elapsed:.1f} reports/s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--keep", type=Path, required=True, help="folder of the SQLite files")
    parser.add_argument("--database-url-template", help="e.g. postgresql+asyncpg://.../h_{size}")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--fill-only", action="store_true")
    parser.add_argument(
        "--one-remediation",
        action="store_true",
        help="reports without a module: each project's reports make one remediation (worst case)",
    )
    args = parser.parse_args()
    args.keep.mkdir(parents=True, exist_ok=True)

    urls: dict[int, str] = {}
    for size in sorted(args.sizes):
        url = (
            args.database_url_template.format(size=size)
            if args.database_url_template
            else f"sqlite+aiosqlite:///{args.keep.resolve()}/http-{size}.sqlite3"
        )
        upgrade(url)
        urls[size] = url
        stored = stored_reports(url)
        print(f"{size}: {stored} stored before", flush=True)
        if stored >= size:
            continue
        tokens = asyncio.run(project_tokens(url))
        workers = {"WEB_CONCURRENCY": str(args.workers)} if args.workers > 1 else {}
        with running_server(url, args.keep / f"http-{size}.log", **workers) as server:
            asyncio.run(
                post_missing(
                    server.url,
                    tokens,
                    size,
                    stored,
                    args.clients,
                    modules=not args.one_remediation,
                )
            )
            rss = server_rss_kib(server.process.pid)
        print(f"{size}: server RSS after the last POST {rss / 1024:.0f} MiB", flush=True)
    if args.fill_only:
        return

    with ExitStack() as stack:
        servers = {
            size: stack.enter_context(running_server(url, args.keep / f"query-{size}.log"))
            for size, url in urls.items()
        }
        table = measure(
            {("http", size): s.url for size, s in servers.items()}, args.rounds, tracked=True
        )
        for size, server in servers.items():
            print(
                f"{size}: server RSS after the queries {rss_kib(server.process.pid) / 1024:.0f} MiB"
            )
    print_table("HTTP-filled (tracked)", {size: table[("http", size)] for size in urls})


if __name__ == "__main__":
    main()
