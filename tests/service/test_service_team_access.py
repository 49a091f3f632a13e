"""The permission matrix of a team's management: exactly its leads, co-leads and admins pass; anyone
else gets the same message-free ``AccessDenied`` whether the team (or link) exists or not."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from service_driver import TRUTHS, accepted, drive_to
from team_helpers import invite

from bot.access import AccessDenied, Policy
from bot.app import RuntimeOptions
from bot.service import AssessmentService, Identity, Reply
from bot.storage import UnitOfWorkFactory
from bot.teams import TeamService

ENGINEER = Identity(telegram_id=6001, display_name="Erin Engineer")
LEAD_A = Identity(telegram_id=6002, display_name="Lena Lead A")
CO_LEAD_A = Identity(telegram_id=6003, display_name="Cora Co-lead A")
LEAD_B = Identity(telegram_id=6004, display_name="Otto Lead B")
ADMIN = Identity(telegram_id=6005, display_name="Ada Admin")
MEMBER = Identity(telegram_id=6006, display_name="Mia Member")

ALLOWED = {"lead of A": True, "co-lead of A": True, "admin": True, "engineer": False, "lead of B": False}
PEOPLE = {
    "engineer": ENGINEER,
    "lead of A": LEAD_A,
    "co-lead of A": CO_LEAD_A,
    "lead of B": LEAD_B,
    "admin": ADMIN,
}


def _expect(reply: Reply) -> tuple[int, int]:
    assert reply.interview_id is not None and reply.version is not None
    return reply.interview_id, reply.version


@dataclass(frozen=True)
class World:
    teams: TeamService
    team_a: int
    team_b: int
    link_b: int


@pytest.fixture
async def world(uow_factory: UnitOfWorkFactory, service: AssessmentService) -> World:
    teams = TeamService(uow_factory, RuntimeOptions(policy=Policy(frozenset({ADMIN.telegram_id or 0}))))
    code_a = await invite(teams, LEAD_A, "Team A")
    await invite(teams, LEAD_B, "Team B")
    team_a = (await teams.teams_of(LEAD_A))[0].id
    team_b = (await teams.teams_of(LEAD_B))[0].id
    co_link = await teams.create_invitation(LEAD_A, team_a, grants="lead")
    await teams.join(CO_LEAD_A, co_link.code)
    member = accepted(
        await service.answer(MEMBER, "yes", _expect(await service.start(MEMBER, code_a))), "consent"
    )
    await drive_to(service, MEMBER, member, TRUTHS["software"])
    for who in (ENGINEER, ADMIN):
        await service.start(who)  # known to the bot, as anyone who ever wrote to it
    link_b = (await teams.invitations(LEAD_B))[0].id
    return World(teams, team_a, team_b, link_b)


Call = Callable[[TeamService, Identity, int], Awaitable[object]]


async def _revoke_new_link(teams: TeamService, who: Identity, team_id: int) -> object:
    """Each attempt revokes a fresh link of team A, made by its lead."""
    link = await teams.create_invitation(LEAD_A, team_id)
    return await teams.revoke(who, link.id)


async def _update_new_link(teams: TeamService, who: Identity, team_id: int) -> object:
    link = await teams.create_invitation(LEAD_A, team_id)
    return await teams.update_invitation(who, link.id, lifetime=timedelta(days=1), max_uses=9)


CALLS: dict[str, Call] = {
    "report": lambda teams, who, team_id: teams.report(who, team_id),
    "report_csv": lambda teams, who, team_id: teams.report_csv(who, team_id),
    "set_notify": lambda teams, who, team_id: teams.set_notify(who, team_id, False),
    "create_invitation": lambda teams, who, team_id: teams.create_invitation(who, team_id),
    "revoke": _revoke_new_link,
    "update_invitation": _update_new_link,
}


@pytest.mark.parametrize("person", sorted(PEOPLE))
async def test_exactly_leads_co_leads_and_admins_manage_team_a(world: World, person: str) -> None:
    teams, who = world.teams, PEOPLE[person]
    for name, call in CALLS.items():
        if ALLOWED[person]:
            assert await call(teams, who, world.team_a) is not None, name
            continue
        with pytest.raises(AccessDenied) as refused:
            await call(teams, who, world.team_a)
        assert refused.value.args == () and str(refused.value) == "", name
        # A team that does not exist is refused the same way: nothing tells the two apart.
        with pytest.raises(AccessDenied) as missing:
            await call(teams, who, world.team_a + world.team_b + 1000)
        assert (type(missing.value), missing.value.args) == (type(refused.value), refused.value.args), name


@pytest.mark.parametrize("person", sorted(PEOPLE))
async def test_what_each_person_sees_of_team_a_s_data(world: World, person: str) -> None:
    teams, who = world.teams, PEOPLE[person]
    mine = {t.id: t for t in await teams.teams_of(who)}
    if person in ("lead of A", "co-lead of A"):
        assert mine[world.team_a].members == 1 and mine[world.team_a].i_lead
        assert {i.team_id for i in await teams.invitations(who)} == {world.team_a}
    else:
        assert world.team_a not in mine  # not even its existence
        assert all(i.team_id != world.team_a for i in await teams.invitations(who))
    if ALLOWED[person]:
        report = await teams.report(who, world.team_a)
        assert [m.name for m in report.members] == ["Mia Member"]


async def test_the_settings_a_lead_changes_stick_and_a_stranger_changes_nothing(world: World) -> None:
    teams = world.teams
    for stranger in (ENGINEER, LEAD_B, Identity(telegram_id=999)):
        with pytest.raises(AccessDenied):
            await teams.set_notify(stranger, world.team_a, False)
        with pytest.raises(AccessDenied):
            await teams.revoke(stranger, world.link_b + 1000)
    assert (await teams.report(LEAD_A, world.team_a)).team.notify_on_finish is True
    assert (await teams.set_notify(CO_LEAD_A, world.team_a, False)).notify_on_finish is False
    assert (await teams.report(LEAD_A, world.team_a)).team.notify_on_finish is False
    # Lead of A cannot touch B's link either.
    with pytest.raises(AccessDenied):
        await teams.revoke(LEAD_A, world.link_b)
    assert all(i.usable for i in await teams.invitations(LEAD_B))
    # Only admins grant team creation.
    for who in (LEAD_A, CO_LEAD_A, ENGINEER):
        with pytest.raises(AccessDenied):
            await teams.grant_lead(who, ENGINEER.telegram_id or 0, True)
    assert await teams.grant_lead(ADMIN, ENGINEER.telegram_id or 0, True) is True
