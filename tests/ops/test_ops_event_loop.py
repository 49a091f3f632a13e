"""The bot's processes run on uvloop where it is installed, and on asyncio's loop where it is not."""

from __future__ import annotations

import asyncio
import sys

import pytest

from bot import event_loop


async def _loop_module() -> str:
    await asyncio.sleep(0)
    return type(asyncio.get_running_loop()).__module__


def test_uvloop_runs_the_bot_where_it_is_installed() -> None:
    if sys.platform == "win32":
        pytest.skip("uvloop has no build for Windows (a dependency everywhere else)")
    assert event_loop.run(_loop_module()).startswith("uvloop")


def test_without_uvloop_asyncios_own_loop_runs_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # import uvloop raises ImportError
    assert event_loop.run(_loop_module()).startswith("asyncio")
