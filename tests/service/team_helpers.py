"""Shared steps of the team tests: a lead makes a team with a link; what a lead's report shows."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.service import Identity
from bot.storage import utc_now
from bot.teams import TeamReportView, TeamService


async def invite(teams: TeamService, lead: Identity, name: str, **options: Any) -> str:
    """A new team led by ``lead`` and the code of a member link to it (what ``/invite <name>`` does)."""
    team = await teams.create_team(lead, name)
    return (await teams.create_invitation(lead, team.id, **options)).code


async def team_id_of(teams: TeamService, who: Identity, name: str) -> int:
    return next(t.id for t in await teams.teams_of(who) if t.name == name)


async def reports(teams: TeamService, lead: Identity) -> list[TeamReportView]:
    """The report of every team ``lead`` leads, oldest team first."""
    return [await teams.report(lead, t.id) for t in await teams.teams_of(lead) if t.i_lead]


def seen(views: list[TeamReportView]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Team names with their members' names and statuses, as a lead reads them."""
    return [(v.team.name, [(m.name, m.status) for m in v.members]) for v in views]


class MovableClock:
    """The services' clock, moved by the test instead of sleeping."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or utc_now()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by
