"""Meta: title, kind, author, date, sequence, in-response-to and scope.

Header fields are read from the report's header area (front matter and the blocks before the
first section that follows a field), so that dates and names deep in the body do not leak in.
Title words decide the kind; numbers after sequence words in the title fill the sequence.
"""

from __future__ import annotations

import re
from datetime import date

from parsers.document import Document
from parsers.fields import Field, iter_fields, split_field
from parsers.models import Meta, ReportKind
from parsers.vocabulary import NO_SPACE_SCRIPT, Vocabulary, normalise_label

HEADER_LINES = 60
KIND_ORDER: tuple[ReportKind, ...] = ("summary", "completion", "status", "remediation", "plan")
LEADING_MARKS = re.compile(r"^[^\w`\"'(\[]+", re.UNICODE)
TRAILING_MARKS = re.compile(r"[^\w`\"')\]?!.%]+$", re.UNICODE)
ISO_DATE = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
CJK_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
KOREAN_DATE = re.compile(r"(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일")
DMY_DATE = re.compile(r"(?<!\d)(\d{1,2})[./](\d{1,2})[./](\d{4})(?!\d)")
WORD_DATE_MDY = re.compile(r"([^\W\d_]{3,12})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
WORD_DATE_DMY = re.compile(
    r"(?<!\d)(\d{1,2})(?:st|nd|rd|th|er|\.)?\s+(?:de\s+)?([^\W\d_]{3,12})\.?,?\s+(?:de\s+)?(\d{4})"
)
NUMBERED = re.compile(r"\s*[#№]?\s*\d")
NUMBER = re.compile(r"(?<![\w.])#?([A-Za-z]?\d+(?:\.\d+)*)(?![\d])")
MARKDOWN_LINK = re.compile(r"\[([^\]\n]{1,80})\]\([^)\s]{0,300}\)")
# "Phase 8 Task 1.1", "Module 6.5", "Story STAB-1.10": a unit word and its number, repeated
UNIT_AND_ID = re.compile(
    r"^(?P<unit>[^\W\d_]{3,12})\s+[A-Z]{0,6}[-_]?\d+(?:[.\-]\d+)*"
    r"(?:\s+[^\W\d_]{3,12}\s+[A-Z]{0,6}[-_]?\d+(?:[.\-]\d+)*)?"
)
LEADING_IDENTIFIER = re.compile(r"^([A-Z][A-Z0-9]{1,10}-\d+(?:\.\d+)*)\s*[:：]")
IDENTIFIER_TOKEN = re.compile(r"\b[A-Z]{2,}-\d+")
# an identifier that ends the title after a dash: a ticket ("PLAT-402"), a numbered issue or
# story ("Issue #18"), a version ("v008", "v2.1")
TITLE_TAIL_ID = re.compile(
    r"\s[-—–:|]\s*([A-Z][A-Z0-9]{1,10}-\d+(?:\.\d+)*|[A-Z][a-z]{2,8} #\d+|v\d+(?:\.\d+)*)\s*$"
)
SEQUENCE_ONLY = re.compile(r"^[^\W\d_]+\s*[#№]?\s*\d+$")
FALLBACK_LINES = 40
#: a sequence number is short ("000007", "12.3"); longer runs of digits are ids
MAX_SEQUENCE_CHARS = 18
FOOTER_LINES = 15
DATE_KEY = re.compile(r"(?:_at|_on|date)$", re.IGNORECASE)
SIGNED_BY = re.compile(r"^([A-Za-z]+(?: [a-z]+)? (?:by|with))\s+(\S.{1,60})$")
ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)\b")
PARENTHESES = re.compile(r" ?[(（][^()（）]*[)）]")  # no nested "(": linear on "((((("
PARENTHETICAL_MARKDOWN_LINK = re.compile(r"\]\([^)]*\)")


def clean_title(text: str) -> str:
    """Heading text without leading/trailing emoji and marks."""
    text = LEADING_MARKS.sub("", text.strip())
    return TRAILING_MARKS.sub("", text).strip()


def _month(vocab: Vocabulary, word: str) -> int | None:
    role = vocab.first_role("months", word, exact=True)
    return int(role) if role else None


