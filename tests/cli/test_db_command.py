"""``reports-service db``: failures say why, and never print the database password."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from reports_service.cli import main
from reports_service.devserver import free_port


def test_upgrade_of_an_unreachable_database_fails_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"postgresql+asyncpg://reports:hunter2@127.0.0.1:{free_port()}/reports"
    monkeypatch.setenv("REPORTS_DATABASE_URL", url)
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 1
    assert "cannot migrate the database" in result.stderr
    assert "REPORTS_DATABASE_URL" in result.stderr
    assert "hunter2" not in result.output
    assert "***" in result.stderr
    assert "Traceback" not in result.output


def test_a_command_on_a_database_that_does_not_answer_fails_clearly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the migration step first (REPORTS_AUTO_MIGRATE=false), the failure is explained."""
    url = f"postgresql+asyncpg://reports:hunter2@127.0.0.1:{free_port()}/reports"
    monkeypatch.setenv("REPORTS_DATABASE_URL", url)
    monkeypatch.setenv("REPORTS_AUTO_MIGRATE", "false")
    for args in (["token", "list"], ["export", "--project", "p"], ["reparse"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1, args
        assert "failed:" in result.stderr
        assert "REPORTS_DATABASE_URL" in result.stderr
        assert "hunter2" not in result.output
