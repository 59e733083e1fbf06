"""Word-run phrase look-ups agree with the vocabulary's own matcher on the cases that count."""

from __future__ import annotations

import pytest

from parsers.matching import first_role, has, position
from parsers.vocabulary import Phrases, default_vocabulary

BLOCKED = Phrases.of(["blocked", "files changed", "human_needed", "✅", "阻塞", "(new)"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The release is BLOCKED by signing", True),
        ("See SESSION_141_BLOCKED.md for details", False),  # inside a name is no word
        ("## Files-Changed", True),
        ("files_changed:", True),
        ("status: human_needed", True),
        ("done ✅", True),
        ("发布被阻塞", True),
        ("a file (new)", True),
        ("a new file", False),
        ("unblocked", False),
    ],
)
def test_has_matches_whole_words_and_marks(text: str, expected: bool) -> None:
    assert has(BLOCKED, text) is expected
    assert has(BLOCKED, text) is (BLOCKED.search(text) is not None)


def test_position_and_first_role_follow_the_text() -> None:
    assert position(BLOCKED, "now blocked") == 4
    assert position(BLOCKED, "nothing here") is None
    vocab = default_vocabulary()
    assert first_role(vocab, "changes", "Deleted old, then created new") == "deleted"
