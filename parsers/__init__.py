"""Markdown agent reports -> structured data (pure: imports neither ``db`` nor the service)."""

from parsers.models import ParsedReport, ParseIssue
from parsers.report import PARSER_VERSION, parse_report
from parsers.vocabulary import Vocabulary, default_vocabulary

__all__ = [
    "PARSER_VERSION",
    "ParseIssue",
    "ParsedReport",
    "Vocabulary",
    "default_vocabulary",
    "parse_report",
]
