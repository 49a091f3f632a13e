"""What happens around an interview: finishing, retaking, invitations, consent, export and deletion."""

from __future__ import annotations

import csv
import io

import pytest
from admin_views import results_csv, transcript_of
from backends import count_rows
from service_driver import TRUTHS, Fresh, accepted, drive_to, take_assessment, truth_level
from sqlalchemy.ext.asyncio import AsyncEngine
from team_helpers import invite, reports

from bot.service import AssessmentService, Identity, Reply
from bot.storage import UnitOfWorkFactory
from bot.teams import TeamService
from criteria import parse_profile
from dialogs import Choose

ALICE = Identity(telegram_id=1001, display_name="Alice")
BOB = Identity(telegram_id=1002, display_name="Bob")
LEAD = Identity(telegram_id=1003, display_name="Lead")


def _expect(reply: Reply) -> tuple[int, int]:
    assert reply.interview_id is not None and reply.version is not None
    return reply.interview_id, reply.version


async def _interviews(uow_factory: UnitOfWorkFactory, who: Identity) -> list[tuple[int, str, dict]]:
    """(id, status, snapshot) of the person's interviews, oldest first."""
    async with uow_factory() as uow:
        user = await uow.users.by_telegram_id(who.telegram_id or 0)
        if user is None:
            return []
        return [(r.id, r.status, dict(r.snapshot)) for r in await uow.interviews.list_for_user(user)]


async def test_after_finishing_the_result_is_stored_and_restart_opens_a_new_interview(
    service: AssessmentService, uow_factory: UnitOfWorkFactory, database_engine: AsyncEngine
) -> None:
    result = await take_assessment(service, ALICE, TRUTHS["hardware"])
    assert result.finished_level == truth_level(TRUTHS["hardware"])
    [(first_id, status, snapshot)] = await _interviews(uow_factory, ALICE)
    assert (first_id, status, snapshot["state"]) == (result.interview_id, "finished", "result")
    assert (await count_rows(database_engine))["results"] == 1
    assert (await service.current(ALICE)).notice == "finished"  # points to the result (#10)

    # "Start a new assessment" on the result message: a new interview at the first question.
    restarted = accepted(await service.act(ALICE, Choose(0), _expect(result)), "restart")
    assert restarted.prompt is not None and restarted.prompt.key == "field"
    assert restarted.interview_id not in (None, first_id)
    interviews = await _interviews(uow_factory, ALICE)
    assert [(i, s) for i, s, _ in interviews] == [(first_id, "finished"), (restarted.interview_id, "active")]
    assert interviews[1][2]["answers"] == {}
    # the finished result is untouched; its buttons are now stale
    assert interviews[0][2] == snapshot
    again = await service.act(ALICE, Choose(0), _expect(result))
    assert again.stale and len(await _interviews(uow_factory, ALICE)) == 2

    # A second, different result: history is newest first.
    second, _ = await drive_to(service, ALICE, restarted, {**TRUTHS["software"]})
    history = await service.history(ALICE)
    assert [(r.field, r.level, r.interview_id) for r in history] == [
        ("software", truth_level(TRUTHS["software"]), second.interview_id),
        ("hardware", truth_level(TRUTHS["hardware"]), first_id),
    ]
    assert history[0].created_at >= history[1].created_at
    assert (await count_rows(database_engine))["results"] == 2


