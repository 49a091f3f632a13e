"""The permission matrix's fixtures: the bot-fuzz harness (the real application in-process against
the fake Bot API), the service tests' assessment driver and the web tests' sign-in links, reused by
putting their folders on ``sys.path`` (there is no ``tests/__init__.py``; see ``tests/service/conftest.py``).

Shared names are imported from ``permission_world`` (never ``from conftest import``)."""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
for folder in ("bot_fuzz", "service", "web"):
    path = str(_HERE.parent / folder)
    if path not in sys.path:
        sys.path.insert(0, path)

from permission_world import template, world  # noqa: E402 - needs the path above

__all__ = ["template", "world"]
