"""SQLite statements reach aiosqlite's thread once each (``bot.storage.sqlite_driver``), and behave as
through SQLAlchemy's own adapter: rows, counts, errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.storage import create_engine_from_url
from bot.storage.database import single_statement_options


def _counting_trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on, the name of each function run in aiosqlite's thread (one per trip), in order."""
    trips: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: object, *args: object, **kwargs: object) -> object:
        trips.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return trips


async def test_each_statement_is_one_trip_to_the_sqlite_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine_from_url(f"sqlite:///{tmp_path / 'hops.sqlite3'}")
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)"))
            trips = _counting_trips(monkeypatch)
            await connection.execute(text("INSERT INTO t (v) VALUES (:v)"), [{"v": "a"}, {"v": "b"}])
            inserted = len(trips)
            result = await connection.execute(text("SELECT v FROM t ORDER BY id"))
            assert result.scalars().all() == ["a", "b"]
            updated = await connection.execute(text("UPDATE t SET v = v || '!' WHERE v = 'a'"))
            assert updated.rowcount == 1
            returned = await connection.execute(text("UPDATE t SET v = 'c' WHERE v = 'b' RETURNING id"))
            assert returned.scalar() == 2
            with pytest.raises(IntegrityError):
                await connection.execute(text("INSERT INTO t (v) VALUES ('c')"))
        # An executemany, a SELECT, two UPDATEs and the refused INSERT: one trip each (the adapter
        # SQLAlchemy ships makes three or four: cursor, execute, fetch, close), then the commit and
        # the pool's rollback as the connection goes back.
        assert (inserted, trips) == (1, ["_run"] * 5 + ["commit", "rollback"])
    finally:
        await engine.dispose()


def _write_lock_is_free(path: Path) -> bool:
    """Whether another connection could take SQLite's write lock right now (without waiting)."""
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return False
    finally:
        probe.close()


async def test_a_transactions_begin_rides_with_its_first_statement_and_takes_the_write_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``BEGIN IMMEDIATE`` costs no trip of its own, yet the lock is held from the first statement
    (a read), as if it had been sent alone; a transaction that ran nothing leaves nothing behind."""
    path = tmp_path / "begin.sqlite3"
    engine = create_engine_from_url(f"sqlite:///{path}")
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
        trips = _counting_trips(monkeypatch)
        async with engine.begin() as connection:
            assert await connection.scalar(text("SELECT count(*) FROM t")) == 0
            assert not _write_lock_is_free(path)
        assert _write_lock_is_free(path)
        assert trips == ["_run", "commit", "rollback"]
        async with engine.begin():
            pass  # began, ran nothing, committed
        options = single_statement_options("sqlite")
        async with engine.connect() as connection:
            alone = await connection.execution_options(**options)
            await alone.execute(text("INSERT INTO t (id) VALUES (1)"))
            assert _write_lock_is_free(path), "a BEGIN of the empty transaction stayed pending"
    finally:
        await engine.dispose()
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT id FROM t").fetchall() == [(1,)]
