"""Teams and their links: who may create a team, links that expire, run out, are revoked or updated."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest
from backends import count_rows
from service_driver import accepted
from sqlalchemy.ext.asyncio import AsyncEngine
from team_helpers import MovableClock, invite, reports, seen

from bot.access import AccessDenied, Policy
from bot.app import RuntimeOptions
from bot.service import AssessmentService, Identity, Reply
from bot.storage import UnitOfWorkFactory, create_engine_from_url, unit_of_work_factory
from bot.teams import InvitationRefused, TeamService

LEAD = Identity(telegram_id=3001, display_name="Lena Lead")
ALICE = Identity(telegram_id=3002, display_name="Alice")
BOB = Identity(telegram_id=3003, display_name="Bob")
STRANGER = Identity(telegram_id=3004, display_name="Stranger")
ADMIN = Identity(telegram_id=3009, display_name="Ada Admin")


def _expect(reply: Reply) -> tuple[int, int]:
    assert reply.interview_id is not None and reply.version is not None
    return reply.interview_id, reply.version


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def options(clock: MovableClock) -> RuntimeOptions:
    return RuntimeOptions(policy=Policy(frozenset({ADMIN.telegram_id or 0})), clock=clock)


@pytest.fixture
def timed_teams(uow_factory: UnitOfWorkFactory, options: RuntimeOptions) -> TeamService:
    return TeamService(uow_factory, options)


@pytest.fixture
def timed_service(uow_factory: UnitOfWorkFactory, clock: MovableClock) -> AssessmentService:
    return AssessmentService(uow_factory, clock=clock)


# --- creating teams --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
async def test_a_team_needs_a_name_of_one_to_a_hundred_characters(teams: TeamService, name: str) -> None:
    with pytest.raises(ValueError, match="1 to 100"):
        await teams.create_team(LEAD, name)
    assert await teams.teams_of(LEAD) == []


async def test_the_creator_leads_the_new_team_and_its_name_is_trimmed(teams: TeamService) -> None:
    info = await teams.create_team(LEAD, "  Support  ")
    assert (info.name, info.leads, info.i_lead, info.i_am_member, info.members) == (
        "Support",
        ("Lena Lead",),
        True,
        False,
        0,
    )
    assert info.notify_on_finish
    assert await teams.teams_of(LEAD) == [info]
    assert (await teams.create_team(LEAD, "x" * 100)).name == "x" * 100


async def test_when_creation_is_granted_only_admins_and_granted_people_create_teams(
    uow_factory: UnitOfWorkFactory, service: AssessmentService, database_engine: AsyncEngine
) -> None:
    granted = TeamService(
        uow_factory, RuntimeOptions(policy=Policy(frozenset({ADMIN.telegram_id or 0}), "granted"))
    )
    # Refused, and the refusal stores nobody.
    with pytest.raises(AccessDenied) as refused:
        await granted.create_team(LEAD, "Support")
    assert str(refused.value) == ""
    assert (await count_rows(database_engine))["users"] == 0
    assert (await granted.create_team(ADMIN, "Admins' team")).i_lead

    await service.start(LEAD)  # known to the bot now, so an admin can grant them
    with pytest.raises(AccessDenied):
        await granted.grant_lead(STRANGER, LEAD.telegram_id or 0, True)
    await service.start(STRANGER)
    with pytest.raises(AccessDenied):  # a known non-admin is refused the same way
        await granted.grant_lead(STRANGER, LEAD.telegram_id or 0, True)
    assert await granted.grant_lead(ADMIN, 999_999, True) is False
    assert await granted.grant_lead(ADMIN, LEAD.telegram_id or 0, True) is True
    assert (await granted.create_team(LEAD, "Support")).i_lead

    assert await granted.grant_lead(ADMIN, LEAD.telegram_id or 0, False) is True
    with pytest.raises(AccessDenied):
        await granted.create_team(LEAD, "Another")
    assert [t.name for t in await granted.teams_of(LEAD)] == ["Support"]  # what exists stays


# --- lifetime, uses, expiry -----------------------------------------------------------------------


async def test_a_link_lasts_the_default_lifetime_unless_told_otherwise(
    timed_teams: TeamService, clock: MovableClock
) -> None:
    team = await timed_teams.create_team(LEAD, "Support")
    default = await timed_teams.create_invitation(LEAD, team.id)
    assert default.expires_at == clock.now + timedelta(days=30)
    assert (default.max_uses, default.uses, default.grants, default.usable) == (None, 0, "member", True)
    forever = await timed_teams.create_invitation(LEAD, team.id, lifetime=None, max_uses=3)
    assert (forever.expires_at, forever.max_uses) == (None, 3)
    short = await timed_teams.create_invitation(LEAD, team.id, lifetime=timedelta(hours=1))
    assert short.expires_at == clock.now + timedelta(hours=1)
    assert len(short.code) >= 22 and len(short.code) <= 64  # ≥ 128 bits, Telegram's payload limit
    assert [i.id for i in await timed_teams.invitations(LEAD)] == [short.id, forever.id, default.id]

    for lifetime, max_uses in ((timedelta(0), None), (None, 0), (timedelta(hours=-1), None)):
        with pytest.raises(ValueError):
            await timed_teams.create_invitation(LEAD, team.id, lifetime=lifetime, max_uses=max_uses)
    with pytest.raises(ValueError):
        await timed_teams.create_invitation(LEAD, team.id, grants="admin")  # type: ignore[arg-type]


async def test_an_expired_link_is_refused_and_changes_nothing_until_its_lifetime_is_extended(
    timed_teams: TeamService,
    timed_service: AssessmentService,
    clock: MovableClock,
    uow_factory: UnitOfWorkFactory,
) -> None:
    team = await timed_teams.create_team(LEAD, "Support")
    link = await timed_teams.create_invitation(LEAD, team.id, lifetime=timedelta(days=2))
    clock.advance(timedelta(days=2))
    assert not (await timed_teams.invitations(LEAD))[0].usable
    assert (await timed_teams.invitations(LEAD))[0].expired

    reply = await timed_service.start(ALICE, link.code)
    assert reply.notice == "invitation_expired" and reply.team is None
    assert reply.prompt is not None and reply.prompt.key == "consent"  # the assessment still opens
    with pytest.raises(InvitationRefused) as refused:
        await timed_teams.preview(ALICE, link.code)
    assert refused.value.reason == "expired"
    with pytest.raises(InvitationRefused):
        await timed_teams.join(ALICE, link.code)
    accepted(await timed_service.answer(ALICE, "yes", _expect(reply)), "consent")
    assert seen(await reports(timed_teams, LEAD)) == [("Support", [])]

    renewed = await timed_teams.update_invitation(LEAD, link.id, lifetime=timedelta(days=1))
    assert renewed.usable and renewed.expires_at == clock.now + timedelta(days=1)
    assert (await timed_teams.join(ALICE, link.code)).i_am_member
    assert seen(await reports(timed_teams, LEAD)) == [("Support", [("Alice", "in_progress")])]
    unchanged = await timed_teams.update_invitation(LEAD, link.id)
    assert (unchanged.expires_at, unchanged.max_uses, unchanged.uses) == (renewed.expires_at, None, 1)
    assert (await timed_teams.update_invitation(LEAD, link.id, lifetime=None)).expires_at is None


async def test_a_link_that_expires_between_opening_and_consenting_joins_nobody(
    timed_teams: TeamService,
    timed_service: AssessmentService,
    clock: MovableClock,
    uow_factory: UnitOfWorkFactory,
) -> None:
    team = await timed_teams.create_team(LEAD, "Support")
    link = await timed_teams.create_invitation(LEAD, team.id, lifetime=timedelta(hours=1))
    opened = await timed_service.start(ALICE, link.code)
    assert opened.notice == "invited"
    clock.advance(timedelta(hours=2))
    accepted(await timed_service.answer(ALICE, "yes", _expect(opened)), "consent")
    assert seen(await reports(timed_teams, LEAD)) == [("Support", [])]
    async with uow_factory() as uow:
        row = await uow.interviews.get(opened.interview_id or 0)
        assert row is not None and row.invitation_id is None  # nothing points at the team any more
    assert (await timed_teams.invitations(LEAD))[0].uses == 0


async def test_a_link_admits_at_most_max_uses_people_counted_at_consent(
    timed_teams: TeamService, timed_service: AssessmentService, uow_factory: UnitOfWorkFactory
) -> None:
    team = await timed_teams.create_team(LEAD, "Support")
    link = await timed_teams.create_invitation(LEAD, team.id, max_uses=1)
    # Both open it before anyone consents: opening uses nothing.
    alice = await timed_service.start(ALICE, link.code)
    bob = await timed_service.start(BOB, link.code)
    assert alice.notice == bob.notice == "invited"
    assert (await timed_teams.invitations(LEAD))[0].uses == 0

    accepted(await timed_service.answer(ALICE, "yes", _expect(alice)), "consent")
    accepted(await timed_service.answer(BOB, "yes", _expect(bob)), "consent")
    assert seen(await reports(timed_teams, LEAD)) == [("Support", [("Alice", "in_progress")])]
    [info] = await timed_teams.invitations(LEAD)
    assert (info.uses, info.used_up, info.usable) == (1, True, False)
    async with uow_factory() as uow:
        row = await uow.interviews.get(bob.interview_id or 0)
        assert row is not None and row.invitation_id is None

    assert (await timed_service.start(STRANGER, link.code)).notice == "invitation_used_up"
    with pytest.raises(InvitationRefused) as refused:
        await timed_teams.join(BOB, link.code)
    assert refused.value.reason == "used_up"
    # Alice again: she is a member already, so it uses nothing and says so.
    assert (await timed_teams.join(ALICE, link.code)).i_am_member is True
    assert (await timed_teams.update_invitation(LEAD, link.id, max_uses=2)).usable
    assert (await timed_teams.join(BOB, link.code)).i_am_member
    assert (await timed_teams.invitations(LEAD))[0].uses == 2


@asynccontextmanager
async def _process(url: str, options: RuntimeOptions) -> AsyncIterator[TeamService]:
    """Teams as another bot process sees them: an engine (and connection pool) of its own."""
    engine = create_engine_from_url(url)
    try:
        yield TeamService(unit_of_work_factory(engine), options)
    finally:
        await engine.dispose()


async def test_two_joins_racing_for_the_last_use_cannot_both_win(
    migrated_database_url: str, options: RuntimeOptions, timed_teams: TeamService
) -> None:
    team = await timed_teams.create_team(LEAD, "Support")
    link = await timed_teams.create_invitation(LEAD, team.id, max_uses=1)
    async with (
        _process(migrated_database_url, options) as one,
        _process(migrated_database_url, options) as two,
    ):
        outcomes = await asyncio.gather(
            one.join(ALICE, link.code), two.join(BOB, link.code), return_exceptions=True
        )
    refused = [o for o in outcomes if isinstance(o, InvitationRefused)]
    assert len(refused) == 1 and refused[0].reason == "used_up", outcomes
    [report] = await reports(timed_teams, LEAD)
    assert len(report.members) == 1
    assert (await timed_teams.invitations(LEAD))[0].uses == 1


async def test_the_conditional_update_refuses_the_second_of_two_open_transactions(
    migrated_database_url: str, database_backend: str, options: RuntimeOptions, timed_teams: TeamService
) -> None:
    """Both transactions read the link as usable before either writes: only the row lock and the
    condition keep the second from counting a use the link no longer has (PostgreSQL; SQLite has a
    single writer, so the second could not even begin writing)."""
    if database_backend != "postgresql":
        pytest.skip("needs two concurrent writers")
    team = await timed_teams.create_team(LEAD, "Support")
    link = await timed_teams.create_invitation(LEAD, team.id, max_uses=1)
    first_engine = create_engine_from_url(migrated_database_url)
    second_engine = create_engine_from_url(migrated_database_url)
    try:
        async with (
            unit_of_work_factory(first_engine)() as first,
            unit_of_work_factory(second_engine)() as second,
        ):
            now = options.clock()
            mine, refusal = await first.invitations.lookup(link.code, now)
            theirs, their_refusal = await second.invitations.lookup(link.code, now)
            assert mine is not None and theirs is not None and refusal is None and their_refusal is None
            assert await first.invitations.use(mine)
            waiting = asyncio.create_task(second.invitations.use(theirs))
            for _ in range(20):
                await asyncio.sleep(0)  # let it reach the row lock; no time passes for the test
            assert not waiting.done()
            await first.commit()
            assert await waiting is False
            await second.commit()
    finally:
        await first_engine.dispose()
        await second_engine.dispose()
    assert (await timed_teams.invitations(LEAD))[0].uses == 1


# --- revoking -----------------------------------------------------------------------------------


async def test_a_lead_revokes_a_link_and_a_stranger_gets_the_same_refusal_as_for_no_link(
    teams: TeamService, service: AssessmentService
) -> None:
    code = await invite(teams, LEAD, "Support")
    [link] = await teams.invitations(LEAD)
    await service.start(STRANGER)
    for who in (STRANGER, Identity(telegram_id=424242)):
        for invitation_id in (link.id, link.id + 1000):
            with pytest.raises(AccessDenied) as refused:
                await teams.revoke(who, invitation_id)
            assert str(refused.value) == "" and refused.value.args == ()
    assert (await teams.invitations(LEAD))[0].usable  # the stranger changed nothing

    revoked = await teams.revoke(LEAD, link.id)
    assert (revoked.revoked, revoked.usable, revoked.code) == (True, False, code)
    assert (await teams.revoke(LEAD, link.id)).revoked  # again: harmless
    assert (await service.start(ALICE, code)).notice == "invitation_revoked"
    with pytest.raises(AccessDenied):
        await teams.revoke(LEAD, link.id + 1000)
    assert await teams.invitations(STRANGER) == []
