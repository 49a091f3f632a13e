"""The read-only queries behind ``AdminService``: who leads what, which people a viewer may see.

Kept apart from the service so the visibility rule is written once: a lead sees the members of the
teams they lead (membership rows exist only after consent), an admin sees everyone. Like a
repository, nothing here commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, distinct, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import AuditEvent, Interview, Result, Team, TeamLead, TeamMember, User

S = TypeVar("S", bound=Select[Any])


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose data a viewer may see: everyone's, or that of the members of ``teams``."""

    everything: bool
    teams: frozenset[int]


@dataclass(frozen=True, slots=True)
class TeamCounts:
    team: Team
    leads: tuple[str, ...]
    members: int
    finished: int  # members with at least one result


class AdminQueries:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def teams_led_by(self, user_id: int) -> frozenset[int]:
        rows = await self._session.scalars(select(TeamLead.team_id).where(TeamLead.user_id == user_id))
        return frozenset(rows)

    @staticmethod
    def visible(statement: S, user_column: ColumnElement[int] | Any, scope: Scope, team_id: int | None) -> S:
        """``statement`` narrowed to the people ``scope`` may see (and to one team when asked)."""
        teams: Iterable[int] | None = None if scope.everything else scope.teams
        if team_id is not None:
            teams = [team_id] if teams is None or team_id in teams else []
        if teams is None:
            return statement
        members = select(TeamMember.user_id).where(TeamMember.team_id.in_(list(teams)))
        return statement.where(user_column.in_(members))

    async def is_member_of(self, user_id: int, scope: Scope) -> bool:
        if scope.everything:
            return True
        if not scope.teams:
            return False
        found = await self._session.scalar(
            select(exists().where(and_(TeamMember.user_id == user_id, TeamMember.team_id.in_(scope.teams))))
        )
        return bool(found)

    async def count(self, statement: Select[Any]) -> int:
        counted = select(func.count()).select_from(statement.order_by(None).subquery())
        return int(await self._session.scalar(counted) or 0)

    async def interviews(
        self, statement: Select[Any], *, offset: int, limit: int
    ) -> list[tuple[Interview, User, Result | None]]:
        rows = await self._session.execute(statement.offset(offset).limit(limit))
        return [(interview, user, result) for interview, user, result in rows.tuples()]

    async def team_names_of(self, user_ids: set[int], scope: Scope) -> dict[int, tuple[str, ...]]:
        """The names of the teams each person is a member of, among the teams ``scope`` covers."""
        if not user_ids:
            return {}
        statement = (
            select(TeamMember.user_id, Team.name)
            .join(Team, Team.id == TeamMember.team_id)
            .where(TeamMember.user_id.in_(user_ids))
            .order_by(Team.name, Team.id)
        )
        if not scope.everything:
            statement = statement.where(Team.id.in_(scope.teams))
        names: dict[int, list[str]] = {}
        for user_id, name in (await self._session.execute(statement)).tuples():
            names.setdefault(user_id, []).append(name)
        return {user_id: tuple(found) for user_id, found in names.items()}

    async def result(self, result_id: int) -> tuple[Result, User] | None:
        row = (
            await self._session.execute(
                select(Result, User).join(User, User.id == Result.user_id).where(Result.id == result_id)
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def result_of_interview(self, interview_id: int) -> int | None:
        return await self._session.scalar(
            select(Result.id).where(Result.interview_id == interview_id).order_by(Result.id.desc()).limit(1)
        )

    async def teams(self, scope: Scope) -> list[TeamCounts]:
        """The teams ``scope`` covers, by name, with their leads' names and member counts."""
        statement = select(Team).order_by(Team.name, Team.id)
        if not scope.everything:
            statement = statement.where(Team.id.in_(scope.teams))
        teams = list(await self._session.scalars(statement))
        ids = [t.id for t in teams]
        if not ids:
            return []
        leads: dict[int, list[str]] = {}
        lead_rows = await self._session.execute(
            select(TeamLead.team_id, User.id, User.display_name)
            .join(User, User.id == TeamLead.user_id)
            .where(TeamLead.team_id.in_(ids))
            .order_by(TeamLead.added_at, User.id)
        )
        for team_id, user_id, name in lead_rows.tuples():
            leads.setdefault(team_id, []).append(name or f"#{user_id}")
        member_counts = await self._session.execute(
            select(TeamMember.team_id, func.count())
            .where(TeamMember.team_id.in_(ids))
            .group_by(TeamMember.team_id)
        )
        members = {team_id: count for team_id, count in member_counts.tuples()}
        finished_counts = await self._session.execute(
            select(TeamMember.team_id, func.count(distinct(TeamMember.user_id)))
            .join(Result, Result.user_id == TeamMember.user_id)
            .where(TeamMember.team_id.in_(ids))
            .group_by(TeamMember.team_id)
        )
        finished = {team_id: count for team_id, count in finished_counts.tuples()}
        return [
            TeamCounts(t, tuple(leads.get(t.id, ())), int(members.get(t.id, 0)), int(finished.get(t.id, 0)))
            for t in teams
        ]

    async def audit_count(self) -> int:
        return int(await self._session.scalar(select(func.count()).select_from(AuditEvent)) or 0)

    async def names(self, user_ids: set[int]) -> dict[int, str]:
        if not user_ids:
            return {}
        rows = await self._session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids)))
        return {user_id: name or f"#{user_id}" for user_id, name in rows.tuples()}


__all__ = ["AdminQueries", "Scope", "TeamCounts"]
