"""With REPORTS_READS_REQUIRE_TOKEN, every read needs a token and sees only its project."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from reports_service.app import create_app
from reports_service.settings import Settings
from tests.api.conftest import TokenFactory, bearer

pytestmark = pytest.mark.anyio
Client = AsyncTestClient[Litestar]


@pytest.fixture
async def closed(settings: Settings) -> AsyncIterator[Client]:
    app = create_app(settings.model_copy(update={"reads_require_token": True}))
    async with AsyncTestClient(app) as client:
        yield client


async def test_reads_need_a_token_and_see_only_its_project(
    closed: Client, make_token: TokenFactory
) -> None:
    alpha, beta = await make_token("alpha"), await make_token("beta")
    posted = await closed.post(
        "/api/projects/beta/reports", content=b"# beta\n", headers=bearer(beta)
    )
    assert posted.status_code == 201
    url = posted.json()["url"]

    for path in ("/api/projects", "/api/blockers", "/api/projects/beta/reports", url):
        response = await closed.get(path)
        assert response.status_code == 401, path
        assert "token" in response.json()["detail"]

    for path in (url, f"{url}/raw", "/api/projects/beta/blockers", "/api/projects/nope/reports"):
        assert (await closed.get(path, headers=bearer(alpha, None))).status_code == 401, path

    assert (await closed.get(url, headers=bearer(beta, None))).status_code == 200
    projects = (await closed.get("/api/projects", headers=bearer(alpha, None))).json()
    assert [p["name"] for p in projects] == ["alpha"]
    assert (await closed.get("/health")).status_code == 200


async def test_reads_are_open_by_default(client: Client, make_token: TokenFactory) -> None:
    token = await make_token("alpha")
    posted = await client.post(
        "/api/projects/alpha/reports", content=b"# a\n", headers=bearer(token)
    )
    assert (await client.get(posted.json()["url"])).status_code == 200
