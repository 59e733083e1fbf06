"""Where changed paths are listed: list items and paragraph lines, tables with a file column,
plain fences of file lines (with directory trees), and front matter ``key-files``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from parsers.document import Block, Document, Table
from parsers.extractors.files.verdicts import (
    WORD,
    Verdict,
    change_kind,
    code_kind,
    context_verdict,
    continues_run,
    label_before,
    lead_verdict,
    note_verdict,
    opens_line,
    plan_step,
)
from parsers.matching import has
from parsers.models import ChangeKind, FileChange
from parsers.paths import clean_path, find_paths
from parsers.tables import has_mark, status_of
from parsers.vocabulary import Vocabulary

LINE_MARKS = re.compile(r"^[^\w./~@(\[{]+", re.UNICODE)
NUMBERING = re.compile(r"^\d{1,3}[.)]\s+")
TREE_MARKS = "├└│┣┗┃|`"


class Collected:
    """Paths in first-seen order; a later mention may fill in the change kind. A bare name
    (``claims.test.ts``) and the full path ending in it are one file."""

    def __init__(self) -> None:
        self.items: dict[str, FileChange] = {}
        self.by_name: dict[str, str] = {}  # last segment -> first full path with it

    def add(self, path: str, kind: ChangeKind | None, line: int) -> None:
        key = path.rstrip("/")
        name = key.rsplit("/", 1)[-1]
        if "/" not in key and name in self.by_name:
            key = self.by_name[name]
        elif "/" in key and name in self.items:
            bare = self.items.pop(name)
            self.items[key] = FileChange(path=path, change=bare.change or kind, line=line)
        if "/" in key:
            self.by_name.setdefault(name, key)
        current = self.items.get(key)
        if current is None:
            self.items[key] = FileChange(path=path, change=kind, line=line)
        elif current.change is None and kind is not None:
            current.change = kind


def text_paths(
    text: str,
    line: int,
    around: Callable[[], Verdict | None],
    vocab: Vocabulary,
    out: Collected,
) -> None:
    """Paths in one list item's or one paragraph line's text. A note on the path decides first;
    a context that rejects (how-to, NOT CREATED) or words in the text that do, come next; then a
    change word or file label before the path; a path continuing a run of accepted paths; and
    last the context (``around()``, read only when the text holds a path), for a path that
    opens the text."""
    found = find_paths(text, vocab)
    if not found:
        return
    context = around()
    if context is not None and context.hard:
        return
    rejected = has(vocab.role("files", "not_changed"), text) or plan_step(
        text[: found[0].start], vocab
    )
    previous_end = 0
    previous_dir = ""
    carried: Verdict | None = None
    for index, token in enumerate(found):
        path = token.path
        gap = text[previous_end : token.start]
        if "/" not in path and previous_dir and gap.strip(" `*") in ("+", "&"):
            path = f"{previous_dir}/{path}"
        note = note_verdict(text, token, vocab)
        verdict = None
        if note is None and not rejected:
            verdict = lead_verdict(text, token, previous_end, vocab)
            # "a.py:42" points at code rather than listing a change, unless a heading or label
            # says how the files listed changed ("Files Modified": "a.py:683-707")
            located = token.located and (context is None or context.kind is None)
            open_context = context is None or context.changed
            labelled = label_before(text, token, previous_end, vocab)
            if verdict is None and open_context and labelled and not located:
                verdict = Verdict(True, None)
            if verdict is None and carried is not None and index and continues_run(gap):
                verdict = None if located else carried
            if verdict is None and index == 0 and context is not None and opens_line(text, token):
                verdict = None if located or not context.changed else context
        carried = verdict if verdict is not None and verdict.changed else None
        if note is not None:  # the path's own note decides, and a noted change starts a run
            verdict = note
            carried = Verdict(True, None) if note.changed and not rejected else None
        if verdict is not None and verdict.changed:
            out.add(path, verdict.kind, line + text.count("\n", 0, token.start))
        previous_end = token.end
        if "/" in path:
            previous_dir = path.rsplit("/", 1)[0]


def _cell_kind(text: str, vocab: Vocabulary) -> ChangeKind | None:
    return code_kind(text, vocab) or change_kind(text, vocab)


def table_paths(doc: Document, block: Block, out: Collected) -> None:
    table = block.table
    if table is None or not table.rows:
        return
    vocab = doc.vocab
    headers = table.header_texts
    file_column = next(
        (i for i, h in enumerate(headers) if vocab.role("columns", "file").exact(h)), None
    )
    change_column = next(
        (
            i
            for i, h in enumerate(headers)
            if vocab.role("columns", "change").exact(h)
            and any(i < len(row.cells) and _cell_kind(row.texts[i], vocab) for row in table.rows)
        ),
        None,
    )
    context = context_verdict(doc, block)
    if context is not None and not context.changed:
        return
    if (
        change_column is None
        and (context is None or context.kind is None)
        and _verdicts(table, vocab)
    ):
        return  # "| Artifact | Expected | Status: VERIFIED |": files checked, not changed
    measured = ("coverage", "passed", "failed", "total")
    if change_column is None and any(
        vocab.role("columns", role).exact(h) for h in headers for role in measured
    ):
        return  # results and coverage tables name files, they do not change them
    for row in table.rows:
        texts = row.texts
        kind = None
        if change_column is not None and change_column < len(texts):
            kind = _cell_kind(texts[change_column], vocab)
        if context is None and kind is None:
            continue
        columns = [file_column] if file_column is not None else range(len(texts))
        for column in columns:
            if column is None or column >= len(texts):
                continue
            joined = _in_directory(texts, column, vocab) if file_column is not None else None
            if joined is not None:  # "| CHANGELOG.md | `/docs/` |": a name and its directory
                texts = [joined if i == column else t for i, t in enumerate(texts)]
            paths = [t for t in find_paths(texts[column], vocab) if opens_line(texts[column], t)]
            if not paths:
                continue
            rest = " ".join(t for i, t in enumerate(texts) if i != column)
            if has(vocab.role("files", "not_changed"), rest) and kind is None:
                break
            row_kind = kind or change_kind(" ".join(WORD.findall(rest)[:2]), vocab)
            for token in paths:
                out.add(token.path, row_kind or (context.kind if context else None), row.line)
            break


def _in_directory(texts: list[str], column: int, vocab: Vocabulary) -> str | None:
    """A path column that holds only a directory ("`/docs/`", "/"), beside a cell that is only
    a file name ("SEO_GUIDE.md"): the file's path, joined."""
    directory = texts[column].strip("`*_ ")
    if not directory.endswith("/") or " " in directory:
        return None
    for index, text in enumerate(texts):
        name = text.strip("`*_ ")
        if index == column or "/" in name or " " in name:
            continue
        found = find_paths(name, vocab)
        if len(found) == 1 and found[0].path == name:
            return f"{directory.strip('/')}/{name}".lstrip("/")
    return None


