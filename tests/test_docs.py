"""The README says what the code does: its configuration table, its commands, its quick start."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from reports_service.cli import COMMANDS, main
from reports_service.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.DOTALL | re.MULTILINE)
    assert match, f"no section '{title}'"
    return match.group(1)


def readme_defaults() -> dict[str, str]:
    """``REPORTS_X`` -> default, from the server's configuration table."""
    table = section("Configuration").split("The client")[0]
    return dict(re.findall(r"^\| `(REPORTS_\w+)` \| `([^`]*)`", table, re.MULTILINE))


def test_the_configuration_table_is_every_setting_with_its_default() -> None:
    documented = readme_defaults()
    defaults = Settings(_env_file=None).model_dump()  # type: ignore[call-arg]
    prefix = Settings.model_config["env_prefix"]
    assert set(documented) == {f"{prefix}{name}".upper() for name in defaults}
    for name, value in defaults.items():
        shown = str(value).lower() if isinstance(value, bool) else str(value)
        assert documented[f"{prefix}{name}".upper()] == shown, name


def test_the_quick_start_is_two_commands() -> None:
    quick = section("Quick start")
    assert "make run " in quick
    assert "make test " in quick


def test_every_command_is_in_the_command_table() -> None:
    table = section("The command line")
    for name in COMMANDS:
        assert f"| `{name}" in table or f"`{name} " in table, name


def all_commands() -> list[list[str]]:
    """Every command and subcommand, as the words that invoke it."""
    paths = []
    for name in sorted(COMMANDS):
        command = main.get_command(click.Context(main), name)
        assert command is not None
        paths.append([name])
        if isinstance(command, click.Group):
            paths.extend([name, sub] for sub in command.list_commands(click.Context(command)))
    return paths


@pytest.mark.parametrize("words", all_commands(), ids=" ".join)
def test_every_command_has_help(words: list[str]) -> None:
    result = CliRunner().invoke(main, [*words, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: ")
    assert len(result.output.splitlines()) > 3


def test_the_top_level_help_lists_every_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name, (_, summary) in COMMANDS.items():
        assert name in result.output
        assert summary.split()[0] in result.output
