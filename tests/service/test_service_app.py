"""``open_runtime``: migrates whatever database it is given, then hands out a working service."""

from __future__ import annotations

from pathlib import Path

import pytest
from service_driver import TRUTHS, take_assessment

from bot.app import open_runtime
from bot.service import Identity

ALICE = Identity(local_key="terminal:alice", display_name="Alice")


async def test_open_runtime_migrates_an_empty_database_and_is_safe_to_repeat(database_url: str) -> None:
    runtime = await open_runtime(database_url)
    try:
        result = await take_assessment(runtime.service, ALICE, TRUTHS["software"])
    finally:
        await runtime.close()

    runtime = await open_runtime(database_url)  # every start migrates: a no-op now, data kept
    try:
        [row] = await runtime.service.history(ALICE)
        assert (row.level, row.interview_id) == (result.finished_level, result.interview_id)
    finally:
        await runtime.close()


async def test_without_a_url_the_database_is_a_sqlite_file_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runtime = await open_runtime(None)
    try:
        assert runtime.engine.url.get_backend_name() == "sqlite"
        await runtime.service.start(ALICE)
    finally:
        await runtime.close()
    assert (tmp_path / "levelcheck.sqlite3").is_file()
