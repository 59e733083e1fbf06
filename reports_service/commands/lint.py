"""``reports-service lint FILE... [--json] [--strict]``: check reports before posting them.

Exit codes: 0 when no report has an error finding (warnings and suggestions do not count, unless
``--strict``), 1 when at least one report has an error finding (or, with ``--strict``, any
finding), 2 when a file cannot be read or the command line is wrong.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from parsers import ParsedReport, parse_report
from reports_service.commands.parse import read_report

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2


def describe(path: Path, report: ParsedReport) -> str:
    lines = [
        f"{path}:{finding.line or 1}: {finding.severity} [{finding.code}] {finding.message}\n"
        f"    fix: {finding.fix}"
        for finding in report.findings
    ]
    lines.append(f"{path}: {report.summary}")
    return "\n".join(lines)


def as_record(path: Path, report: ParsedReport) -> dict[str, object]:
    return {
        "file": str(path),
        "summary": report.summary,
        "errors": sum(1 for finding in report.findings if finding.severity == "error"),
        "findings": [finding.model_dump(mode="json") for finding in report.findings],
    }


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file (JSON Lines).")
@click.option("--strict", is_flag=True, help="Exit 1 on any finding, not only on errors.")
def lint(files: tuple[Path, ...], as_json: bool, strict: bool) -> None:
    """Check report FILES against the report format (docs/REPORT_FORMAT.md).

    Prints each finding with its line and how to fix it, then a one-line summary per file.

    \b
    Exit codes:
      0  no error findings (warnings and suggestions are printed but pass)
      1  at least one error finding (with --strict: at least one finding of any kind)
      2  a file could not be read (reported on stderr), or the arguments were wrong
    """
    failing = unreadable = False
    for path in files:
        try:
            text = read_report(path)
        except click.ClickException as exc:
            click.echo(f"error: {exc.message}", err=True)
            unreadable = True
            continue
        report = parse_report(text)
        if as_json:
            sys.stdout.write(json.dumps(as_record(path, report), ensure_ascii=False) + "\n")
        else:
            click.echo(describe(path, report))
        errors = [f for f in report.findings if f.severity == "error" or strict]
        failing = failing or bool(errors)
    if unreadable:
        raise SystemExit(EXIT_UNREADABLE)
    if failing:
        raise SystemExit(EXIT_FINDINGS)
