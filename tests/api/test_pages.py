"""The dashboard pages over HTTP, on SQLite and PostgreSQL: figures agree with the API."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

import parsers.models as pm
from db.engine import run_sync
from db.models import Report
from db.store import replace_parse
from reports_service.app import create_app
from reports_service.dashboard.snapshot import SnapshotCache
from reports_service.settings import Settings
from tests.api.conftest import TokenFactory, bearer
from tests.api.test_reads import stored, with_items
from tests.pages import figures, row, text
from tests.samples import EXAMPLES, report_markdown

pytestmark = pytest.mark.anyio
Client = AsyncTestClient[Litestar]

FAIL = pm.Gate(line=3, name="Coverage", target=">=67%", current="50%", status="fail")
PASS = pm.Gate(line=4, name="Lint", target="0", current="0", status="pass")


async def page(client: Client, path: str, status: int = 200) -> str:
    response = await client.get(path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    return response.text


async def test_home_without_projects_says_how_to_post(client: Client) -> None:
    html = await page(client, "/")
    assert "POST a report to" in text(html)
    assert "/api/projects/&lt;project&gt;/reports" in html


async def test_home_figures_match_the_api(client: Client, make_token: TokenFactory) -> None:
    token = await make_token("alpha")
    await make_token("empty")
    for number in range(3):
        posted = await client.post(
            "/api/projects/alpha/reports",
            content=report_markdown(number, series="alpha").encode(),
            headers=bearer(token),
        )
        assert posted.status_code == 201
    for path in EXAMPLES:
        await client.post(
            "/api/projects/alpha/reports", content=path.read_bytes(), headers=bearer(token)
        )
    html = await page(client, "/")
    shown = figures(row(html, "data-project", "alpha"))
    reports = (await client.get("/api/projects/alpha/reports")).json()["total"]
    blockers = (await client.get("/api/projects/alpha/blockers")).json()["total"]
    failing = (await client.get("/api/projects/alpha/gates/failing")).json()["total"]
    assert shown["reports"] == str(reports) == "5"
    assert shown["open-blockers"] == str(blockers)
    assert shown["failing-gates"] == str(failing)
    assert failing > 0
    assert shown["workstreams"] == "3"  # the alpha module series + the two examples
    assert "no report yet" in text(row(html, "data-project", "empty"))


async def test_project_board_shows_each_workstream(
    client: Client, sessions: async_sessionmaker[AsyncSession]
) -> None:
    for gates in ([FAIL], [FAIL, PASS], [FAIL.model_copy(update={"status": "pass"}), PASS]):
        await stored(sessions, "alpha", with_items(gates=gates), str(gates).encode(),
                     remediation="coverage", agent="claude")  # fmt: skip
    await stored(
        sessions, "alpha", with_items(gates=[FAIL]), b"x", remediation="docs", agent="codex"
    )
    red = with_items(blockers=[pm.Blocker(line=7, text="CI is red")])
    await stored(sessions, "alpha", red, b"y", remediation="docs", agent="codex")
    html = await page(client, "/projects/alpha")
    project = figures(html)
    assert (project["workstreams"], project["reports"], project["open-blockers"]) == ("2", "5", "1")
    coverage = row(html, "data-workstream", "coverage")
    assert 'data-status="passing"' in coverage
    assert figures(coverage)["gates"] == "2/2"
    assert figures(coverage)["sessions"] == "3"
    assert coverage.count("<svg") == 1
    docs = row(html, "data-workstream", "docs")
    assert 'data-status="failing"' in docs  # its latest report has no gates: the one before counts
    assert figures(docs)["blockers"] == "1"

    failing = await page(client, "/projects/alpha?status=failing")
    assert 'data-workstream="docs"' in failing
    assert 'data-workstream="coverage"' not in failing
    by_agent = await page(client, "/projects/alpha?agent=claude")
    assert re.findall(r'data-workstream="([^"]+)"', by_agent) == ["coverage"]
    by_name = await page(client, "/projects/alpha?sort=name&order=desc")
    assert re.findall(r'data-workstream="([^"]+)"', by_name) == ["docs", "coverage"]
    nothing = await page(client, "/projects/alpha?q=no-such-thing")
    assert "Nothing matches these filters" in nothing


async def test_project_board_pages(
    client: Client, sessions: async_sessionmaker[AsyncSession]
) -> None:
    for number in range(30):
        await stored(sessions, "alpha", with_items(gates=[PASS]), f"{number}".encode(),
                     remediation=f"stream {number:02d}")  # fmt: skip
    first = await page(client, "/projects/alpha?sort=name")
    assert len(re.findall(r"data-workstream=", first)) == 25
    assert figures(first)["board-total"].startswith("30 workstreams")
    assert 'href="?sort=name&amp;page=2"' in first
    second = await page(client, "/projects/alpha?sort=name&page=2")
    assert re.findall(r'data-workstream="([^"]+)"', second) == [
        f"stream {n}" for n in range(25, 30)
    ]
    assert re.findall(
        r'data-workstream="([^"]+)"', await page(client, "/projects/alpha?sort=name&page=9")
    ) == [f"stream {n}" for n in range(25, 30)]


async def test_report_page_links_each_item_to_its_line(
    client: Client, make_token: TokenFactory
) -> None:
    token = await make_token("alpha")
    example = EXAMPLES[1]
    posted = (await client.post("/api/projects/alpha/reports", content=example.read_bytes(),
                                headers=bearer(token))).json()  # fmt: skip
    html = await page(client, f"/projects/alpha/reports/{posted['id']}")
    ids = set(re.findall(r'id="L(\d+)"', html))
    for gate in posted["parsed"]["gates"]:
        assert f'href="#L{gate["line"]}"' in html
        assert str(gate["line"]) in ids
    for figure in posted["parsed"]["coverage"]:
        assert re.search(rf'href="#L\d+" title="show line {figure["line"]} in the report"', html)
    assert "Section A Remediation" in text(html)
    assert f'href="/api/projects/alpha/reports/{posted["id"]}/raw"' in html


async def test_report_page_shows_hostile_markdown_as_text(
    client: Client, make_token: TokenFactory
) -> None:
    token = await make_token("alpha")
    markdown = (
        "# Done <script>document.title='pwned'</script>\n\n"
        '<img src=x onerror="window.__pwned=1">\n\n'
        "[click](javascript:window.__pwned=1) [ok](https://example.org)\n"
    )
    posted = await client.post(
        "/api/projects/alpha/reports", content=markdown.encode(), headers=bearer(token)
    )
    html = await page(client, posted.json()["url"].replace("/api", ""))
    body = html.split('<article class="report-body"', 1)[1].split("</article>", 1)[0]
    assert "<script" not in body
    assert "<img" not in body
    assert "javascript:" not in re.sub(r"&[a-z]+;", "", "".join(re.findall(r'href="[^"]*"', body)))
    assert "&lt;script&gt;" in body
    assert 'href="https://example.org"' in body
    assert "&lt;script&gt;" in html.split("<title>", 1)[1].split("</title>", 1)[0]


async def test_blockers_page_lists_open_ones_oldest_first(
    client: Client, sessions: async_sessionmaker[AsyncSession]
) -> None:
    def blockers(*texts: str, resolved: bool = False) -> pm.ParsedReport:
        return with_items(blockers=[pm.Blocker(line=5, text=t, resolved=resolved) for t in texts])

    await stored(sessions, "alpha", blockers("Old blocker", "Fixed later"), b"1")
    await stored(sessions, "beta", blockers("Beta blocker"), b"2")
    await stored(sessions, "alpha", blockers("Fixed later", resolved=True), b"3")
    await stored(sessions, "alpha", blockers("New blocker"), b"4")
    html = await page(client, "/blockers")
    listed = re.findall(r'<th scope="row" data-label="Blocker">([^<]+)', html)
    assert listed == ["Old blocker", "Beta blocker", "New blocker"]
    api = (await client.get("/api/blockers")).json()["total"]
    assert figures(html)["blockers-total"].startswith(f"{api} open blockers")
    only_alpha = await page(client, "/blockers?project=alpha&q=OLD")
    assert re.findall(r'<th scope="row" data-label="Blocker">([^<]+)', only_alpha) == [
        "Old blocker"
    ]
    assert 'href="/projects/alpha/reports/' in only_alpha


async def test_blockers_page_without_blockers_says_where_they_come_from(client: Client) -> None:
    assert "No open blockers" in await page(client, "/blockers")


@pytest.mark.parametrize(
    "path", ["/projects/nope", "/projects/alpha/reports/999999", "/projects/alpha/reports/0"]
)
async def test_unknown_pages_are_html_404s(
    client: Client, sessions: async_sessionmaker[AsyncSession], path: str
) -> None:
    await stored(sessions, "alpha", with_items(), b"x")
    html = await page(client, path, status=404)
    assert "Not found" in html
    assert 'href="/"' in html


async def test_pages_show_new_reports_at_once_and_reuse_the_snapshot(
    app: Litestar, client: Client, sessions: async_sessionmaker[AsyncSession]
) -> None:
    cache: SnapshotCache = app.state.dashboard_cache
    await stored(sessions, "alpha", with_items(gates=[FAIL]), b"1")
    assert figures(row(await page(client, "/"), "data-project", "alpha"))["reports"] == "1"
    builds = cache.builds
    await page(client, "/")
    await page(client, "/projects/alpha")
    await page(client, "/blockers")
    assert cache.builds == builds  # nothing changed: no rebuild
    await stored(sessions, "alpha", with_items(), b"2")
    assert figures(row(await page(client, "/"), "data-project", "alpha"))["reports"] == "2"
    assert cache.builds == builds + 1


async def test_a_reparse_shows_on_the_pages(
    client: Client, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Re-parsing raises the project's revision: the next page view reads that project again."""
    first = await stored(sessions, "alpha", with_items(gates=[FAIL]), b"1")
    await stored(sessions, "alpha", with_items(gates=[PASS]), b"2")
    assert figures(row(await page(client, "/"), "data-project", "alpha"))["failing-gates"] == "1"
    async with sessions() as session:
        report = (await session.exec(select(Report).where(Report.id == first))).one()
        passing = with_items(gates=[FAIL.model_copy(update={"status": "pass"})])
        await run_sync(session, replace_parse, report, passing)
        await session.commit()
    assert figures(row(await page(client, "/"), "data-project", "alpha"))["failing-gates"] == "0"


