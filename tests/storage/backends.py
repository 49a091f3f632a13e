"""Empty, isolated databases on every supported backend, as pytest fixtures.

Reusable beyond the storage tests (the end-to-end tests hand ``database_url`` to a whole bot process):
the URL alone identifies the isolated database, even on PostgreSQL, where a per-test schema is pinned
with libpq's ``?options=-csearch_path=...``, which ``bot.storage.create_engine_from_url`` understands.

This folder has no ``__init__.py``, so pytest puts it on ``sys.path`` and its ``conftest.py`` imports
this file as the top-level module ``backends``. Another test folder reuses the fixtures the same way:
put ``tests/storage`` on ``sys.path`` and import ``database_backend``, ``database_url``,
``migrated_database_url``, ``database_engine`` and ``uow_factory`` into its own ``conftest.py``.

PostgreSQL rules: with ``LEVELCHECK_TEST_POSTGRES_URL`` set, its tests run and an unreachable server
fails them; unset, they are skipped locally and fail on CI (``CI=true``), where skipping would hide them.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage import (
    Base,
    UnitOfWorkFactory,
    create_engine_from_url,
    unit_of_work_factory,
    upgrade_database,
)

POSTGRES_URL_VARIABLE = "LEVELCHECK_TEST_POSTGRES_URL"
POSTGRES_URL_EXAMPLE = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
POSTGRES_CONNECT_TIMEOUT_S = 10

BACKEND_PARAMS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


def postgres_server_url() -> str:
    """The server to test against, or skip/fail the calling test according to the rules above."""
    url = os.environ.get(POSTGRES_URL_VARIABLE, "").strip()
    if url:
        return url
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(
            f"CI=true but {POSTGRES_URL_VARIABLE} is not set: set it (e.g. {POSTGRES_URL_EXAMPLE}) "
            "so the PostgreSQL tests run instead of silently skipping",
            pytrace=False,
        )
    pytest.skip(f"PostgreSQL tests need {POSTGRES_URL_VARIABLE} (e.g. {POSTGRES_URL_EXAMPLE})")


def sqlite_database_url(directory: Path) -> str:
    return f"sqlite+aiosqlite:///{directory / 'levelcheck.sqlite3'}"


def with_search_path(server_url: str, schema: str) -> str:
    """``server_url`` confined to ``schema``: tables, sequences and ``alembic_version`` all land there."""
    url = make_url(server_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@asynccontextmanager
async def isolated_postgres_schema(server_url: str) -> AsyncIterator[str]:
    """A brand-new schema for one test, dropped afterwards; yields a URL that uses only that schema."""
    schema = f"t_{secrets.token_hex(8)}"
    admin = create_engine_from_url(server_url)
    try:
        try:
            async with asyncio.timeout(POSTGRES_CONNECT_TIMEOUT_S), admin.begin() as connection:
                await connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        except Exception as error:
            safe_url = make_url(server_url).render_as_string(hide_password=True)
            pytest.fail(
                f"cannot use PostgreSQL at {safe_url} ({POSTGRES_URL_VARIABLE}): {error!r}", pytrace=False
            )
        try:
            yield with_search_path(server_url, schema)
        finally:
            async with admin.begin() as connection:
                await connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    finally:
        await admin.dispose()


@pytest.fixture(params=BACKEND_PARAMS)
def database_backend(request: pytest.FixtureRequest) -> str:
    """``"sqlite"`` or ``"postgresql"``; every test using the fixtures below runs once per backend."""
    return str(request.param)


@pytest.fixture
async def database_url(database_backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """URL of an empty database (no tables) that only this test uses."""
    if database_backend == "sqlite":
        yield sqlite_database_url(tmp_path)
        return
    async with isolated_postgres_schema(postgres_server_url()) as url:
        yield url


@pytest.fixture
async def migrated_database_url(database_url: str) -> str:
    """``database_url`` with all migrations applied."""
    await upgrade_database(database_url)
    return database_url


@pytest.fixture
async def database_engine(migrated_database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the migrated database, disposed before the database goes away."""
    engine = create_engine_from_url(migrated_database_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def uow_factory(database_engine: AsyncEngine) -> UnitOfWorkFactory:
    """What the bot's handlers get: ``async with uow_factory() as uow: ...``."""
    return unit_of_work_factory(database_engine)


async def count_rows(engine: AsyncEngine) -> dict[str, int]:
    """Rows per table of the bot's schema, to check what a deletion or a rollback really left behind."""
    counts: dict[str, int] = {}
    async with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            counts[table.name] = await connection.scalar(select(func.count()).select_from(table)) or 0
    return counts