async def test_after_finishing_resume_and_other_operations_point_to_the_result(
    service: AssessmentService, uow_factory: UnitOfWorkFactory
) -> None:
    """Was #10: killed after the interview finished but before its result was sent, the person heard
    "no assessment in progress" from /resume and nothing about the result."""
    result = await take_assessment(service, ALICE, TRUTHS["software"])
    resumed = await service.current(ALICE)
    assert (resumed.prompt, resumed.notice, resumed.stale) == (None, "finished", False)
    # A front that would open a new assessment shows the finished one's result instead.
    shown = await service.last_result(ALICE)
    assert shown is not None and shown.prompt is not None and shown.prompt.key == "result"
    assert (shown.interview_id, shown.version, shown.notice) == (
        result.interview_id,
        result.version,
        "finished",
    )
    assert result.prompt is not None and shown.prompt.text == result.prompt.text
    assert await service.last_result(BOB) is None  # nobody known: nothing, and nobody stored
    assert (await service.current(BOB)).notice == "no_interview"

    # Even when the latest interview is not the finished one (abandoned), the result is pointed to.
    restarted = accepted(await service.act(ALICE, Choose(0), _expect(result)), "restart")
    assert await service.last_result(ALICE) is None  # an interview in progress comes first
    async with uow_factory() as uow:
        row = await uow.interviews.get(restarted.interview_id or 0)
        assert row is not None
        await uow.interviews.abandon(row)
        await uow.commit()
    for reply in (
        await service.current(ALICE),
        await service.answer(ALICE, "yes"),
        await service.back(ALICE),
    ):
        assert (reply.prompt, reply.notice, reply.stale) == (None, "finished", False)
    assert await service.last_result(ALICE) is None  # the latest interview has no result to show


async def test_review_on_a_finished_result_keeps_the_answers(
    service: AssessmentService, uow_factory: UnitOfWorkFactory
) -> None:
    result = await take_assessment(service, ALICE, TRUTHS["facility"])
    [(first_id, _, finished)] = await _interviews(uow_factory, ALICE)

    review = accepted(await service.act(ALICE, Choose(1), _expect(result)), "review")
    assert review.prompt is not None and review.prompt.key == "review"
    assert review.interview_id != first_id
    (_, _, old), (new_id, status, new) = await _interviews(uow_factory, ALICE)
    assert (new_id, status) == (review.interview_id, "active")
    assert new["answers"] == finished["answers"] == old["answers"]
    assert old["state"] == "result"

    # confirming again gives a second result with the same level
    again = accepted(await service.act(ALICE, Choose(0), _expect(review)), "confirm")
    assert again.finished_level == result.finished_level
    assert [r.interview_id for r in await service.history(ALICE)] == [new_id, first_id]


async def test_typed_restart_and_back_after_finishing_also_open_a_new_interview(
    service: AssessmentService, uow_factory: UnitOfWorkFactory
) -> None:
    await take_assessment(service, ALICE, TRUTHS["software"])
    back = accepted(await service.back(ALICE), "back")  # the terminal and /back send no version
    assert back.prompt is not None and back.prompt.key == "review"
    restarted = accepted(await service.restart(ALICE), "restart")
    assert restarted.prompt is not None and restarted.prompt.key == "field"
    assert restarted.interview_id == back.interview_id  # restarting the active one, not another new one
    assert [s for _, s, _ in await _interviews(uow_factory, ALICE)] == ["finished", "active"]


async def test_start_twice_resumes_instead_of_creating_a_second(
    service: AssessmentService, database_engine: AsyncEngine
) -> None:
    first = await service.start(ALICE)
    assert first.notice is None and first.prompt is not None and first.prompt.key == "consent"
    consent = accepted(await service.answer(ALICE, "yes", _expect(first)), "consent")
    field = accepted(await service.answer(ALICE, "software", _expect(consent)), "field")

    again = await service.start(ALICE)
    assert again.notice == "resumed"
    assert (again.interview_id, again.version) == _expect(field)
    assert again.prompt == field.prompt
    assert (await count_rows(database_engine))["interviews"] == 1
    current = await service.current(ALICE)
    assert (current.interview_id, current.version, current.prompt) == (*_expect(field), field.prompt)


