"""Reader for markdown-it style fixture files: ``title / . / markdown / . / expected JSON / .``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class Case:
    file: str
    line: int
    title: str
    markdown: str
    expected: Any

    @property
    def id(self) -> str:
        return f"{self.file}:{self.line}:{self.title}"


def read_cases(path: Path) -> list[Case]:
    lines = path.read_text(encoding="utf-8").split("\n")
    cases: list[Case] = []
    index = 0
    while index < len(lines):
        if index + 1 < len(lines) and lines[index].strip() and lines[index + 1] == ".":
            title, start = lines[index].strip(), index
            index += 2
            markdown: list[str] = []
            while lines[index] != ".":
                markdown.append(lines[index])
                index += 1
            index += 1
            expected: list[str] = []
            while lines[index] != ".":
                expected.append(lines[index])
                index += 1
            cases.append(
                Case(
                    path.name,
                    start + 1,
                    title,
                    "\n".join(markdown) + "\n",
                    json.loads("\n".join(expected)),
                )
            )
        index += 1
    return cases


def all_cases(stem: str) -> list[Case]:
    return read_cases(FIXTURES / f"{stem}.md")


def subset(expected: Any, actual: Any) -> bool:
    """``expected`` is contained in ``actual``: dict keys compared recursively, lists in order
    and of equal length, everything else by equality."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            key in actual and subset(value, actual[key]) for key, value in expected.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(subset(e, a) for e, a in zip(expected, actual, strict=True))
        )
    return bool(expected == actual)
