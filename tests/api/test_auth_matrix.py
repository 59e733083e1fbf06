"""Every write, and every read on a closed server, against every kind of bad credential.

The endpoints come from the app's own routes, so a write endpoint added without an entry here
fails ``test_every_write_endpoint_is_in_the_matrix`` until it is covered. Each bad credential
must answer 401 with ``WWW-Authenticate: Bearer`` and leave the database as it was.
"""

from __future__ import annotations

import ast
import hashlib
import inspect
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

import db.tokens
from db.engine import run_sync
from db.models import metadata
from db.remediations import find_or_create
from db.tokens import create_token, get_project, revoke_token, verify_token
from reports_service.app import create_app
from reports_service.settings import Settings
from tests.api.conftest import TokenFactory, bearer

pytestmark = pytest.mark.anyio
Client = AsyncTestClient[Litestar]
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True, slots=True)
class Write:
    """One way of calling a write endpoint of project ``alpha``."""

    method: str
    route: str  #: the route as Litestar declares it
    path: str
    content_type: str
    body: bytes


WRITES = [
    Write(
        "POST",
        "/api/projects/{project:str}/reports",
        "/api/projects/alpha/reports",
        "text/markdown",
        b"# Session 1 status\n\n- 3 passed\n",
    ),
    Write(
        "POST",
        "/api/projects/{project:str}/reports",
        "/api/projects/alpha/reports",
        "application/json",
        b'{"markdown": "# Session 2 status\\n", "agent": "claude-code"}',
    ),
    Write(
        "PUT",
        "/api/projects/{project:str}/vocabulary",
        "/api/projects/alpha/vocabulary",
        "application/json",
        b'{"status": {"pass": ["gruen"]}}',
    ),
    Write(
        "PATCH",
        "/api/remediations/{remediation_id:int}",
        "/api/remediations/{remediation}",
        "application/json",
        b'{"name": "Renamed"}',
    ),
    Write(
        "POST",
        "/api/remediations/{remediation_id:int}/merge",
        "/api/remediations/{remediation}/merge",
        "application/json",
        b'{"into": {other}}',
    ),
]

# Each builds the Authorization header (None: no header) from the tokens of the test's world.
Credential = Callable[["World"], str | None]


@dataclass(frozen=True, slots=True)
class World:
    alpha: str  #: a live token of project alpha
    beta: str  #: a live token of project beta
    revoked: str  #: a token of alpha, revoked
    remediation: int  #: a remediation of alpha
    other: int  #: another remediation of alpha (to merge into)

    def fill(self, write: Write) -> tuple[str, bytes]:
        """The write's path and body with this world's remediation ids in place."""
        ids = {"{remediation}": str(self.remediation), "{other}": str(self.other)}
        path, body = write.path, write.body.decode()
        for placeholder, value in ids.items():
            path, body = path.replace(placeholder, value), body.replace(placeholder, value)
        return path, body.encode()


def _wrong_secret(world: World) -> str:
    """alpha's real key id with another secret: the lookup succeeds, the comparison must fail."""
    key_id = world.alpha.split("_")[1]
    return f"Bearer rst_{key_id}_{'A' * 43}"


CREDENTIALS: dict[str, Credential] = {
    "no token": lambda w: None,
    "empty bearer": lambda w: "Bearer ",
    "not bearer": lambda w: f"Basic {w.alpha}",
    "malformed token": lambda w: "Bearer not-a-token",
    "unknown key id": lambda w: "Bearer rst_000000000000_" + "A" * 43,
    "wrong secret": _wrong_secret,
    "token with a suffix": lambda w: f"Bearer {w.alpha}x",
    "other project's token": lambda w: f"Bearer {w.beta}",
    "revoked token": lambda w: f"Bearer {w.revoked}",
}


@pytest.fixture
async def world(sessions: async_sessionmaker[AsyncSession], make_token: TokenFactory) -> World:
    alpha, beta = await make_token("alpha"), await make_token("beta")
    async with sessions() as session:
        info, revoked = await create_token(session, "alpha", label="old")
        assert await revoke_token(session, info.key_id) is not None
        project = await get_project(session, "alpha")
        assert project is not None
        assert project.id is not None
        made = [
            await run_sync(session, find_or_create, project.id, key, key, explicit=True)
            for key in ("auth", "billing")
        ]
        await session.commit()
        ids = [r.id for r in made]
    assert ids[0] is not None
    assert ids[1] is not None
    return World(alpha=alpha, beta=beta, revoked=revoked, remediation=ids[0], other=ids[1])


async def row_counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as connection:
        return {
            table.name: (
                await connection.execute(sa.select(sa.func.count()).select_from(table))
            ).scalar_one()
            for table in metadata.sorted_tables
        }


async def test_every_write_endpoint_is_in_the_matrix(app: Litestar) -> None:
    declared = {
        (method, route.path)
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for handler in route.route_handlers
        for method in handler.http_methods & WRITE_METHODS
    }
    assert declared == {(w.method, w.route) for w in WRITES}


