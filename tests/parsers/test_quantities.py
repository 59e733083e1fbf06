"""Numbers as reports write them (``parsers.quantities``)."""

from __future__ import annotations

import pytest

from parsers.quantities import quantities


@pytest.mark.parametrize(
    ("text", "value", "start"),
    [
        ("reached 92.5% coverage", 92.5, 8),  # after a word and a space: the match's own start
        ("coverage 55%", 55.0, 9),
        ("Coverage: ≥67%", 67.0, 10),
        ("at ~60%", 60.0, 3),
    ],
)
def test_a_number_after_a_word_is_read(text: str, value: float, start: int) -> None:
    (found,) = quantities(text)
    assert (found.value, found.unit, found.start) == (value, "%", start)


@pytest.mark.parametrize("text", ["v1.2", "T047", "step_5", "py3"])
def test_a_number_inside_an_identifier_or_version_is_not(text: str) -> None:
    assert quantities(text) == []
