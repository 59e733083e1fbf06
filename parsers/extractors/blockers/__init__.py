"""Blockers: what stops progress now, and the blockers the report says it resolved.

Where a report states them:
- under a blockers heading ("Blockers", "Known Issues", "Remaining risks or blockers"): each
  sub-heading, or else each top-level list item, table row or paragraph, is one blocker;
- under a heading of problems met on the way ("Issues Encountered", "Critical Blockers
  Encountered", "Auto-fixed Issues"): the same, resolved;
- under a heading of mixed notes ("Deviations", "Challenges"): only items naming a failure;
- anywhere else: a heading or sentence with a blocking word ("BLOCKED", "blocked by",
  "awaiting decision"), or an open item marked critical / high / P0 / 🔴.
How-to, limitations and lessons sections hold none; items called pre-existing, unrelated or
non-blocking, and medium / low items, are not blockers. Each blocker's text is the sentence
or item that states it (a short title gets its first detail line); restatements of one
blocker (shared key words) are kept once.
"""

from __future__ import annotations

import re

from parsers.document import Document
from parsers.extractors.blockers.entries import Candidate, from_section, keep
from parsers.extractors.blockers.headings import (
    RESOLVED,
    blocker_roots,
    covered_sections,
    is_container,
)
from parsers.extractors.blockers.loose import loose_candidates, merge_runs
from parsers.extractors.blockers.text import heading_text, resolved_in, severity_of, words_of
from parsers.matching import has
from parsers.models import Blocker

__all__ = ["extract_blockers"]

SAME_BLOCKER = 0.6
MAX_BLOCKERS = 200
IDENTIFIER = re.compile(r"^(?=.*\d)(?=.*[a-z])[a-z0-9]+(?:[-_][a-z0-9]+)+$|^#\d+$")


# "### Critical Bugs Identified: 5", "## Open issues (3)": a heading that counts its entries
COUNTED_TITLE = re.compile(r"[:：]\s*\d{1,3}\s*$|[(（]\d{1,3}[)）]\s*$")


def _same(words: set[str], other: set[str]) -> bool:
    """One blocker told twice: an identifier in common (``BUG-P1-002``, ``CRIT-001``, ``#12``)
    or most of the shorter text's words in the longer."""
    if not words or not other:
        return False
    ids = {w for w in words & other if IDENTIFIER.match(w)}
    return bool(ids) or len(words & other) / min(len(words), len(other)) >= SAME_BLOCKER


def extract_blockers(doc: Document) -> list[Blocker]:
    vocab = doc.vocab
    candidates: list[Candidate] = []
    roots = blocker_roots(doc)
    for section, role, entries_only in roots:
        # "Blocked", "❌ CRITICAL ISSUES DISCOVERED": every entry of the heading blocks
        strict = has(vocab.role("blockers", "strong"), section.title) or bool(
            severity_of(section.title, vocab)[1]
        )
        counted = COUNTED_TITLE.search(section.title) is not None
        if (
            entries_only
            or is_container(section.title, vocab)
            or (counted and doc.subsections(section.index))
        ):
            found = list(from_section(doc, section, role, strict, headings=not entries_only))
            if entries_only and not found and has(vocab.role("columns", "finding"), section.title):
                # "## Critical Findings" > "### Agent Status" > its items: the entries sit one
                # heading down (a plan's "Priority 1: CRITICAL" over tasks is not findings)
                for sub in doc.subsections(section.index):
                    found.extend(from_section(doc, sub, role, strict, headings=False))
            candidates.extend(found)
        else:
            text = heading_text(doc, section)
            if keep(text, role, strict, vocab):
                severity, _ = severity_of(section.title, vocab)
                resolved = resolved_in(section.title, vocab, role == RESOLVED)
                candidates.append(Candidate(text, section.line, resolved, severity))
    candidates.extend(
        merge_runs(
            doc, list(loose_candidates(doc, covered_sections(doc, [s for s, _, _ in roots])))
        )
    )

    kept: list[tuple[Candidate, set[str]]] = []
    for candidate in candidates:
        words = words_of(candidate.text)
        if not words or has(vocab.role("blockers", "not_blocker"), candidate.text):
            continue
        duplicate = next(
            (
                k
                for k, seen in kept
                if (not k.group or k.group != candidate.group) and _same(words, seen)
            ),
            None,
        )
        if duplicate is not None:
            duplicate.resolved = duplicate.resolved or candidate.resolved
            continue
        if len(kept) == MAX_BLOCKERS:  # each new blocker is compared with the kept ones
            doc.issue(candidate.line, f"blockers: more than {MAX_BLOCKERS}, the rest left out")
            break
        kept.append((candidate, words))
    return [
        Blocker(text=c.text, resolved=c.resolved, severity=c.severity, line=c.line) for c, _ in kept
    ]
