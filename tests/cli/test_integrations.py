"""Every snippet of docs/integrations.md, read from the file and run against a real server."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import httpx
import pytest
import yaml

from tests.cli.conftest import LiveServer, command_env, run_command
from tests.samples import report_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "integrations.md"
SNIPPET = re.compile(r"<!-- snippet: ([\w-]+) -->\n```(\w+)\n(.*?)\n```", re.DOTALL)
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Agent",
    "GIT_AUTHOR_EMAIL": "agent@example.org",
    "GIT_COMMITTER_NAME": "Agent",
    "GIT_COMMITTER_EMAIL": "agent@example.org",
}


def snippets() -> dict[str, tuple[str, str]]:
    """name -> (language, text) of each marked snippet in the doc."""
    return {name: (lang, text) for name, lang, text in SNIPPET.findall(DOC.read_text("utf-8"))}


@pytest.fixture(scope="module")
def token(live_server: LiveServer) -> str:
    created = run_command(
        "token", "create", "integrations", env=command_env(live_server.database_url)
    )
    assert created.returncode == 0, created.stderr
    return created.stdout.strip()


@pytest.fixture
def agent_env(live_server: LiveServer, token: str) -> dict[str, str]:
    """What an agent's machine has: the three variables, and the client on PATH."""
    return command_env(
        REPORTS_URL=live_server.url,
        REPORTS_PROJECT="integrations",
        REPORTS_TOKEN=token,
        **GIT_IDENTITY,
    )


def latest_report(server: LiveServer, agent: str) -> dict[str, object] | None:
    listing = httpx.get(
        f"{server.url}/api/projects/integrations/reports", params={"agent": agent}
    ).json()
    return listing["items"][0] if listing["items"] else None


def git_repository(path: Path, env: dict[str, str]) -> str:
    """A repository with one commit at ``path``; returns the commit."""
    path.mkdir(parents=True, exist_ok=True)
    for args in (["init", "-q"], ["commit", "-q", "--allow-empty", "-m", "work"]):
        subprocess.run(["git", *args], cwd=path, env=env, check=True)
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=path, env=env, capture_output=True, text=True, check=True
    )
    return head.stdout.strip()


def test_the_doc_has_the_four_snippets() -> None:
    assert set(snippets()) == {
        "claude-code-stop-hook",
        "agent-instruction",
        "github-actions-step",
        "git-pre-push-hook",
    }


def claude_stop_command() -> str:
    settings = json.loads(snippets()["claude-code-stop-hook"][1])
    (matcher,) = settings["hooks"]["Stop"]
    (hook,) = matcher["hooks"]
    assert hook["type"] == "command"
    command: str = hook["command"]
    return command


