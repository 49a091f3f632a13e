"""aiosqlite as SQLAlchemy drives it, with one trip to aiosqlite's thread per statement instead of four.

SQLAlchemy's aiosqlite adapter asks aiosqlite for a cursor, runs the statement, fetches its rows and
closes the cursor: four awaits, each a hand-over to aiosqlite's worker thread and back (a queue, a
future, a wake-up of the event loop). SQLite answers these statements in microseconds, so those
hand-overs were most of what a statement cost the bot's event loop — a button press runs six
statements. Here the four steps run as one function in the worker thread, which is where aiosqlite
runs everything anyway; the rows come back whole, as SQLAlchemy's adapter buffers them too.

Only the plain (buffered) cursor changes; server-side cursors, commits and everything else stay
SQLAlchemy's. ``create_engine_from_url`` passes ``DBAPI`` as the engine's ``module``.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)

_Outcome = tuple[Any, list[Any] | None, int | None, int]


def _run(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> _Outcome:
    """In aiosqlite's thread: the statement, its rows (if any) and its counts, cursor closed."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else None
        return description, rows, cursor.lastrowid, cursor.rowcount
    finally:
        cursor.close()


class _OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()

    def execute(self, operation: Any, parameters: Any = None) -> None:
        self._one_hop(operation, parameters, many=False)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> None:
        self._one_hop(operation, seq_of_parameters, many=True)

    def _one_hop(self, operation: Any, parameters: Any, *, many: bool) -> None:
        connection = self._connection
        try:
            # ``_execute`` is how aiosqlite itself runs each call in its thread.
            outcome = self.await_(connection._execute(_run, connection._conn, operation, parameters, many))
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        description, rows, lastrowid, rowcount = outcome
        if description and not many:
            self.description = description
            self.lastrowid = self.rowcount = -1  # as SQLAlchemy's adapter reports a statement with rows
            self._rows = deque(rows or ())
        else:
            self.description = None
            self.lastrowid = lastrowid
            self.rowcount = rowcount


class _OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()

    def cursor(self, server_side: bool = False) -> AsyncAdapt_aiosqlite_cursor:
        return super().cursor(server_side) if server_side else _OneHopCursor(self)


class _OneHopDbapi(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        adapted = super().connect(*arg, **kw)
        return _OneHopConnection(self, adapted._connection)


#: The DBAPI module object the SQLite engine uses (``create_engine(module=...)``).
DBAPI = _OneHopDbapi(aiosqlite, sqlite3)
