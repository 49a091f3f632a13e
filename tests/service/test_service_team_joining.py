"""Joining and leaving: told first, never joined silently, harmless twice, several teams, co-leads."""

from __future__ import annotations

import pytest
from service_driver import TRUTHS, accepted, drive_to
from team_helpers import invite, reports, seen

from bot.access import AccessDenied
from bot.service import AssessmentService, Identity, Reply
from bot.storage import UnitOfWorkFactory
from bot.teams import InvitationRefused, TeamService

LEAD = Identity(telegram_id=4001, display_name="Lena Lead")
OTHER_LEAD = Identity(telegram_id=4002, display_name="Otto Lead")
ALICE = Identity(telegram_id=4003, display_name="Alice")
CO = Identity(telegram_id=4004, display_name="Cora Co-lead")
NEWBIE = Identity(telegram_id=4005, display_name="Newbie")


def _expect(reply: Reply) -> tuple[int, int]:
    assert reply.interview_id is not None and reply.version is not None
    return reply.interview_id, reply.version


async def _uses(teams: TeamService, lead: Identity, code: str) -> int:
    return next(i.uses for i in await teams.invitations(lead) if i.code == code)


async def test_a_new_person_is_told_the_team_and_its_leads_before_consenting(
    service: AssessmentService, teams: TeamService, uow_factory: UnitOfWorkFactory
) -> None:
    code = await invite(teams, LEAD, "Support")
    [team] = await teams.teams_of(LEAD)
    opened = await service.start(ALICE, code)
    assert opened.notice == "invited" and opened.prompt is not None and opened.prompt.key == "consent"
    assert opened.team is not None
    assert (opened.team.team_id, opened.team.team_name, opened.team.leads, opened.team.grants) == (
        team.id,
        "Support",
        ("Lena Lead",),
        "member",
    )
    assert (opened.team.already_member, opened.team.other_teams) == (False, ())
    assert await teams.teams_of(ALICE) == []  # no membership before consent

    # Opening the same link twice is harmless: same interview, nothing used, still told the team.
    again = await service.start(ALICE, code)
    assert (again.interview_id, again.version, again.notice) == (*_expect(opened), "resumed")
    assert again.team == opened.team
    assert await _uses(teams, LEAD, code) == 0

    accepted(await service.answer(ALICE, "yes", _expect(again)), "consent")
    [mine] = await teams.teams_of(ALICE)
    assert (mine.name, mine.i_am_member, mine.i_lead, mine.members, mine.leads) == (
        "Support",
        True,
        False,
        0,  # a member is not told how many others there are
        ("Lena Lead",),
    )
    assert await _uses(teams, LEAD, code) == 1
    # After consent, the link says "already a member" and uses nothing; joining again neither.
    assert (await service.start(ALICE, code)).notice == "already_member"
    assert (await teams.join(ALICE, code)).i_am_member
    preview = await teams.preview(ALICE, code)
    assert (preview.already_member, preview.already_lead) == (True, False)
    assert await _uses(teams, LEAD, code) == 1
    assert [t.name for t in await teams.teams_of(ALICE)] == ["Support"]


async def test_a_member_of_team_a_opening_team_b_s_link_is_offered_b_and_ends_in_both(
    service: AssessmentService, teams: TeamService
) -> None:
    a = await invite(teams, LEAD, "Team A")
    b = await invite(teams, OTHER_LEAD, "Team B")
    opened = await service.start(ALICE, a)
    consented = accepted(await service.answer(ALICE, "yes", _expect(opened)), "consent")

    offer = await service.start(ALICE, b)
    assert offer.notice == "join_offer" and offer.team is not None
    assert (offer.team.team_name, offer.team.leads, offer.team.other_teams) == (
        "Team B",
        ("Otto Lead",),
        ("Team A",),
    )
    assert offer.interview_id == consented.interview_id and offer.prompt == consented.prompt
    assert [t.name for t in await teams.teams_of(ALICE)] == ["Team A"]  # nothing joined silently
    assert seen(await reports(teams, OTHER_LEAD)) == [("Team B", [])]

    previewed = await teams.preview(ALICE, b)
    assert previewed == offer.team
    joined = await teams.join(ALICE, b)
    assert (joined.name, joined.i_am_member) == ("Team B", True)
    assert [t.name for t in await teams.teams_of(ALICE)] == ["Team A", "Team B"]
    assert seen(await reports(teams, LEAD)) == [("Team A", [("Alice", "in_progress")])]
    assert seen(await reports(teams, OTHER_LEAD)) == [("Team B", [("Alice", "in_progress")])]


