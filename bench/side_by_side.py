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
p50 of each endpoint per label and size.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from pathlib import Path

from reports_service.devserver import running_server

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import measure, print_table


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("servers", nargs="+", help="LABEL=TREE:DATABASE_URL:SIZE")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--logs", type=Path, required=True, help="a folder for the server logs")
    args = parser.parse_args()
    wanted: dict[tuple[str, int], tuple[str, str]] = {}
    for spec in args.servers:
        label, rest = spec.split("=", 1)
        tree, rest = rest.split(":", 1)
        url, size = rest.rsplit(":", 1)
        wanted[label, int(size)] = (tree, url)
    with ExitStack() as stack:
        servers = {
            target: stack.enter_context(
                running_server(
                    url,
                    args.logs / f"side-{target[0]}-{target[1]}.log",
                    PYTHONPATH=str(Path(tree).resolve()),
                )
            )
            for target, (tree, url) in wanted.items()
        }
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
