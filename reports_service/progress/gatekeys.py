"""The same gate across reports, though agents reword it.

A gate's key is its name's words, case folded, without filler ("gate", "threshold", see
``gate_filler`` in ``words.yaml``) and in sorted order: "Overall Coverage", "Coverage
(overall)" and "overall coverage gate" share the key "coverage overall". Within one remediation
a name whose key is new is matched to an earlier series when their words mostly agree
(:data:`FUZZY_MATCH`), so "Unit test coverage" follows "Unit tests coverage".
"""

from __future__ import annotations

from difflib import SequenceMatcher
from functools import lru_cache

from reports_service.progress.words import containment, tokens, words

#: how alike two keys' spellings must be (difflib's ratio) to be one gate
FUZZY_MATCH = 0.85


@lru_cache(maxsize=8192)
def gate_key(name: str) -> str:
    """The key of a gate name (memoised: the previous session's gates are keyed again for each
    report checked against them)."""
    filler = words()["gate_filler"]
    # numbers stay: "P0 bugs" and "P1 bugs" are different gates
    found = tokens(name, keep_numbers=True)
    kept = [t for t in found if t not in filler]
    return " ".join(sorted(kept)) or " ".join(found) or name.strip().casefold()


def _numbers(key: str) -> tuple[str, ...]:
    return tuple(t for t in key.split() if t.isdigit())


def _lengths_allow(a: str, b: str) -> bool:
    """difflib's real_quick_ratio bound, without building a matcher: lengths alone."""
    return 2 * min(len(a), len(b)) >= FUZZY_MATCH * (len(a) + len(b))


class GateMatcher:
    """Gives each gate name the key of the series it belongs to, learning keys as it goes."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self._numbers: dict[str, tuple[str, ...]] = {}
        #: a matcher per known key, built once: difflib indexes its second sequence
        self._matchers: dict[str, SequenceMatcher[str]] = {}
        self._resolved: dict[str, str] = {}

    def key_of(self, name: str) -> str:
        key = gate_key(name)
        found = self._resolved.get(key)
        if found is not None:
            return found
        best, best_ratio = None, 0.0
        numbers = _numbers(key)
        for known in self.keys:
            # the cheap upper bounds first: most pairs are far apart
            if self._numbers[known] != numbers or not _lengths_allow(key, known):
                continue
            matcher = self._matchers[known]
            matcher.set_seq1(key)
            if matcher.quick_ratio() < FUZZY_MATCH:
                continue
            ratio = matcher.ratio()
            if ratio > best_ratio:
                best, best_ratio = known, ratio
        if best is not None and best_ratio >= FUZZY_MATCH:
            self._resolved[key] = best
            return best
        self.keys.append(key)
        self._numbers[key] = numbers
        self._matchers[key] = SequenceMatcher(None, key, key)
        self._resolved[key] = key
        return key


#: how much of the shorter blocker's words the longer must hold to be the same blocker
BLOCKER_MATCH = 0.8


class BlockerMatcher:
    """Gives each blocker text the key of the thread it belongs to: its words without status
    words ("Resolved:", "still"), and an earlier thread whose words hold (or are held by)
    most of them, when there are at least three words to compare."""

    def __init__(self) -> None:
        self.threads: list[tuple[str, frozenset[str]]] = []

    def key_of(self, text: str) -> str:
        filler = words()["blocker_filler"]
        found = [t for t in tokens(text, keep_numbers=True) if t not in filler]
        key = " ".join(found) or text.strip().casefold()
        mine = frozenset(found)
        if any(known == key for known, _ in self.threads):
            return key
        if len(mine) >= 3:
            for known, theirs in self.threads:
                if len(theirs) >= 3 and containment(mine, theirs) >= BLOCKER_MATCH:
                    return known
        self.threads.append((key, mine))
        return key
