"""Turning a database URL into a correctly configured async engine.

Operators paste URLs in whatever dialect their host documents (``postgres://`` from a PaaS,
``sqlite:///`` from a tutorial, libpq's ``?options=-csearch_path=...``); this module accepts those and
maps them onto the two async drivers the bot ships with, so nobody has to know SQLAlchemy driver names.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from bot.storage import sqlite_driver
from bot.storage.column_types import json_text
from bot.storage.errors import StorageError

DEFAULT_DATABASE_FILENAME = "levelcheck.sqlite3"

SQLITE_BUSY_TIMEOUT_MS = 10_000
"""How long a SQLite writer waits for another one before failing; transactions here last milliseconds,
so ten seconds only runs out when something is truly stuck."""

READ_ONLY = "levelcheck_read_only"
"""Execution option of a connection whose transaction only reads (``UnitOfWork.read_only``).

Per-person serialization: every writing unit of work locks the person's row first
(``UserRepository`` selects it ``FOR UPDATE``), so on PostgreSQL two updates of one person — in one
process or in two replicas — apply one after the other. SQLite has no row locks (SQLAlchemy drops
``FOR UPDATE`` there) and needs none: a writing transaction starts with ``BEGIN IMMEDIATE``, which
takes the database's single write lock, so writers are serialized whole. Reads start with a plain
``BEGIN`` on SQLite and ``BEGIN READ ONLY`` on PostgreSQL: they lock nothing, wait for no writer,
and a read that tried to write would fail on PostgreSQL instead of writing.
"""


SINGLE_STATEMENT = "levelcheck_single_statement"
"""Execution option of a connection that runs one statement as its own transaction
(``UnitOfWork.execute_alone``): no ``BEGIN`` and no ``COMMIT`` round trip around it."""


def single_statement_options(dialect_name: str) -> dict[str, Any]:
    """What makes a connection run each statement as its own transaction on ``dialect_name``.

    PostgreSQL: asyncpg's autocommit. SQLite: its connections already run without the driver's
    implicit transactions (``_configure_sqlite``), so leaving out our ``BEGIN`` is all it takes —
    SQLAlchemy's own ``AUTOCOMMIT`` would, when the connection goes back to the pool, turn the
    driver's implicit transactions back on.
    """
    if dialect_name == "postgresql":
        return {SINGLE_STATEMENT: True, "isolation_level": "AUTOCOMMIT"}
    return {SINGLE_STATEMENT: True}


def read_only_options(dialect_name: str) -> dict[str, Any]:
    """The execution options that make a connection's next transaction read-only on ``dialect_name``."""
    if dialect_name == "postgresql":
        return {READ_ONLY: True, "postgresql_readonly": True}
    return {READ_ONLY: True}


_SQLITE_DRIVER = "sqlite+aiosqlite"
_POSTGRES_DRIVER = "postgresql+asyncpg"


def default_database_url(directory: Path | None = None) -> str:
    """A SQLite file next to where the bot runs: zero setup for a single-instance deployment."""
    base = Path.cwd() if directory is None else directory
    return f"{_SQLITE_DRIVER}:///{(base / DEFAULT_DATABASE_FILENAME).resolve()}"


def normalize_database_url(url: str) -> str:
    """The same URL spelled for the async driver this project uses; rejects backends it cannot run."""
    return _normalized(url).render_as_string(hide_password=False)


def is_postgresql(url: str | None) -> bool:
    """Whether ``url`` names a PostgreSQL database (None is the embedded SQLite default)."""
    return url is not None and _normalized(url).drivername == _POSTGRES_DRIVER


def create_engine_from_url(url: str, *, enforce_foreign_keys: bool = True, echo: bool = False) -> AsyncEngine:
    """An engine whose connections behave the same on SQLite and PostgreSQL.

    ``enforce_foreign_keys=False`` exists only for migrations: SQLite rebuilds tables in batch mode and
    dropping the old copy with foreign keys on would cascade-delete every dependent row.
    """
    parsed = _normalized(url)
    options: dict[str, Any] = {"echo": echo, "json_serializer": json_text}
    if parsed.get_backend_name() == "sqlite":
        _create_parent_directory(parsed)
        engine = create_async_engine(parsed, module=sqlite_driver.DBAPI, **options)
        _configure_sqlite(engine, enforce_foreign_keys=enforce_foreign_keys)
        return engine
    parsed, server_settings = _split_server_settings(parsed)
    if server_settings:
        options["connect_args"] = {"server_settings": server_settings}
    engine = create_async_engine(parsed, **options)
    _discard_closed_connections(engine)
    return engine


