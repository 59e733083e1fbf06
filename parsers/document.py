"""One report as a walkable document built from markdown-it-py's token stream.

The awkward parts of the token stream are handled here once, so that extractors can stay small:
the section tree by heading level, tables as header + rows, list items with their checkbox state
and nesting, fences with their info string, inline text with its code spans, and the 1-based
source line of everything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from parsers.models import ParseIssue
from parsers.vocabulary import Vocabulary, default_vocabulary

#: libyaml's safe loader where PyYAML was built with it (same documents, several times faster)
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

CHECKBOX = re.compile(r"^\[([ xX✓✔])\]\s*")


#: schemes markdown-it refuses as links for safety when rendering; this parser renders nothing,
#: and agents link the files they changed as ``[a.py](file:///home/.../a.py)``, so only these
#: stay refused (their link text is then read as plain text)
REFUSED_LINK = re.compile(r"^\s*(?:javascript|vbscript|data):", re.IGNORECASE)


def _reading_link(url: str) -> bool:
    return REFUSED_LINK.match(url) is None


def _configured(md: MarkdownIt) -> MarkdownIt:
    md.use(front_matter_plugin)
    md.validateLink = _reading_link  # type: ignore[method-assign]
    return md


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """The one configured parser: CommonMark, raw HTML off, tables and strikethrough on."""
    md = MarkdownIt("commonmark", {"html": False})
    md.enable(["table", "strikethrough"])
    return _configured(md)


@lru_cache(maxsize=1)
def _parser_without_tables() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    md.enable(["strikethrough"])
    return _configured(md)


#: Cells markdown-it may add to pad short rows to their table's header width. A wide header over
#: many empty rows multiplies: 1.8 KB of "|" lines made 200k tokens and a second of CPU, and a
#: 1 MiB report of such tables would take minutes and gigabytes. Past this, tables are not read.
PADDED_CELLS_MAX = 200_000
_DELIMITER_MARKS = frozenset("|-: \t")


def padded_cells(text: str) -> int:
    """An upper bound of the table cells the text does not write but markdown-it would add."""
    total = columns = 0
    for line in text.splitlines():
        if columns:
            if line.strip():
                total += max(0, columns - line.count("|"))
                continue
            columns = 0
        elif "|" in line and "-" in line and _DELIMITER_MARKS.issuperset(line):
            columns = line.count("|") + 1
    return total


@dataclass(slots=True)
class Inline:
    """Plain text of an inline token, with the spans extractors care about kept apart."""

    text: str = ""
    codes: list[str] = field(default_factory=list)
    strong: list[str] = field(default_factory=list)
    struck: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


def render_inline(token: Token | None) -> Inline:
    if token is None:
        return Inline()
    children = token.children
    if not children:
        return Inline(text=token.content)
    if len(children) == 1 and children[0].type == "text":
        return Inline(text=children[0].content)  # the common case: plain text, nothing to track
    result = Inline()
    parts: list[str] = []
    strong_start: list[int] = []
    struck_start: list[int] = []
    for child in children:
        kind = child.type
        if kind == "text":
            parts.append(child.content)
        elif kind == "code_inline":
            parts.append(child.content)
            result.codes.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif kind in ("strong_open", "strong_close", "em_open", "em_close") and "_" in child.markup:
            # underscores in names (``__tests__/``, ``__init__``) parse as emphasis: keep them
            parts.append(child.markup)
        elif kind == "strong_open":
            strong_start.append(len(parts))
        elif kind == "strong_close" and strong_start:
            result.strong.append("".join(parts[strong_start.pop() :]))
        elif kind == "s_open":
            struck_start.append(len(parts))
        elif kind == "s_close" and struck_start:
            result.struck.append("".join(parts[struck_start.pop() :]))
        elif kind == "link_open":
            href = child.attrs.get("href")
            if isinstance(href, str):
                result.links.append(href)
        elif kind == "image":
            parts.append(child.content)
    result.text = "".join(parts)
    return result


@dataclass(slots=True)
class Section:
    index: int
    level: int
    title: str
    line: int
    parent: int | None
    #: titles from the outermost heading down to this one
    path: tuple[str, ...] = ()


@dataclass(slots=True)
class Block:
    """A leaf block: paragraph, heading, fence, table or a list item's own paragraph."""

    kind: str  # "heading" | "paragraph" | "fence" | "table" | "hr"
    line: int
    end_line: int
    section: int | None
    inline: Inline = field(default_factory=Inline)
    #: heading level for headings
    level: int = 0
    #: list item this block belongs to (innermost), if any
    item: ListItem | None = None
    in_quote: bool = False
    #: fence info string and content
    info: str = ""
    content: str = ""
    #: tables
    table: Table | None = None
    #: position in :attr:`Document.blocks`
    index: int = 0

    @property
    def text(self) -> str:
        return self.inline.text