def _verdicts(table: Table, vocab: Vocabulary) -> bool:
    """The table has a status column of verdicts (VERIFIED, ✓ WIRED, PASS): it checks what it
    lists."""
    status_at = next(
        (i for i, h in enumerate(table.header_texts) if vocab.role("columns", "status").exact(h)),
        None,
    )
    if status_at is None:
        return False
    cells = [row.texts[status_at] for row in table.rows if status_at < len(row.texts)]
    done = vocab.role("status", "done")
    verdicts = sum(
        1
        for cell in cells
        if (status_of(cell, vocab) is not None or has_mark(cell[:3])) and not done.found(cell)
    )
    return bool(cells) and verdicts * 2 > len(cells)  # "✅ Done", "✅ 完成" deliver, not check


def fence_paths(doc: Document, block: Block, out: Collected) -> None:
    """A plain fence listing files, one per line (``✅ a.rs - fixed``, ``- a.ts, b.ts``); a line
    naming only a directory (``src/:``, ``docs/``) prefixes the tree lines under it."""
    vocab = doc.vocab
    info = block.info.split(" ", 1)[0].lower()
    if info and not vocab.role("commands", "transcript_info").exact(info):
        return
    context = context_verdict(doc, block)
    if context is None or not context.changed:
        return
    directory = ""
    for offset, raw in enumerate(block.content.split("\n")):
        nested = raw[:1] in (" ", "\t") or raw.lstrip()[:1] in TREE_MARKS
        line = LINE_MARKS.sub("", NUMBERING.sub("", LINE_MARKS.sub("", raw.strip())))
        if not line:
            directory = ""
            continue
        tokens = find_paths(line, vocab)
        if not tokens or tokens[0].start > 2 or tokens[0].located:
            if not nested and not raw.lstrip().startswith(("-", "*", "+")):
                directory = ""
            continue
        first = tokens[0]
        if first.path.endswith("/") and line[first.end :].strip(" :") == "":
            directory = first.path  # a directory heading the tree lines below it
            continue
        if not nested and not raw.lstrip().startswith(("-", "*", "+")):
            directory = ""
        rest = line[first.end :]  # "a.ts ....... ✅ MODIFIED", "b.md  (from prev session)"
        if any(has(vocab.role("files", r), rest) for r in ("existing", "not_changed", "planned")):
            continue
        own = note_verdict(line, first, vocab)
        if own is not None and not own.changed:
            continue
        kind = own.kind if own is not None else (change_kind(rest, vocab) or context.kind)
        previous_end = 0
        for token in tokens:
            gap = line[previous_end : token.start].strip(" ,`+&")
            if previous_end and gap:
                break
            path = token.path
            if directory and not path.startswith(directory) and path not in out.items:
                path = directory + path  # a tree line under "src/": unless listed already
            out.add(path, kind, block.line + 1 + offset)
            previous_end = token.end


def _front_matter_lists(
    value: Any, kind: ChangeKind | None, vocab: Vocabulary
) -> Iterator[tuple[str, ChangeKind | None]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _front_matter_lists(inner, change_kind(str(key), vocab) or kind, vocab)
    elif isinstance(value, list):
        for entry in value:
            if isinstance(entry, str):
                for path, _ in clean_path(entry, vocab):
                    yield path, kind
    elif isinstance(value, str):
        for path, _ in clean_path(value, vocab):
            yield path, kind


def front_matter_paths(doc: Document, out: Collected) -> None:
    front = doc.front_matter or {}
    vocab = doc.vocab
    for key, value in front.items():
        label = str(key).replace("_", " ").replace("-", " ")
        if not vocab.role("sections", "files_changed").exact(label) and not (
            has(vocab.role("files", "nouns"), label) and change_kind(label, vocab) is not None
        ):
            continue
        line = _front_matter_line(doc, str(key))
        for path, kind in _front_matter_lists(value, change_kind(label, vocab), vocab):
            out.add(path, kind, line)


def _front_matter_line(doc: Document, key: str) -> int:
    for number, text in enumerate(doc.lines[: doc.front_matter_end], start=1):
        if text.startswith(f"{key}:"):
            return number
    return 1
