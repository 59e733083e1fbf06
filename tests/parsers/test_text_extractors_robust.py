"""The files, commands and blockers extractors never raise and stay linear in the input.

Each adversarial input below once made a regular expression or a per-block loop quadratic;
the time bound is loose (relative to markdown-it's own parse of the same text, plus a
constant) so that it fails on quadratic work, not on a slow machine.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.document import build_document, markdown_parser
from parsers.extractors.blockers import extract_blockers
from parsers.extractors.commands import extract_commands
from parsers.extractors.files import extract_files_changed

EXTRACTORS = (extract_files_changed, extract_commands, extract_blockers)
PIECES = [
    "## Files changed\n",
    "## Blockers\n",
    "## Next Steps\n",
    "- ",
    "  - ",
    "`npm test`",
    "`src/{a,b}.ts`",
    "【F:a.ts†L1】",
    "(new)",
    "✅",
    "🔴 P1",
    "BLOCKED",
    "Executed:",
    "```bash\n$ make lint\n",
    "```\n",
    "| File | Change |\n|---|---|\n| `c.ts` | Modified |\n",
    "**Issue**: build fails\n",
    "\n",
    "((((",
    "::::",
    "中",
    "\\\n",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=20), max_size=60))
def test_any_text_is_read_without_error(parts: list[str]) -> None:
    doc = build_document("".join(parts))
    for extract in EXTRACTORS:
        extract(doc)


def _adversarial(size: int) -> dict[str, str]:
    return {
        "paths": "# R\n\n## Files changed\n\n"
        + "".join(f"- `src/m{i}/f{i}.py` - changed\n" for i in range(size)),
        "bare names": "# R\n\n## Files changed\n\n"
        + "".join(f"- `f{i}.py`\n" for i in range(size)),
        "code spans": "# R\n\nExecuted: " + " ".join(f"`npm run t{i}` ok," for i in range(size)),
        "headings": "".join(
            f"## Known Issues {i}\n\n### Problem {i}\n\n- fails {i}\n" for i in range(size)
        ),
        "blockers": "# R\n\n## Blockers\n\n"
        + "".join(f"- Build {i} fails with E{i}\n" for i in range(size)),
        "long list": "# R\n\n**Files:**\n\n" + "".join(f"- `a{i}.ts`\n" for i in range(size)),
        "brackets": "# R\n\n## Blockers\n\n- " + "((((: " * size + "\n",
        "token": "# R\n\n## Files changed\n\n- " + "(" * (size * 20) + "a.py\n",
        "assignments": "```bash\n" + " ".join("A=1" for _ in range(size * 5)) + " npm test\n```\n",
        "prompt": "```\n➜" + " " * (size * 20) + "x\n```\n",
        "banner": "```\n=== " + "a " * (size * 10) + "\n```\n",
        "continuations": "```bash\n" + "npm run x \\\n" * size + "```\n",
    }


@pytest.mark.parametrize("name", sorted(_adversarial(1)))
def test_extractors_stay_linear(name: str) -> None:
    text = _adversarial(2000)[name]
    start = time.process_time()
    markdown_parser().parse(text)
    markdown = time.process_time() - start
    doc = build_document(text)
    start = time.process_time()
    for extract in EXTRACTORS:
        extract(doc)
    spent = time.process_time() - start
    assert spent < 10 * markdown + 2.0, f"{name}: {spent:.2f}s vs markdown-it {markdown:.2f}s"
