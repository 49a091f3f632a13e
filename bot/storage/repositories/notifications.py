"""Notifications: messages owed to people, kept as due times: a restart neither loses nor repeats them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.column_types import JsonObject, utc_now
from bot.storage.models import Interview, Notification, Result, Team, TeamLead, TeamMember, User


@dataclass(frozen=True, slots=True)
class ClaimedNotification:
    """A notification just marked sent, with what sending it needs to know about its recipient.

    ``interview_status`` is that of the interview it is about (``None`` when it is about none), so
    the caller can drop a reminder whose interview finished in the meantime.
    """

    id: int
    kind: str
    payload: dict[str, Any]
    telegram_id: int | None
    language: str | None
    reminders_off: bool
    interview_status: str | None


@dataclass(frozen=True, slots=True)
class LeadToNotify:
    """One lead who hears that a member of ``team_id`` finished."""

    lead_user_id: int
    team_id: int
    team_name: str


class NotificationRepository:
    """Access to ``notifications``.

    Rows are written and claimed with plain statements, never loaded as objects: a claim must be one
    locked read plus one update, and nothing of it should linger in the unit of work.
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        *,
        user_id: int,
        kind: str,
        payload: JsonObject,
        due_at: datetime,
        interview_id: int | None = None,
    ) -> None:
        """One message for ``user_id`` at ``due_at``; ``interview_id`` ties it to what it is about, so
        deleting that interview (a /forget, a clean-up) takes the message with it."""
        await self._session.execute(
            insert(Notification).values(
                user_id=user_id,
                kind=kind,
                interview_id=interview_id,
                payload=payload,
                due_at=due_at,
                created_at=utc_now(),
            )
        )

    async def exists_for_interview(self, kind: str, interview_id: int) -> bool:
        """Whether a ``kind`` notification about the interview was ever written, sent or not."""
        found = await self._session.scalar(
            select(Notification.id)
            .where(Notification.kind == kind, Notification.interview_id == interview_id)
            .limit(1)
        )
        return found is not None

    async def update_pending(
        self, *, user_id: int, kind: str, interview_id: int, payload: JsonObject, due_at: datetime
    ) -> bool:
        """Replaces the payload of the unsent ``kind`` notification to ``user_id`` about the interview;
        False when there is none (it went out already, or was never written)."""
        result = await self._session.execute(
            update(Notification)
            .where(
                Notification.user_id == user_id,
                Notification.kind == kind,
                Notification.interview_id == interview_id,
                Notification.sent_at.is_(None),
            )
            .values(payload=payload, due_at=due_at)
            .execution_options(synchronize_session=False)
        )
        return cast(CursorResult[Any], result).rowcount > 0

    async def delete_pending(self, kind: str, interview_id: int) -> int:
        """Drops the unsent ``kind`` notifications about the interview; how many there were."""
        result = await self._session.execute(
            delete(Notification)
            .where(
                Notification.kind == kind,
                Notification.interview_id == interview_id,
                Notification.sent_at.is_(None),
            )
            .execution_options(synchronize_session=False)
        )
        return cast(CursorResult[Any], result).rowcount

    async def claim_due(self, now: datetime, limit: int) -> list[ClaimedNotification]:
        """Marks up to ``limit`` notifications due at ``now`` as sent and returns them, oldest first.

        On PostgreSQL the rows are locked with ``FOR UPDATE SKIP LOCKED``: a second process claiming
        at the same moment passes over them instead of waiting, and once this transaction commits
        they no longer match ``sent_at IS NULL``. So no notification is claimed twice. SQLite renders
        no ``FOR UPDATE``; there the unit of work holds the database's only write lock from its first
        statement (``BEGIN IMMEDIATE``), which serializes claims just as well.
        """
        ids = list(
            await self._session.scalars(
                select(Notification.id)
                .where(Notification.sent_at.is_(None), Notification.due_at <= now)
                .order_by(Notification.due_at, Notification.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if not ids:
            return []
        await self._session.execute(
            update(Notification)
            .where(Notification.id.in_(ids), Notification.sent_at.is_(None))
            .values(sent_at=now)
            .execution_options(synchronize_session=False)
        )
        rows = await self._session.execute(
            select(
                Notification.id,
                Notification.kind,
                Notification.payload,
                User.telegram_id,
                User.language,
                User.reminders_off,
                Interview.status,
            )
            .join(User, User.id == Notification.user_id)
            .outerjoin(Interview, Interview.id == Notification.interview_id)
            .where(Notification.id.in_(ids))
            .order_by(Notification.due_at, Notification.id)
        )
        return [
            ClaimedNotification(
                id=id_,
                kind=kind,
                payload=dict(payload or {}),
                telegram_id=telegram_id,
                language=language,
                reminders_off=bool(reminders_off),
                interview_status=status,
            )
            for id_, kind, payload, telegram_id, language, reminders_off, status in rows.tuples()
        ]

    async def interview_of_result(self, result_id: int) -> int | None:
        """The interview a result concluded, which a review notification is tied to."""
        return await self._session.scalar(select(Result.interview_id).where(Result.id == result_id))

    async def leads_to_notify(self, member_user_id: int) -> list[LeadToNotify]:
        """Every lead of every team ``member_user_id`` is a member of that wants to hear of finished
        assessments, once per lead (their first such team), never the member themself."""
        rows = await self._session.execute(
            select(TeamLead.user_id, Team.id, Team.name)
            .join(Team, Team.id == TeamLead.team_id)
            .join(TeamMember, TeamMember.team_id == Team.id)
            .where(
                TeamMember.user_id == member_user_id,
                Team.notify_on_finish.is_(True),
                TeamLead.user_id != member_user_id,
            )
            .order_by(TeamLead.user_id, Team.id)
        )
        leads: dict[int, LeadToNotify] = {}
        for lead_user_id, team_id, team_name in rows.tuples():
            leads.setdefault(lead_user_id, LeadToNotify(lead_user_id, team_id, team_name))
        return list(leads.values())

    async def purge_sent_before(self, cutoff: datetime) -> int:
        """Deletes notifications sent before ``cutoff`` (kept until then only as a record that they
        went out); how many there were."""
        result = await self._session.execute(
            delete(Notification)
            .where(Notification.sent_at.is_not(None), Notification.sent_at < cutoff)
            .execution_options(synchronize_session=False)
        )
        return cast(CursorResult[Any], result).rowcount
