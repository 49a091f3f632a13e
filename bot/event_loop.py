"""The event loop the bot's processes run on: uvloop where it is installed, else asyncio's own.

uvloop (libuv underneath; what uvicorn picks when it is present) does the loop's own work in C: the
readiness polling, scheduling callbacks, the socket transports, waking up for a database thread. The
bot is mostly that kind of work between short bursts of Python: measured with ``bench/bench_load.py``
(three runs each, closed loop, SQLite), it cut the bot's CPU per update by 8%. Where uvloop has no
build (Windows) asyncio's loop serves, and nothing else changes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)`` on the best loop available."""
    try:
        import uvloop
    except ImportError:  # no build for this platform
        return asyncio.run(main)
    return uvloop.run(main)
