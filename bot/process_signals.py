"""How a serving process hears that it should stop, whichever way updates arrive (polling or webhook)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterator


@contextlib.contextmanager
def stop_on_signals(stop: asyncio.Event) -> Iterator[None]:
    """SIGTERM and SIGINT set ``stop`` while the block runs, so the server winds down in its own order
    (finish what is in flight, close the database) instead of python's default ``KeyboardInterrupt``
    or death thrown through whatever happens to run. Where the loop cannot take signal handlers
    (Windows, a thread other than the main one) the block runs without them."""
    loop = asyncio.get_running_loop()
    handled: list[signal.Signals] = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, stop.set)
            handled.append(signum)
    try:
        yield
    finally:
        for signum in handled:
            loop.remove_signal_handler(signum)
