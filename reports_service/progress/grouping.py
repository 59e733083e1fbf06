"""Which remediation (workstream) a report belongs to.

The rule, in order (documented in the README, "Progress across sessions"):

1. The poster's explicit ``remediation`` field names it (case and spacing ignored).
2. Otherwise the report joins the remediation of the latest earlier report of its project that
   it is linked to:
   - **chain**: its *in response to* names that report's sequence number, or the reverse;
   - **scope**: their scopes (module / phase / section) name the same thing once session
     numbers ("Phase 2", "Session 14") and filler words are set aside: one's words contain
     most of the other's ("RemediationOrchestrator Phase 3 & 4" and "RemediationOrchestrator
     Unit Tests - Phase 1");
   - **title pattern**: their titles open the same numbered way ("Session 12: ...",
     "Session 13: ..."; "Day 13 Summary: ...", "Day 14 Summary: ...");
   - **sequence family**: both carry zero-padded sequence numbers of the same width (a
     project-wide counter such as 000021, 000027) and neither header names a module.
   Two reports whose headers name different modules ("**Module:** Billing", see ``module`` in
   ``words.yaml``; a phase or a session topic does not count) are never linked by title
   pattern, sequence family or even a chain (parallel streams number their sessions alike):
   they are parallel workstreams.
3. A report linked to none starts a new remediation when its header names a module; otherwise
   it joins the project's default remediation (reports that say nothing about what they
   belong to are one stream).

Only the latest :data:`WINDOW` reports of a project are compared, so storing a report costs the
same at 100 reports as at 100,000.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from reports_service.progress.words import NUMBER, containment, tokens, words

#: earlier reports of the project a new report is compared with
WINDOW = 200
#: how much of the smaller scope's words the larger must hold to name the same thing
SCOPE_MATCH = 0.6
#: longest remediation key and name stored (``db.models.progress.NAME_MAX``)
NAME_MAX = 200
#: the key of a project's default remediation
DEFAULT_KEY = "~default"

_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")
#: where a title's subject starts: "Session 12: Massive unlock", "Phase 1 - ...", "总结："
_TITLE_SUBJECT = re.compile(r"\s[-\u2013\u2014|]\s|[:\uff1a]")


def normalise(name: str) -> str:
    """A name compared with case and spacing ignored."""
    return _SPACES.sub(" ", name).strip().casefold()


def display(name: str) -> str:
    return _SPACES.sub(" ", name).strip()


@dataclass(frozen=True)
class ReportSignature:
    """What a report says about the stream it belongs to."""

    id: int
    remediation_id: int | None = None
    explicit: str | None = None  #: the poster's remediation field
    title: str | None = None
    scope: str | None = None
    scope_label: str | None = None  #: the header label the scope was given under ("Module")
    sequence: str | None = None
    in_response_to: str | None = None

    @cached_property
    def scope_words(self) -> frozenset[str]:
        """The scope's words without session numbers, their position words, and filler."""
        skip = words()["position"] | words()["generic"]
        return frozenset(t for t in tokens(self.scope or "") if t != NUMBER and t not in skip)

    @cached_property
    def names_module(self) -> bool:
        """The header names what the report is about (a module), not which session it is."""
        if not self.scope_label or not self.scope_words:
            return False
        return not words()["module"].isdisjoint(tokens(self.scope_label))

    @cached_property
    def title_pattern(self) -> frozenset[str]:
        """The words of the title's opening when it is numbered ("session #", "day # summary")."""
        head = _TITLE_SUBJECT.split(self.title or "", maxsplit=1)[0]
        found = tokens(head)
        if NUMBER not in found:
            return frozenset()
        kept = frozenset(found) - words()["generic"]
        return kept if len(kept) >= 2 else frozenset()

    @cached_property
    def number(self) -> int | None:
        match = _DIGITS.search(self.sequence or "")
        return int(match.group()) if match else None

    @cached_property
    def padded_width(self) -> int:
        """The digits of a zero-padded sequence number (000021 -> 6), else 0."""
        match = _DIGITS.search(self.sequence or "")
        digits = match.group() if match else ""
        return len(digits) if len(digits) >= 3 and digits.startswith("0") else 0

    @cached_property
    def answers(self) -> frozenset[int]:
        return frozenset(int(d) for d in _DIGITS.findall(self.in_response_to or "")[:20])

    def derive(self) -> ReportSignature:
        """Work out now every word the rule reads (kept on the signature, and pickled with it:
        a bulk import's parser processes do it, not the process that places the reports)."""
        for name in _DERIVED:
            getattr(self, name)
        return self

    def replaced(self, **changes: Any) -> ReportSignature:
        """A copy with ``changes`` (its id, remediation, explicit name), keeping the derived
        words already worked out: they depend on neither."""
        if not changes.keys() <= {"id", "remediation_id", "explicit"}:
            raise ValueError(f"the derived words depend on {changes.keys()}")
        copy = dataclasses.replace(self, **changes)
        for name in _DERIVED:
            if name in self.__dict__:
                copy.__dict__[name] = self.__dict__[name]
        return copy

    def stream_name(self) -> str:
        """A name for a remediation this report starts."""
        if self.scope and self.scope_words:
            return display(self.scope)
        if self.title:
            return display(_TITLE_SUBJECT.split(self.title, maxsplit=1)[0]) or display(self.title)
        return "Unnamed workstream"


