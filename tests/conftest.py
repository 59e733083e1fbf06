"""Fixtures shared by the DB and API tests: every such test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Iterator

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from db.engine import create_engine, session_factory
from db.migrate import upgrade
from db.models import metadata
from reports_service.app import create_app
from reports_service.settings import Settings
from tests.databases import Databases, postgres_required, postgres_unreachable_reason

_skipped_postgres: list[str] = []


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    made = Databases(tmp_path_factory.mktemp("databases"))
    yield made
    made.drop_all()


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    if name == "postgres":
        reason = postgres_unreachable_reason()
        if reason is not None:
            if postgres_required():
                pytest.fail(f"{reason} (REPORTS_REQUIRE_POSTGRES is set)")
            pytest.skip(reason)
    return name


@pytest.fixture(scope="session")
def database_url(backend: str, databases: Databases) -> str:
    """A database built by the migrations, shared by the run's tests on this backend."""
    url = databases.create(backend)
    upgrade(url)
    return url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the shared database; every row is deleted after the test."""
    engine = create_engine(database_url)
    yield engine
    async with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            await connection.execute(delete(table))
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


@pytest.fixture
def settings(database_url: str, engine: AsyncEngine) -> Settings:
    return Settings(database_url=database_url, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app) as client:
        yield client


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and "postgres" in report.keywords:
        _skipped_postgres.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With REPORTS_REQUIRE_POSTGRES=1 a skipped PostgreSQL test fails the run."""
    if postgres_required() and _skipped_postgres:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                f"FAILED: {len(_skipped_postgres)} PostgreSQL test(s) skipped while "
                "REPORTS_REQUIRE_POSTGRES is set, e.g. " + _skipped_postgres[0],
                red=True,
            )


@pytest.fixture(autouse=True)
def _collect_garbage() -> Iterator[None]:
    """Collect after each test, so that a leaked connection is blamed on the test that leaked it."""
    yield
    gc.collect()
