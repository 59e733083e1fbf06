"""Parser speed: time per report, and its ratio to markdown-it-py's bare ``parse()``.

Usage: python bench/parse.py [CORPUS_DIR] [--rounds N] [--growth-size BYTES] [--factor F]

Both are measured in the same run, interleaved report by report, so that machine noise hits
both alike; the ratio (parse_report / bare markdown-it parse) is what to compare across runs.
Also prints how parse time grows with input size on adversarial shapes: at size n and F*n
(default 4), the time ratio is near F when the parser is linear and near F*F when quadratic.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from markdown_it import MarkdownIt

from parsers import parse_report

DEFAULT_CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "reports"


def bare_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    md.enable(["table", "strikethrough"])
    return md


def best_of(
    function: Callable[[], object], rounds: int, clock: Callable[[], float] = time.perf_counter
) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = clock()
        function()
        best = min(best, clock() - start)
    return best


def corpus(directory: Path, rounds: int) -> None:
    md = bare_parser()
    files = sorted(directory.glob("*.md"))
    if not files:
        sys.exit(f"no reports in {directory}")
    texts = [path.read_text(encoding="utf-8") for path in files]
    for text in texts:  # warm caches (vocabulary, compiled patterns) before timing
        parse_report(text)
        md.parse(text)
    ours = bare = 0.0
    ratios: list[float] = []
    for text in texts:
        t_ours = best_of(lambda text=text: parse_report(text), rounds)
        t_bare = best_of(lambda text=text: md.parse(text), rounds)
        ours += t_ours
        bare += t_bare
        ratios.append(t_ours / t_bare)
    size = sum(len(t) for t in texts)
    print(f"corpus: {len(texts)} reports, {size / 1024:.0f} KiB, best of {rounds} rounds each")
    print(
        f"parse_report: {ours / len(texts) * 1000:.2f} ms/report   "
        f"markdown-it parse: {bare / len(texts) * 1000:.2f} ms/report"
    )
    print(
        f"ratio (total time): {ours / bare:.2f}   "
        f"ratio per report: median {statistics.median(ratios):.2f}, max {max(ratios):.2f}"
    )


def _wide_table(n: int) -> str:
    """About n/4 cells: rows of 10 short cells under a gates header."""
    header = "| Gate | Target | Current | Status | a | b | c | d | e | f |\n" + "|---" * 10 + "|\n"
    return header + "| g | ≥70% | 55% | ❌ | 1 | 2 | 3 | 4 | 5 | 6 |\n" * (n // 42)


ADVERSARIAL: dict[str, Callable[[int], str]] = {
    "long line": lambda n: "word " * (n // 5),
    "long line, no spaces": lambda n: "a" * n,
    "run of digits": lambda n: "## Blockers\n\n" + "1" * n + "\n",
    "table cells": lambda n: "| a | b |\n|---|---|\n" + "| 1% | ✅ |\n" * (n // 11),
    "wide table (n/4 cells)": _wide_table,
    "pipe-only lines": lambda n: "| a | b |\n|---|---|\n" + "|\n" * (n // 2),
    "huge heading": lambda n: "# " + "Session 1 status " * (n // 17) + "\n\n- Coverage: 5%\n",
    "nested lists": lambda n: "".join("  " * (i % 400) + "- x\n" for i in range(n // 400)),
    "deep list (one chain)": lambda n: "".join(
        "  " * i + "- x\n" for i in range(int((n / 2) ** 0.5))
    ),
    "nested quotes": lambda n: ">" * (n // 2) + " x\n",
    "backticks and pipes": lambda n: "`|" * (n // 2),
    "run of backticks": lambda n: "`" * n,
    "run of pipes": lambda n: "|" * n,
    "unclosed fence": lambda n: "```\n" + "331 passed, 2 failed\n" * (n // 21),
    "percent soup": lambda n: "coverage 55% -> 60% (target 70%) " * (n // 34),
    # a severity word again and again in one item: each was once checked against all the text
    # before it (quadratic)
    "severity words": lambda n: "- Phase 1: " + "P1.5 blocked, " * (n // 14) + "\n",
    "cjk file names": lambda n: "## 修改文件\n" + "- 完成报告文件" * (n // 14) + ".md\n",
    "open quotes in a fence": lambda n: "```bash\n" + "echo 'a\n" * (n // 8) + "```\n",
    # each path of a cell once read all of the cell before it (quadratic)
    "paths in a table cell": lambda n: (
        "| File | Change |\n|---|---|\n| " + "src/a.py " * (n // 9) + " | added |\n"
    ),
    "open parentheses": lambda n: (
        "# T\n\n**Author "
        + "(" * (n // 2)
        + ":** x\n\n#### 1. "
        + "(" * (n // 2)
        + "\n- Coverage: 5%\n"
    ),
}


def growth(size: int, factor: int) -> None:
    print(
        f"\nadversarial inputs: time at {size // 1024} KiB and at {factor}x that"
        f" (linear: ratio ~{factor}; quadratic: ~{factor * factor}); CPU time of this process,"
        " which other load on the machine disturbs less than wall time"
    )
    for name, make in ADVERSARIAL.items():
        small, large = make(size), make(size * factor)
        t_small = best_of(lambda small=small: parse_report(small), 3, time.process_time)
        t_large = best_of(lambda large=large: parse_report(large), 3, time.process_time)
        print(
            f"  {name:24s} {t_small * 1000:8.1f} ms {t_large * 1000:9.1f} ms"
            f"  ratio {t_large / t_small:5.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--growth-size", type=int, default=64 * 1024)
    parser.add_argument("--factor", type=int, default=4, help="large size / small size")
    parser.add_argument("--growth-only", action="store_true", help="skip the corpus timing")
    args = parser.parse_args()
    if not args.growth_only:
        corpus(args.corpus.resolve(), args.rounds)
    growth(args.growth_size, args.factor)


if __name__ == "__main__":
    main()