@dataclass(slots=True)
class ListItem:
    line: int
    depth: int
    ordered: bool
    parent: ListItem | None
    checkbox: bool | None = None  # True checked, False unchecked, None no box
    #: the paragraph just before the outermost list ("**Before (Session 11):**"), if any
    intro: str = ""
    blocks: list[Block] = field(default_factory=list)
    children: list[ListItem] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Text of the item's first paragraph (its own words, not its sub-items')."""
        for block in self.blocks:
            if block.kind == "paragraph":
                return block.text
        return ""

    @property
    def inline(self) -> Inline:
        for block in self.blocks:
            if block.kind == "paragraph":
                return block.inline
        return Inline()


@dataclass(slots=True)
class TableRow:
    line: int
    cells: list[Inline]
    #: stripped text of each cell, filled in once the row is read (extractors ask often)
    texts: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Table:
    line: int
    header: list[Inline]
    rows: list[TableRow]

    @property
    def header_texts(self) -> list[str]:
        return [cell.text.strip() for cell in self.header]


@dataclass(slots=True)
class Document:
    source: str
    lines: list[str]
    blocks: list[Block]
    sections: list[Section]
    items: list[ListItem]
    front_matter: dict[str, Any] | None
    front_matter_error: tuple[int, str] | None
    front_matter_end: int = 0
    vocab: Vocabulary = field(default_factory=default_vocabulary)
    #: soft problems found while reading; extractors add theirs with :meth:`issue`
    issues: list[ParseIssue] = field(default_factory=list)
    #: what earlier extractors in the registry found, by field name (gates read coverage)
    found: dict[str, Any] = field(default_factory=dict)
    #: per-document memo for answers several extractors need (e.g. each table's kind), and
    #: for values an extractor computes once per section or block to stay linear; keys are
    #: prefixed by the extractor ("files.heading", "blockers.roles", ...)
    memo: dict[str, Any] = field(default_factory=dict, repr=False)
    #: lazily built indexes (see :meth:`blocks_in`, :meth:`subsections`, :meth:`lead_in`)
    _by_section: dict[int | None, list[Block]] | None = field(default=None, repr=False)
    _children: dict[int | None, list[Section]] | None = field(default=None, repr=False)
    _free_before: list[int] | None = field(default=None, repr=False)

    def issue(self, line: int | None, message: str) -> None:
        self.issues.append(ParseIssue(line=line, message=message))

    @property
    def title_section(self) -> int | None:
        """Index of the section that is the report's title (its first heading, at level 1)."""
        if self.sections and self.sections[0].level == 1:
            return 0
        return None

    def section_path(self, block: Block) -> tuple[str, ...]:
        if block.section is None:
            return ()
        return self.sections[block.section].path

    def heading_path(self, block: Block) -> tuple[str, ...]:
        """Section titles above ``block`` without the report's title heading."""
        if block.section is None:
            return ()
        section = self.sections[block.section]
        root = section
        while root.parent is not None:
            root = self.sections[root.parent]
        if root.index == 0 and self.title_section == 0:
            return section.path[1:]
        return section.path

    def section_of(self, block: Block) -> Section | None:
        return None if block.section is None else self.sections[block.section]

    def previous(self, block: Block) -> Block | None:
        """The block just before ``block`` in document order."""
        return self.blocks[block.index - 1] if 0 < block.index <= len(self.blocks) else None

    def blocks_in(self, section: int | None) -> list[Block]:
        """The blocks directly under a section (not under its sub-headings), in order."""
        if self._by_section is None:
            self._by_section = {}
            for block in self.blocks:
                self._by_section.setdefault(block.section, []).append(block)
        return self._by_section.get(section, [])

    def subsections(self, section: int | None) -> list[Section]:
        """The sections one level below ``section`` (top-level sections for None)."""
        if self._children is None:
            self._children = {}
            for child in self.sections:
                self._children.setdefault(child.parent, []).append(child)
        return self._children.get(section, [])

    def lead_in(self, block: Block) -> Block | None:
        """The paragraph that introduces ``block`` ("Executed:", "**Files modified**:"): the
        paragraph right before it inside the same list item, or else the free paragraph right
        before the list holding it (or before ``block`` itself), in the same section."""
        item = block.item
        if item is not None and item.blocks and item.blocks[0] is not block:
            before = self.previous(block)
            return before if before is not None and before.kind == "paragraph" else None
        index = block.index - 1
        if item is not None and index >= 0:
            if self._free_before is None:  # nearest block outside any list, at or before i
                self._free_before = []
                last = -1
                for position, each in enumerate(self.blocks):
                    if each.item is None:
                        last = position
                    self._free_before.append(last)
            index = self._free_before[index]
        before = self.blocks[index] if index >= 0 else None
        if (
            before is None
            or before.kind != "paragraph"
            or before.item is not None
            or before.section != block.section
        ):
            return None
        return before


