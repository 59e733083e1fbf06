"""Where a block stands in its report: among baselines of earlier sessions, or forecasts.

Numbers mean different things by context: "Coverage: 14%" under "**Before:**" is a baseline,
under "## Expected outcome" a forecast. The marker often sits in the heading above, in the
paragraph that introduces a list, or in the parent item, not in the line itself.
"""

from __future__ import annotations

import re

from parsers.document import Block, Document, ListItem
from parsers.vocabulary import Vocabulary, normalise_label


def is_before_label(text: str, vocab: Vocabulary) -> bool:
    """``Before``, ``**Before (Session 11):**``, ``Previous:`` — a label that is only a
    "before" word (plus a parenthetical); not a sentence that merely contains one."""
    label = normalise_label(re.sub(r"\(.*?\)", " ", text.split("\n", 1)[0]))
    return (
        bool(label)
        and len(label.split()) <= 2
        and vocab.role("sections", "before_label").exact(label.split()[0])
    )


PARENTHESIS = re.compile(r"[(（]([^()（）]{1,30})[)）]")


def _baseline_text(text: str, vocab: Vocabulary) -> bool:
    head = text[:160]
    if vocab.role("sections", "baseline").found(head) or is_before_label(head, vocab):
        return True
    # "Session 2 Results (Before)": a parenthesis that is only a "before" word
    before = vocab.role("sections", "before_label")
    return any(before.exact(match.group(1)) for match in PARENTHESIS.finditer(head))


def _root_item(item: ListItem | None) -> ListItem | None:
    while item is not None and item.parent is not None:
        item = item.parent
    return item


def in_baseline(doc: Document, block: Block) -> bool:
    """The block reports an earlier state: its heading, its list's intro or its parent item
    says so."""
    cache: dict[int, bool] = doc.memo.setdefault("in_baseline", {})
    if id(block) not in cache:
        cache[id(block)] = _in_baseline(doc, block)
    return cache[id(block)]


def _in_baseline(doc: Document, block: Block) -> bool:
    vocab = doc.vocab
    nearest = doc.heading_path(block)[-1:]
    if nearest and _baseline_text(nearest[0], vocab):
        return True
    item = block.item
    if item is not None:
        if item.intro and _baseline_text(item.intro, vocab):
            return True
        root = _root_item(item)
        if root is not None and root is not item and _baseline_text(root.text, vocab):
            return True
    return False


def in_forecast(doc: Document, block: Block) -> bool:
    """The block states expectations: its headings, its list's intro or its parent item say
    so (memoised per block, as :func:`in_baseline`)."""
    cache: dict[int, bool] = doc.memo.setdefault("in_forecast", {})
    if id(block) not in cache:
        cache[id(block)] = _in_forecast(doc, block)
    return cache[id(block)]


def _in_forecast(doc: Document, block: Block) -> bool:
    vocab = doc.vocab
    forecast = vocab.role("sections", "forecast")
    if any(forecast.found(title) for title in doc.heading_path(block)[-2:]):
        return True
    item = block.item
    if item is not None:
        if item.intro and forecast.found(item.intro[:200]):
            return True
        root = _root_item(item)
        if root is not None and root is not item and forecast.found(root.text[:200]):
            return True
    return False
