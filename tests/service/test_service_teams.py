"""Regressions of issue #9's privacy and team defects, through the service a front calls.

A lead sees a member only after consent; revoking an invitation never hides a team's members;
guessing invitation codes is throttled per person, across processes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

import pytest
from backends import count_rows
from service_driver import TRUTHS, Fresh, accepted, drive_to
from sqlalchemy import CursorResult, update
from sqlalchemy.ext.asyncio import AsyncEngine
from team_helpers import invite, reports, seen

from bot.service import INVITATION_ATTEMPTS, AssessmentService, AttemptLimit, Identity, Reply
from bot.storage import UnitOfWorkFactory, utc_now
from bot.storage.models import InvitationFailure
from bot.teams import TeamService

ALICE = Identity(telegram_id=2001, display_name="Alice Member")
BOB = Identity(telegram_id=2002, display_name="Bob Member")
CAROL = Identity(telegram_id=2003, display_name="Carol Member")
GUESSER = Identity(telegram_id=2009, display_name="Guesser")
LEAD = Identity(telegram_id=2010, display_name="Lead")


def _expect(reply: Reply) -> tuple[int, int]:
    assert reply.interview_id is not None and reply.version is not None
    return reply.interview_id, reply.version


async def _invitation_of(uow_factory: UnitOfWorkFactory, interview_id: int | None) -> int | None:
    async with uow_factory() as uow:
        row = await uow.interviews.get(interview_id or 0)
        assert row is not None
        return row.invitation_id


async def _revoke(teams: TeamService, lead: Identity, code: str) -> None:
    """What a lead's revoke button does."""
    [invitation] = [i for i in await teams.invitations(lead) if i.code == code]
    assert (await teams.revoke(lead, invitation.id)).revoked


# --- a lead sees a member only after consent ------------------------------------------------------


async def test_a_member_who_only_opened_the_link_is_not_listed_counted_or_named(
    service: AssessmentService, teams: TeamService
) -> None:
    code = await invite(teams, LEAD, "Support team")
    alice = await service.start(ALICE, code)
    bob = await service.start(BOB, code)
    assert alice.notice == bob.notice == "invited"
    assert alice.prompt is not None and alice.prompt.key == "consent"

    views = await reports(teams, LEAD)
    assert seen(views) == [("Support team", [])] and views[0].team.members == 0
    assert "Alice" not in repr(views) and "Bob" not in repr(views)
    assert (await service.start(ALICE, code)).notice == "resumed"  # opening the link again changes nothing
    assert seen(await reports(teams, LEAD)) == [("Support team", [])]

    # Alice agrees: from now on the lead sees her; Bob, who has not answered, still not.
    consented = accepted(await service.answer(ALICE, "yes", _expect(alice)), "consent")
    assert seen(await reports(teams, LEAD)) == [("Support team", [("Alice Member", "in_progress")])]

    # Bob declines: nothing of him is kept, so nothing of him can show.
    declined = await service.answer(BOB, "no", _expect(bob))
    assert declined.prompt is not None and declined.prompt.key == "declined"
    assert seen(await reports(teams, LEAD)) == [("Support team", [("Alice Member", "in_progress")])]

    result, _ = await drive_to(service, ALICE, consented, TRUTHS["hardware"])
    [report] = await reports(teams, LEAD)
    assert [(m.name, m.status, m.level) for m in report.members] == [
        ("Alice Member", "finished", result.finished_level)
    ]


async def test_a_link_opened_before_consenting_joins_but_shows_nobody_until_consent(
    service: AssessmentService, teams: TeamService, uow_factory: UnitOfWorkFactory
) -> None:
    """The interview was already open at the consent question (no link), then the link arrives."""
    code = await invite(teams, LEAD, "Support team")
    first = await service.start(CAROL)
    joined = await service.start(CAROL, code)
    assert joined.notice == "invited" and joined.interview_id == first.interview_id
    assert await _invitation_of(uow_factory, joined.interview_id) is not None
    assert seen(await reports(teams, LEAD)) == [("Support team", [])]

    accepted(await service.answer(CAROL, "yes", _expect(joined)), "consent")
    assert seen(await reports(teams, LEAD)) == [("Support team", [("Carol Member", "in_progress")])]


