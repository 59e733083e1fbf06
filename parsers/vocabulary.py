"""The words the parser recognises, loaded from the data files in ``parsers/vocab/``.

Every file holds the same keys (``status``, ``columns``, ``sections``, ``meta``, ``kinds``, ...);
the files are merged, so a new language or template is one more file (or a per-project extension
passed to :func:`parsers.parse_report`), never new code. Phrases are matched case-insensitively on
word boundaries; phrases in scripts written without spaces (Chinese, Japanese) match anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

NO_SPACE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")

#: The groups every vocabulary file may fill, each a mapping of role -> list of phrases.
GROUPS = (
    "status",
    "columns",
    "sections",
    "meta",
    "kinds",
    "changes",
    "change_codes",
    "files",
    "tests",
    "coverage",
    "blockers",
    "commands",
    "severity",
    "months",
)


def _phrase_pattern(phrase: str) -> str:
    escaped = re.escape(phrase.strip().lower())
    escaped = escaped.replace(r"\ ", r"[\s_\-]+")
    if NO_SPACE_SCRIPT.search(phrase) or not re.search(r"\w", phrase):
        return escaped
    start = r"(?<![\w])" if re.match(r"\w", phrase.strip()) else ""
    end = r"(?![\w])" if re.search(r"\w$", phrase.strip()) else ""
    return f"{start}{escaped}{end}"


@dataclass(frozen=True, slots=True)
class Phrases:
    """A role's phrases with one compiled matcher (longest phrases tried first)."""

    phrases: tuple[str, ...]
    pattern: re.Pattern[str] | None = field(default=None, compare=False)
    labels: frozenset[str] = field(default=frozenset(), compare=False)

    @classmethod
    def of(cls, phrases: Iterable[str]) -> Phrases:
        unique = tuple(sorted({p.strip().lower() for p in phrases if p and p.strip()}, key=len))
        if not unique:
            return cls(())
        alternatives = "|".join(_phrase_pattern(p) for p in reversed(unique))
        labels = frozenset(normalise_label(p) or p for p in unique)
        return cls(unique, re.compile(alternatives, re.IGNORECASE), labels)

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(text) if self.pattern is not None else None

    def found(self, text: str) -> bool:
        return self.pattern is not None and self.pattern.search(text) is not None

    def exact(self, text: str) -> bool:
        """The whole text (trimmed of marks and punctuation) is one of the phrases."""
        return normalise_label(text) in self.labels


def normalise_label(text: str) -> str:
    """A label reduced to its words: case, markup, marks and separators do not count."""
    text = re.sub(r"[*_`#:：>\[\]()（）|\-]+", " ", text.lower())
    text = "".join(ch for ch in text if ch.isalnum() or ch.isspace() or ch in "%/&#.?'")
    return re.sub(r"\s+", " ", text).strip(" .")


@dataclass(frozen=True, slots=True)
class Vocabulary:
    groups: Mapping[str, Mapping[str, Phrases]]

    def role(self, group: str, role: str) -> Phrases:
        return self.groups.get(group, {}).get(role, Phrases(()))

    def roles(self, group: str) -> Mapping[str, Phrases]:
        return self.groups.get(group, {})

    def first_role(self, group: str, text: str, exact: bool = False) -> str | None:
        """The role of ``group`` whose phrase matches ``text`` earliest (longest on ties)."""
        best: tuple[int, int, str] | None = None
        for role, phrases in self.roles(group).items():
            if exact:
                if phrases.exact(text):
                    return role
                continue
            match = phrases.search(text)
            if match is not None:
                key = (match.start(), -len(match.group(0)), role)
                if best is None or key < best:
                    best = key
        return best[2] if best else None

    def extended(self, extra: Mapping[str, Mapping[str, Iterable[str]]]) -> Vocabulary:
        """A copy with more phrases (e.g. one project's own words) merged in."""
        merged = _merge([self.as_data(), extra])
        return _compile(merged)

    def as_data(self) -> dict[str, dict[str, list[str]]]:
        return {
            group: {role: list(phrases.phrases) for role, phrases in roles.items()}
            for group, roles in self.groups.items()
        }


def _merge(sources: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, list[str]]]:
    merged: dict[str, dict[str, list[str]]] = {group: {} for group in GROUPS}
    for data in sources:
        for group, roles in (data or {}).items():
            if group not in GROUPS or not isinstance(roles, Mapping):
                continue
            for role, phrases in roles.items():
                if isinstance(phrases, str):
                    phrases = [phrases]
                if isinstance(phrases, list):
                    merged[group].setdefault(str(role), []).extend(str(p) for p in phrases)
    return merged


def _compile(data: Mapping[str, Mapping[str, list[str]]]) -> Vocabulary:
    return Vocabulary(
        {
            group: {role: Phrases.of(phrases) for role, phrases in roles.items()}
            for group, roles in data.items()
        }
    )


@lru_cache(maxsize=1)
def default_vocabulary() -> Vocabulary:
    """Every ``parsers/vocab/*.yaml`` merged (English first, then the rest by name)."""
    folder = resources.files("parsers") / "vocab"
    files = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".yaml")),
        key=lambda entry: (entry.name != "en.yaml", entry.name),
    )
    return _compile(_merge(yaml.safe_load(entry.read_text(encoding="utf-8")) for entry in files))
