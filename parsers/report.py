"""``parse_report``: markdown text in, :class:`ParsedReport` out; never raises on a str."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from parsers import matching
from parsers.document import Document, build_document
from parsers.front_matter import FrontMatter, read_front_matter
from parsers.lint import lint, summarize
from parsers.merge import merge_front_matter
from parsers.models import ParsedReport
from parsers.mojibake import repair_mojibake
from parsers.registry import REGISTRY
from parsers.vocabulary import Vocabulary, default_vocabulary
from parsers.vocabulary import clear_memo as clear_vocabulary_memo

PARSER_VERSION = "1"


def parse_report(
    text: str,
    vocabulary: Vocabulary | None = None,
    extra_words: Mapping[str, Mapping[str, Iterable[str]]] | None = None,
) -> ParsedReport:
    """Parse one report.

    ``extra_words`` adds phrases to the vocabulary (a project's own status words, column names,
    section names), in the same shape as the files in ``parsers/vocab``.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_report expects the report as str, not {type(text).__name__}")
    vocab = vocabulary or default_vocabulary()
    if extra_words:
        vocab = vocab.extended(extra_words)
    matching.clear_memo()
    clear_vocabulary_memo()
    text, repaired = repair_mojibake(text)
    doc = build_document(text, vocab)
    if repaired:
        doc.issue(
            None,
            f"{repaired} characters were UTF-8 read as Windows-1252 or Mac Roman (such as"
            " 'âœ…' for '✅'); read as repaired",
        )
    if doc.front_matter_error is not None:
        doc.issue(*doc.front_matter_error)
    values: dict[str, object] = {}
    for extractor in REGISTRY:
        try:
            values[extractor.field] = doc.found[extractor.field] = extractor.function(doc)
        except Exception as exc:
            doc.issue(None, f"{extractor.field}: could not be read ({type(exc).__name__}: {exc})")
    if not text.strip():
        doc.issue(1, "the report is empty")
    front = _front_matter(doc)
    if front is not None:
        values = merge_front_matter(front, values)
    report = ParsedReport(parser_version=PARSER_VERSION, issues=doc.issues, **values)
    try:
        report.findings = lint(doc, report, front)
    except Exception as exc:
        doc.issue(None, f"lint: could not be run ({type(exc).__name__}: {exc})")
    report.summary = summarize(report)
    return report


def _front_matter(doc: Document) -> FrontMatter | None:
    """The front matter's items; what breaks the schema becomes a ParseIssue, never a drop."""
    try:
        front = read_front_matter(doc)
    except Exception as exc:
        doc.issue(1, f"front matter: could not be read ({type(exc).__name__}: {exc})")
        return None
    if front is not None:
        for problem in front.problems:
            if problem.kind == "error":
                doc.issue(problem.line, problem.message)
    return front
