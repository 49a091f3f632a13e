"""Results: the levels people reached, for their own history, their lead and the admin export."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.column_types import JsonObject, utc_now
from bot.storage.models import Interview, Result, User

_NEWEST_FIRST = (Result.created_at.desc(), Result.id.desc())
"""id breaks ties between results created within the same clock tick."""


@dataclass(frozen=True, slots=True)
class ResultWithUser:
    """A result together with whose it is, since exports and team views always show a name next to it."""

    result: Result
    user: User

    @property
    def display_name(self) -> str | None:
        return self.user.display_name


class ResultRepository:
    """Access to ``results``; results are never edited, a new interview adds a new one."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        interview: Interview,
        field: str,
        level: int,
        profile: JsonObject,
        evaluation: JsonObject,
        standard: tuple[str, str] | None = None,
    ) -> Result:
        """``standard`` is the (id, version) of the rules that judged it."""
        result = Result(
            interview_id=interview.id,
            user_id=interview.user_id,
            field=field,
            level=level,
            profile=copy.deepcopy(profile),
            evaluation=copy.deepcopy(evaluation),
            created_at=utc_now(),
        )
        if standard is not None:
            result.standard_id, result.standard_version = standard
        self._session.add(result)
        await self._session.flush()
        return result

    async def history_for(self, user: User) -> list[Result]:
        """Newest first, which is what a person asking "how did I do" wants to see."""
        rows = await self._session.scalars(
            select(Result).where(Result.user_id == user.id).order_by(*_NEWEST_FIRST)
        )
        return list(rows)

    async def all(
        self, *, field: str | None = None, since: datetime | None = None, limit: int | None = None
    ) -> list[ResultWithUser]:
        """Every result with its user, newest first, for the admin export."""
        statement: Select[tuple[Result, User]] = select(Result, User).join(User, User.id == Result.user_id)
        if field is not None:
            statement = statement.where(Result.field == field)
        if since is not None:
            statement = statement.where(Result.created_at >= since)
        statement = statement.order_by(*_NEWEST_FIRST)
        if limit is not None:
            statement = statement.limit(limit)
        rows = await self._session.execute(statement)
        return [ResultWithUser(result=result, user=user) for result, user in rows.tuples()]