@pytest.mark.parametrize("credential", CREDENTIALS, ids=str)
@pytest.mark.parametrize("write", WRITES, ids=lambda w: f"{w.method} {w.content_type}")
async def test_a_write_without_a_live_token_of_its_project_is_401_and_changes_nothing(
    client: Client, engine: AsyncEngine, world: World, write: Write, credential: str
) -> None:
    authorization = CREDENTIALS[credential](world)
    headers = {"Content-Type": write.content_type}
    if authorization is not None:
        headers["Authorization"] = authorization
    before = await row_counts(engine)
    path, body = world.fill(write)
    response = await client.request(write.method, path, content=body, headers=headers)
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["status_code"] == 401
    assert await row_counts(engine) == before


@pytest.mark.parametrize("write", WRITES, ids=lambda w: f"{w.method} {w.content_type}")
async def test_the_same_write_with_a_live_token_succeeds(
    client: Client, world: World, write: Write
) -> None:
    """The matrix above fails for the credential, not for the request."""
    headers = bearer(world.alpha, write.content_type)
    path, body = world.fill(write)
    response = await client.request(write.method, path, content=body, headers=headers)
    assert response.status_code in (200, 201), response.text


# Reads on a server with REPORTS_READS_REQUIRE_TOKEN: every API and dashboard page of project
# alpha (open ones: health, readiness, the OpenAPI description, static files, the format schema).
OPEN_PREFIXES = ("/health", "/ready", "/schema", "/static", "/api/report-format/")


@pytest.fixture
async def closed(settings: Settings) -> AsyncIterator[Client]:
    app = create_app(settings.model_copy(update={"reads_require_token": True}))
    async with AsyncTestClient(app) as client:
        yield client


def closed_read_paths(app: Litestar, report_id: int, remediation_id: int) -> list[str]:
    paths = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith(OPEN_PREFIXES):
            continue
        if any("GET" in handler.http_methods for handler in route.route_handlers):
            paths.append(
                route.path.replace("{project:str}", "alpha")
                .replace("{report_id:int}", str(report_id))
                .replace("{remediation_id:int}", str(remediation_id))
            )
    return sorted(paths)


async def test_closed_reads_refuse_every_bad_credential_on_every_page(
    closed: Client, world: World
) -> None:
    posted = await closed.post(
        "/api/projects/alpha/reports", content=b"# alpha\n", headers=bearer(world.alpha)
    )
    assert posted.status_code == 201
    paths = closed_read_paths(closed.app, posted.json()["id"], world.remediation)
    assert "/api/projects/alpha/reports/{}/raw".format(posted.json()["id"]) in paths
    assert "/projects/alpha" in paths
    for path in paths:
        assert (await closed.get(path, headers=bearer(world.alpha, None))).status_code == 200, path
        for name, credential in CREDENTIALS.items():
            if name == "other project's token" and "alpha" not in path:
                continue  # lists across projects answer 200 with only beta's rows
            authorization = credential(world)
            headers = {} if authorization is None else {"Authorization": authorization}
            response = await closed.get(path, headers=headers)
            assert response.status_code == 401, (path, name, response.status_code)


async def test_no_secret_is_stored_anywhere_in_the_database(
    client: Client, engine: AsyncEngine, world: World
) -> None:
    """Only a SHA-256 of each secret is kept: no column of any table holds a token or secret."""
    assert (
        await client.post(
            "/api/projects/alpha/reports", content=b"# x\n", headers=bearer(world.alpha)
        )
    ).status_code == 201
    stored: list[str] = []
    async with engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in await connection.execute(sa.select(table)):
                stored.extend(
                    value.decode("latin-1") if isinstance(value, bytes) else str(value)
                    for value in row
                )
    everything = "\n".join(stored)
    for token in (world.alpha, world.beta, world.revoked):
        secret = token.split("_", 2)[2]
        assert secret not in everything
        assert hashlib.sha256(secret.encode()).hexdigest() in everything


async def test_the_secret_is_compared_in_constant_time_whether_right_or_wrong(
    sessions: async_sessionmaker[AsyncSession],
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Both outcomes go through ``hmac.compare_digest`` on the digests, never through ``==``."""
    calls: list[tuple[str, str]] = []
    real = db.tokens.hmac.compare_digest

    def recording(a: str, b: str) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(db.tokens.hmac, "compare_digest", recording)
    wrong = _wrong_secret(world).removeprefix("Bearer ")
    async with sessions() as session:
        assert await verify_token(session, world.alpha) is not None
        assert await verify_token(session, wrong) is None
    right_digest = hashlib.sha256(world.alpha.split("_", 2)[2].encode()).hexdigest()
    wrong_digest = hashlib.sha256(wrong.split("_", 2)[2].encode()).hexdigest()
    assert calls == [(right_digest, right_digest), (wrong_digest, right_digest)]


def test_no_secret_or_digest_is_compared_with_equality_operators() -> None:
    """A structural guard on the module: ``==``/``!=`` never touch a secret or its digest."""
    tree = ast.parse(inspect.getsource(db.tokens))
    suspicious = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(
            isinstance(op, ast.Eq | ast.NotEq) for op in node.ops
        ):
            names = {
                n.id if isinstance(n, ast.Name) else n.attr
                for n in ast.walk(node)
                if isinstance(n, ast.Name | ast.Attribute)
            }
            if any("secret" in name or "digest" in name for name in names):
                suspicious.append(ast.unparse(node))
    assert suspicious == []