async def test_an_invitation_links_the_interview_and_the_lead_sees_progress_then_the_level(
    service: AssessmentService, teams: TeamService, uow_factory: UnitOfWorkFactory
) -> None:
    code = await invite(teams, LEAD, "Support team")
    [report] = await reports(teams, LEAD)
    assert (report.team.name, report.members) == ("Support team", ())

    started = await service.start(ALICE, code)
    assert started.notice == "invited" and started.prompt is not None and started.prompt.key == "consent"
    assert started.team is not None and (started.team.team_name, started.team.leads) == (
        "Support team",
        ("Lead",),
    )
    async with uow_factory() as uow:
        row = await uow.interviews.get(started.interview_id or 0)
        invitation = await uow.invitations.by_code(code)
        assert row is not None and invitation is not None and row.invitation_id == invitation.id

    [report] = await reports(teams, LEAD)
    assert report.members == ()  # only opened the link: the lead learns of Alice once she consents

    consented = accepted(await service.answer(ALICE, "yes", _expect(started)), "consent")
    [report] = await reports(teams, LEAD)
    assert [(m.name, m.status, m.level) for m in report.members] == [("Alice", "in_progress", None)]

    result, _ = await drive_to(service, ALICE, consented, TRUTHS["software"])
    [report] = await reports(teams, LEAD)
    assert [(m.name, m.status, m.field, m.level) for m in report.members] == [
        ("Alice", "finished", "software", result.finished_level)
    ]
    # a retake from the result keeps her in the team; the lead keeps seeing the latest level
    restarted = accepted(await service.act(ALICE, Choose(0), _expect(result)), "restart")
    hardware, _ = await drive_to(service, ALICE, restarted, TRUTHS["hardware"])
    [report] = await reports(teams, LEAD)
    assert [(m.status, m.field, m.level) for m in report.members] == [
        ("finished", "hardware", hardware.finished_level)
    ]
    assert await reports(teams, ALICE) == []


async def test_an_invitation_opened_during_an_interview_is_offered_not_joined_silently(
    service: AssessmentService, teams: TeamService, uow_factory: UnitOfWorkFactory
) -> None:
    started = await service.start(ALICE)
    reply = accepted(await service.answer(ALICE, "yes", _expect(started)), "consent")
    code = await invite(teams, LEAD, "Support team")
    other_lead = Identity(telegram_id=1004, display_name="Other lead")
    other = await invite(teams, other_lead, "Other")

    # Alice consented before: nothing is joined silently, she is asked (issue #9).
    offered = await service.start(ALICE, code)
    assert offered.notice == "join_offer" and offered.team is not None
    assert (offered.team.team_name, offered.team.already_member) == ("Support team", False)
    assert (offered.interview_id, offered.version, offered.prompt) == (*_expect(reply), reply.prompt)
    [report] = await reports(teams, LEAD)
    assert report.members == ()
    await teams.join(ALICE, code)
    [report] = await reports(teams, LEAD)
    assert [(m.name, m.status) for m in report.members] == [("Alice", "in_progress")]

    # a second team's link is offered too, telling her which team she is already in
    second = await service.start(ALICE, other)
    assert second.notice == "join_offer" and second.team is not None
    assert second.team.other_teams == ("Support team",)
    assert [len(r.members) for r in await reports(teams, other_lead)] == [0]
    async with uow_factory() as uow:
        row = await uow.interviews.get(reply.interview_id or 0)
        assert row is not None and row.invitation_id is None
        entries = await uow.transcripts.for_interview(row)
    assert [e.text for e in entries if e.direction == "event"] == ["started", "resumed", "resumed"]


@pytest.mark.parametrize("code", ["no-such-code", "not a code!", "x" * 65])
async def test_an_unknown_invitation_code_is_noticed_and_the_interview_still_starts(
    service: AssessmentService, teams: TeamService, uow_factory: UnitOfWorkFactory, code: str
) -> None:
    await invite(teams, LEAD, "Support team")
    reply = await service.start(ALICE, code)
    assert reply.notice == "invitation_unknown"
    assert reply.prompt is not None and reply.prompt.key == "consent" and reply.interview_id is not None
    async with uow_factory() as uow:
        row = await uow.interviews.get(reply.interview_id)
        assert row is not None and row.invitation_id is None
    [report] = await reports(teams, LEAD)
    assert report.members == ()


