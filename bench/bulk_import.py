"""Bulk import with 1 and 2 parser processes: ``reports-service ingest --jobs N``, interleaved.

    .venv/bin/python bench/bulk_import.py --count 3000 [--rounds 3] [--jobs 1 2]
    .venv/bin/python bench/bulk_import.py --dir /tmp/syn3k [--tree ../main]

Writes ``--count`` synthetic report files (``bench/synthetic.py``) to a temporary directory, or
takes the files of ``--dir``, then runs ``reports-service ingest DIR --project bench --jobs N``
as a process of its own for each N in turn (1, 2, 1, 2, ...), ``--rounds`` times, each into a
fresh SQLite file. Each run prints its wall time, the CPU time of the process and its parser
processes (user + sys) and that of the main process alone (what does not spread over cores),
the imported count and the load average just before it started; each
round prints the speed-up of the last N over the first one (wall time ratio) measured in that
round, so that the load of a shared machine moves both sides of a ratio alike. ``--tree`` runs
the source tree at that path instead of this one (``PYTHONPATH``), e.g. a checkout of the
commit before a change, to compare before and after.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TREE = HERE.parent


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


#: runs the command line, and says on exit the CPU time of its own process (not its parsers')
_MAIN = """
import atexit, resource, sys
def said():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"main-cpu {usage.ru_utime + usage.ru_stime:.3f}", file=sys.stderr)
atexit.register(said)
from reports_service.cli import main
main()
"""


def _command(*args: str) -> list[str]:
    return [sys.executable, "-c", _MAIN, *args]


def _main_cpu(stderr: str) -> float:
    said = [line for line in stderr.splitlines() if line.startswith("main-cpu ")]
    return float(said[-1].split()[1]) if said else float("nan")


def run_once(tree: Path, files: Path, jobs: int, workdir: Path) -> tuple[float, float, float, str]:
    """(wall s, CPU s, CPU s of the main process, summary line) of one import into a fresh
    SQLite file."""
    database = workdir / f"bulk-{jobs}-{time.monotonic_ns()}.sqlite3"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("REPORTS_")},
        "PYTHONPATH": str(tree),
        "REPORTS_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
    }
    subprocess.run(_command("db", "upgrade"), env=env, check=True, capture_output=True)
    cpu_before = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(
        _command("ingest", str(files), "--project", "bench", "--jobs", str(jobs)),
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    cpu = _children_cpu() - cpu_before
    if done.returncode != 0:
        sys.exit(f"ingest --jobs {jobs} failed ({done.returncode}): {done.stderr[-2000:]}")
    database.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    return wall, cpu, _main_cpu(done.stderr), done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--count", type=int, default=3000, help="synthetic files to write")
    source.add_argument("--dir", type=Path, help="import these files instead")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--tree", type=Path, default=TREE, help="the source tree to run")
    args = parser.parse_args()
    tree = args.tree.resolve()

    with tempfile.TemporaryDirectory(prefix="bulk-import-") as directory:
        workdir = Path(directory)
        files = args.dir
        if files is None:
            files = workdir / "files"
            generate = [sys.executable, str(HERE / "synthetic.py"), "--count", str(args.count)]
            subprocess.run(
                [*generate, "--out", str(files)],
                env={**os.environ, "PYTHONPATH": str(TREE)},
                check=True,
            )
        count = sum(1 for _ in files.rglob("*.md"))
        print(f"tree {tree}, {count} files in {files}, {os.cpu_count()} cores")
        print(
            f"{'round':>5} {'jobs':>4} {'wall s':>7} {'cpu s':>7} {'main':>7} "
            f"{'ms/file':>7}  load 1/5/15"
        )
        ratios: list[float] = []
        for number in range(1, args.rounds + 1):
            walls: dict[int, float] = {}
            for jobs in args.jobs:
                load = "/".join(f"{value:.2f}" for value in os.getloadavg())
                wall, cpu, main_cpu, summary = run_once(tree, files, jobs, workdir)
                walls[jobs] = wall
                print(
                    f"{number:>5} {jobs:>4} {wall:>7.1f} {cpu:>7.1f} {main_cpu:>7.1f} "
                    f"{wall * 1000 / count:>7.2f}  {load}  ({summary})",
                    flush=True,
                )
            first, last = args.jobs[0], args.jobs[-1]
            ratio = walls[first] / walls[last]
            ratios.append(ratio)
            print(f"round {number}: --jobs {last} is {ratio:.2f}x --jobs {first}", flush=True)
        print(
            f"speed-up per round: {', '.join(f'{r:.2f}' for r in ratios)}; "
            f"median {statistics.median(ratios):.2f}x"
        )


if __name__ == "__main__":
    main()