async def test_an_earlier_result_stays_visible_while_a_retake_waits_for_consent(
    service: AssessmentService, teams: TeamService
) -> None:
    """A member who finished once and opens the link again for a new interview is shown with the
    result they consented to share, not listed twice, and the new interview adds nothing yet."""
    code = await invite(teams, LEAD, "Support team")
    started = await service.start(ALICE, code)
    consented = accepted(await service.answer(ALICE, "yes", _expect(started)), "consent")
    result, _ = await drive_to(service, ALICE, consented, TRUTHS["software"])
    again = await service.start(ALICE, code)
    assert again.prompt is not None and again.prompt.key == "consent"
    assert again.notice == "already_member"
    [report] = await reports(teams, LEAD)
    assert [(m.name, m.status, m.level) for m in report.members] == [
        ("Alice Member", "finished", result.finished_level)
    ]


# --- revoking an invitation never hides a team's members ----------------------------------------


async def test_revoking_an_invitation_stops_new_joins_but_keeps_its_members_in_the_team(
    service: AssessmentService, teams: TeamService, uow_factory: UnitOfWorkFactory
) -> None:
    code = await invite(teams, LEAD, "Support team")
    [team] = await teams.teams_of(LEAD)
    unused = (await teams.create_invitation(LEAD, team.id)).code  # a second link nobody used
    alice = accepted(await service.answer(ALICE, "yes", _expect(await service.start(ALICE, code))), "consent")
    result, _ = await drive_to(service, ALICE, alice, TRUTHS["hardware"])
    accepted(await service.answer(BOB, "yes", _expect(await service.start(BOB, code))), "consent")
    before = await reports(teams, LEAD)

    await _revoke(teams, LEAD, code)
    await _revoke(teams, LEAD, unused)
    after = await reports(teams, LEAD)
    assert (
        seen(after)
        == seen(before)
        == [("Support team", [("Alice Member", "finished"), ("Bob Member", "in_progress")])]
    )
    [report] = after
    assert report.members[0].level == result.finished_level
    links = {i.code: i for i in await teams.invitations(LEAD)}
    assert (links[code].revoked, links[code].uses, links[unused].revoked, links[unused].uses) == (
        True,
        2,
        True,
        0,
    )

    # A new person cannot join through it any more, and is told so.
    carol = await service.start(CAROL, code)
    assert carol.notice == "invitation_revoked" and carol.team is None
    assert await _invitation_of(uow_factory, carol.interview_id) is None
    accepted(await service.answer(CAROL, "yes", _expect(carol)), "consent")
    assert seen(await reports(teams, LEAD)) == seen(after)

    # Members who joined before keep being reported as they go on: Bob finishes.
    bob = await service.current(BOB)
    await drive_to(service, BOB, bob, TRUTHS["software"])
    [report] = await reports(teams, LEAD)
    assert [(m.name, m.status, m.field) for m in report.members] == [
        ("Alice Member", "finished", "hardware"),
        ("Bob Member", "finished", "software"),
    ]


# --- guessing invitation codes is throttled ------------------------------------------------------


async def _age_failures(uow_factory: UnitOfWorkFactory, by: timedelta) -> None:
    """As if ``by`` had passed since every failed attempt (the clock is moved, nobody sleeps)."""
    async with uow_factory() as uow:
        aged = await uow.session.execute(update(InvitationFailure).values(failed_at=utc_now() - by))
        assert cast(CursorResult[Any], aged).rowcount > 0
        await uow.commit()


