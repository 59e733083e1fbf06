"""Text written as UTF-8 and read back in a single-byte code page: Windows-1252 (``âœ…`` for
✅, ``ðŸ“Š`` for 📊) or Mac Roman (``‚ö†Ô∏è`` for ⚠️).

Reports saved through a Windows console or an old Mac editor arrive like that, and every
status mark and non-Latin word in them is lost to the vocabulary. A UTF-8 sequence read in such
a code page is a lead character followed by one to three characters of the continuation range;
such a run is turned back into bytes and decoded as UTF-8, and kept only when that decodes
cleanly. Legitimate text almost never forms such a run ("é" is never followed by "€™"). Mac
Roman shows continuation bytes as ordinary accented letters, so only its three- and four-byte
sequences (marks, emoji, CJK) are repaired: a two-byte one could be real French or German.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class _CodePage:
    pattern: re.Pattern[str]
    lead: dict[str, int]
    continuation: dict[str, int]


def _code_page(codec: str, first_lead: int) -> _CodePage:
    def shown(byte: int) -> str:
        try:
            return bytes([byte]).decode(codec)
        except UnicodeDecodeError:  # an unassigned byte comes through as the C1 control
            return chr(byte)

    lead = {shown(byte): byte for byte in range(first_lead, 0xF5)}
    continuation = {shown(byte): byte for byte in range(0x80, 0xC0)}
    leads = "".join(re.escape(ch) for ch in lead)
    follows = "".join(re.escape(ch) for ch in continuation)
    return _CodePage(re.compile(f"[{leads}][{follows}]{{1,3}}"), lead, continuation)


CODE_PAGES = (_code_page("cp1252", 0xC2), _code_page("mac_roman", 0xE0))


def _expected_length(lead: int) -> int:
    return 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4


def _repair(run: str, page: _CodePage) -> str:
    lead = page.lead[run[0]]
    length = _expected_length(lead)
    if len(run) < length:
        return run
    raw = bytes([lead, *(page.continuation[ch] for ch in run[1:length])])
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        return run
    return decoded + run[length:]


def repair_mojibake(text: str) -> tuple[str, int]:
    """The text with every misread UTF-8 sequence decoded, and how many were repaired."""
    for page in CODE_PAGES:
        if page.pattern.search(text) is None:
            continue
        repaired = 0

        def count(match: re.Match[str], page: _CodePage = page) -> str:
            nonlocal repaired
            fixed = _repair(match.group(0), page)
            repaired += fixed != match.group(0)
            return fixed

        text = page.pattern.sub(count, text)
        if repaired:
            return text, repaired  # one report, one wrong code page
    return text, 0