def run_claude_hook(project_dir: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The hook the way Claude Code runs it: a shell command, the event as JSON on stdin."""
    event = {"session_id": "s-1", "hook_event_name": "Stop", "stop_hook_active": False}
    return subprocess.run(
        ["bash", "-c", claude_stop_command()],
        env={**env, "CLAUDE_PROJECT_DIR": str(project_dir)},
        cwd="/",
        input=json.dumps(event),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_claude_code_stop_hook_posts_the_report(
    live_server: LiveServer, agent_env: dict[str, str], tmp_path: Path
) -> None:
    head = git_repository(tmp_path / "repo", agent_env)
    (tmp_path / "repo" / "REPORT.md").write_text(report_markdown(1, "claude"), encoding="utf-8")
    result = run_claude_hook(tmp_path / "repo", agent_env)
    assert result.returncode == 0, result.stderr
    assert "stored report" in result.stdout
    report = latest_report(live_server, "claude-code")
    assert report is not None
    assert report["commit"] == head


def test_claude_code_stop_hook_without_a_report_does_nothing(
    live_server: LiveServer, agent_env: dict[str, str], tmp_path: Path
) -> None:
    tmp_path.joinpath("empty-project").mkdir()
    before = httpx.get(f"{live_server.url}/api/projects/integrations/reports").json()["total"]
    result = run_claude_hook(tmp_path / "empty-project", agent_env)
    assert result.returncode == 0
    assert result.stdout == ""
    after = httpx.get(f"{live_server.url}/api/projects/integrations/reports").json()["total"]
    assert after == before


@pytest.mark.parametrize("broken", ["no token", "server down"])
def test_claude_code_stop_hook_never_exits_2(
    agent_env: dict[str, str], tmp_path: Path, broken: str
) -> None:
    """Exit code 2 would tell Claude to keep working: a failed post must be a plain failure."""
    env = dict(agent_env)
    if broken == "no token":
        del env["REPORTS_TOKEN"]
    else:
        env["REPORTS_URL"] = "http://127.0.0.1:9"  # discard port: nothing answers
    (tmp_path / "REPORT.md").write_text(report_markdown(2, "claude-broken"), encoding="utf-8")
    result = run_claude_hook(tmp_path, env)
    assert result.returncode == 1
    assert "Error" in result.stderr


def test_agent_instruction_line_runs_as_written(
    live_server: LiveServer, agent_env: dict[str, str], tmp_path: Path
) -> None:
    line = snippets()["agent-instruction"][1]
    assert "REPORT.md" in line
    (command,) = re.findall(r"`(reports-service [^`]+)`", line)
    (tmp_path / "REPORT.md").write_text(report_markdown(3, "codex"), encoding="utf-8")
    result = subprocess.run(
        ["bash", "-c", command],
        env=agent_env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    url, summary = result.stdout.strip().splitlines()
    assert url.startswith(f"{live_server.url}/api/projects/integrations/reports/")
    assert summary.startswith("stored report ")
    assert latest_report(live_server, "codex") is not None


def github_step() -> dict[str, object]:
    (step,) = yaml.safe_load(snippets()["github-actions-step"][1])
    assert isinstance(step, dict)
    return step


def run_github_step(env: dict[str, str], workspace: Path) -> subprocess.CompletedProcess[str]:
    """The step's ``run`` as the runner does it (bash -e), its ``env`` filled from ours."""
    step = github_step()
    step_env = step["env"]
    assert isinstance(step_env, dict)
    values = {}
    for name, expression in step_env.items():
        match = re.fullmatch(r"\$\{\{ (vars|secrets)\.(\w+) \}\}", expression)
        assert match, expression
        values[name] = env.get(match.group(2), "")
    return subprocess.run(
        ["bash", "-e", "-c", str(step["run"])],
        env={**env, **values},
        cwd=workspace,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_github_actions_step_posts_the_report(
    live_server: LiveServer, agent_env: dict[str, str], tmp_path: Path
) -> None:
    step = github_step()
    assert "REPORT.md" in str(step["if"])
    assert step["continue-on-error"] is True
    markdown = report_markdown(4, "actions")
    (tmp_path / "REPORT.md").write_text(markdown, encoding="utf-8")
    result = run_github_step(agent_env, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    stored = json.loads(result.stdout)
    raw = httpx.get(f"{live_server.url}{stored['raw_url']}")
    assert raw.text == markdown


def test_github_actions_step_fails_visibly_on_a_bad_token(
    agent_env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "REPORT.md").write_text(report_markdown(5, "actions"), encoding="utf-8")
    result = run_github_step({**agent_env, "REPORTS_TOKEN": "rst_000000000000_wrong"}, tmp_path)
    assert result.returncode != 0
    assert "unknown or revoked" in result.stdout


def install_pre_push_hook(repository: Path) -> None:
    hook = repository / ".git" / "hooks" / "pre-push"
    hook.write_text(snippets()["git-pre-push-hook"][1] + "\n", encoding="utf-8")
    hook.chmod(0o755)


def push_with_hook(tmp_path: Path, env: dict[str, str], series: str) -> tuple[str, str]:
    """A repository with the hook and a report pushes to a bare remote; (commit, push stderr)."""
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], env=env, check=True)
    work = tmp_path / "work"
    head = git_repository(work, env)
    install_pre_push_hook(work)
    (work / "REPORT.md").write_text(report_markdown(6, series), encoding="utf-8")
    subprocess.run(["git", "remote", "add", "origin", str(remote)], cwd=work, env=env, check=True)
    push = subprocess.run(
        ["git", "push", "-q", "origin", "HEAD:refs/heads/main"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert push.returncode == 0, push.stderr
    pushed = subprocess.run(
        ["git", "rev-parse", "main"], cwd=remote, env=env, capture_output=True, text=True
    )
    assert pushed.stdout.strip() == head
    return head, push.stderr


def test_git_pre_push_hook_posts_the_pushed_commit(
    live_server: LiveServer, agent_env: dict[str, str], tmp_path: Path
) -> None:
    head, _ = push_with_hook(tmp_path, {**agent_env, "REPORTS_AGENT": "pusher"}, "push")
    report = latest_report(live_server, "pusher")
    assert report is not None
    assert report["commit"] == head


def test_git_pre_push_hook_never_blocks_the_push(agent_env: dict[str, str], tmp_path: Path) -> None:
    env = {**agent_env, "REPORTS_URL": "http://127.0.0.1:9"}
    _, stderr = push_with_hook(tmp_path, env, "push-down")
    assert "cannot reach http://127.0.0.1:9" in stderr
    assert "pushing anyway" in stderr
