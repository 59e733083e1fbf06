"""Files changed: paths the report says it created, modified, deleted or renamed.

A path counts when something near it says it changed, nearest signal first:
1. the path's own words: a note right after it (``(new)``, ``(existing)``), a change word right
   before it (``Created `a.py```, ``MODIFIED `b.ts```), or its sentence opening with one;
2. the list item holding it (``- Updated 4 test files:`` above nested items), the paragraph that
   introduces its list, fence or table (``**Deleted**:``), then its headings, innermost first
   (``## Files Modified`` > ``### Configuration``), where a files heading or a change word with a
   file noun makes every path listed under it a change;
3. a table with a file column and a change column, and front matter ``key-files``.
Words that say a file was not changed (``NOT CREATED``, ``Code Reference``, ``already``) win
over the section around them; how-to and baseline sections list no changes.
"""

from __future__ import annotations

from functools import partial

from parsers.document import Document
from parsers.extractors.files.sources import (
    Collected,
    fence_paths,
    front_matter_paths,
    table_paths,
    text_paths,
)
from parsers.extractors.files.verdicts import context_verdict, heading_verdict
from parsers.models import FileChange

__all__ = ["extract_files_changed"]


def extract_files_changed(doc: Document) -> list[FileChange]:
    out = Collected()
    front_matter_paths(doc, out)
    for block in doc.blocks:
        around = partial(heading_verdict, doc, block)
        if block.kind == "paragraph":
            if block.item is not None and block.item.blocks and block.item.blocks[0] is block:
                item_around = partial(context_verdict, doc, block)
                text_paths(block.text, block.line, item_around, doc.vocab, out)
            else:
                for offset, text in enumerate(block.text.split("\n")):
                    text_paths(text, block.line + offset, around, doc.vocab, out)
        elif block.kind == "heading":
            # "### 1. **tests/ApiTest.php** - main class" under "## Test files created"
            text_paths(block.text, block.line, around, doc.vocab, out)
        elif block.kind == "table":
            table_paths(doc, block, out)
        elif block.kind == "fence":
            fence_paths(doc, block, out)
    return list(out.items.values())