async def test_after_five_failed_codes_further_codes_are_refused_without_being_looked_up(
    service: AssessmentService,
    teams: TeamService,
    uow_factory: UnitOfWorkFactory,
    database_engine: AsyncEngine,
    fresh_service: Fresh,
) -> None:
    assert (INVITATION_ATTEMPTS.failures, INVITATION_ATTEMPTS.window) == (5, timedelta(minutes=10))
    code = await invite(teams, LEAD, "Support team")
    first = await service.start(GUESSER)
    for guess in range(INVITATION_ATTEMPTS.failures):
        reply = await service.start(GUESSER, f"guess{guess:04d}AAAAAAAAAAAAAAAAAAAA")
        assert reply.notice == "invitation_unknown"
        assert reply.interview_id == first.interview_id  # the interview goes on, unlinked
    assert (await count_rows(database_engine))["invitation_failures"] == INVITATION_ATTEMPTS.failures

    # The sixth attempt is refused even with the right code: it is not looked up at all.
    refused = await service.start(GUESSER, code)
    assert refused.notice == "invitation_throttled"
    assert refused.interview_id == first.interview_id and refused.prompt == first.prompt
    assert await _invitation_of(uow_factory, refused.interview_id) is None
    # Refusals are not failures: they do not prolong the wait.
    assert (await count_rows(database_engine))["invitation_failures"] == INVITATION_ATTEMPTS.failures
    # Another bot process sees the same count; another person is not affected.
    async with fresh_service() as other_process:
        assert (await other_process.start(GUESSER, code)).notice == "invitation_throttled"
    assert (await service.start(BOB, code)).notice == "invited"

    # Once the window has passed, the code is looked up again and joins.
    await _age_failures(uow_factory, INVITATION_ATTEMPTS.window + timedelta(seconds=1))
    joined = await service.start(GUESSER, code)
    assert joined.notice == "invited"
    assert await _invitation_of(uow_factory, joined.interview_id) is not None


async def test_four_failed_codes_still_let_the_right_one_through(
    service: AssessmentService, teams: TeamService, uow_factory: UnitOfWorkFactory
) -> None:
    code = await invite(teams, LEAD, "Support team")
    for guess in range(INVITATION_ATTEMPTS.failures - 1):
        assert (await service.start(GUESSER, f"typo-{guess}")).notice == "invitation_unknown"
    joined = await service.start(GUESSER, code)
    assert joined.notice == "invited"
    assert await _invitation_of(uow_factory, joined.interview_id) is not None


@pytest.mark.parametrize("failure", ["revoked", "malformed", "unknown"])
async def test_revoked_and_malformed_codes_count_as_failed_attempts(
    service: AssessmentService, teams: TeamService, failure: str
) -> None:
    code = await invite(teams, LEAD, "Support team")
    revoked = await invite(teams, LEAD, "Old link")
    await _revoke(teams, LEAD, revoked)
    tried = {"revoked": revoked, "malformed": "not a code!", "unknown": "x" * 24}[failure]
    notice = "invitation_revoked" if failure == "revoked" else "invitation_unknown"
    for _ in range(INVITATION_ATTEMPTS.failures):
        assert (await service.start(GUESSER, tried)).notice == notice
    assert (await service.start(GUESSER, code)).notice == "invitation_throttled"


async def test_successful_joins_do_not_count_and_forget_removes_the_attempts(
    service: AssessmentService, teams: TeamService, database_engine: AsyncEngine
) -> None:
    code = await invite(teams, LEAD, "Support team")
    for _ in range(INVITATION_ATTEMPTS.failures + 1):
        assert (await service.start(GUESSER, code)).notice in ("invited", "resumed")
    assert (await count_rows(database_engine))["invitation_failures"] == 0
    await service.start(BOB, "nope")
    assert (await count_rows(database_engine))["invitation_failures"] == 1
    assert await service.forget(BOB) is True
    assert (await count_rows(database_engine))["invitation_failures"] == 0


async def test_a_custom_limit_on_the_service_is_honoured(
    service: AssessmentService, teams: TeamService
) -> None:
    """A deployment (or a test) may set its own limit on the service instance."""
    service.invitation_attempts = AttemptLimit(failures=1, window=timedelta(minutes=1))
    code = await invite(teams, LEAD, "Support team")
    assert (await service.start(GUESSER, "wrong")).notice == "invitation_unknown"
    assert (await service.start(GUESSER, code)).notice == "invitation_throttled"
