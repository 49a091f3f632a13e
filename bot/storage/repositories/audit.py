"""The audit log: who looked at whose data, from where, when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import AuditEvent
from bot.storage.repositories._text import storable_text


class AuditRepository:
    """Access to ``audit_events``; lines are only ever added (the subject's /forget removes theirs)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(
        self,
        *,
        actor_id: int | None,
        actor_name: str,
        actor_role: str,
        channel: str,
        action: str,
        subject_id: int | None,
        object_id: int | None,
        at: datetime,
    ) -> None:
        """One view of one person's data (``subject_id``), or of many (``None``: an export)."""
        await self._session.execute(
            insert(AuditEvent).values(
                at=at,
                actor_id=actor_id,
                actor_name=storable_text(actor_name)[:255],
                actor_role=actor_role,
                channel=channel,
                action=action,
                subject_id=subject_id,
                object_id=object_id,
            )
        )

    async def for_subject(self, subject_id: int, limit: int = 50) -> list[AuditEvent]:
        """Who has seen this person's data, newest first (what ``/privacy`` shows them)."""
        rows = await self._session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_id == subject_id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
        return list(rows)

    async def listing(
        self,
        *,
        limit: int = 200,
        offset: int = 0,
        actor_id: int | None = None,
        subject_id: int | None = None,
    ) -> list[AuditEvent]:
        """The log as an admin reads it, newest first, optionally about one actor or one subject."""
        statement = select(AuditEvent)
        if actor_id is not None:
            statement = statement.where(AuditEvent.actor_id == actor_id)
        if subject_id is not None:
            statement = statement.where(AuditEvent.subject_id == subject_id)
        statement = statement.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit).offset(offset)
        return list(await self._session.scalars(statement))