async def test_forget_deletes_everything_and_is_false_the_second_time(
    service: AssessmentService, teams: TeamService, database_engine: AsyncEngine
) -> None:
    code = await invite(teams, ALICE, "Alice's team")
    await take_assessment(service, ALICE, TRUTHS["hardware"])
    await service.start(ALICE, code)  # an interview in progress as well
    await service.answer(ALICE, "maybe")  # and a rejected answer in its transcript
    counts = await count_rows(database_engine)
    assert all(
        counts[table]
        for table in ("users", "teams", "invitations", "interviews", "results", "transcript_entries")
    )

    assert await service.forget(ALICE) is True
    assert await count_rows(database_engine) == dict.fromkeys(counts, 0)
    # a stray message or button after /forget stores nothing again
    assert (await service.current(ALICE)).notice == "no_interview"
    assert (await service.back(ALICE)).notice == "no_interview"
    assert await service.history(ALICE) == []
    assert await service.forget(ALICE) is False
    assert await service.forget(Identity(local_key="terminal:nobody")) is False
    assert await count_rows(database_engine) == dict.fromkeys(counts, 0)


async def test_forget_keeps_other_people_and_detaches_their_interviews_from_a_deleted_invitation(
    service: AssessmentService,
    teams: TeamService,
    database_engine: AsyncEngine,
    uow_factory: UnitOfWorkFactory,
) -> None:
    code = await invite(teams, LEAD, "Support team")
    await take_assessment(service, ALICE, TRUTHS["software"])
    bob = await service.start(BOB, code)
    assert await service.forget(LEAD) is True
    counts = await count_rows(database_engine)
    assert (counts["users"], counts["invitations"], counts["interviews"], counts["results"]) == (2, 0, 2, 1)
    assert len(await service.history(ALICE)) == 1
    async with uow_factory() as uow:
        row = await uow.interviews.get(bob.interview_id or 0)
        assert row is not None and row.invitation_id is None and row.status == "active"
    assert (await service.current(BOB)).interview_id == bob.interview_id


async def test_declining_consent_discards_the_interview_and_the_user(
    service: AssessmentService, teams: TeamService, database_engine: AsyncEngine
) -> None:
    start = await service.start(ALICE)
    reply = await service.answer(ALICE, "no", _expect(start))
    assert reply.prompt is not None and reply.prompt.key == "declined" and reply.prompt.kind == "info"
    assert (reply.interview_id, reply.version, reply.stale) == (None, None, False)
    assert set((await count_rows(database_engine)).values()) == {0}
    assert await transcript_of(service, start.interview_id or 0) is None

    # Later messages and commands do not store the person again; only a new /start does.
    assert (await service.current(ALICE)).notice == "no_interview"
    assert (await service.answer(ALICE, "yes")).notice == "no_interview"
    assert (await service.act(ALICE, Choose(0), _expect(start))).stale
    assert await service.history(ALICE) == []
    assert await service.export(ALICE) is None
    assert await teams.teams_of(ALICE) == []
    assert set((await count_rows(database_engine)).values()) == {0}
    again = await service.start(ALICE)
    assert again.prompt is not None and again.prompt.key == "consent"


async def test_declining_consent_keeps_earlier_results(
    service: AssessmentService, database_engine: AsyncEngine
) -> None:
    await take_assessment(service, ALICE, TRUTHS["hardware"])
    before = await count_rows(database_engine)
    start = await service.start(ALICE)
    assert start.prompt is not None and start.prompt.key == "consent"
    declined = await service.act(ALICE, Choose(1), _expect(start))
    assert declined.prompt is not None and declined.prompt.key == "declined"
    assert await count_rows(database_engine) == before
    assert len(await service.history(ALICE)) == 1


async def test_declining_consent_keeps_the_invitations_a_lead_created(
    service: AssessmentService, teams: TeamService, database_engine: AsyncEngine
) -> None:
    code = await invite(teams, LEAD, "Support team")
    bob = await service.start(BOB, code)
    accepted(await service.answer(BOB, "yes", _expect(bob)), "consent")
    start = await service.start(LEAD)  # the lead opens the assessment for themself, then declines
    await service.answer(LEAD, "no", _expect(start))
    [report] = await reports(teams, LEAD)
    assert [i.code for i in await teams.invitations(LEAD)] == [code]
    assert [m.name for m in report.members] == ["Bob"]
    assert (await count_rows(database_engine))["invitations"] == 1


