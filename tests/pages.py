"""Reading the dashboard's HTML in tests: figures by ``data-key``, rows by ``data-*``."""

from __future__ import annotations

import re

_TAG = re.compile(r"<[^>]+>")


def text(html: str) -> str:
    return " ".join(_TAG.sub(" ", html).split())


def row(html: str, attribute: str, value: str) -> str:
    """The HTML of the table row with ``attribute="value"``."""
    match = re.search(rf'<tr {attribute}="{re.escape(value)}".*?</tr>', html, re.DOTALL)
    assert match is not None, f"no row with {attribute}={value!r}"
    return match.group(0)


def figures(html: str) -> dict[str, str]:
    """``data-key`` -> the text of that element (the first element with each key)."""
    found: dict[str, str] = {}
    for match in re.finditer(r'<(\w+)[^>]*\bdata-key="([^"]+)"[^>]*>(.*?)</\1>', html, re.DOTALL):
        found.setdefault(match.group(2), text(match.group(3)))
    return found
