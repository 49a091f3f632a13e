"""Replicas starting together on one PostgreSQL database each run the start-time migration; the advisory
lock in ``bot.storage.migrate`` makes them take turns, so the first migrates and the others find the
schema at head. Without it two of them create the same tables at once and one start fails."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import inspect

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS / "storage") not in sys.path:
    sys.path.insert(0, str(TESTS / "storage"))

from backends import isolated_postgres_schema, postgres_server_url  # noqa: E402

from bot.storage import Base, create_engine_from_url  # noqa: E402
from bot.storage.migrate import head_revision  # noqa: E402

pytestmark = pytest.mark.postgres

REPLICAS = 4
#: Each worker imports everything first, says so, and migrates only on "go": the starts really overlap.
WORKER = """
import asyncio, sys
from bot.storage import upgrade_database
print("ready", flush=True)
sys.stdin.readline()
asyncio.run(upgrade_database(sys.argv[1]))
print("migrated", flush=True)
"""


@pytest.fixture
async def empty_postgres_url() -> AsyncIterator[str]:
    async with isolated_postgres_schema(postgres_server_url()) as url:
        yield url


async def test_replicas_starting_together_migrate_once_and_all_start(empty_postgres_url: str) -> None:
    environment = {**os.environ, "PYTHONPATH": str(TESTS.parent)}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, empty_postgres_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
        )
        for _ in range(REPLICAS)
    ]
    try:
        for worker in workers:
            assert worker.stdout is not None and worker.stdout.readline().strip() == "ready"
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        outcomes = [worker.communicate(timeout=120) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    failures = [err for worker, (_, err) in zip(workers, outcomes, strict=True) if worker.returncode != 0]
    assert failures == [], failures[0][-3000:]
    assert all(out.strip() == "migrated" for out, _ in outcomes)

    engine = create_engine_from_url(empty_postgres_url)
    try:
        async with engine.connect() as connection:
            versions = (await connection.exec_driver_sql("SELECT version_num FROM alembic_version")).all()
            tables = set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await engine.dispose()
    assert [row[0] for row in versions] == [head_revision()]
    assert {table.name for table in Base.metadata.sorted_tables} <= tables