def _discard_closed_connections(engine: AsyncEngine) -> None:
    """Keeps the pool from handing out a connection the server has closed, e.g. by restarting.

    A restarting PostgreSQL closes every connection's socket; asyncpg reads that while the connection
    idles in the pool (the event loop runs), so asking it at checkout costs no round trip, and the pool
    replaces a closed connection with a new one. SQLAlchemy's ``pool_pre_ping`` would catch the same
    with three round trips on every checkout (BEGIN, a ping, ROLLBACK in asyncpg's dialect): measured
    here 0.25-0.4 ms of CPU each, and an update checks out two to four connections, against a budget
    of a few milliseconds per update. A connection that dies without its socket closing (a host gone
    silently) still fails its first statement: SQLAlchemy recognises the disconnect and invalidates
    the whole pool, so that costs the one request, which Telegram redelivers in webhook mode.
    """

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry, _proxy: Any) -> None:
        driver_connection = getattr(dbapi_connection, "driver_connection", None)
        is_closed = getattr(driver_connection, "is_closed", None)
        if is_closed is not None and is_closed():
            raise DisconnectionError("the server closed this pooled connection")


class DatabaseNotWritableError(StorageError):
    """The SQLite file (or its folder) cannot be written by this process; ``str()`` is one line that
    names the path, which is an operator's setting and carries no password."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"cannot write the SQLite database {path}: {reason}")


def ensure_writable_database(url: str) -> None:
    """Refuses a SQLite database this process cannot write, before anything is served.

    SQLite opens a read-only file without complaint and migrations at head only read, so such a bot
    would start normally and then fail every command. The check tries what SQLite will do rather than
    reading permission bits (which root, ACLs and read-only mounts all make misleading): open the file
    for writing, and create a file in its folder, where the WAL and shared-memory files live. A
    server database (PostgreSQL) is not checked here: its permissions are the server's business.
    """
    parsed = _normalized(url)
    if parsed.get_backend_name() != "sqlite":
        return
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:") or "uri" in parsed.query:
        return
    path = Path(database).expanduser().absolute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseNotWritableError(path, f"its folder cannot be created ({_why(exc)})") from None
    if path.exists():
        if not path.is_file():
            raise DatabaseNotWritableError(path, "it is not a file")
        try:
            with path.open("r+b"):
                pass
        except OSError as exc:
            raise DatabaseNotWritableError(path, f"the file is not writable ({_why(exc)})") from None
    try:
        with tempfile.TemporaryFile(dir=path.parent, prefix=".levelcheck-write-check-"):
            pass
    except OSError as exc:
        # The file may be writable, but SQLite's journal and WAL files are created beside it.
        raise DatabaseNotWritableError(path, f"its folder is not writable ({_why(exc)})") from None


def _why(error: OSError) -> str:
    if isinstance(error, FileExistsError | NotADirectoryError):  # mkdir met a file on the way
        return "a part of the path is a file, not a folder"
    return os.strerror(error.errno) if error.errno else type(error).__name__


def _normalized(url: str) -> URL:
    parsed = make_url(url)
    backend = parsed.drivername.split("+", 1)[0]
    if backend == "sqlite":
        return parsed.set(drivername=_SQLITE_DRIVER)
    if backend in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername=_POSTGRES_DRIVER)
        sslmode = parsed.query.get("sslmode")
        if sslmode is not None:
            # asyncpg spells libpq's sslmode as ssl and rejects the unknown keyword.
            parsed = parsed.difference_update_query(["sslmode"])
            if "ssl" not in parsed.query:
                parsed = parsed.update_query_dict({"ssl": sslmode})
        return parsed
    raise ValueError(f"unsupported database backend {parsed.drivername!r}: use sqlite:// or postgresql://")


def _create_parent_directory(url: URL) -> None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:") or "uri" in url.query:
        return
    Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _split_server_settings(url: URL) -> tuple[URL, dict[str, str]]:
    """Moves libpq's ``options``/``application_name`` into asyncpg's ``server_settings``.

    asyncpg receives URL query parameters as keyword arguments and has neither of these, yet they are the
    standard way to pin e.g. ``search_path`` in a URL, which is how a test hands an isolated schema to a
    whole bot process through one environment variable.
    """
    settings: dict[str, str] = {}
    options = url.query.get("options")
    if options is not None:
        settings.update(parse_libpq_options(_single(options)))
    application_name = url.query.get("application_name")
    if application_name is not None:
        settings["application_name"] = _single(application_name)
    return url.difference_update_query(["options", "application_name"]), settings


def _single(value: str | tuple[str, ...]) -> str:
    if isinstance(value, tuple):
        raise ValueError(f"query parameter given more than once: {value!r}")
    return value


def parse_libpq_options(options: str) -> dict[str, str]:
    """Parses libpq's ``options`` value (``-c name=value``, ``-cname=value``, ``--name=value``)."""
    tokens = _split_unescaped_whitespace(options)
    settings: dict[str, str] = {}
    position = 0
    while position < len(tokens):
        token = tokens[position]
        position += 1
        if token == "-c":
            if position == len(tokens):
                raise ValueError(f"'-c' without a setting in options={options!r}")
            assignment = tokens[position]
            position += 1
        elif token.startswith("--"):
            assignment = token[2:]
            name, _, value = assignment.partition("=")
            assignment = f"{name.replace('-', '_')}={value}"
        elif token.startswith("-c"):
            assignment = token[2:]
        else:
            raise ValueError(f"unsupported token {token!r} in options={options!r}: only '-c name=value'")
        name, separator, value = assignment.partition("=")
        if not name or not separator:
            raise ValueError(f"expected name=value, got {assignment!r} in options={options!r}")
        settings[name] = value
    return settings


