"""``reports-service parse FILE... [--json]``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from parsers import ParsedReport, parse_report


def read_report(path: Path) -> str:
    """The file's text; a clear ClickException when it cannot be read as UTF-8 text."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot read file ({exc.strerror or exc})") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise click.ClickException(
            f"{path}: not UTF-8 text (invalid byte at offset {exc.start}); "
            "save the report as UTF-8 and try again"
        ) from exc


def describe(path: Path, report: ParsedReport) -> str:
    meta = report.meta
    lines = [f"{path}: {meta.title or '(no title)'}  [{meta.kind}]"]
    header = {
        k: v for k, v in meta.model_dump().items() if k not in ("title", "kind", "lines") and v
    }
    if header:
        lines.append("  " + ", ".join(f"{k}={v}" for k, v in header.items()))
    for gate in report.gates:
        target = f" target {gate.target}" if gate.target else ""
        current = f" current {gate.current}" if gate.current else ""
        lines.append(f"  gate  {gate.status:<7} {gate.name}{target}{current}  (line {gate.line})")
    for figure in report.coverage:
        target = f" (target {figure.target:g}%)" if figure.target is not None else ""
        lines.append(f"  cov   {figure.value:g}% {figure.scope}{target}  (line {figure.line})")
    for run in report.tests:
        counts = ", ".join(
            f"{k} {v}"
            for k in ("total", "passed", "failed", "skipped", "errors")
            if (v := getattr(run, k)) is not None
        )
        lines.append(f"  tests {run.suite or 'total'}: {counts}  (line {run.line})")
    for change in report.files_changed:
        lines.append(f"  file  {change.change or '?':<8} {change.path}  (line {change.line})")
    for blocker in report.blockers:
        state = "resolved" if blocker.resolved else "OPEN"
        lines.append(f"  block {state:<8} {blocker.text}  (line {blocker.line})")
    for command in report.commands:
        lines.append(f"  cmd   {command.text}  (line {command.line})")
    for issue in report.issues:
        lines.append(f"  issue line {issue.line}: {issue.message}")
    return "\n".join(lines)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file (JSON Lines).")
def parse(files: tuple[Path, ...], as_json: bool) -> None:
    """Parse report FILES and print what they hold.

    With --json, prints one JSON object per file, one per line, in the order given. A file that
    cannot be read is reported on stderr after the others, and the exit code is 1.
    """
    failures = 0
    for path in files:
        try:
            text = read_report(path)
        except click.ClickException as exc:
            click.echo(f"error: {exc.message}", err=True)
            failures += 1
            continue
        report = parse_report(text)
        if as_json:
            sys.stdout.write(json.dumps(report.to_schema_dict(), ensure_ascii=False) + "\n")
        else:
            click.echo(describe(path, report))
    if failures:
        raise SystemExit(1)
