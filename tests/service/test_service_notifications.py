"""Notifications (issue #9): a lead hears when a member finishes, a member gets at most one reminder,
and a notification is claimed once, however many bot processes claim at the same time.

Time moves by a clock the test holds, never by sleeping.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from backends import count_rows
from service_driver import TRUTHS, drive_to, take_assessment
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import RuntimeOptions
from bot.notifications import (
    NotificationService,
    Outgoing,
    notify_member_of_review,
    schedule_reminder,
)
from bot.service import AssessmentService, Identity
from bot.storage import UnitOfWorkFactory, create_engine_from_url, unit_of_work_factory, utc_now
from bot.storage.models import Notification, Team, TeamLead, TeamMember

MEMBER = Identity(telegram_id=3001, display_name="Mia Member", language_code="ja")
OTHER = Identity(telegram_id=3002, display_name="Otto Other")
LEAD = Identity(telegram_id=3010, display_name="Lena Lead")
CO_LEAD = Identity(telegram_id=3011, display_name="Colin Co-lead")
QUIET_LEAD = Identity(telegram_id=3012, display_name="Quentin Quiet")
TERMINAL = Identity(local_key="terminal:tess", display_name="Tess")


class MovableClock:
    """The options' clock, moved by the test."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@dataclass
class Setup:
    uow: UnitOfWorkFactory
    service: AssessmentService
    clock: MovableClock
    notifications: NotificationService


@pytest.fixture
def setup(uow_factory: UnitOfWorkFactory) -> Setup:
    clock = MovableClock(utc_now())
    options = RuntimeOptions(clock=clock)
    return Setup(
        uow_factory, AssessmentService(uow_factory), clock, NotificationService(uow_factory, options)
    )


async def user_id(uow_factory: UnitOfWorkFactory, who: Identity) -> int:
    async with uow_factory() as uow:
        if who.telegram_id is not None:
            user = await uow.users.get_or_create_telegram(
                who.telegram_id, who.display_name, who.language_code
            )
        else:
            assert who.local_key is not None
            user = await uow.users.get_or_create_local(who.local_key, who.display_name)
        await uow.commit()
        return user.id


async def make_team(
    uow_factory: UnitOfWorkFactory,
    name: str,
    leads: Iterable[Identity],
    members: Iterable[Identity],
    *,
    notify: bool = True,
) -> int:
    """A team as the team service leaves it, written directly (this test is about notifications)."""
    lead_ids = [await user_id(uow_factory, who) for who in leads]
    member_ids = [await user_id(uow_factory, who) for who in members]
    async with uow_factory() as uow:
        team = Team(name=name, notify_on_finish=notify)
        uow.session.add(team)
        await uow.session.flush()
        uow.session.add_all([TeamLead(team_id=team.id, user_id=i) for i in lead_ids])
        uow.session.add_all([TeamMember(team_id=team.id, user_id=i) for i in member_ids])
        await uow.commit()
        return team.id


async def claim_later(setup: Setup, delta: timedelta = timedelta(minutes=1)) -> list[Outgoing]:
    setup.clock.advance(delta)
    return await setup.notifications.claim_due()


async def notification_rows(uow_factory: UnitOfWorkFactory) -> list[Notification]:
    async with uow_factory() as uow:
        return list(await uow.session.scalars(select(Notification).order_by(Notification.id)))


async def consented_interview(setup: Setup, who: Identity) -> int:
    """The person agreed and is at the first question: the moment a reminder is scheduled."""
    reply, _ = await drive_to(setup.service, who, await setup.service.start(who), TRUTHS["software"], "field")
    assert reply.interview_id is not None
    return reply.interview_id


async def schedule(setup: Setup, who: Identity, interview_id: int, due: datetime | None) -> None:
    """What the team service's consent hook does in its unit of work."""
    async with setup.uow() as uow:
        user = await uow.users.by_telegram_id(who.telegram_id or 0)
        if user is None:
            user = await uow.users.by_local_key(who.local_key or "")
        row = await uow.interviews.get(interview_id)
        assert user is not None and row is not None
        await schedule_reminder(uow, user, row, due)
        await uow.commit()


