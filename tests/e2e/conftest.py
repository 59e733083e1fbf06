"""A real server, a fresh SQLite database with reports posted over HTTP, and headless Chromium.

Chromium is Debian's (``apt-get install chromium``; ``.ci/run`` installs it), driven by
Playwright's Python package; ``playwright install`` is never run. Missing Chromium fails these
tests rather than skipping them. Screenshots go to ``tests/e2e/artifacts/`` (not committed).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, Request, Route, sync_playwright

from db.engine import create_engine, session_factory
from db.migrate import upgrade
from db.tokens import create_token
from reports_service.devserver import server_process
from tests.e2e import hostile
from tests.samples import EXAMPLES, report_markdown

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]  # fmt: skip
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "e2e" / "artifacts"
GOLDEN = sorted((ROOT / "tests" / "parsers" / "golden").glob("*.md"))
CORPUS = ROOT.parent / "shared" / "corpus"
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@dataclass
class Site:
    base: str
    #: project -> ids of the reports posted to it, in posting order
    reports: dict[str, list[int]] = field(default_factory=dict)
    hostile_id: int = 0
    huge_id: int = 0

    client: httpx.Client | None = None

    def api(self, path: str) -> object:
        if self.client is None:
            # a new connection per request: between two calls a browser step may outlast the
            # server's keep-alive, and a reused connection it just closed resets (ReadError)
            self.client = httpx.Client(
                base_url=self.base,
                timeout=30,
                limits=httpx.Limits(max_keepalive_connections=0),
            )
        response = self.client.get(path)
        response.raise_for_status()
        return response.json()


def _corpus() -> list[tuple[str, Path]]:
    """(project, file) for each corpus report, a project per source repository; [] without it."""
    sources = CORPUS / "SOURCES.tsv"
    if not sources.is_file():
        return []
    found = []
    for line in sources.read_text().splitlines()[1:]:
        name, repo, *_ = line.split("\t")
        path = CORPUS / "reports" / name
        if path.is_file():
            found.append(("corpus-" + re.sub(r"[^A-Za-z0-9._-]+", "-", repo)[:90], path))
    return found


def _tokens(url: str, projects: set[str]) -> dict[str, str]:
    async def make() -> dict[str, str]:
        engine = create_engine(url)
        sessions = session_factory(engine)
        tokens = {}
        async with sessions() as session:
            for project in sorted(projects):
                tokens[project] = (await create_token(session, project))[1]
        await engine.dispose()
        return tokens

    return asyncio.run(make())


def _post(client: httpx.Client, token: str, project: str, body: dict[str, str]) -> int:
    response = client.post(
        f"/api/projects/{project}/reports",
        content=json.dumps(body),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert response.status_code in (200, 201), response.text
    report_id: int = response.json()["id"]
    return report_id


def _posts() -> list[tuple[str, dict[str, str]]]:
    posts: list[tuple[str, dict[str, str]]] = []
    for path in EXAMPLES:
        posts.append(("examples", {"markdown": path.read_text(), "agent": "cursor"}))
    for path in GOLDEN:
        posts.append(("fixtures", {"markdown": path.read_text(), "agent": "claude-code"}))
    for series, count, agent in (("alpha", 6, "claude-code"), ("beta", 3, "codex")):
        for number in range(1, count + 1):
            markdown = report_markdown(number * 7, series=series, date=f"2025-11-{10 + number}")
            fields = {"agent": agent, "remediation": f"{series} coverage", "session": f"s{number}"}
            posts.append(("fixtures", {"markdown": markdown, **fields}))
    for project, path in _corpus():
        posts.append((project, {"markdown": path.read_text(errors="replace")}))
    return posts


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    directory = tmp_path_factory.mktemp("e2e")
    url = f"sqlite+aiosqlite:///{directory / 'e2e.sqlite3'}"
    upgrade(url)
    posts = _posts()
    tokens = _tokens(url, {p for p, _ in posts} | {"hostile", "empty-project"})
    with server_process(url, directory / "server.log") as base:
        made = Site(base=base)
        with httpx.Client(base_url=base, timeout=60) as client:
            for project, body in posts:
                made.reports.setdefault(project, []).append(
                    _post(client, tokens[project], project, body)
                )
            attack = {"markdown": hostile.SCRIPTS, "agent": "<script>x</script>"}
            made.hostile_id = _post(client, tokens["hostile"], "hostile", attack)
            huge = {"markdown": hostile.HUGE_TABLE}
            made.huge_id = _post(client, tokens["hostile"], "hostile", huge)
        yield made
        if made.client is not None:
            made.client.close()


@pytest.fixture(scope="session")
def browser(site: Site) -> Iterator[Browser]:
    """After ``site``: Playwright's sync API keeps an event loop running while it is open, and
    setting up the site runs asyncio itself."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Watched:
    """A page, with what went wrong in it: script errors, dialogs, requests off this server."""

    page: Page
    errors: list[str] = field(default_factory=list)  #: script errors, console errors (CSP)
    dialogs: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def watch(browser: Browser, site: Site, **context: object) -> Iterator[Watched]:
    ctx = browser.new_context(**context)  # type: ignore[arg-type]
    page = ctx.new_page()
    watched = Watched(page)
    page.on("pageerror", lambda error: watched.errors.append(str(error)))
    page.on(
        "console",
        lambda message: watched.errors.append(message.text) if message.type == "error" else None,
    )
    page.on("dialog", lambda dialog: (watched.dialogs.append(dialog.message), dialog.dismiss()))

    def keep_local(route: Route, request: Request) -> None:
        """Let requests to this server through; record and refuse any other."""
        if request.url.startswith(site.base + "/"):
            route.continue_()
        else:
            watched.foreign.append(request.url)
            route.abort()

    page.route("**/*", keep_local)
    yield watched
    ctx.close()


@pytest.fixture
def laptop(browser: Browser, site: Site) -> Iterator[Watched]:
    yield from watch(browser, site, viewport=LAPTOP)


@pytest.fixture
def phone(browser: Browser, site: Site) -> Iterator[Watched]:
    yield from watch(browser, site, viewport=PHONE, is_mobile=True, has_touch=True)
