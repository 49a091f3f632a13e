"""Wiring shared by every front: the database, its migrations and the assessment service."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.service import AssessmentService
from bot.storage import create_engine_from_url, default_database_url, unit_of_work_factory, upgrade_database
from bot.storage.database import ensure_writable_database
from criteria import StandardSet


@dataclass(slots=True)
class Runtime:
    engine: AsyncEngine
    service: AssessmentService

    async def close(self) -> None:
        await self.engine.dispose()


async def open_runtime(database_url: str | None, standards: StandardSet | None = None) -> Runtime:
    """Migrate the database to the current schema, then hand out the service (safe on every start).

    A SQLite file this process cannot write is refused first (``DatabaseNotWritableError``): every
    front would otherwise start normally and then fail each command.
    """
    url = database_url or default_database_url()
    ensure_writable_database(url)
    await upgrade_database(url)
    engine = create_engine_from_url(url)
    return Runtime(engine, AssessmentService(unit_of_work_factory(engine), standards))
