"""Runs every service test on SQLite and on PostgreSQL, with the storage tests' backend fixtures.

There is no ``tests/__init__.py`` (``tests/dialogs`` would shadow the real ``dialogs``), so pytest
imports ``tests/storage/backends.py`` as the top-level module ``backends`` only once ``tests/storage``
is on ``sys.path``, which pytest does itself only when it collects that folder. Putting the folder on
the path here lets ``pytest tests/service`` run alone as well as within the whole suite.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

_STORAGE_TESTS = str(Path(__file__).resolve().parent.parent / "storage")
if _STORAGE_TESTS not in sys.path:
    sys.path.insert(0, _STORAGE_TESTS)

from backends import (  # noqa: E402 - needs the path above
    database_backend,
    database_engine,
    database_url,
    migrated_database_url,
    uow_factory,
)
from service_driver import Fresh  # noqa: E402

from bot.app import RuntimeOptions  # noqa: E402
from bot.service import AssessmentService  # noqa: E402
from bot.storage import UnitOfWorkFactory, create_engine_from_url, unit_of_work_factory  # noqa: E402
from bot.teams import TeamService  # noqa: E402

__all__ = [
    "database_backend",
    "database_engine",
    "database_url",
    "migrated_database_url",
    "uow_factory",
]


@pytest.fixture
def service(uow_factory: UnitOfWorkFactory) -> AssessmentService:
    return AssessmentService(uow_factory)


@pytest.fixture
def teams(uow_factory: UnitOfWorkFactory) -> TeamService:
    """Teams on the same database as ``service``, with the deployment's default options."""
    return TeamService(uow_factory, RuntimeOptions())


@pytest.fixture
def fresh_service(migrated_database_url: str) -> Fresh:
    """A service on a brand-new engine (its own connection pool), as a second bot process would have:
    whatever it reads was committed, not merely sitting in the first engine's session or connection."""

    @asynccontextmanager
    async def open_fresh() -> AsyncIterator[AssessmentService]:
        engine = create_engine_from_url(migrated_database_url)
        try:
            yield AssessmentService(unit_of_work_factory(engine))
        finally:
            await engine.dispose()

    return open_fresh