def parse_date(text: str, vocab: Vocabulary) -> str | None:
    """The first date in ``text`` as YYYY-MM-DD, in any of the common written forms."""
    candidates: list[tuple[int, int, int, int]] = []  # (position, y, m, d)
    for pattern in (ISO_DATE, CJK_DATE, KOREAN_DATE):
        for match in pattern.finditer(text):
            year, month, day = (int(g) for g in match.groups())
            candidates.append((match.start(), year, month, day))
    for match in DMY_DATE.finditer(text):
        day, month, year = (int(g) for g in match.groups())
        candidates.append((match.start(), year, month, day))
    for match in WORD_DATE_MDY.finditer(text):
        month_number = _month(vocab, match.group(1))
        if month_number:
            candidates.append(
                (match.start(), int(match.group(3)), month_number, int(match.group(2)))
            )
    for match in WORD_DATE_DMY.finditer(text):
        month_number = _month(vocab, match.group(2))
        if month_number:
            candidates.append(
                (match.start(), int(match.group(3)), month_number, int(match.group(1)))
            )
    for _, year, month, day in sorted(candidates):
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            continue
    return None


def first_section_end(doc: Document, after: int) -> int:
    """Last line of the section that starts right after the header (its first heading)."""
    headings = [b.line for b in doc.blocks if b.kind == "heading" and b.level <= 3]
    later = [line for line in headings if line > after + 1]
    return later[0] - 1 if later else len(doc.lines)


def header_end(doc: Document) -> int:
    """Last line of the header area: before the first heading that follows a body block."""
    seen_content = False
    for block in doc.blocks[1:]:
        if block.kind == "heading" and seen_content and block.level <= 3:
            return min(block.line - 1, HEADER_LINES)
        if block.kind in ("paragraph", "table"):
            seen_content = True
    return HEADER_LINES


def _sequence_number(value: str) -> str | None:
    if ORDINAL.match(value.strip()):
        return None  # "6th consecutive session" counts sessions; it numbers none
    if ISO_DATE.search(value):
        value = ISO_DATE.sub(" ", value)
    match = NUMBER.search(value)
    if match is None:
        return None
    number = match.group(1)
    if len(number) > MAX_SEQUENCE_CHARS:
        return None  # a run of 40 digits is an id or a hash, not a report's number
    return number.lstrip("Ww") if number[:1] in "Ww" else (number if number[:1].isdigit() else None)


def sequence_from_title(title: str, vocab: Vocabulary) -> str | None:
    """``Session 12``, ``Iteration 0001``, ``Day 3``, ``Sprint W07``, ``Restart #3``."""
    for phrase in vocab.role("meta", "sequence").phrases:
        if not phrase.isalpha() or len(phrase) < 3:
            continue
        pattern = re.compile(
            rf"(?<![\w]){re.escape(phrase)}\s*[-#№:]?\s*([A-Za-z]?\d+)(?![\d-])", re.IGNORECASE
        )
        match = pattern.search(title)
        if match:
            return match.group(1).lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    leading = re.match(r"^(\d{2,})\s*[·.\-:]\s", title)
    return leading.group(1) if leading else None


def kind_of(title: str, status_text: str, vocab: Vocabulary) -> ReportKind:
    """The kind word that comes first in the title ("Remediation — Status Report" is a
    remediation; "Progress - ... Achieved!" a status report)."""
    best: tuple[int, int, ReportKind] | None = None
    for order, kind in enumerate(KIND_ORDER):
        span = vocab.role("kinds", kind).first_match(title)
        if span is not None and NUMBERED.match(title, span[1]):
            continue  # "Plan 02", "Phase 1 Plan 01": an identifier, not the report's kind
        if span is not None and (best is None or (span[0], order) < best[:2]):
            best = (span[0], order, kind)
    if best is not None:
        return best[2]
    if vocab.role("kinds", "other").found(title):
        return "other"
    if status_text and vocab.role("status", "pass").found(status_text):
        return "completion"
    return "status"


