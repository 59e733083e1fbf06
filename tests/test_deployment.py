"""The deployment files: Docker does not run here, so their structure is what is checked.

docker-compose.yml must start PostgreSQL (healthy), then run the migrations once, then the app;
secrets come from the environment; the Dockerfile's commands are the ones the README documents;
and the package pip builds for the image carries its data files (vocabularies, migrations).
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
VARIABLE = re.compile(r"\$\{(\w+)(?::?[-?][^}]*)?\}")


def compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def service(name: str) -> dict[str, Any]:
    found: dict[str, Any] = compose()["services"][name]
    return found


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) of each Dockerfile instruction, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    text = re.sub(r"\\\n\s*", " ", text)
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            instructions.append((word.upper(), rest.strip()))
    return instructions


def instruction(name: str) -> list[str]:
    return [rest for word, rest in dockerfile() if word == name]


def readme_commands() -> set[str]:
    """Every line of the README's shell code blocks, comments and prompts dropped."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = set()
    for block in re.findall(r"```(?:bash|sh|shell)\n(.*?)```", text, re.DOTALL):
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            if line:
                lines.add(line)
    return lines


def test_services_start_in_order_database_migrations_app() -> None:
    assert set(compose()["services"]) == {"db", "migrate", "app"}
    assert service("migrate")["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert service("app")["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }
    assert service("migrate")["command"] == ["reports-service", "db", "upgrade"]
    assert service("app")["environment"]["REPORTS_AUTO_MIGRATE"] == "false"
    assert service("migrate")["restart"] == "no"


def test_the_database_is_postgres_with_a_health_check_and_a_named_volume() -> None:
    db = service("db")
    assert db["image"].startswith("postgres:")
    check = db["healthcheck"]
    assert check["test"][0] == "CMD-SHELL"
    assert check["test"][1].startswith("pg_isready ")
    assert {"interval", "timeout", "retries"} <= set(check)
    (volume,) = db["volumes"]
    name, mount = volume.split(":")
    assert mount == "/var/lib/postgresql/data"
    assert name in compose()["volumes"]


def test_the_app_reaches_the_database_by_its_service_name() -> None:
    url = service("app")["environment"]["REPORTS_DATABASE_URL"]
    assert url == service("migrate")["environment"]["REPORTS_DATABASE_URL"]
    assert url.startswith("postgresql+asyncpg://")
    assert "@db:5432/" in url
    assert service("app")["build"] == "."
    assert service("app")["ports"] == ["${REPORTS_PORT:-8000}:8000"]


def test_secrets_come_from_the_environment_only() -> None:
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    password = service("db")["environment"]["POSTGRES_PASSWORD"]
    assert password == "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}"
    assert "${POSTGRES_PASSWORD:?" in service("app")["environment"]["REPORTS_DATABASE_URL"]
    for line in text.splitlines():
        if re.search(r"(?i)(password|secret|token)\s*[:=]", line):
            assert "${" in line, f"a literal secret in docker-compose.yml: {line}"
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^(\w+)=", example, re.MULTILINE))
    assert set(VARIABLE.findall(text)) <= documented
    assert re.search(r"^POSTGRES_PASSWORD=$", example, re.MULTILINE), "no password committed"
    for ignore in (".gitignore", ".dockerignore"):
        assert ".env" in (ROOT / ignore).read_text(encoding="utf-8").splitlines()
    tracked = subprocess.run(
        ["git", "ls-files", ".env"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert tracked.stdout == ""


def test_dockerfile_builds_the_package_and_runs_it_as_a_user() -> None:
    (base,) = instruction("FROM")
    assert base == "python:3.11-slim"
    assert any(
        run.startswith("pip install . ") or run == "pip install ." for run in instruction("RUN")
    )
    (user,) = instruction("USER")
    assert user not in ("root", "0")
    words = [word for word, _ in dockerfile()]
    assert words.index("USER") < words.index("CMD")
    for copy in instruction("COPY"):
        *sources, _ = copy.split()
        for source in sources:
            assert (ROOT / source).exists(), f"COPY {source}: no such file"
    dockerignore = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert {".env", ".venv", "data/", ".git"} <= set(dockerignore)


def test_the_images_commands_are_the_ones_the_readme_documents() -> None:
    (cmd,) = instruction("CMD")
    command = json.loads(cmd)
    documented = readme_commands()
    assert shlex.join(command) in documented
    assert shlex.join(service("migrate")["command"]) in documented
    assert shlex.join(service("app")["command"]) in documented
    assert "docker compose up -d" in documented
    assert "cp .env.example .env" in documented


@pytest.mark.slow
def test_the_package_pip_builds_carries_its_data_files(tmp_path: Path) -> None:
    """`pip install .` in the image is not editable: vocabularies and migrations must be in it.

    Built the way the image builds it (an isolated build, setuptools from the package index).
    """
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
         "--wheel-dir", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("reports_service-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    vocab = {p.relative_to(ROOT).as_posix() for p in (ROOT / "parsers" / "vocab").glob("*.yaml")}
    versions = ROOT / "db" / "migrations" / "versions"
    migrations = {p.relative_to(ROOT).as_posix() for p in versions.glob("*.py")}
    assert vocab
    assert vocab <= names
    assert migrations <= names
    assert {"db/migrations/env.py", "db/migrations/script.py.mako"} <= names
    assert not any(name.startswith("tests/") for name in names)
