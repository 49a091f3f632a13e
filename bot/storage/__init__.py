"""Durable storage of the bot: users, interviews, transcripts, results and invitations.

Stores the JSON other layers hand over without interpreting it, so it depends on neither the dialogue
nor the criteria. Typical use::

    engine = create_engine_from_url(url)
    await upgrade_database(url)
    uow_factory = unit_of_work_factory(engine)
    async with uow_factory() as uow:
        user = await uow.users.get_or_create_telegram(telegram_id, "Alice", "ru")
        ...
        await uow.commit()
"""

from bot.storage.column_types import JsonObject, utc_now
from bot.storage.database import (
    create_engine_from_url,
    default_database_url,
    is_postgresql,
    normalize_database_url,
)
from bot.storage.errors import (
    ActiveInterviewExistsError,
    InterviewNotActiveError,
    MigrationError,
    StaleInterviewError,
    StorageError,
)
from bot.storage.migrate import head_revision, upgrade_database
from bot.storage.models import (
    Base,
    Interview,
    InterviewStatus,
    Invitation,
    Result,
    TranscriptDirection,
    TranscriptEntry,
    User,
)
from bot.storage.repositories import ResultWithUser
from bot.storage.unit_of_work import UnitOfWork, UnitOfWorkFactory, unit_of_work_factory

__all__ = [
    "ActiveInterviewExistsError",
    "Base",
    "Interview",
    "InterviewNotActiveError",
    "InterviewStatus",
    "Invitation",
    "JsonObject",
    "MigrationError",
    "Result",
    "ResultWithUser",
    "StaleInterviewError",
    "StorageError",
    "TranscriptDirection",
    "TranscriptEntry",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "User",
    "create_engine_from_url",
    "default_database_url",
    "head_revision",
    "is_postgresql",
    "normalize_database_url",
    "unit_of_work_factory",
    "upgrade_database",
    "utc_now",
]
