"""``reports-service post FILE``: the agent side, one report to a running service."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from reports_service.client import PostError, post_report, summary_line


def _read(file: str) -> str:
    """The report's text; ``-`` reads standard input. UTF-8 is kept exactly (a BOM too)."""
    try:
        data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as exc:
        raise click.ClickException(f"{file}: cannot read file ({exc.strerror or exc})") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException(
            f"{file}: not UTF-8 text (invalid byte at offset {exc.start}); "
            "save the report as UTF-8 and try again"
        ) from exc
    if not text.strip():
        raise click.ClickException(f"{file}: the report is empty")
    return text


def _check_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not value.lower().startswith(("http://", "https://")):
        raise click.BadParameter(
            f"'{value}' is not an http(s) address; e.g. http://127.0.0.1:8000", ctx, param
        )
    return value


@click.command()
@click.argument("file")
@click.option(
    "--url",
    envvar="REPORTS_URL",
    show_envvar=True,
    callback=_check_url,
    help="The service, e.g. http://127.0.0.1:8000.",
)
@click.option("--project", envvar="REPORTS_PROJECT", show_envvar=True, help="Post to this project.")
@click.option(
    "--token",
    envvar="REPORTS_TOKEN",
    show_envvar=True,
    help="The project's token (prefer the variable: options show in process lists).",
)
@click.option("--agent", help="Who wrote the report, e.g. claude-code.")
@click.option("--session", help="The agent's session or run id.")
@click.option("--commit", help="The commit the report is about.")
@click.option("--remediation", help="The remediation (plan, workstream) the report belongs to.")
@click.option(
    "--retries",
    default=4,
    show_default=True,
    type=click.IntRange(0, 20),
    help="Retries on connection errors, timeouts, 5xx and 429 (never on other 4xx).",
)
@click.option(
    "--retry-delay",
    default=0.5,
    show_default=True,
    type=click.FloatRange(0, 60),
    help="Seconds before the first retry; doubles each time (jittered, at most 30).",
)
@click.option(
    "--timeout", default=30.0, show_default=True, type=click.FloatRange(0.1), help="Seconds."
)
@click.option("--json", "as_json", is_flag=True, help="Print the service's JSON answer instead.")
def post(
    file: str,
    url: str | None,
    project: str | None,
    token: str | None,
    agent: str | None,
    session: str | None,
    commit: str | None,
    remediation: str | None,
    retries: int,
    retry_delay: float,
    timeout: float,
    as_json: bool,
) -> None:
    """Post the report FILE ('-' for standard input) to a running reports-service.

    Prints the report's address and one line on what it holds, e.g. "stored report 12 (new): 5
    gates, 3 failing; 116 tests, 42 failed; 1 open blocker". Posting the same content again is
    harmless: the service answers with the report it already has.

    Exit codes: 0 stored (now or before); 1 not stored (unreadable file, refused, unreachable or
    failing service: the reason is on stderr); 2 a missing or malformed option.
    """
    if not url or not project or not token:
        missing = [
            f"{option} ({variable})"
            for option, variable, value in (
                ("--url", "REPORTS_URL", url),
                ("--project", "REPORTS_PROJECT", project),
                ("--token", "REPORTS_TOKEN", token),
            )
            if not value
        ]
        raise click.UsageError(
            "missing " + ", ".join(missing) + "; a token comes from "
            "`reports-service token create PROJECT` on the service's machine"
        )
    markdown = _read(file)

    def told(attempt: int, problem: str, delay: float) -> None:
        click.echo(f"attempt {attempt} failed ({problem}); retrying in {delay:.1f} s", err=True)

    try:
        posted = post_report(
            markdown,
            url=url,
            project=project,
            token=token,
            fields={
                "agent": agent,
                "session": session,
                "commit": commit,
                "remediation": remediation,
            },
            retries=retries,
            retry_delay=retry_delay,
            timeout=timeout,
            on_retry=told,
        )
    except PostError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(posted.body, ensure_ascii=False))
        return
    click.echo(posted.report_url)
    click.echo(summary_line(posted))
