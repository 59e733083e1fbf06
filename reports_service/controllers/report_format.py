"""The report format agents can aim at: its front matter as JSON Schema."""

from __future__ import annotations

from typing import Any

from litestar import get

from parsers.front_matter import report_format_schema


@get(
    "/api/report-format/schema",
    summary="JSON Schema of the YAML front matter the parser takes exactly",
    description=(
        "Reports may open with YAML front matter (gates, tests, coverage, blockers, "
        "files_changed, commands and header keys); where present it is taken exactly. "
        "The guide is docs/REPORT_FORMAT.md."
    ),
    tags=["report format"],
    sync_to_thread=False,
)
def report_format_schema_endpoint() -> dict[str, Any]:
    return report_format_schema()
