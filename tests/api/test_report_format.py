"""The report format's front matter schema is served for agents and tools to validate against."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from parsers.front_matter import report_format_schema

pytestmark = pytest.mark.anyio


async def test_front_matter_schema_is_served(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/api/report-format/schema")
    assert response.status_code == 200
    schema = response.json()
    assert schema == report_format_schema()
    assert {"gates", "tests", "coverage", "blockers"} <= set(schema["properties"])


async def test_schema_endpoint_is_in_the_openapi_description(
    client: AsyncTestClient[Litestar],
) -> None:
    response = await client.get("/schema/openapi.json")
    assert "/api/report-format/schema" in response.json()["paths"]