# --- a lead hears when a member finishes -------------------------------------------------------------


async def test_every_lead_of_the_members_teams_hears_once_and_only_if_the_team_wants_it(setup: Setup) -> None:
    team = await make_team(setup.uow, "Support", [LEAD, CO_LEAD], [MEMBER])
    await make_team(setup.uow, "Quiet", [QUIET_LEAD], [MEMBER], notify=False)
    await make_team(setup.uow, "Elsewhere", [QUIET_LEAD], [OTHER])
    assert await setup.notifications.claim_due() == []

    reply = await take_assessment(setup.service, MEMBER, TRUTHS["hardware"])
    assert reply.finished_level == 4 and reply.result_id is not None

    sent = await claim_later(setup)
    lead_ids = {LEAD.telegram_id, CO_LEAD.telegram_id}
    assert sorted(o.telegram_id for o in sent) == sorted(lead_ids)
    assert {o.kind for o in sent} == {"member_finished"}
    for outgoing in sent:
        assert outgoing.language == "en"
        assert outgoing.payload == {
            "team_name": "Support",
            "member_name": "Mia Member",
            "field": "hardware",
            "level": 4,
            "standard_id": "itss-v2-customer-service",
            "result_id": reply.result_id,
            "team_id": team,
        }
    assert await claim_later(setup) == [], "claimed once"


async def test_nobody_hears_when_the_team_turned_it_off_or_of_a_non_member(setup: Setup) -> None:
    await make_team(setup.uow, "Quiet", [QUIET_LEAD], [MEMBER], notify=False)
    await make_team(setup.uow, "Other", [LEAD], [OTHER])
    await take_assessment(setup.service, MEMBER, TRUTHS["software"])
    assert await claim_later(setup) == []
    assert await notification_rows(setup.uow) == []


async def test_a_member_who_leads_their_own_team_is_not_told_about_themself(setup: Setup) -> None:
    await make_team(setup.uow, "Mine", [MEMBER, LEAD], [MEMBER])
    await take_assessment(setup.service, MEMBER, TRUTHS["facility"])
    sent = await claim_later(setup)
    assert [o.telegram_id for o in sent] == [LEAD.telegram_id]


async def test_a_lead_of_two_of_the_members_teams_hears_once(setup: Setup) -> None:
    first = await make_team(setup.uow, "First", [LEAD], [MEMBER])
    await make_team(setup.uow, "Second", [LEAD, CO_LEAD], [MEMBER])
    await take_assessment(setup.service, MEMBER, TRUTHS["software"])
    sent = await claim_later(setup)
    assert sorted(o.telegram_id or 0 for o in sent) == [LEAD.telegram_id, CO_LEAD.telegram_id]
    assert next(o for o in sent if o.telegram_id == LEAD.telegram_id).payload["team_id"] == first


async def test_a_member_who_deletes_their_data_takes_the_unsent_notice_with_them(setup: Setup) -> None:
    await make_team(setup.uow, "Support", [LEAD], [MEMBER])
    await take_assessment(setup.service, MEMBER, TRUTHS["software"])
    assert len(await notification_rows(setup.uow)) == 1
    assert await setup.service.forget(MEMBER) is True
    assert await notification_rows(setup.uow) == []
    assert await claim_later(setup) == []


async def test_a_lead_speaks_their_own_language(setup: Setup) -> None:
    japanese_lead = Identity(telegram_id=3020, display_name="Jun", language_code="ja")
    await make_team(setup.uow, "Support", [japanese_lead], [OTHER])
    await setup.service.set_language(japanese_lead, "ja")
    await take_assessment(setup.service, OTHER, TRUTHS["software"])
    assert [(o.telegram_id, o.language) for o in await claim_later(setup)] == [(3020, "ja")]


# --- one reminder, never after finishing, never when opted out -----------------------------------


