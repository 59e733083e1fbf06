"""Two versions of the service side by side: the endpoints of ``bench/scale.py`` asked of servers
running different source trees on their own databases, in turn, round by round, so that a
before/after comparison is measured under the same load.

    .venv/bin/python bench/side_by_side.py --rounds 20 \\
        before=/tmp/before-tree:sqlite+aiosqlite:////tmp/hs/http-1000.sqlite3:1000 \\
        after=/tmp/after-tree:sqlite+aiosqlite:////tmp/hs-after/http-1000.sqlite3:1000 ...

Each argument is ``LABEL=TREE:DATABASE_URL:SIZE``: a server runs the code of TREE (a checkout
of the repository, put first on ``PYTHONPATH``; the interpreter and its packages are this
one's) on DATABASE_URL, which holds SIZE reports (``bench/http_scale.py`` fills them; tracked,
so the remediation API is measured). The databases are used as they are: migrate them first.
Printed: one table per label (p50 / p95 per size, and the ratio to its smallest size), then the
p50 of each endpoint per label and size. With ``--same``, first, for each size, the answers of
every label's server are compared byte for byte: each project's remediations (API and page), its
blocker lists and the lists across projects (a change meant to keep the answers must keep them).
The servers run in the ``--logs`` folder: ``python -m`` puts its working directory first on the
path, which must not be a source tree.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
from contextlib import ExitStack
from pathlib import Path

import httpx

from reports_service.devserver import running_server

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import measure, print_table

PROJECTS = 4


def compared_paths(client: httpx.Client) -> list[str]:
    """What ``--same`` compares: every remediation (API and the page of its newest report), the
    blocker lists of each project and across projects."""
    paths = ["/api/blockers?status=open&limit=500", "/api/blockers?limit=500"]
    for project in (f"bench-{p}" for p in range(PROJECTS)):
        remediations = client.get(f"/api/projects/{project}/remediations?limit=500").json()
        paths += [f"/api/remediations/{r['id']}" for r in remediations["items"]]
        newest = client.get(f"/api/projects/{project}/reports?limit=1").json()["items"][0]["id"]
        paths += [
            f"/projects/{project}/workstreams/{newest}",
            f"/api/projects/{project}/blockers?status=open&limit=500",
            f"/api/projects/{project}/blockers?limit=500",
        ]
    return paths


def check_same(urls: dict[tuple[str, int], str]) -> None:
    """For each size, the same answers from every label's server (exits on the first that
    differs)."""
    for size, group in itertools.groupby(sorted(urls, key=lambda t: t[1]), key=lambda t: t[1]):
        targets = list(group)
        clients = [httpx.Client(base_url=urls[target], timeout=600) for target in targets]
        try:
            paths = compared_paths(clients[0])
            for path in paths:
                bodies = {client.get(path).raise_for_status().content for client in clients}
                if len(bodies) > 1:
                    sys.exit(f"{size}: {path} differs between {[t[0] for t in targets]}")
            print(f"{size}: {len(paths)} answers the same from {[t[0] for t in targets]}")
        finally:
            for client in clients:
                client.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("servers", nargs="+", help="LABEL=TREE:DATABASE_URL:SIZE")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--logs", type=Path, required=True, help="a folder for the server logs")
    parser.add_argument("--same", action="store_true", help="check the answers are the same")
    args = parser.parse_args()
    wanted: dict[tuple[str, int], tuple[str, str]] = {}
    for spec in args.servers:
        label, rest = spec.split("=", 1)
        tree, rest = rest.split(":", 1)
        url, size = rest.rsplit(":", 1)
        wanted[label, int(size)] = (str(Path(tree).resolve()), url)
    args.logs = args.logs.resolve()
    os.chdir(args.logs)  # not a source tree: the servers' python -m puts it first on the path
    with ExitStack() as stack:
        servers = {
            target: stack.enter_context(
                running_server(
                    url,
                    args.logs / f"side-{target[0]}-{target[1]}.log",
                    PYTHONPATH=tree,
                )
            )
            for target, (tree, url) in wanted.items()
        }
        if args.same:
            check_same({target: s.url for target, s in servers.items()})
        table = measure({target: s.url for target, s in servers.items()}, args.rounds, True)
    for label in dict.fromkeys(label for label, _ in wanted):
        print_table(label, {size: table[label_, size] for label_, size in table if label_ == label})
    print("\np50 (ms)\n")
    names = list(next(iter(table.values())))
    print("| endpoint | " + " | ".join(f"{label} {size}" for label, size in table) + " |")
    print("| --- " * (len(table) + 1) + "|")
    for name in names:
        print(f"| {name} | " + " | ".join(f"{table[t][name][1]:.1f}" for t in table) + " |")


if __name__ == "__main__":
    main()
