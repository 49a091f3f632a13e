"""The web tests' fixtures: the storage tests' backends and the world of ``web_world.py``.

Shared names are imported from ``web_world`` (never ``from conftest import``: every test folder has
a ``conftest`` and only one of them can be the module of that name).
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
for folder in ("storage", "service"):
    path = str(_HERE.parent / folder)
    if path not in sys.path:
        sys.path.insert(0, path)

from backends import (  # noqa: E402 - needs the path above
    database_backend,
    database_engine,
    database_url,
    migrated_database_url,
    uow_factory,
)
from web_world import client, clock, login, world  # noqa: E402

__all__ = [
    "client",
    "clock",
    "database_backend",
    "database_engine",
    "database_url",
    "login",
    "migrated_database_url",
    "uow_factory",
    "world",
]
