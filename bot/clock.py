"""The time the services read, so tests can move it instead of sleeping.

Services take a ``Clock`` (the system's UTC time by default). The end-to-end tests run the real bot
process and move its time forward by writing a number of seconds into the file named by
``LEVELCHECK_CLOCK_OFFSET_FILE``; a deployment never sets that variable.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from bot.storage import utc_now

Clock = Callable[[], datetime]

OFFSET_FILE_VARIABLE = "LEVELCHECK_CLOCK_OFFSET_FILE"


def system_clock() -> datetime:
    return utc_now()


def clock_from_environment() -> Clock:
    """The system clock, shifted by the seconds in ``LEVELCHECK_CLOCK_OFFSET_FILE`` when it is set."""
    name = os.environ.get(OFFSET_FILE_VARIABLE)
    if not name:
        return system_clock
    path = Path(name)

    def shifted() -> datetime:
        try:
            offset = float(path.read_text(encoding="utf-8").strip() or 0)
        except (OSError, ValueError):
            offset = 0.0
        return utc_now() + timedelta(seconds=offset)

    return shifted