async def test_export_returns_a_profile_criteria_accepts(service: AssessmentService) -> None:
    assert await service.export(ALICE) is None
    reply = await service.start(ALICE)
    reply = accepted(await service.answer(ALICE, "yes", _expect(reply)), "consent")
    assert await service.export(ALICE) is None  # no field and role yet
    reply = accepted(await service.answer(ALICE, "facility"), "field")
    reply = accepted(await service.answer(ALICE, "member"), "role")
    export = await service.export(ALICE)
    assert export is not None and export["level"] is None  # not finished: no level yet
    in_progress = export["profile"]
    assert parse_profile(in_progress).field == "facility"
    assert (in_progress["field"], in_progress["role"], in_progress["experiences"]) == (
        "facility",
        "member",
        [],
    )

    result, _ = await drive_to(service, ALICE, reply, {**TRUTHS["facility"], "role": "member"})
    assert result.finished_level is not None
    export = await service.export(ALICE)
    assert export is not None and export["level"] == result.finished_level
    exported = export["profile"]
    profile = parse_profile(exported)
    assert (profile.field, profile.role) == ("facility", "member")
    assert exported == (await service.history(ALICE))[0].profile


async def test_results_csv_has_a_header_and_one_row_per_result(service: AssessmentService) -> None:
    header = ["result_id", "interview_id", "user_id", "name", "standard", "standard_version"]
    header += ["field", "level", "finished_at"]
    assert list(csv.reader(io.StringIO(await results_csv(service)))) == [header]

    hardware = await take_assessment(service, ALICE, TRUTHS["hardware"])
    software = await take_assessment(service, BOB, TRUTHS["software"])
    await service.start(LEAD)  # unfinished: no row
    rows = list(csv.DictReader(io.StringIO(await results_csv(service))))
    assert list(rows[0]) == header
    assert {(r["standard"], r["standard_version"]) for r in rows} == {("itss-v2-customer-service", "1.0")}
    got = sorted((r["name"], r["field"], int(r["level"]), int(r["interview_id"])) for r in rows)
    assert got == [
        ("Alice", "hardware", hardware.finished_level, hardware.interview_id),
        ("Bob", "software", software.finished_level, software.interview_id),
    ]


async def test_a_restart_clears_the_answers_of_the_active_interview(
    service: AssessmentService, uow_factory: UnitOfWorkFactory
) -> None:
    reply = await service.start(ALICE)
    reply = accepted(await service.answer(ALICE, "yes", _expect(reply)), "consent")
    reply = accepted(await service.answer(ALICE, "hardware", _expect(reply)), "field")
    restarted = accepted(await service.restart(ALICE), "restart")
    assert restarted.prompt is not None and restarted.prompt.key == "field"
    assert restarted.interview_id == reply.interview_id
    [(_, status, snapshot)] = await _interviews(uow_factory, ALICE)
    assert (status, snapshot["answers"]) == ("active", {})


async def test_operations_without_an_interview_say_so(service: AssessmentService) -> None:
    for call in (
        service.current(ALICE),
        service.answer(ALICE, "yes"),
        service.back(ALICE),
        service.done(ALICE),
    ):
        reply = await call
        assert (reply.prompt, reply.notice, reply.stale) == (None, "no_interview", False)


async def test_restart_before_consent_is_refused_politely(
    service: AssessmentService, fresh_service: Fresh
) -> None:
    """Typing "r" (terminal) or /restart (Telegram) at the consent question."""
    start = await service.start(ALICE)
    reply = await service.restart(ALICE)
    assert reply.prompt is not None and reply.prompt.key == "consent"
    async with fresh_service() as other:
        assert (await other.current(ALICE)).version == start.version