async def test_the_first_snapshot_is_built_at_startup(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await stored(sessions, "alpha", with_items(gates=[FAIL]), b"1")
    app = create_app(settings)
    cache: SnapshotCache = app.state.dashboard_cache
    async with AsyncTestClient(app) as started:

        async def warmed() -> None:
            await app.state.dashboard_warming  # started by the app, in the background

        started.blocking_portal.call(warmed)  # the app's own event loop
        assert (cache.builds, cache.full_builds) == (1, 1)
        assert figures(row(await page(started, "/"), "data-project", "alpha"))["reports"] == "1"
        assert cache.builds == 1  # the page view found it built


async def test_the_stylesheet_is_served_by_the_app(client: Client) -> None:
    response = await client.get("/static/dashboard.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert "@media" in response.text
    assert 'href="/static/dashboard.css"' in await page(client, "/")


async def test_pages_follow_closed_reads(settings: Settings, make_token: TokenFactory) -> None:
    app = create_app(settings.model_copy(update={"reads_require_token": True}))
    alpha, beta = await make_token("alpha"), await make_token("beta")
    async with AsyncTestClient(app) as closed:
        await closed.post("/api/projects/beta/reports", content=b"# beta\n", headers=bearer(beta))
        for path in ("/", "/blockers", "/projects/beta"):
            assert "Not allowed" in await page(closed, path, status=401)
        home = (await closed.get("/", headers=bearer(alpha, None))).text
        assert 'data-project="alpha"' in home
        assert 'data-project="beta"' not in home
        other = await closed.get("/projects/beta", headers=bearer(alpha, None))
        assert other.status_code == 401


async def test_report_page_shows_a_date_without_a_source_line(
    client: Client, sessions: async_sessionmaker[AsyncSession]
) -> None:
    report_id = await stored(sessions, "alpha", with_items(date="2025-11-12"), b"# t\n")
    html = await page(client, f"/projects/alpha/reports/{report_id}")
    assert "2025-11-12" in text(html)


async def test_workstream_page_shows_series_blockers_and_sessions(
    client: Client, sessions: async_sessionmaker[AsyncSession]
) -> None:
    ids = []
    for value, status, blockers in ((50.0, "fail", [pm.Blocker(line=8, text="CI is red")]),
                                    (70.0, "pass", [pm.Blocker(line=8, text="CI is red",
                                                               resolved=True)])):  # fmt: skip
        gates = [FAIL.model_copy(update={"current_value": value, "status": status})]
        parsed = with_items(gates=gates, blockers=blockers)
        ids.append(await stored(sessions, "alpha", parsed, f"{value}".encode(), remediation="cov"))
    board = await page(client, "/projects/alpha")
    assert f'href="/projects/alpha/workstreams/{ids[-1]}"' in board
    html = await page(client, f"/projects/alpha/workstreams/{ids[0]}")  # any session leads there
    assert figures(html)["sessions"] == "2"
    assert 'data-gate="Coverage"' in html
    series = html.split('<figure class="gate-series"', 1)[1].split("</figure>", 1)[0]
    assert series.count('class="dot st-') == 2  # one point per session
    assert re.search(r'<rect class="span resolved"', html)
    for report_id in ids:
        assert f'href="/projects/alpha/reports/{report_id}"' in html
    assert f'href="/projects/alpha/reports/{ids[0]}#L3"' in html  # each value links to its line
    await page(client, "/projects/alpha/workstreams/999999", status=404)


async def test_report_page_lists_and_highlights_its_findings(
    client: Client, make_token: TokenFactory
) -> None:
    token = await make_token("alpha")
    posted = await client.post(
        "/api/projects/alpha/reports", content=b"# Status\n\nSome text.\n", headers=bearer(token)
    )
    findings = posted.json()["parsed"]["findings"]
    assert findings, "the lint finds something to say about a report without a date"
    html = await page(client, f"/projects/alpha/reports/{posted.json()['id']}")
    assert html.count('class="finding-item') == len(findings)
    assert 'class="finding"' in html or 'finding" ' in html
