"""What a lead sees of the team: each consented member's status, level and date, the distribution,
the CSV (safe in a spreadsheet), and an audit line for every result shown."""

from __future__ import annotations

import csv
import io

from service_driver import TRUTHS, accepted, drive_to
from sqlalchemy import select
from team_helpers import invite

from bot.access import Policy
from bot.app import RuntimeOptions
from bot.reviews import ReviewService
from bot.service import AssessmentService, Identity, Reply
from bot.storage import UnitOfWorkFactory
from bot.storage.models import AuditEvent
from bot.teams import CSV_HEADER, TeamService

LEAD = Identity(telegram_id=5001, display_name="Lena Lead")
ALICE = Identity(telegram_id=5002, display_name="Alice")
BOB = Identity(telegram_id=5003, display_name="Bob")
CAROL = Identity(telegram_id=5004, display_name="Carol")
DAVE = Identity(telegram_id=5005, display_name="Dave")
EVE = Identity(telegram_id=5006, display_name="Eve")
MALLORY = Identity(telegram_id=5007, display_name=' =HYPERLINK("http://x")')
ADMIN = Identity(telegram_id=5009, display_name="Ada Admin")


def _expect(reply: Reply) -> tuple[int, int]:
    assert reply.interview_id is not None and reply.version is not None
    return reply.interview_id, reply.version


async def _audit(uow_factory: UnitOfWorkFactory) -> list[tuple[str, str, str, str, int | None, int | None]]:
    async with uow_factory() as uow:
        rows = await uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [(e.actor_name, e.actor_role, e.channel, e.action, e.subject_id, e.object_id) for e in rows]


async def _user_id(uow_factory: UnitOfWorkFactory, who: Identity) -> int:
    async with uow_factory() as uow:
        user = await uow.users.by_telegram_id(who.telegram_id or 0)
        assert user is not None
        return user.id


async def test_the_report_shows_consented_members_with_status_level_date_and_distribution(
    service: AssessmentService, teams: TeamService, uow_factory: UnitOfWorkFactory
) -> None:
    code = await invite(teams, LEAD, "Support")
    [team] = await teams.teams_of(LEAD)
    alice = accepted(await service.answer(ALICE, "yes", _expect(await service.start(ALICE, code))), "consent")
    hardware, _ = await drive_to(service, ALICE, alice, TRUTHS["hardware"])
    bob = accepted(await service.answer(BOB, "yes", _expect(await service.start(BOB, code))), "consent")
    software, _ = await drive_to(service, BOB, bob, TRUTHS["software"])
    accepted(await service.answer(CAROL, "yes", _expect(await service.start(CAROL, code))), "consent")
    await service.start(DAVE, code)  # only opened the link
    eve = await service.start(EVE, code)
    await service.answer(EVE, "no", _expect(eve))  # declined
    await teams.join(MALLORY, code)  # joined by pressing "Join", never started an interview

    report = await teams.report(LEAD, team.id)
    assert (report.team.name, report.team.members, report.team.i_lead) == ("Support", 4, True)
    rows = [(m.name, m.status, m.field, m.level) for m in report.members]
    assert rows == [
        (' =HYPERLINK("http://x")', "not_started", None, None),
        ("Alice", "finished", "hardware", hardware.finished_level),
        ("Bob", "finished", "software", software.finished_level),
        ("Carol", "in_progress", None, None),
    ]
    assert "Dave" not in repr(report) and "Eve" not in repr(report)
    by_name = {m.name: m for m in report.members}
    assert by_name["Alice"].finished_at is not None and by_name["Alice"].result_id == hardware.result_id
    assert by_name["Alice"].standard_id == "itss-v2-customer-service"
    assert by_name["Carol"].finished_at is None and by_name["Carol"].result_id is None
    assert all(m.confirmed_level is None for m in report.members)  # no lead review yet
    assert all(m.joined_at is not None for m in report.members)
    assert report.distribution == {
        "hardware": {hardware.finished_level: 1},
        "software": {software.finished_level: 1},
    }

    # One audit line per result shown, naming the lead and the member.
    alice_id, bob_id = await _user_id(uow_factory, ALICE), await _user_id(uow_factory, BOB)
    assert await _audit(uow_factory) == [
        ("Lena Lead", "lead", "telegram", "team_report", alice_id, hardware.result_id),
        ("Lena Lead", "lead", "telegram", "team_report", bob_id, software.result_id),
    ]

    # A retake replaces the level shown; the report never lists a member twice.
    restarted = await service.start(ALICE)
    accepted(await service.answer(ALICE, "yes", _expect(restarted)), "consent")
    again = await teams.report(LEAD, team.id)
    assert [m.name for m in again.members].count("Alice") == 1
    assert by_name["Alice"] == next(m for m in again.members if m.name == "Alice")