def _split_unescaped_whitespace(value: str) -> list[str]:
    tokens: list[str] = []
    current: list[str] = []
    escaped = False
    for char in value:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char.isspace():
            if current:
                tokens.append("".join(current))
                current = []
        else:
            current.append(char)
    if escaped:
        current.append("\\")
    if current:
        tokens.append("".join(current))
    return tokens


def _configure_sqlite(engine: AsyncEngine, *, enforce_foreign_keys: bool) -> None:
    """Makes SQLite transactional the way the repositories assume.

    - The driver's own implicit BEGIN is disabled and ``BEGIN IMMEDIATE`` is issued instead: savepoints
      then nest correctly, and a transaction that reads before writing queues for the write lock up front
      instead of failing with "database is locked" when a concurrent writer committed in between.
    - Foreign keys are off by default in SQLite; without them ``ON DELETE CASCADE`` does nothing.
    - WAL lets readers proceed while a writer commits.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None  # type: ignore[attr-defined]
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute(f"PRAGMA foreign_keys = {'ON' if enforce_foreign_keys else 'OFF'}")
            cursor.execute("PRAGMA journal_mode = WAL")
            # WAL's default (NORMAL) may lose the last commits on a power cut; an answer the bot has
            # acknowledged must survive one, so every commit is synced (FULL), at a small write cost.
            cursor.execute("PRAGMA synchronous = FULL")
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A read (``UnitOfWork.read_only``) takes no write lock, so it neither waits for writers nor
        # makes them wait; everything else queues for SQLite's one write lock up front.
        options = connection.get_execution_options()
        if options.get(SINGLE_STATEMENT, False):
            return  # the statement is its own transaction (see ``single_statement_options``)
        begin = "BEGIN" if options.get(READ_ONLY, False) else "BEGIN IMMEDIATE"
        driver = connection.connection.dbapi_connection
        if isinstance(driver, sqlite_driver.OneHopConnection):
            driver.begin_with_next_statement(begin)  # a trip to aiosqlite's thread fewer
        else:
            connection.exec_driver_sql(begin)
