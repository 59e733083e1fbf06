"""Fast look-ups of vocabulary phrases in text, for extractors that ask about every block.

``Phrases.found`` runs one regular expression of every phrase of a role (all languages merged)
over the text; asked for each sentence, list item and heading of a long report, that dominates
the parse. ``has`` answers the same question from the text's words: a phrase of words matches
a run of the text's words (case, ``_`` and ``-`` between words do not count, as in the
vocabulary's own matcher), and a phrase written in a script without spaces (Chinese, Japanese)
or made only of marks (``✅``, ``→``) matches as a substring.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.vocabulary import NO_SPACE_SCRIPT, Phrases, Vocabulary

WORDS = re.compile(r"[^\W_]+", re.UNICODE)
NAMES = re.compile(r"\w+", re.UNICODE)
# marks that a phrase keeps as written ("[x]", "(new)"): such a phrase matches as a substring
MAX_MEMO = 65536
MAX_MATCHERS = 1024
MARKED = re.compile(r"[^\w\s\-'./]", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Matcher:
    grams: frozenset[tuple[str, ...]]
    longest: int
    #: phrases matched as substrings: marks ("✅", "[x]") and, apart, CJK phrases
    marks: tuple[str, ...]
    cjk: tuple[str, ...]
    #: every phrase as written (lower case), for exact look-ups
    words: frozenset[str] = frozenset()
    #: the first word of every phrase of words: most of a text's words start none
    firsts: frozenset[str] = frozenset()

    def substrings(self, text: str) -> tuple[str, ...]:
        return self.marks + self.cjk if NO_SPACE_SCRIPT.search(text) else self.marks


_MATCHERS: dict[int, tuple[Phrases, Matcher]] = {}


def matcher(phrases: Phrases) -> Matcher:
    """The matcher of a role's phrases, built once (looked up by identity: a role's phrases
    live as long as their vocabulary)."""
    known = _MATCHERS.get(id(phrases))
    if known is not None and known[0] is phrases:
        return known[1]
    built = _build(phrases)
    if len(_MATCHERS) >= MAX_MATCHERS:
        _MATCHERS.clear()
    _MATCHERS[id(phrases)] = (phrases, built)
    return built


def _build(phrases: Phrases) -> Matcher:
    grams: set[tuple[str, ...]] = set()
    marks: list[str] = []
    cjk: list[str] = []
    for phrase in phrases.phrases:
        words = tuple(WORDS.findall(phrase.lower()))
        if NO_SPACE_SCRIPT.search(phrase):
            cjk.append(phrase.lower())
        elif not words or MARKED.search(phrase):
            marks.append(phrase.lower())
        else:
            grams.add(words)
    longest = max((len(g) for g in grams), default=0)
    return Matcher(
        frozenset(grams),
        longest,
        tuple(marks),
        tuple(cjk),
        frozenset(phrases.phrases),
        frozenset(gram[0] for gram in grams),
    )


#: a text's words, each with whether it opens and closes its ``_``-joined name: phrases match
#: whole names only ("blocked" is not in SESSION_141_BLOCKED.md), as with word boundaries
Words = list[tuple[str, bool, bool]]


def words_in(text: str) -> Words:
    lowered = text.lower()
    if "_" not in lowered:
        return [(word, True, True) for word in WORDS.findall(lowered)]
    words: Words = []
    for match in NAMES.finditer(lowered):
        parts = [part for part in match.group(0).split("_") if part]
        last = len(parts) - 1
        words.extend((part, index == 0, index == last) for index, part in enumerate(parts))
    return words


def _match_at(found: Matcher, words: Words, start: int) -> bool:
    if not words[start][1] or words[start][0] not in found.firsts:
        return False
    count = len(words)
    for size in range(1, min(found.longest, count - start) + 1):
        end = start + size - 1
        if words[end][2] and tuple(w for w, _, _ in words[start : end + 1]) in found.grams:
            return True
    return False


_HAS: dict[tuple[int, str], tuple[Phrases, bool]] = {}


def clear_memo() -> None:
    """Forget memoised answers (once per report: they pay off within one document)."""
    _HAS.clear()


def has(phrases: Phrases, text: str, words: Words | None = None) -> bool:
    """Whether ``text`` holds one of the phrases (``words``: the text's words, if known).
    Memoised like :func:`matcher`: by identity, checked."""
    key = (id(phrases), text)
    known = _HAS.get(key)
    if known is not None and known[0] is phrases:
        return known[1]
    result = _has(phrases, text, words)
    if len(_HAS) >= MAX_MEMO:
        _HAS.clear()
    _HAS[key] = (phrases, result)
    return result


def _has(phrases: Phrases, text: str, words: Words | None) -> bool:
    found = matcher(phrases)
    substrings = found.substrings(text)
    if substrings:
        lowered = text.lower()
        if any(phrase in lowered for phrase in substrings):
            return True
    if not found.grams:
        return False
    words = words_in(text) if words is None else words
    firsts = found.firsts  # most words start no phrase: find the few that do in one pass
    return any(
        _match_at(found, words, start)
        for start, (word, opens, _) in enumerate(words)
        if opens and word in firsts
    )


def position(phrases: Phrases, text: str) -> int | None:
    """Where the first of the phrases starts in ``text`` (None: nowhere)."""
    lowered = text.lower()
    return _position(matcher(phrases), lowered, _spans(lowered))


def _spans(lowered: str) -> tuple[list[int], Words]:
    starts: list[int] = []
    words: Words = []
    for match in NAMES.finditer(lowered):
        offset = match.start()
        parts = match.group(0).split("_")
        last = len(parts) - 1
        for index, part in enumerate(parts):
            if part:
                starts.append(offset)
                words.append((part, index == 0, index == last))
            offset += len(part) + 1
    return starts, words


def _position(found: Matcher, lowered: str, spans: tuple[list[int], Words]) -> int | None:
    best: int | None = None
    for phrase in found.substrings(lowered):
        at = lowered.find(phrase)
        if at >= 0 and (best is None or at < best):
            best = at
    if found.grams:
        starts, words = spans
        for start in range(len(words)):
            if best is not None and starts[start] >= best:
                break
            if _match_at(found, words, start):
                return starts[start]
    return best


def first_role(vocab: Vocabulary, group: str, text: str) -> str | None:
    """The role of ``group`` whose phrase comes first in ``text`` (``Vocabulary.first_role``
    read from words)."""
    lowered = text.lower()
    spans = _spans(lowered)
    best: tuple[int, str] | None = None
    for role, phrases in vocab.roles(group).items():
        at = _position(matcher(phrases), lowered, spans)
        if at is not None and (best is None or at < best[0]):
            best = (at, role)
    return best[1] if best else None


def word_role(vocab: Vocabulary, group: str, word: str) -> str | None:
    """The role of ``group`` that has ``word`` as one of its phrases."""
    lowered = word.lower()
    for role, phrases in vocab.roles(group).items():
        if lowered in word_set(phrases):
            return role
    return None


def is_word(phrases: Phrases, word: str) -> bool:
    """``word`` is one of the phrases, exactly (case aside)."""
    return word.lower() in word_set(phrases)


def word_set(phrases: Phrases) -> frozenset[str]:
    """A role's phrases as a set, for exact look-ups of single tokens without regexes."""
    return matcher(phrases).words
