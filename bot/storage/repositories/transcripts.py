"""Transcripts: what the bot asked and what the user answered, in order and with times."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.column_types import JsonObject, utc_now
from bot.storage.models import Interview, TranscriptDirection, TranscriptEntry
from bot.storage.repositories._text import storable_text


class TranscriptRepository:
    """Access to ``transcript_entries``; entries are append-only."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def append(
        self,
        interview: Interview,
        direction: TranscriptDirection | str,
        key: str | None,
        text: str,
        payload: JsonObject | None = None,
    ) -> TranscriptEntry:
        """Records one line; ``seq`` is per interview, so order survives equal timestamps."""
        direction = TranscriptDirection(direction)
        # Locking the interview row (PostgreSQL; SQLite is serialized anyway) keeps two concurrent appends
        # from picking the same next seq.
        lock = select(Interview.id).where(Interview.id == interview.id).with_for_update()
        await self._session.execute(lock)
        last_seq = await self._session.scalar(
            select(func.max(TranscriptEntry.seq)).where(TranscriptEntry.interview_id == interview.id)
        )
        entry = TranscriptEntry(
            interview_id=interview.id,
            seq=(last_seq or 0) + 1,
            direction=direction.value,
            key=key,
            text=storable_text(text),
            payload=payload,
            created_at=utc_now(),
        )
        self._session.add(entry)
        await self._session.flush()
        return entry

    async def last_act(self, interview: Interview) -> TranscriptEntry | None:
        """The newest answer or event line (not a prompt): the last thing done in the interview, with
        its payload."""
        return await self._session.scalar(
            select(TranscriptEntry)
            .where(
                TranscriptEntry.interview_id == interview.id,
                TranscriptEntry.direction != TranscriptDirection.PROMPT.value,
            )
            .order_by(TranscriptEntry.seq.desc())
            .limit(1)
        )

    async def for_interview(self, interview: Interview) -> list[TranscriptEntry]:
        rows = await self._session.scalars(
            select(TranscriptEntry)
            .where(TranscriptEntry.interview_id == interview.id)
            .order_by(TranscriptEntry.seq)
        )
        return list(rows)
