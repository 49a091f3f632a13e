"""URLs as operators write them end up on the async drivers, with SQLite configured for the repositories."""

from __future__ import annotations

from pathlib import Path

import pytest
from backends import isolated_postgres_schema, postgres_server_url
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.storage import create_engine_from_url, default_database_url, normalize_database_url
from bot.storage.database import parse_libpq_options


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///data/bot.sqlite3", "sqlite+aiosqlite:///data/bot.sqlite3"),
        ("sqlite+aiosqlite:////var/lib/bot.sqlite3", "sqlite+aiosqlite:////var/lib/bot.sqlite3"),
        ("sqlite+pysqlite:///:memory:", "sqlite+aiosqlite:///:memory:"),
        ("postgres://u:p@db:5432/bot", "postgresql+asyncpg://u:p@db:5432/bot"),
        ("postgresql://u@db/bot", "postgresql+asyncpg://u@db/bot"),
        ("postgresql+psycopg2://u@db/bot", "postgresql+asyncpg://u@db/bot"),
        ("postgresql+asyncpg://u@db/bot", "postgresql+asyncpg://u@db/bot"),
        ("postgres://u@db/bot?sslmode=require", "postgresql+asyncpg://u@db/bot?ssl=require"),
    ],
)
def test_urls_are_normalized_to_async_drivers(given: str, expected: str) -> None:
    assert normalize_database_url(given) == expected


def test_unsupported_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported database backend"):
        normalize_database_url("mysql://u@db/bot")


def test_default_url_is_a_sqlite_file_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    url = make_url(default_database_url())
    assert url.drivername == "sqlite+aiosqlite"
    assert url.database == str(tmp_path.resolve() / "levelcheck.sqlite3")


async def test_sqlite_engine_creates_parent_directories_and_sets_pragmas(tmp_path: Path) -> None:
    database = tmp_path / "nested" / "dirs" / "bot.sqlite3"
    engine = create_engine_from_url(f"sqlite:///{database}")
    try:
        assert database.parent.is_dir()
        async with engine.connect() as connection:
            foreign_keys = await connection.exec_driver_sql("PRAGMA foreign_keys")
            assert foreign_keys.scalar() == 1
            journal_mode = await connection.exec_driver_sql("PRAGMA journal_mode")
            assert journal_mode.scalar() == "wal"
            synchronous = await connection.exec_driver_sql("PRAGMA synchronous")
            assert synchronous.scalar() == 2  # FULL: an acknowledged answer survives a power cut
            busy_timeout = await connection.exec_driver_sql("PRAGMA busy_timeout")
            assert (busy_timeout.scalar() or 0) >= 1000
    finally:
        await engine.dispose()


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ("-csearch_path=t_1", {"search_path": "t_1"}),
        ("-c search_path=t_1 -c statement_timeout=5s", {"search_path": "t_1", "statement_timeout": "5s"}),
        ("--search-path=t_1", {"search_path": "t_1"}),
        (r"-c application_name=my\ bot", {"application_name": "my bot"}),
    ],
)
def test_libpq_options_become_server_settings(options: str, expected: dict[str, str]) -> None:
    assert parse_libpq_options(options) == expected


@pytest.mark.parametrize("options", ["search_path=x", "-c", "-c search_path", "-x foo"])
def test_malformed_libpq_options_are_refused(options: str) -> None:
    with pytest.raises(ValueError, match="options"):
        parse_libpq_options(options)


@pytest.mark.postgres
async def test_postgres_url_options_reach_the_server() -> None:
    async with isolated_postgres_schema(postgres_server_url()) as url:
        named = make_url(url).update_query_dict({"application_name": "levelcheck-test"})
        engine = create_engine_from_url(named.render_as_string(hide_password=False))
        try:
            async with engine.connect() as connection:
                schema = await connection.scalar(text("SELECT current_schema()"))
                name = await connection.scalar(text("SHOW application_name"))
        finally:
            await engine.dispose()
    assert schema == parse_libpq_options(make_url(url).query["options"])["search_path"]
    assert name == "levelcheck-test"
