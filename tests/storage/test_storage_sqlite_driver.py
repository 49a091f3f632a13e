"""SQLite statements reach aiosqlite's thread once each (``bot.storage.sqlite_driver``), and behave as
through SQLAlchemy's own adapter: rows, counts, errors."""

from __future__ import annotations

from pathlib import Path

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.storage import create_engine_from_url


async def test_each_statement_is_one_trip_to_the_sqlite_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine_from_url(f"sqlite:///{tmp_path / 'hops.sqlite3'}")
    trips: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: object, *args: object, **kwargs: object) -> object:
        trips.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)  # type: ignore[arg-type]

    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)"))
            monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
            trips.clear()
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