_DERIVED = ("scope_words", "names_module", "title_pattern", "number", "padded_width", "answers")


def parallel(a: ReportSignature, b: ReportSignature) -> bool:
    """Both headers name a module, and not the same one: parallel workstreams."""
    return (
        a.names_module
        and b.names_module
        and containment(a.scope_words, b.scope_words) < SCOPE_MATCH
    )


def chained(a: ReportSignature, b: ReportSignature) -> bool:
    if parallel(a, b):
        return False
    return (a.number is not None and a.number in b.answers) or (
        b.number is not None and b.number in a.answers
    )


def linked(new: ReportSignature, old: ReportSignature) -> bool:
    """Whether ``new`` continues the stream of ``old`` (see the module's rule 2)."""
    if parallel(new, old):
        return False
    if chained(new, old):
        return True
    if containment(new.scope_words, old.scope_words) >= SCOPE_MATCH:
        return True
    if new.title_pattern and containment(new.title_pattern, old.title_pattern) >= 1.0:
        return True
    if new.names_module or old.names_module:
        return False  # a module's stream is joined by its name, not by a shared counter
    return bool(new.padded_width) and new.padded_width == old.padded_width


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a report goes: an existing remediation, or a new one with this key and name."""

    remediation_id: int | None
    key: str
    name: str
    explicit: bool = False


def place(new: ReportSignature, earlier: Iterable[ReportSignature]) -> Placement:
    """The remediation of ``new`` given the project's ``earlier`` reports (any order)."""
    if new.explicit and new.explicit.strip():
        return Placement(
            None, normalise(new.explicit)[:NAME_MAX], display(new.explicit)[:NAME_MAX], True
        )
    candidates: Sequence[ReportSignature] = sorted(
        (r for r in earlier if r.remediation_id is not None and r.id != new.id),
        key=lambda r: r.id,
        reverse=True,
    )
    for old in candidates:
        if chained(new, old):
            return Placement(old.remediation_id, "", "")
    for old in candidates:
        if linked(new, old):
            return Placement(old.remediation_id, "", "")
    name = new.stream_name()[:NAME_MAX]
    if new.names_module:
        return Placement(None, normalise(name), name)
    return Placement(None, DEFAULT_KEY, name)


#: "**Module**: x", "- Phase: x", "phase: x" (front matter), "| Module | x |": the label before
_LABEL = re.compile(r"[\s*_>#|-]*([^:\uff1a|*]{1,40}?)[\s*_]*[:\uff1a|]")


def scope_label(text: str, line: int | None) -> str | None:
    """The label the scope was given under on its source ``line`` of the report, if any."""
    if line is None or line < 1:
        return None
    lines = text.splitlines()
    if line > len(lines):
        return None
    match = _LABEL.match(lines[line - 1][:200])
    return display(match.group(1)) if match else None


def scope_label_of(meta_lines: Mapping[str, int], text: str) -> str | None:
    """The label of a report's scope as ``reports.scope_label`` keeps it (at most 64
    characters), from the header's source lines; None when the scope is the title's line."""
    line = meta_lines.get("scope")
    if line is None or line == meta_lines.get("title"):
        return None
    label = scope_label(text, line)
    return label[:64] if label else None
