"""Bringing a database to the schema this code expects, on every start, without an alembic.ini.

The migration scripts live in ``bot/storage/migrations`` inside the package, so an installed bot can
migrate its database with nothing else on disk. Authoring a new revision (run from the project root)::

    python -c "from alembic import command; from bot.storage.migrate import alembic_config; \\
        command.revision(alembic_config('sqlite:///scratch.sqlite3'), autogenerate=True, message='...')"

(upgrade the scratch database to head first, so autogenerate only sees the new changes).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from bot.storage.database import create_engine_from_url
from bot.storage.errors import MigrationError

MIGRATIONS_DIRECTORY = Path(__file__).resolve().parent / "migrations"

_ADVISORY_LOCK_KEY = 0x6C65_7665_6C63  # "levelc": any constant shared by every instance of the bot
"""Two bot processes starting together must not both run the same migration on PostgreSQL."""


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration built in code; ``url`` is only needed for Alembic's own CLI commands."""
    config = Config()
    config.set_main_option("script_location", _escape(str(MIGRATIONS_DIRECTORY)))
    if url is not None:
        config.set_main_option("sqlalchemy.url", _escape(url))
    return config


def head_revision() -> str:
    """The revision the code expects; useful in a health check or a log line at start-up."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise MigrationError(f"no migration scripts found in {MIGRATIONS_DIRECTORY}")
    return head


async def upgrade_database(url: str, revision: str = "head") -> None:
    """Applies the missing migrations; a no-op when the database is current, so call it on every start.

    It runs on the caller's event loop: Alembic gets a connection handed in through
    ``config.attributes`` instead of starting a loop of its own, so this works inside a running bot.
    Not meant to run concurrently within one process (Alembic's context is global); across processes it
    is serialized by the database (an advisory lock on PostgreSQL, the write lock on SQLite).
    """
    # Foreign keys off for SQLite: batch migrations copy and drop tables, which would cascade-delete.
    engine = create_engine_from_url(url, enforce_foreign_keys=False)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade, revision)
    finally:
        await engine.dispose()


def _upgrade(connection: Connection, revision: str) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_ADVISORY_LOCK_KEY})")
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
    if connection.dialect.name == "sqlite":
        violations = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if violations:
            raise MigrationError(f"migration left rows violating foreign keys: {violations[:5]!r}")


def _escape(value: str) -> str:
    # Config values go through ConfigParser interpolation, where a bare '%' is an error.
    return value.replace("%", "%%")
