"""Shared checks for the dialogue tests.

Test modules here have names unique across ``tests/`` (pytest's default "prepend" import mode
imports them as top-level modules, and ``tests/dialogs`` cannot be a package: it would shadow the
real ``dialogs``).
"""

from __future__ import annotations

from collections.abc import Generator

import pytest


@pytest.fixture(autouse=True)
def _no_interview_left_open() -> Generator[None, None, None]:
    """Every test closes the interviews it opens: the shared machine must not accumulate models."""
    from dialogs.machine import MACHINE

    before = len(MACHINE.models)
    yield
    assert len(MACHINE.models) == before, f"{len(MACHINE.models) - before} interview(s) left open"
