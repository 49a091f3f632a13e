"""aiosqlite as SQLAlchemy drives it, with one trip to aiosqlite's thread per statement instead of four.

SQLAlchemy's aiosqlite adapter asks aiosqlite for a cursor, runs the statement, fetches its rows and
closes the cursor: four awaits, each a hand-over to aiosqlite's worker thread and back (a queue, a
future, a wake-up of the event loop). SQLite answers these statements in microseconds, so those
hand-overs were most of what a statement cost the bot's event loop — a button press runs six
statements. Here the four steps run as one function in the worker thread, which is where aiosqlite
runs everything anyway; the rows come back whole, as SQLAlchemy's adapter buffers them too.

A transaction's ``BEGIN`` rides along the same way: ``begin_with_next_statement`` keeps it for the
transaction's first statement, which runs it first in the same trip (a writing transaction's first
statement is the claim of the update being handled, ``bot.storage.idempotency``). A ``BEGIN IMMEDIATE``
that cannot get the write lock then fails that statement, as it would have failed on its own.

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


def _run(
    connection: sqlite3.Connection, operation: str, parameters: Any, many: bool, begin: str | None
) -> _Outcome:
    """In aiosqlite's thread: the statement (after ``begin``, if given), its rows (if any) and its
    counts, cursor closed."""
    cursor = connection.cursor()
    try:
        if begin is not None:
            cursor.execute(begin)
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
        begin = self._adapt_connection.take_begin()
        try:
            # ``_execute`` is how aiosqlite itself runs each call in its thread.
            outcome = self.await_(
                connection._execute(_run, connection._conn, operation, parameters, many, begin)
            )
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


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ("_begin",)

    def __init__(self, dbapi: Any, connection: aiosqlite.Connection) -> None:
        super().__init__(dbapi, connection)
        self._begin: str | None = None

    def begin_with_next_statement(self, begin: str) -> None:
        """``begin`` (``BEGIN`` or ``BEGIN IMMEDIATE``) runs with the next statement, in its trip."""
        self._begin = begin

    def take_begin(self) -> str | None:
        begin, self._begin = self._begin, None
        return begin

    def commit(self) -> None:
        self._begin = None  # a transaction without a statement never began: nothing to end
        super().commit()

    def rollback(self) -> None:
        self._begin = None
        super().rollback()

    def cursor(self, server_side: bool = False) -> AsyncAdapt_aiosqlite_cursor:
        return super().cursor(server_side) if server_side else _OneHopCursor(self)


class _OneHopDbapi(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        adapted = super().connect(*arg, **kw)
        return OneHopConnection(self, adapted._connection)


#: The DBAPI module object the SQLite engine uses (``create_engine(module=...)``).
DBAPI = _OneHopDbapi(aiosqlite, sqlite3)
