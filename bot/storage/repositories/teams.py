"""Teams: who leads them, who is a member; the service decides who may change that."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, exists, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Invitation, Team, TeamLead, TeamMember, User
from bot.storage.repositories._text import storable_text

TEAM_NAME_LENGTH = 200
"""The column's width; the service allows shorter names still."""


@dataclass(frozen=True, slots=True)
class Membership:
    """A member with the person behind it, since every team view shows a name."""

    user: User
    joined_at: datetime
    invitation_id: int | None


def _by_name() -> tuple[Any, ...]:
    # Explicit NULL placement: SQLite and PostgreSQL disagree on where NULL names sort.
    return (User.display_name.is_(None), User.display_name, User.id)


class TeamRepository:
    """Access to ``teams``, ``team_leads`` and ``team_members``.

    Lead and member rows are written with plain statements, never loaded as objects, so deleting a
    person (which cascades in the database) leaves nothing stale in the unit of work.
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def create(self, name: str, creator: User, now: datetime) -> Team:
        """A new team led by ``creator``."""
        team = Team(name=storable_text(name)[:TEAM_NAME_LENGTH], created_by=creator.id, created_at=now)
        self._session.add(team)
        await self._session.flush()
        await self.add_lead(team, creator, now)
        return team

    async def get(self, team_id: int) -> Team | None:
        return await self._session.get(Team, team_id)

    async def led_by(self, user: User) -> list[Team]:
        """Oldest first."""
        statement = (
            select(Team)
            .join(TeamLead, TeamLead.team_id == Team.id)
            .where(TeamLead.user_id == user.id)
            .order_by(Team.created_at, Team.id)
        )
        return list(await self._session.scalars(statement))

    async def lead_ids(self, user: User) -> set[int]:
        """The ids of the teams ``user`` leads (creator or co-lead)."""
        return set(await self._session.scalars(select(TeamLead.team_id).where(TeamLead.user_id == user.id)))

    async def member_of(self, user: User) -> list[Team]:
        """The teams ``user`` agreed to share results with, in the order they joined."""
        statement = (
            select(Team)
            .join(TeamMember, TeamMember.team_id == Team.id)
            .where(TeamMember.user_id == user.id)
            .order_by(TeamMember.joined_at, Team.id)
        )
        return list(await self._session.scalars(statement))

    async def leads(self, team: Team | int) -> list[User]:
        """The team's leads, in the order they became one."""
        statement = (
            select(User)
            .join(TeamLead, TeamLead.user_id == User.id)
            .where(TeamLead.team_id == _id(team))
            .order_by(TeamLead.added_at, User.id)
        )
        return list(await self._session.scalars(statement))

    async def members(self, team: Team | int) -> list[Membership]:
        """The team's members by name."""
        statement = (
            select(User, TeamMember.joined_at, TeamMember.invitation_id)
            .join(TeamMember, TeamMember.user_id == User.id)
            .where(TeamMember.team_id == _id(team))
            .order_by(*_by_name())
        )
        rows = await self._session.execute(statement)
        return [
            Membership(user, joined_at, invitation_id) for user, joined_at, invitation_id in rows.tuples()
        ]

    async def member_count(self, team: Team | int) -> int:
        statement = select(func.count()).select_from(TeamMember).where(TeamMember.team_id == _id(team))
        return await self._session.scalar(statement) or 0

    async def is_lead(self, team: Team | int, user: User) -> bool:
        return await self._exists(TeamLead, team, user)

    async def is_member(self, team: Team | int, user: User) -> bool:
        return await self._exists(TeamMember, team, user)

    async def has_membership(self, user: User) -> bool:
        """Whether ``user`` is a member of any team (they agreed to share their results)."""
        return bool(await self._session.scalar(select(exists().where(TeamMember.user_id == user.id))))

    async def leads_any(self, user: User) -> bool:
        return bool(await self._session.scalar(select(exists().where(TeamLead.user_id == user.id))))

    async def add_lead(self, team: Team | int, user: User, now: datetime) -> bool:
        """Makes ``user`` a lead; False if they already were (safe to repeat, also concurrently)."""
        return await self._insert_once(TeamLead, {"team_id": _id(team), "user_id": user.id, "added_at": now})

    async def add_member(
        self, team: Team | int, user: User, now: datetime, invitation: Invitation | None = None
    ) -> bool:
        """Makes ``user`` a member; False if they already were (safe to repeat, also concurrently)."""
        values = {
            "team_id": _id(team),
            "user_id": user.id,
            "joined_at": now,
            "invitation_id": None if invitation is None else invitation.id,
        }
        return await self._insert_once(TeamMember, values)

    async def remove_lead(self, team: Team | int, user: User) -> bool:
        """False if ``user`` was not a lead."""
        statement = delete(TeamLead).where(TeamLead.team_id == _id(team), TeamLead.user_id == user.id)
        result = cast(CursorResult[Any], await self._session.execute(statement))
        return result.rowcount > 0

    async def remove_member(self, team: Team | int, user: User) -> bool:
        """False if ``user`` was not a member."""
        statement = delete(TeamMember).where(TeamMember.team_id == _id(team), TeamMember.user_id == user.id)
        result = cast(CursorResult[Any], await self._session.execute(statement))
        return result.rowcount > 0

    async def without_leads(self) -> list[int]:
        """Ids of teams nobody leads any more (their last lead deleted their data): nobody can see
        them, so the clean-up deletes them."""
        led = select(TeamLead.team_id).where(TeamLead.team_id == Team.id)
        return list(await self._session.scalars(select(Team.id).where(~led.exists()).order_by(Team.id)))

    async def delete(self, team_ids: Collection[int]) -> int:
        """Deletes the teams with their leads, members and invitations (``ON DELETE CASCADE``)."""
        if not team_ids:
            return 0
        for obj in list(self._session.identity_map.values()):
            gone = obj.id if isinstance(obj, Team) else getattr(obj, "team_id", None)
            if isinstance(obj, Team | Invitation) and gone in team_ids:
                self._session.expunge(obj)
        statement = delete(Team).where(Team.id.in_(list(team_ids)))
        result = cast(CursorResult[Any], await self._session.execute(statement))
        return result.rowcount

    async def delete_without_leads(self) -> int:
        """Deletes every team nobody leads any more; how many there were."""
        return await self.delete(await self.without_leads())

    async def _exists(self, table: type[TeamLead] | type[TeamMember], team: Team | int, user: User) -> bool:
        statement = select(exists().where(table.team_id == _id(team), table.user_id == user.id))
        return bool(await self._session.scalar(statement))

    async def _insert_once(self, table: type[TeamLead] | type[TeamMember], values: dict[str, Any]) -> bool:
        if await self._session.scalar(
            select(exists().where(table.team_id == values["team_id"], table.user_id == values["user_id"]))
        ):
            return False
        try:
            # A savepoint: losing the race against the same person's concurrent join undoes only this.
            async with self._session.begin_nested():
                await self._session.execute(insert(table).values(**values))
        except IntegrityError:
            return False
        return True


def _id(team: Team | int) -> int:
    return team if isinstance(team, int) else team.id