def _line(token: Token, offset: int = 0) -> int:
    return (token.map[0] + 1 + offset) if token.map else 0


def _end_line(token: Token) -> int:
    return token.map[1] if token.map else 0


def _load_front_matter(token: Token) -> tuple[dict[str, Any] | None, tuple[int, str] | None]:
    try:
        try:
            data = yaml.load(token.content, Loader=SAFE_LOADER)  # noqa: S506 (a safe loader)
        except yaml.YAMLError:
            # read again in Python for the error: libyaml words it and places it differently
            data = yaml.load(token.content, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = _line(token) + 1 + (mark.line if mark is not None else 0)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, (line, f"front matter is not valid YAML: {problem}")
    except RecursionError:  # pathological nesting: keep the report, drop the header
        return None, (_line(token), "front matter is nested too deeply to read")
    if data is None:
        return None, None
    if not isinstance(data, dict):
        return None, (_line(token), "front matter is not a mapping of keys to values")
    return data, None


def _read_table(tokens: list[Token], start: int) -> tuple[Table, int]:
    header: list[Inline] = []
    rows: list[TableRow] = []
    table = Table(line=_line(tokens[start]), header=header, rows=rows)
    index = start + 1
    in_head = False
    current: TableRow | None = None
    while index < len(tokens) and tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open" and not in_head:
            current = TableRow(line=_line(token), cells=[])
            rows.append(current)
        elif token.type == "inline":
            cell = render_inline(token)
            if in_head:
                header.append(cell)
            elif current is not None:
                current.cells.append(cell)
                current.texts.append(cell.text.strip())
        index += 1
    return table, index


def _with_fence_tables(blocks: list[Block]) -> list[Block]:
    """Each fence that draws a table is followed by that table as a table block (marked with
    ``info="fence"``), so table readers see it; the fence stays for the command reader."""
    from parsers.fence_tables import fence_table  # fence_tables builds on this module

    result: list[Block] = []
    for block in blocks:
        result.append(block)
        if block.kind != "fence" or not block.content:
            continue
        table = fence_table(block.content, block.line + 1)
        if table is not None:
            result.append(
                Block(
                    "table",
                    table.line,
                    block.end_line,
                    block.section,
                    item=block.item,
                    in_quote=block.in_quote,
                    info="fence",
                    table=table,
                )
            )
    return result


def build_document(text: str, vocab: Vocabulary | None = None) -> Document:
    padded = padded_cells(text)
    wide = padded > PADDED_CELLS_MAX
    tokens = (_parser_without_tables() if wide else markdown_parser()).parse(text)
    blocks: list[Block] = []
    sections: list[Section] = []
    items: list[ListItem] = []
    front_matter: dict[str, Any] | None = None
    front_matter_error: tuple[int, str] | None = None
    front_matter_end = 0
    open_sections: list[Section] = []
    item_stack: list[ListItem] = []
    list_stack: list[bool] = []  # ordered?
    quote_depth = 0
    current_section: int | None = None
    list_intro = ""

    index = 0
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind == "front_matter":
            front_matter, front_matter_error = _load_front_matter(token)
            front_matter_end = _end_line(token)
        elif kind == "heading_open":
            level = int(token.tag[1:])
            inline = render_inline(tokens[index + 1])
            while open_sections and open_sections[-1].level >= level:
                open_sections.pop()
            parent = open_sections[-1] if open_sections else None
            title = inline.text.strip()
            section = Section(
                index=len(sections),
                level=level,
                title=title,
                line=_line(token),
                parent=parent.index if parent else None,
                path=(*(parent.path if parent else ()), title),
            )
            sections.append(section)
            open_sections.append(section)
            current_section = section.index
            item_stack.clear()  # a heading ends every open list in practice
            blocks.append(
                Block(
                    "heading",
                    _line(token),
                    _end_line(token),
                    current_section,
                    inline,
                    level=level,
                    in_quote=quote_depth > 0,
                )
            )
            index += 2
        elif kind in ("bullet_list_open", "ordered_list_open"):
            if not item_stack:
                previous = blocks[-1] if blocks else None
                if previous is None or previous.kind != "paragraph":
                    list_intro = ""
                elif previous.item is None:
                    list_intro = previous.text
                # else a list right after a list ("1. `make`" / "- Passed." / "2. ..." switch
                # markers, so each is its own list): they share the first one's intro
            list_stack.append(kind == "ordered_list_open")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            if list_stack:
                list_stack.pop()
        elif kind == "list_item_open":
            parent_item = item_stack[-1] if item_stack else None
            list_item = ListItem(
                line=_line(token),
                depth=len(list_stack),
                ordered=bool(list_stack and list_stack[-1]),
                parent=parent_item,
                intro=list_intro,
            )
            if parent_item is not None:
                parent_item.children.append(list_item)
            items.append(list_item)
            item_stack.append(list_item)
        elif kind == "list_item_close":
            if item_stack:
                item_stack.pop()
        elif kind == "blockquote_open":
            quote_depth += 1
        elif kind == "blockquote_close":
            quote_depth = max(0, quote_depth - 1)
        elif kind == "paragraph_open":
            inline = render_inline(tokens[index + 1])
            owner = item_stack[-1] if item_stack else None
            if owner is not None and not owner.blocks:
                match = CHECKBOX.match(inline.text)
                if match:
                    owner.checkbox = match.group(1) != " "
                    inline.text = inline.text[match.end() :]
            block = Block(
                "paragraph",
                _line(token),
                _end_line(token),
                current_section,
                inline,
                item=owner,
                in_quote=quote_depth > 0,
            )
            blocks.append(block)
            if owner is not None:
                owner.blocks.append(block)
            index += 2
        elif kind in ("fence", "code_block"):
            block = Block(
                "fence",
                _line(token),
                _end_line(token),
                current_section,
                item=item_stack[-1] if item_stack else None,
                in_quote=quote_depth > 0,
                info=token.info.strip() if kind == "fence" else "",
                content=token.content,
            )
            blocks.append(block)
            if block.item is not None:
                block.item.blocks.append(block)
        elif kind == "table_open":
            table, index = _read_table(tokens, index)
            block = Block(
                "table",
                table.line,
                _end_line(token),
                current_section,
                item=item_stack[-1] if item_stack else None,
                in_quote=quote_depth > 0,
                table=table,
            )
            blocks.append(block)
            if block.item is not None:
                block.item.blocks.append(block)
        elif kind == "hr":
            blocks.append(Block("hr", _line(token), _end_line(token), current_section))
        index += 1

    blocks = _with_fence_tables(blocks)
    for position, block in enumerate(blocks):
        block.index = position
    document = Document(
        source=text,
        lines=text.splitlines(),
        blocks=blocks,
        sections=sections,
        items=items,
        front_matter=front_matter,
        front_matter_error=front_matter_error,
        front_matter_end=front_matter_end,
        vocab=vocab or default_vocabulary(),
    )
    if wide:
        document.issue(
            None,
            f"tables were read as text: their rows leave {padded} cells empty (over "
            f"{PADDED_CELLS_MAX}); write every row's cells, or split the tables",
        )
    return document
