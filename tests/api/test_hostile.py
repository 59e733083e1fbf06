"""No input makes the service answer 5xx: fuzzed bodies, headers, paths and query strings."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.api.conftest import TokenFactory, bearer

CONTENT_TYPES = st.sampled_from(
    [
        "text/markdown",
        "text/plain",
        "application/json",
        "application/json; charset=utf-16",
        "text/markdown; charset=UTF-8",
        "image/png",
        "",
    ]
)
SLOW = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


pytestmark = pytest.mark.anyio
Client = AsyncTestClient[Litestar]


@pytest.fixture
async def token(make_token: TokenFactory) -> str:
    return await make_token("fuzz")


@SLOW
@given(
    body=st.binary(max_size=2048), content_type=CONTENT_TYPES, key=st.none() | st.text(max_size=20)
)
async def test_fuzzed_posts_never_5xx(
    client: Client, token: str, body: bytes, content_type: str, key: str | None
) -> None:
    headers = [
        (name.encode(), value.encode()) for name, value in bearer(token, content_type).items()
    ]
    if key is not None:  # raw bytes: whatever a client may send, UTF-8 or not
        headers.append((b"Idempotency-Key", key.encode("utf-8")))
    response = await client.post("/api/projects/fuzz/reports", content=body, headers=headers)
    assert response.status_code < 500, response.text
    assert response.status_code in (200, 201, 409, 413, 415, 422), response.text


@SLOW
@given(
    markdown=st.text(max_size=500),
    agent=st.none() | st.text(max_size=30),
)
async def test_fuzzed_json_never_5xx(
    client: Client, token: str, markdown: str, agent: str | None
) -> None:
    response = await client.post(
        "/api/projects/fuzz/reports",
        json={"markdown": markdown, "agent": agent},
        headers=bearer(token, None),
    )
    assert response.status_code in (200, 201, 422), response.text


@SLOW
@given(segment=st.text(max_size=40), query=st.text(max_size=40))
async def test_fuzzed_reads_never_5xx(client: Client, token: str, segment: str, query: str) -> None:
    segment, query = quote(segment, safe=""), quote(query, safe="=&")
    for path in (
        f"/api/projects/{segment}/reports",
        f"/api/projects/fuzz/reports/{segment}",
        f"/api/projects/fuzz/reports?{query}",
        f"/api/blockers?{query}",
    ):
        response = await client.get(path)
        assert response.status_code < 500, (path, response.text)


@pytest.mark.parametrize(
    "markdown",
    [
        "| a | b |\n|---|---|\n" + "| 1 | 2 |\n" * 5000,
        "# " + "9" * 5000 + "% coverage\n",
        "- [ ] " + "blocker " * 10000 + "\n",
        "<script>alert(1)</script>\n\n[x](javascript:alert(1))\n",
        "\x00" * 100,
        "`" * 10000,
        "> " * 3000 + "deep\n",
    ],
    ids=["huge-table", "huge-number", "long-blocker", "html", "nuls", "backticks", "deep-quote"],
)
async def test_awkward_reports_are_stored(client: Client, token: str, markdown: str) -> None:
    response = await client.post(
        "/api/projects/fuzz/reports", content=markdown.encode(), headers=bearer(token)
    )
    assert response.status_code == 201, response.text
    raw = await client.get(response.json()["raw_url"])
    assert raw.content == markdown.encode()
