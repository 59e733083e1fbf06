"""Front matter over body: the front matter's items first, then the body's items it does not
state, so that one gate (test run, coverage scope, file, blocker, command) is listed once."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from parsers.extractors.coverage import same_scope_key
from parsers.front_matter import FrontMatter, apply_meta
from parsers.models import Blocker, Command, CoverageFigure, FileChange, Gate, Meta, TestRun
from parsers.vocabulary import normalise_label

T = TypeVar("T")
WORD = re.compile(r"[^\W_]+", re.UNICODE)
SAME_BLOCKER = 0.6


def _gate_key(gate: Gate) -> Hashable:
    return normalise_label(gate.name)


def _test_key(run: TestRun) -> Hashable:
    return normalise_label(run.suite) if run.suite else None


def _coverage_key(figure: CoverageFigure) -> Hashable:
    scope = figure.scope
    if figure.metric and scope.endswith(f" ({figure.metric})"):
        scope = scope.removesuffix(f" ({figure.metric})")
    return (same_scope_key(scope), figure.metric or None)


def _file_key(change: FileChange) -> Hashable:
    return change.path.strip().strip("`").removeprefix("./").lstrip("/")


def _command_key(command: Command) -> Hashable:
    return " ".join(command.text.removeprefix("$ ").split())


def _words(text: str) -> set[str]:
    return {word.lower() for word in WORD.findall(text)}


def _merge_keyed(stated: list[T], body: list[T], key: Callable[[T], Hashable]) -> list[T]:
    keys = {key(item) for item in stated}
    return [*stated, *(item for item in body if key(item) not in keys)]


def _merge_blockers(stated: list[Blocker], body: list[Blocker]) -> list[Blocker]:
    """A body blocker restating a stated one shares most of its words."""
    merged = list(stated)
    for blocker in body:
        words = _words(blocker.text)
        if not any(
            words
            and (shared := _words(other.text))
            and len(words & shared) / min(len(words), len(shared)) >= SAME_BLOCKER
            for other in stated
        ):
            merged.append(blocker)
    return merged


def merge_front_matter(front: FrontMatter, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` (the extractors' results by field) with the front matter's items laid over."""
    merged = dict(values)
    meta = merged.get("meta")
    if isinstance(meta, Meta):
        merged["meta"] = apply_meta(meta, front)
    pairs: tuple[tuple[str, Callable[[Any], Hashable]], ...] = (
        ("gates", _gate_key),
        ("tests", _test_key),
        ("coverage", _coverage_key),
        ("files_changed", _file_key),
        ("commands", _command_key),
    )
    for name, key in pairs:
        stated = getattr(front, name)
        if stated is not None:
            merged[name] = _merge_keyed(stated, list(merged.get(name) or []), key)
    if front.blockers is not None:
        merged["blockers"] = _merge_blockers(front.blockers, list(merged.get("blockers") or []))
    return merged