async def test_members_who_joined_through_a_since_revoked_link_are_still_shown(
    service: AssessmentService, teams: TeamService
) -> None:
    code = await invite(teams, LEAD, "Support")
    [team] = await teams.teams_of(LEAD)
    alice = accepted(await service.answer(ALICE, "yes", _expect(await service.start(ALICE, code))), "consent")
    await drive_to(service, ALICE, alice, TRUTHS["software"])
    before = await teams.report(LEAD, team.id)
    [link] = await teams.invitations(LEAD)
    await teams.revoke(LEAD, link.id)
    after = await teams.report(LEAD, team.id)
    assert after.members == before.members and [m.name for m in after.members] == ["Alice"]
    assert after.distribution == before.distribution == {"software": {3: 1}}


async def test_the_csv_has_the_report_s_rows_with_cells_safe_in_a_spreadsheet(
    service: AssessmentService, teams: TeamService, uow_factory: UnitOfWorkFactory
) -> None:
    team = await teams.create_team(LEAD, "＝1+2 team")
    code = (await teams.create_invitation(LEAD, team.id)).code
    mallory = await service.start(MALLORY, code)
    consented = accepted(await service.answer(MALLORY, "yes", _expect(mallory)), "consent")
    result, _ = await drive_to(service, MALLORY, consented, TRUTHS["software"])
    await teams.join(ALICE, code)

    text = await teams.report_csv(LEAD, team.id)
    parsed = list(csv.reader(io.StringIO(text)))
    assert tuple(parsed[0]) == CSV_HEADER
    rows = [dict(zip(CSV_HEADER, row, strict=True)) for row in parsed[1:]]
    assert [(r["team"], r["name"], r["status"], r["field"], r["level"]) for r in rows] == [
        ("'＝1+2 team", "'" + MALLORY.display_name, "finished", "software", str(result.finished_level)),  # type: ignore[operator]
        ("'＝1+2 team", "Alice", "not_started", "", ""),
    ]
    assert rows[0]["standard"] == "itss-v2-customer-service" and rows[0]["finished_at"]
    assert rows[0]["confirmed_level"] == "" and rows[1]["finished_at"] == "" and rows[1]["joined_at"]
    mallory_id = await _user_id(uow_factory, MALLORY)
    assert await _audit(uow_factory) == [
        ("Lena Lead", "lead", "telegram", "team_csv", mallory_id, result.result_id)
    ]


async def test_an_admin_s_view_and_a_terminal_lead_s_view_are_audited_as_such(
    service: AssessmentService, uow_factory: UnitOfWorkFactory
) -> None:
    terminal_lead = Identity(local_key="terminal:lena", display_name="Terminal Lena")
    teams = TeamService(uow_factory, RuntimeOptions(policy=Policy(frozenset({ADMIN.telegram_id or 0}))))
    code = await invite(teams, terminal_lead, "Support")
    [team] = await teams.teams_of(terminal_lead)
    alice = accepted(await service.answer(ALICE, "yes", _expect(await service.start(ALICE, code))), "consent")
    result, _ = await drive_to(service, ALICE, alice, TRUTHS["software"])
    await service.start(ADMIN)
    view = await teams.report(ADMIN, team.id)
    assert (view.team.i_lead, view.team.members) == (False, 1)
    await teams.report(terminal_lead, team.id)
    alice_id = await _user_id(uow_factory, ALICE)
    assert await _audit(uow_factory) == [
        ("Ada Admin", "admin", "telegram", "team_report", alice_id, result.result_id),
        ("Terminal Lena", "lead", "terminal", "team_report", alice_id, result.result_id),
    ]


async def test_the_report_shows_the_lead_confirmed_level_once_a_claim_is_reviewed(
    service: AssessmentService, teams: TeamService, uow_factory: UnitOfWorkFactory
) -> None:
    """The team report and its CSV put the lead-confirmed level beside the self-assessed one; a
    questioned role leaves no level standing."""
    code = await invite(teams, LEAD, "Support")
    [team] = await teams.teams_of(LEAD)
    alice = accepted(await service.answer(ALICE, "yes", _expect(await service.start(ALICE, code))), "consent")
    await drive_to(service, ALICE, alice, TRUTHS["hardware"])
    [before] = (await teams.report(LEAD, team.id)).members
    assert before.level is not None and before.level > 0 and before.confirmed_level is None

    reviews = ReviewService(uow_factory, RuntimeOptions())
    assert before.result_id is not None
    await reviews.set_verdict(LEAD, before.result_id, "role", "confirmed")
    [confirmed] = (await teams.report(LEAD, team.id)).members
    assert confirmed.confirmed_level == before.level
    await reviews.set_verdict(LEAD, before.result_id, "role", "questioned")
    [questioned] = (await teams.report(LEAD, team.id)).members
    assert questioned.confirmed_level == 0
    rows = list(csv.DictReader(io.StringIO(await teams.report_csv(LEAD, team.id))))
    assert [row["confirmed_level"] for row in rows] == ["0"], rows
