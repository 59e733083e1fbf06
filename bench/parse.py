"""Parser speed: time per report, and its ratio to markdown-it-py's bare ``parse()``.

Usage: python bench/parse.py [CORPUS_DIR] [--rounds N]

Both are measured in the same run, interleaved report by report, so that machine noise hits
both alike; the ratio (parse_report / bare markdown-it parse) is what to compare across runs.
Also prints how parse time grows with input size on adversarial shapes (a size ratio of 2
should give a time ratio near 2 when the parser is linear).
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


def best_of(function: Callable[[], object], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
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


ADVERSARIAL: dict[str, Callable[[int], str]] = {
    "long line": lambda n: "word " * (n // 5),
    "table cells": lambda n: "| a | b |\n|---|---|\n" + "| 1% | ✅ |\n" * (n // 11),
    "nested lists": lambda n: "".join("  " * (i % 400) + "- x\n" for i in range(n // 400)),
    "backticks and pipes": lambda n: "`|" * (n // 2),
    "unclosed fence": lambda n: "```\n" + "331 passed, 2 failed\n" * (n // 21),
    "percent soup": lambda n: "coverage 55% -> 60% (target 70%) " * (n // 34),
    "open parentheses": lambda n: (
        "# T\n\n**Author "
        + "(" * (n // 2)
        + ":** x\n\n#### 1. "
        + "(" * (n // 2)
        + "\n- Coverage: 5%\n"
    ),
}


def growth(size: int) -> None:
    print(f"\nadversarial inputs: time at {size // 1024} KiB and at twice that (ratio ~2 = linear)")
    for name, make in ADVERSARIAL.items():
        small, large = make(size), make(size * 2)
        t_small = best_of(lambda small=small: parse_report(small), 3)
        t_large = best_of(lambda large=large: parse_report(large), 3)
        print(
            f"  {name:22s} {t_small * 1000:8.1f} ms {t_large * 1000:8.1f} ms"
            f"  ratio {t_large / t_small:.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--growth-size", type=int, default=128 * 1024)
    args = parser.parse_args()
    corpus(args.corpus.resolve(), args.rounds)
    growth(args.growth_size)


if __name__ == "__main__":
    main()