async def test_someone_who_finished_before_is_offered_the_link_not_joined_at_the_next_consent(
    service: AssessmentService, teams: TeamService
) -> None:
    result, _ = await drive_to(service, ALICE, await service.start(ALICE), TRUTHS["software"])
    code = await invite(teams, LEAD, "Support")
    offer = await service.start(ALICE, code)  # a new interview, at the consent question
    assert offer.notice == "join_offer" and offer.prompt is not None and offer.prompt.key == "consent"
    accepted(await service.answer(ALICE, "yes", _expect(offer)), "consent")
    assert await teams.teams_of(ALICE) == []
    await teams.join(ALICE, code)
    [report] = await reports(teams, LEAD)
    assert [(m.name, m.status, m.level) for m in report.members] == [
        ("Alice", "finished", result.finished_level)
    ]


async def test_a_member_leaves_and_the_lead_no_longer_sees_them(
    service: AssessmentService, teams: TeamService
) -> None:
    code = await invite(teams, LEAD, "Support")
    [team] = await teams.teams_of(LEAD)
    with pytest.raises(AccessDenied):  # not a member (and unknown to the bot)
        await teams.leave(ALICE, team.id)
    accepted(await service.answer(ALICE, "yes", _expect(await service.start(ALICE, code))), "consent")
    with pytest.raises(AccessDenied):  # the lead is no member; nor does another id exist
        await teams.leave(LEAD, team.id)
    with pytest.raises(AccessDenied):
        await teams.leave(ALICE, team.id + 1000)

    await teams.leave(ALICE, team.id)
    assert await teams.teams_of(ALICE) == []
    assert seen(await reports(teams, LEAD)) == [("Support", [])]
    with pytest.raises(AccessDenied):
        await teams.leave(ALICE, team.id)
    # Coming back takes an explicit join: she consented before.
    assert (await service.start(ALICE, code)).notice == "join_offer"
    await teams.join(ALICE, code)
    assert seen(await reports(teams, LEAD)) == [("Support", [("Alice", "in_progress")])]


async def test_a_lead_link_makes_a_co_lead_who_then_sees_the_report(
    service: AssessmentService, teams: TeamService
) -> None:
    code = await invite(teams, LEAD, "Support")
    [team] = await teams.teams_of(LEAD)
    accepted(await service.answer(ALICE, "yes", _expect(await service.start(ALICE, code))), "consent")
    lead_link = await teams.create_invitation(LEAD, team.id, grants="lead", max_uses=1)
    assert lead_link.grants == "lead"

    # Even a brand-new person is asked: a lead link is never joined on consent.
    offer = await service.start(CO, lead_link.code)
    assert offer.notice == "join_offer" and offer.team is not None and offer.team.grants == "lead"
    assert offer.prompt is not None and offer.prompt.key == "consent"
    with pytest.raises(AccessDenied):
        await teams.report(CO, team.id)
    accepted(await service.answer(CO, "yes", _expect(offer)), "consent")
    assert await teams.teams_of(CO) == []  # consenting to her own assessment made her nothing

    joined = await teams.join(CO, lead_link.code)
    assert (joined.i_lead, joined.i_am_member, joined.leads) == (True, False, ("Lena Lead", "Cora Co-lead"))
    report = await teams.report(CO, team.id)
    assert [(m.name, m.status) for m in report.members] == [("Alice", "in_progress")]
    assert (report.team.i_lead, report.team.members) == (True, 1)
    # The co-lead manages the team like its creator; the lead link is used up.
    assert (await teams.create_invitation(CO, team.id)).team_id == team.id
    assert (await service.start(CO, lead_link.code)).notice == "already_member"
    with pytest.raises(InvitationRefused) as refused:
        await teams.join(NEWBIE, lead_link.code)
    assert refused.value.reason == "used_up"


async def test_preview_and_join_refuse_bad_codes_and_count_them_towards_the_throttle(
    service: AssessmentService, teams: TeamService
) -> None:
    code = await invite(teams, LEAD, "Support")
    with pytest.raises(InvitationRefused) as unknown_person:
        await teams.preview(NEWBIE, code)  # nobody the bot knows: nothing is looked up
    assert unknown_person.value.reason == "unknown"
    await service.start(ALICE)
    for attempt in range(5):
        with pytest.raises(InvitationRefused) as refused:
            await (teams.preview if attempt % 2 else teams.join)(ALICE, f"nope-{attempt}")
        assert refused.value.reason == "unknown"
    with pytest.raises(InvitationRefused) as throttled:
        await teams.join(ALICE, code)
    assert throttled.value.reason == "throttled"
    assert (await service.start(ALICE, code)).notice == "invitation_throttled"
    assert await teams.teams_of(ALICE) == []