async def test_exactly_one_reminder_when_it_is_due(setup: Setup) -> None:
    interview = await consented_interview(setup, MEMBER)
    due = setup.clock.now + timedelta(days=3)
    await schedule(setup, MEMBER, interview, due)
    await schedule(setup, MEMBER, interview, due + timedelta(days=1))  # a second join, a resume: no second
    assert len(await notification_rows(setup.uow)) == 1

    assert await claim_later(setup, timedelta(days=2)) == [], "not due yet"
    sent = await claim_later(setup, timedelta(days=1, seconds=1))
    assert [(o.telegram_id, o.kind, o.payload) for o in sent] == [
        (MEMBER.telegram_id, "reminder", {"interview_id": interview})
    ]
    assert sent[0].language == "ja"  # the client's language, stored on first contact
    assert await claim_later(setup, timedelta(days=30)) == []
    await schedule(setup, MEMBER, interview, setup.clock.now)  # after it went out: still none again
    assert await claim_later(setup) == []


async def test_no_reminder_after_finishing(setup: Setup) -> None:
    interview = await consented_interview(setup, MEMBER)
    await schedule(setup, MEMBER, interview, setup.clock.now + timedelta(days=3))
    reply = await setup.service.current(MEMBER)
    await drive_to(setup.service, MEMBER, reply, TRUTHS["software"])
    assert await notification_rows(setup.uow) == [], "finishing cancels the reminder"
    assert await claim_later(setup, timedelta(days=4)) == []


async def test_no_reminder_for_someone_who_opted_out_before_or_after_it_was_scheduled(setup: Setup) -> None:
    interview = await consented_interview(setup, MEMBER)
    await setup.notifications.reminders_off(MEMBER)
    await schedule(setup, MEMBER, interview, setup.clock.now + timedelta(days=3))
    assert await notification_rows(setup.uow) == [], "not even scheduled"

    other = await consented_interview(setup, OTHER)
    await schedule(setup, OTHER, other, setup.clock.now + timedelta(days=3))
    await setup.notifications.reminders_off(OTHER)
    assert await claim_later(setup, timedelta(days=4)) == [], "dropped when claimed"

    await setup.notifications.reminders_on(MEMBER)
    again = await consented_interview(setup, MEMBER)
    assert again == interview
    await schedule(setup, MEMBER, interview, setup.clock.now + timedelta(days=3))
    assert [o.telegram_id for o in await claim_later(setup, timedelta(days=4))] == [MEMBER.telegram_id]


async def test_no_reminder_for_an_interview_that_ended_without_the_hook(setup: Setup) -> None:
    """Belt and braces: a reminder whose interview is no longer in progress is dropped when claimed."""
    interview = await consented_interview(setup, MEMBER)
    await schedule(setup, MEMBER, interview, setup.clock.now + timedelta(days=3))
    async with setup.uow() as uow:
        row = await uow.interviews.get(interview)
        assert row is not None
        await uow.interviews.abandon(row)
        await uow.commit()
    assert await claim_later(setup, timedelta(days=4)) == []


async def test_no_schedule_when_the_deployment_sends_no_reminders(setup: Setup) -> None:
    interview = await consented_interview(setup, MEMBER)
    await schedule(setup, MEMBER, interview, None)
    assert await notification_rows(setup.uow) == []


async def test_opting_out_never_stores_an_unknown_person(setup: Setup, database_engine: AsyncEngine) -> None:
    await setup.notifications.reminders_off(Identity(telegram_id=3999))
    await setup.notifications.reminders_on(Identity(local_key="terminal:nobody"))
    assert (await count_rows(database_engine))["users"] == 0


async def test_a_person_without_telegram_gets_nothing_sent(setup: Setup) -> None:
    await make_team(setup.uow, "Support", [TERMINAL], [MEMBER])
    await take_assessment(setup.service, MEMBER, TRUTHS["software"])
    assert await claim_later(setup) == []
    rows = await notification_rows(setup.uow)
    assert len(rows) == 1 and rows[0].sent_at is not None, "claimed and dropped, not retried forever"


# --- reviews -------------------------------------------------------------------------------------


