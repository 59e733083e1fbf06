"""POST /api/projects/{project}/reports: every outcome, each with an actionable JSON body."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import event
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.engine import is_sqlite
from db.models import Report
from db.tokens import revoke_token
from parsers import PARSER_VERSION, ParsedReport, parse_report
from reports_service.app import create_app
from reports_service.settings import Settings
from tests.api.conftest import TokenFactory, bearer
from tests.samples import EXAMPLES, report_markdown

pytestmark = pytest.mark.anyio
Client = AsyncTestClient[Litestar]
URL = "/api/projects/alpha/reports"


async def count_reports(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return (await session.exec(select(func.count(col(Report.id))))).one()


def assert_error(response: object, status: int, *words: str) -> None:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["status_code"] == status
    for word in words:
        assert word in body["detail"], body["detail"]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
async def test_markdown_is_stored_and_answered_with_its_parse(
    client: Client, make_token: TokenFactory, path: object
) -> None:
    token = await make_token("alpha")
    raw = path.read_bytes()  # type: ignore[attr-defined]
    response = await client.post(URL, content=raw, headers=bearer(token))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["duplicate"] is False
    assert body["project"] == "alpha"
    assert response.headers["location"] == body["url"] == f"{URL}/{body['id']}"
    assert body["parser_version"] == PARSER_VERSION
    assert body["size"] == len(raw)
    expected = parse_report(raw.decode("utf-8"))
    assert ParsedReport.model_validate(body["parsed"]) == expected
    assert body["title"] == expected.meta.title

    stored = await client.get(body["url"])
    assert stored.status_code == 200
    assert ParsedReport.model_validate(stored.json()["parsed"]) == expected
    assert (await client.get(body["raw_url"])).content == raw


async def test_text_plain_is_taken_as_markdown(client: Client, make_token: TokenFactory) -> None:
    token = await make_token("alpha")
    response = await client.post(URL, content=b"# Plain\n", headers=bearer(token, "text/plain"))
    assert response.status_code == 201


async def test_json_carries_the_posters_fields(client: Client, make_token: TokenFactory) -> None:
    token = await make_token("alpha")
    form = {
        "markdown": report_markdown(1),
        "agent": "claude-code",
        "session": "s-42",
        "commit": "abc123",
        "remediation": "coverage-push",
    }
    response = await client.post(URL, json=form, headers=bearer(token, None))
    assert response.status_code == 201, response.text
    body = response.json()
    for name in ("agent", "session", "commit", "remediation"):
        assert body[name] == form[name]
    raw = await client.get(body["raw_url"])
    assert raw.content == form["markdown"].encode()
    assert raw.headers["content-type"].startswith("text/markdown")


async def test_raw_markdown_is_kept_byte_for_byte(client: Client, make_token: TokenFactory) -> None:
    token = await make_token("alpha")
    raw = "\ufeff# Ünïcode report\r\n\r\n- trailing spaces   \r\n\x00 and a NUL\n".encode()
    response = await client.post(URL, content=raw, headers=bearer(token))
    assert response.status_code == 201, response.text
    assert (await client.get(response.json()["raw_url"])).content == raw


async def test_same_content_again_answers_200_with_the_original(
    client: Client, make_token: TokenFactory, sessions: async_sessionmaker[AsyncSession]
) -> None:
    token = await make_token("alpha")
    markdown = report_markdown(7)
    first = await client.post(URL, content=markdown.encode(), headers=bearer(token))
    again = await client.post(URL, content=markdown.encode(), headers=bearer(token))
    as_json = await client.post(URL, json={"markdown": markdown}, headers=bearer(token, None))
    assert first.status_code == 201
    assert again.status_code == as_json.status_code == 200
    assert first.json()["id"] == again.json()["id"] == as_json.json()["id"]
    assert again.json()["duplicate"] is True
    assert again.json()["parsed"] == first.json()["parsed"]
    assert await count_reports(sessions) == 1


async def test_same_content_in_another_project_is_another_report(
    client: Client, make_token: TokenFactory
) -> None:
    alpha, beta = await make_token("alpha"), await make_token("beta")
    first = await client.post(URL, content=b"# Same\n", headers=bearer(alpha))
    other = await client.post(
        "/api/projects/beta/reports", content=b"# Same\n", headers=bearer(beta)
    )
    assert first.status_code == other.status_code == 201
    assert first.json()["id"] != other.json()["id"]


async def test_idempotency_key_answers_a_retry_with_the_first_report(
    client: Client, make_token: TokenFactory, sessions: async_sessionmaker[AsyncSession]
) -> None:
    token = await make_token("alpha")
    headers = {**bearer(token), "Idempotency-Key": "retry-1"}
    first = await client.post(URL, content=b"# One\n", headers=headers)
    again = await client.post(URL, content=b"# One\n", headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["idempotency_key"] == "retry-1"

    reused = await client.post(URL, content=b"# Two\n", headers=headers)
    assert_error(reused, 409, "retry-1", "new key")
    assert await count_reports(sessions) == 1


@pytest.mark.parametrize("key", ["", "a" * 201, "has space", "tab\tkey"])
async def test_a_malformed_idempotency_key_is_422(
    client: Client, make_token: TokenFactory, key: str
) -> None:
    token = await make_token("alpha")
    headers = {**bearer(token), "Idempotency-Key": key}
    assert_error(await client.post(URL, content=b"# x\n", headers=headers), 422, "Idempotency-Key")


async def test_no_token_is_401_with_how_to_get_one(
    client: Client, make_token: TokenFactory
) -> None:
    await make_token("alpha")
    response = await client.post(URL, content=b"# x\n", headers={"Content-Type": "text/markdown"})
    assert_error(response, 401, "Authorization: Bearer", "token create")
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer rst_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "Bearer nope",
        "Basic x",
        "Bearer",
    ],
)
async def test_a_wrong_token_is_401(
    client: Client, make_token: TokenFactory, authorization: str
) -> None:
    await make_token("alpha")
    headers = {"Authorization": authorization, "Content-Type": "text/markdown"}
    assert_error(await client.post(URL, content=b"# x\n", headers=headers), 401)


async def test_a_token_for_project_a_cannot_write_to_b(
    client: Client, make_token: TokenFactory, sessions: async_sessionmaker[AsyncSession]
) -> None:
    alpha = await make_token("alpha")
    await make_token("beta")
    response = await client.post(
        "/api/projects/beta/reports", content=b"# x\n", headers=bearer(alpha)
    )
    assert_error(response, 401, "alpha", "beta")
    unknown = await client.post(
        "/api/projects/gamma/reports", content=b"# x\n", headers=bearer(alpha)
    )
    assert_error(unknown, 401)
    assert await count_reports(sessions) == 0


async def test_a_revoked_token_is_401(
    client: Client, make_token: TokenFactory, sessions: async_sessionmaker[AsyncSession]
) -> None:
    token = await make_token("alpha")
    assert (await client.post(URL, content=b"# 1\n", headers=bearer(token))).status_code == 201
    async with sessions() as session:
        await revoke_token(session, token.split("_")[1])
    assert_error(await client.post(URL, content=b"# 2\n", headers=bearer(token)), 401, "revoked")


async def test_over_the_size_limit_is_413(
    client: Client, make_token: TokenFactory, sessions: async_sessionmaker[AsyncSession]
) -> None:
    token = await make_token("alpha")
    limit = 1024 * 1024
    assert_error(
        await client.post(URL, content=b"#" * (limit + 1), headers=bearer(token)),
        413,
        "REPORTS_MAX_BODY_BYTES",
    )
    big = await client.post(URL, content=b"# big\n" + b"x" * (limit - 6), headers=bearer(token))
    assert big.status_code == 201
    assert await count_reports(sessions) == 1


@pytest.mark.parametrize(
    "content_type",
    [
        "application/xml",
        "text/html",
        "multipart/form-data; boundary=x",
        "text/markdown; charset=latin-1",
        None,
    ],
)
async def test_other_content_types_are_415(
    client: Client, make_token: TokenFactory, content_type: str | None
) -> None:
    token = await make_token("alpha")
    headers = bearer(token, content_type)
    response = await client.post(URL, content=b"# x\n", headers=headers)
    assert_error(response, 415)
    assert "UTF-8" in response.json()["detail"] or "text/markdown" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "content_type", "words"),
    [
        (b"", "text/markdown", ["empty"]),
        (b"  \n\t\n", "text/markdown", ["empty"]),
        (b"# caf\xe9\n", "text/markdown", ["UTF-8", "offset 5"]),
        (b"\xff\xfe#\x00 \x00", "text/markdown", ["UTF-8"]),
        (b"", "application/json", ["empty"]),
        (b"{not json", "application/json", ["JSON"]),
        (b"[1, 2]", "application/json", ["JSON"]),
        (b'"# just a string"', "application/json", ["JSON"]),
        (b"{}", "application/json", ["markdown"]),
        (b'{"markdown": ""}', "application/json", ["markdown"]),
        (b'{"markdown": "   "}', "application/json", ["empty"]),
        (b'{"markdown": 5}', "application/json", ["markdown"]),
        (b'{"markdown": "# x", "markdwn": 1}', "application/json", ["markdwn"]),
        (b'{"markdown": "# x", "agent": "' + b"a" * 201 + b'"}', "application/json", ["agent"]),
        (b'{"markdown": "# x", "agent": "a\\u0000b"}', "application/json", ["NUL"]),
        (b'{"markdown": "# \\ud800 lone"}', "application/json", ["markdown"]),
        (b'{"markdown": "# x", "agent": "\\udfff"}', "application/json", ["agent"]),
        (b"[" * 100_000, "application/json", ["JSON"]),
        (b'{"markdown": "# x"}\xff', "application/json", ["JSON"]),
    ],
)
async def test_unusable_bodies_are_422(
    client: Client,
    make_token: TokenFactory,
    sessions: async_sessionmaker[AsyncSession],
    body: bytes,
    content_type: str,
    words: list[str],
) -> None:
    token = await make_token("alpha")
    assert_error(
        await client.post(URL, content=body, headers=bearer(token, content_type)), 422, *words
    )
    assert await count_reports(sessions) == 0


async def test_json_errors_list_each_field(client: Client, make_token: TokenFactory) -> None:
    token = await make_token("alpha")
    body = json.dumps({"agent": 3, "extra": True}).encode()
    response = await client.post(URL, content=body, headers=bearer(token, "application/json"))
    assert response.status_code == 422
    fields = {problem["field"] for problem in response.json()["extra"]}
    assert {"markdown", "agent", "extra"} <= fields


async def test_a_post_on_sqlite_runs_no_statement_through_the_async_driver(
    settings: Settings, make_token: TokenFactory, database_url: str
) -> None:
    """On SQLite the token check and the store both run in the synchronous writer's thread:
    each statement through aiosqlite costs several thread hops (BENCHMARKS.md "Ingest"). On
    PostgreSQL there is no writer: asyncpg has no hops to save, so the request's session stores."""
    app = create_app(settings.model_copy(update={"dashboard_warm": False}))  # no other queries
    token = await make_token("alpha")
    async_statements: list[str] = []
    writer_statements: list[str] = []

    def note(into: list[str]) -> Callable[..., None]:
        return lambda _conn, _cursor, statement, *_: into.append(statement)

    listen_async, listen_writer = note(async_statements), note(writer_statements)
    async with AsyncTestClient(app) as client:
        writer = app.state.writer
        event.listen(app.state.engine.sync_engine, "before_cursor_execute", listen_async)
        if writer is not None:
            event.listen(writer.kw["bind"], "before_cursor_execute", listen_writer)
        response = await client.post(URL, content=report_markdown(1), headers=bearer(token))
        refused = await client.post(URL, content=report_markdown(2), headers=bearer("rs_x.y"))
    assert response.status_code == 201, response.text
    assert refused.status_code == 401
    if is_sqlite(database_url):
        assert writer is not None
        assert async_statements == []
        assert any("api_tokens" in s for s in writer_statements)
        assert any(s.startswith("INSERT INTO reports") for s in writer_statements)
    else:
        assert writer is None
        assert any(s.startswith("INSERT INTO reports") for s in async_statements)