def scope_from_title(title: str, vocab: Vocabulary) -> str | None:
    """The unit of work a title names, without its report-kind words:

    - ``X - Phase 1 Completion Report`` -> ``X - Phase 1`` (the words before the kind word);
    - ``Phase 6 Magnetism Visualization Report`` -> ``Phase 6`` (a unit and its number first);
    - ``GAP-010: Mobile Input Coverage`` -> ``GAP-010`` (an identifier before a colon);
    - ``Day 13 Summary: PR creation`` -> ``PR creation`` (a session's kind, then its subject).
    """
    kind_start = _first_kind_word(title, vocab)
    units = vocab.role("meta", "scope")
    if kind_start is not None and kind_start > 0:
        prefix = title[:kind_start].strip(" -—–:·|")
        names_unit = units.found(prefix) or IDENTIFIER_TOKEN.search(prefix) is not None
        only_a_session = SEQUENCE_ONLY.match(prefix) and vocab.role("meta", "sequence").found(
            prefix
        )
        if prefix and names_unit and not only_a_session:
            return prefix
        rest = title[kind_start:]
        colon = rest.find(":")
        if colon >= 0 and vocab.role("meta", "sequence").found(prefix):
            subject = rest[colon + 1 :].strip()  # "Day 13 Summary: <subject>"
            return subject or None
    lead = UNIT_AND_ID.match(title)
    if lead is not None and units.exact(lead.group("unit")):
        return lead.group(0).strip(" -—–:")
    ident = LEADING_IDENTIFIER.match(title)
    if ident is not None:
        return ident.group(1)
    tail = TITLE_TAIL_ID.search(title)
    if tail is not None:
        return tail.group(1)  # "Test Coverage Report - PLAT-402", "Quality Gate Report - v008"
    return None


def _first_kind_word(title: str, vocab: Vocabulary) -> int | None:
    best: int | None = None
    for kind in (*KIND_ORDER, "other"):
        span = vocab.role("kinds", kind).first_match(title)
        if span is not None and not NUMBERED.match(title, span[1]):
            best = span[0] if best is None else min(best, span[0])
    return best


def _clean_value(value: str) -> str:
    value = PARENTHETICAL_MARKDOWN_LINK.sub("]", value)
    value = value.replace("[", "").replace("]", "")
    return value.strip().strip("*_").strip().rstrip(".").strip()


def _leading_date(doc: Document) -> str | None:
    """``> Updated 2026-06-07.``: a header line opening with a date word and a date."""
    dates = doc.vocab.role("meta", "date")
    for raw in doc.lines[:FALLBACK_LINES]:
        text = raw.strip().lstrip(">*_ ")
        words = text.split()
        if words and dates.exact(words[0]):
            found = parse_date(text[:60], doc.vocab)
            if found:
                return found
    return None


def _compound_role(label: str, vocab: Vocabulary) -> str | None:
    """The role of a label written without spaces that ends with a field word
    ("レポート作成者": report + author, "报告完成者"): the longest such word decides."""
    text = normalise_label(label)
    if not NO_SPACE_SCRIPT.search(text):
        return None
    best: tuple[int, str] | None = None
    for role, phrases in vocab.roles("meta").items():
        for phrase in phrases.phrases:
            if (
                NO_SPACE_SCRIPT.search(phrase)
                and text.endswith(phrase)
                and (best is None or len(phrase) > best[0])
            ):
                best = (len(phrase), role)
    return best[1] if best else None


def _field_role(field: Field, vocab: Vocabulary) -> str | None:
    role = (
        vocab.first_role("meta", field.label, exact=True)
        or vocab.first_role("meta", PARENTHESES.sub("", field.label), exact=True)
        or _compound_role(PARENTHESES.sub("", field.label), vocab)
    )
    if role is None and parse_date(field.value[:40], vocab) is not None:
        # "Last updated", "生成日期", "audited_at": any label holding a date word, with a date
        label = field.label.replace("_", " ")
        if vocab.role("meta", "date").found(label) or DATE_KEY.search(field.label):
            role = "date"
    return role