async def test_a_review_in_progress_is_one_message_with_the_latest_totals(setup: Setup) -> None:
    reply = await take_assessment(setup.service, MEMBER, TRUTHS["software"])
    member = await user_id(setup.uow, MEMBER)
    for confirmed in (1, 2, 3):
        async with setup.uow() as uow:
            payload = {
                "result_id": reply.result_id,
                "reviewer_name": "Lena",
                "questioned": 1,
                "confirmed": confirmed,
            }
            await notify_member_of_review(uow, member, payload, setup.clock.now)
            await uow.commit()
    sent = await claim_later(setup)
    assert [(o.kind, o.payload["confirmed"]) for o in sent] == [("review", 3)]
    async with setup.uow() as uow:
        payload = {"result_id": reply.result_id, "reviewer_name": "Lena", "questioned": 0, "confirmed": 4}
        await notify_member_of_review(uow, member, payload, setup.clock.now)
        await uow.commit()
    assert [o.payload["confirmed"] for o in await claim_later(setup)] == [4], "a later change is news again"


# --- claimed once: across processes, across restarts -----------------------------------------------


@asynccontextmanager
async def process(url: str, clock: MovableClock) -> AsyncIterator[NotificationService]:
    """A notification service on an engine of its own, as another bot process would have."""
    engine = create_engine_from_url(url)
    try:
        yield NotificationService(unit_of_work_factory(engine), RuntimeOptions(clock=clock))
    finally:
        await engine.dispose()


async def due_notifications(uow_factory: UnitOfWorkFactory, count: int, due: datetime) -> int:
    user = await user_id(uow_factory, LEAD)
    async with uow_factory() as uow:
        for n in range(count):
            await uow.notifications.add(user_id=user, kind="review", payload={"n": n}, due_at=due)
        await uow.commit()
    return user


async def test_two_processes_claiming_at_once_never_get_the_same_notification(
    uow_factory: UnitOfWorkFactory, migrated_database_url: str
) -> None:
    clock = MovableClock(utc_now())
    await due_notifications(uow_factory, 60, clock.now)
    async with (
        process(migrated_database_url, clock) as first,
        process(migrated_database_url, clock) as second,
    ):
        claimed: list[int] = []
        for _ in range(10):
            batches = await asyncio.gather(*(p.claim_due(limit=4) for p in (first, second) * 3))
            claimed += [o.id for batch in batches for o in batch]
    assert len(claimed) == len(set(claimed)) == 60
    rows = await notification_rows(uow_factory)
    assert all(r.sent_at == clock.now for r in rows)


async def test_a_claim_in_progress_is_skipped_not_waited_for(
    uow_factory: UnitOfWorkFactory, migrated_database_url: str, database_backend: str
) -> None:
    """PostgreSQL: while one process holds its claimed rows (not committed yet), another claims the
    rest at once instead of waiting, and neither gets a row twice. (SQLite has one writer at a time:
    the second claim waits for the first, which the test above covers.)"""
    if database_backend != "postgresql":
        pytest.skip("row locks with SKIP LOCKED are PostgreSQL's; SQLite serializes writers")
    clock = MovableClock(utc_now())
    await due_notifications(uow_factory, 10, clock.now)
    async with uow_factory() as holding:
        held = await holding.notifications.claim_due(clock.now, 4)
        async with process(migrated_database_url, clock) as other:
            rest = await asyncio.wait_for(other.claim_due(limit=100), timeout=10)
        await holding.commit()
    assert len(held) == 4 and len(rest) == 6
    assert not {c.id for c in held} & {o.id for o in rest}


async def test_a_restart_neither_loses_nor_repeats_a_notification(
    uow_factory: UnitOfWorkFactory, migrated_database_url: str
) -> None:
    clock = MovableClock(utc_now())
    await due_notifications(uow_factory, 3, clock.now + timedelta(hours=1))
    async with process(migrated_database_url, clock) as before:
        assert await before.claim_due() == []  # not due before the restart
    clock.advance(timedelta(hours=2))
    async with process(migrated_database_url, clock) as after:
        assert len(await after.claim_due(limit=2)) == 2
    async with process(migrated_database_url, clock) as again:
        assert len(await again.claim_due()) == 1
        assert await again.claim_due() == []
