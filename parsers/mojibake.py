"""Text written as UTF-8 and read back as Windows-1252 (``âœ…`` for ✅, ``ðŸ“Š`` for 📊).

Reports saved through a Windows console or editor arrive like that, and every status mark
and non-Latin word in them is lost to the vocabulary. A UTF-8 sequence read as Windows-1252 is
a lead character (``Â``..``ô``) followed by one to three characters of the continuation range;
such a run is turned back into bytes and decoded as UTF-8, and kept only when that decodes
cleanly. Legitimate text almost never forms such a run ("é" is never followed by "€™").
"""

from __future__ import annotations

import re

#: each continuation byte (0x80-0xBF) as Windows-1252 shows it; its five unassigned bytes come
#: through as the C1 control of the same number
_CONTINUATION: dict[str, int] = {}
for _byte in range(0x80, 0xC0):
    try:
        _CONTINUATION[bytes([_byte]).decode("cp1252")] = _byte
    except UnicodeDecodeError:
        _CONTINUATION[chr(_byte)] = _byte

_CONTINUATION_CLASS = "".join(re.escape(ch) for ch in _CONTINUATION)
MISREAD = re.compile(f"[\u00c2-\u00f4][{_CONTINUATION_CLASS}]{{1,3}}")


def _expected_length(lead: int) -> int:
    return 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4


def _repair(match: re.Match[str]) -> str:
    run = match.group(0)
    lead = ord(run[0])
    length = _expected_length(lead)
    if len(run) < length:
        return run
    raw = bytes([lead, *(_CONTINUATION[ch] for ch in run[1:length])])
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        return run
    return decoded + run[length:]


def repair_mojibake(text: str) -> tuple[str, int]:
    """The text with every misread UTF-8 sequence decoded, and how many were repaired."""
    if MISREAD.search(text) is None:
        return text, 0
    repaired = 0

    def count(match: re.Match[str]) -> str:
        nonlocal repaired
        fixed = _repair(match)
        if fixed != match.group(0):
            repaired += 1
        return fixed

    return MISREAD.sub(count, text), repaired