def _footer_fields(doc: Document) -> list[Field]:
    """Sign-off lines at the end (``**Reviewed by**: ...``, ``_Verifier: Claude_``,
    ``Powered by Copilot``): where many reports name their author."""
    start = max(0, len(doc.lines) - FOOTER_LINES)
    found: list[Field] = []
    for offset, raw in enumerate(doc.lines[start:], start=start + 1):
        text = MARKDOWN_LINK.sub(r"\1", raw.strip())  # "[Claude Code](https://...)"
        text = text.strip("*_>").replace("**", "").replace("__", "").strip("*_ ")
        parsed = split_field(text)
        if parsed is None:
            signed = SIGNED_BY.match(text)
            if signed is None:
                continue
            parsed = (signed.group(1), signed.group(2))
        found.append(Field(parsed[0], TRAILING_MARKS.sub("", parsed[1]), offset, None, "line"))
    return found


# a value that opens with a percentage: a figure ("95%", "**100%** coverage")
MEASURE = re.compile(r"^[\s*_~<>=≥≤]*\d+(?:[.,]\d+)?\s?%")


def extract_meta(doc: Document) -> Meta:
    vocab = doc.vocab
    meta = Meta()
    headings = [b for b in doc.blocks if b.kind == "heading"]
    title_block = next((b for b in headings if b.level == 1), headings[0] if headings else None)
    if title_block is not None:
        meta.title = clean_title(title_block.text) or None
        meta.lines["title"] = title_block.line
    elif doc.front_matter and isinstance(doc.front_matter.get("title"), str):
        meta.title = clean_title(doc.front_matter["title"])

    fields: dict[str, Field] = {}
    status_text = ""
    limit = header_end(doc)
    date_limit = min(first_section_end(doc, limit), FALLBACK_LINES)
    for field in iter_fields(doc, until_line=max(limit, date_limit)):
        role = _field_role(field, vocab)
        if role is None or not field.value.strip():
            continue
        if role == "status":
            status_text = status_text or field.value
            continue
        if field.line > limit and role != "date":
            continue  # past the header only a date in the first section ("## Run / Date: ...")
        if role == "date" and parse_date(field.value, vocab) is None:
            continue
        if role == "sequence" and _sequence_number(_clean_value(field.value)) is None:
            continue
        if role == "scope" and MEASURE.match(field.value):
            continue  # "Target: 95% ✅" states a figure, not what the report is about
        fields.setdefault(role, field)
    for field in _footer_fields(doc):
        if _field_role(field, vocab) == "author" and field.value.strip():
            fields.setdefault("author", field)

    front = doc.front_matter or {}
    planning = "phase" in front and "plan" in front
    for role, field in fields.items():
        value = _clean_value(field.value)
        if role == "date":
            meta.date = parse_date(field.value, vocab)
        elif role == "sequence":
            if planning and normalise_label(field.label) != "plan":
                continue
            number = _sequence_number(value)
            if number is None:
                continue
            meta.sequence = number
        elif role == "scope":
            if planning and normalise_label(field.label) != "phase":
                continue
            meta.scope = value
        elif role == "author":
            meta.author = value
        elif role == "in_response_to":
            meta.in_response_to = value.strip("`").replace("`", "")
        else:
            continue
        meta.lines[role] = field.line

    if meta.date is None and "date" not in fields:
        for key in ("completed", "verified", "date", "created"):
            if key in front:
                meta.date = parse_date(str(front[key]), vocab)
                if meta.date:
                    break
    if meta.date is None and meta.title:
        meta.date = parse_date(meta.title, vocab)  # "Session 2025-12-08 Restart #3"
    if meta.date is None:
        meta.date = _leading_date(doc)
    if meta.title:
        if meta.sequence is None:
            meta.sequence = sequence_from_title(meta.title, vocab)
        if meta.scope is None:
            meta.scope = scope_from_title(meta.title, vocab)
    if meta.scope is None and "version" in fields:
        meta.scope = _clean_value(fields["version"].value)  # what the report is about: v0.1
    declared = " ".join(str(front.get(key, "")) for key in ("kind", "type", "doc_type"))
    meta.kind = kind_of(f"{meta.title or ''} {declared}".strip(), status_text, vocab)
    return meta
