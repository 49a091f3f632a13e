"""The scheduled clean-up (issue #9): it deletes exactly what is past its time and keeps the rest.

Rows are written with explicit times, then the clean-up runs at a chosen ``now``; the rows left are
counted per table (``count_rows``) and the survivors named.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import pytest
from backends import count_rows
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.access import Policy
from bot.app import RuntimeOptions
from bot.housekeeping import CleanupReport, Housekeeping
from bot.service import AssessmentService, Identity
from bot.storage import UnitOfWorkFactory, utc_now
from bot.storage.models import (
    Interview,
    InvitationFailure,
    Notification,
    Result,
    Team,
    TeamLead,
    TeamMember,
    TranscriptEntry,
    User,
    WebLogin,
)

NOW = datetime(2030, 6, 1, 12, 0, tzinfo=utc_now().tzinfo)
ADMIN_TELEGRAM_ID = 4999
OPTIONS = RuntimeOptions(
    policy=Policy(frozenset({ADMIN_TELEGRAM_ID})),
    clock=lambda: NOW,
    pre_consent=timedelta(hours=24),
    retain_unfinished=timedelta(days=180),
    retain_transcripts=timedelta(days=365),
)


def ago(**delta: float) -> datetime:
    return NOW - timedelta(**delta)


class World:
    """A database with one row of every kind on each side of each rule's line."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self.uow = uow_factory
        self.ids: dict[str, int] = {}

    async def person(self, name: str, seen: datetime, **fields: Any) -> int:
        async with self.uow() as uow:
            user = User(
                telegram_id=4000 + len(self.ids), display_name=name, created_at=seen, last_seen_at=seen
            )
            for key, value in fields.items():
                setattr(user, key, value)
            uow.session.add(user)
            await uow.commit()
        self.ids[name] = user.id
        return user.id

    async def interview(
        self, owner: int, state: str, status: str, updated: datetime, *, lines: int = 2, result: bool = False
    ) -> int:
        async with self.uow() as uow:
            row = Interview(
                user_id=owner,
                state=state,
                status=status,
                snapshot={},
                started_at=updated,
                updated_at=updated,
                finished_at=None if status == "active" else updated,
            )
            uow.session.add(row)
            await uow.session.flush()
            for seq in range(1, lines + 1):
                uow.session.add(
                    TranscriptEntry(
                        interview_id=row.id, seq=seq, direction="prompt", text="q", created_at=updated
                    )
                )
            if result:
                uow.session.add(
                    Result(
                        interview_id=row.id,
                        user_id=owner,
                        field="software",
                        level=3,
                        profile={},
                        evaluation={},
                        created_at=updated,
                    )
                )
            await uow.commit()
            return row.id

    async def add(self, *rows: Any) -> None:
        async with self.uow() as uow:
            uow.session.add_all(rows)
            await uow.commit()

    async def team(self, name: str, leads: list[int], members: list[int]) -> int:
        async with self.uow() as uow:
            team = Team(name=name, created_at=ago(days=400))
            uow.session.add(team)
            await uow.session.flush()
            uow.session.add_all([TeamLead(team_id=team.id, user_id=u) for u in leads])
            uow.session.add_all([TeamMember(team_id=team.id, user_id=u) for u in members])
            await uow.commit()
            return team.id


async def ids(uow_factory: UnitOfWorkFactory, column: Any) -> set[int]:
    async with uow_factory() as uow:
        return set(await uow.session.scalars(select(column)))


async def test_the_clean_up_deletes_exactly_what_is_past_its_time(
    uow_factory: UnitOfWorkFactory, database_engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    w = World(uow_factory)
    # Opened the bot two days ago, never agreed: the interview and the person go.
    stranger = await w.person("Stranger", ago(days=2))
    await w.interview(stranger, "consent", "active", ago(days=2))
    # Opened it an hour ago: still within the day they have to decide.
    pondering = await w.person("Pondering", ago(hours=1))
    pondering_iv = await w.interview(pondering, "consent", "active", ago(hours=1))
    # Finished once, long ago opened the consent again: the pre-consent interview goes, the person stays.
    returning = await w.person("Returning", ago(days=3))
    returning_done = await w.interview(returning, "result", "finished", ago(days=30), result=True)
    await w.interview(returning, "consent", "active", ago(days=3))
    # Only ever changed the language: nothing kept after a day; within the day, kept.
    await w.person("Language only", ago(days=2))
    await w.person("Language now", ago(hours=2))
    # The deployment's decisions are kept, with the person they are about.
    await w.person("Admin", ago(days=90), telegram_id=ADMIN_TELEGRAM_ID)
    await w.person("Allowed", ago(days=90), may_lead=True)
    # A lead with nothing else, a member idle for 200 days (interview goes, membership stays).
    lead = await w.person("Lead", ago(days=300))
    member = await w.person("Member", ago(days=200))
    member_iv = await w.interview(member, "field", "active", ago(days=200), lines=5)
    busy = await w.person("Busy", ago(days=10))
    busy_iv = await w.interview(busy, "field", "active", ago(days=10))
    restarted = await w.person("Restarted", ago(days=200))
    restarted_old = await w.interview(restarted, "field", "abandoned", ago(days=200))
    restarted_done = await w.interview(restarted, "result", "finished", ago(days=400), lines=4, result=True)
    recent = await w.person("Recent", ago(days=10))
    recent_done = await w.interview(recent, "result", "finished", ago(days=10), lines=3, result=True)
    kept_team = await w.team("Kept", [lead], [member])
    await w.team("Leaderless", [], [busy, recent])
    await w.add(
        InvitationFailure(user_id=busy, failed_at=ago(minutes=20)),
        InvitationFailure(user_id=busy, failed_at=ago(minutes=1)),
        WebLogin(token_hash="a" * 64, user_id=lead, expires_at=ago(minutes=1), created_at=ago(minutes=11)),
        WebLogin(token_hash="b" * 64, user_id=lead, expires_at=NOW + timedelta(minutes=9), created_at=NOW),
        Notification(user_id=lead, kind="review", payload={}, due_at=ago(days=40), sent_at=ago(days=40)),
        Notification(user_id=lead, kind="review", payload={}, due_at=ago(days=5), sent_at=ago(days=5)),
        Notification(user_id=lead, kind="review", payload={}, due_at=ago(days=40)),
    )
    before = await count_rows(database_engine)

    caplog.set_level(logging.INFO, logger="bot")
    report = await Housekeeping(uow_factory, OPTIONS).run()

    assert report == CleanupReport(
        pre_consent_interviews=2,
        people=2,
        unfinished_interviews=2,
        transcript_entries=4,
        invitation_failures=1,
        web_logins=1,
        notifications=1,
        teams=1,
    )
    after = await count_rows(database_engine)
    assert {table: before[table] - after[table] for table in before if before[table] != after[table]} == {
        "users": 2,
        "interviews": 4,
        # 2 + 2 of the pre-consent interviews, 5 + 2 of the idle ones, 4 of the one finished long ago
        "transcript_entries": 15,
        "invitation_failures": 1,
        "web_logins": 1,
        "notifications": 1,
        "teams": 1,
        "team_members": 2,
    }
    people = {name for name, _ in w.ids.items()} - {"Stranger", "Language only"}
    async with uow_factory() as uow:
        assert set(await uow.session.scalars(select(User.display_name))) == people
    assert await ids(uow_factory, Interview.id) == {
        pondering_iv,
        returning_done,
        busy_iv,
        restarted_done,
        recent_done,
    }
    assert await ids(uow_factory, Result.interview_id) == {returning_done, restarted_done, recent_done}
    assert await ids(uow_factory, TranscriptEntry.interview_id) == {
        pondering_iv,
        returning_done,
        busy_iv,
        recent_done,
    }
    assert await ids(uow_factory, Team.id) == {kept_team}
    assert await ids(uow_factory, TeamMember.user_id) == {member}
    assert member_iv not in await ids(uow_factory, Interview.id) and restarted_old not in await ids(
        uow_factory, Interview.id
    )

    line = next(r.getMessage() for r in caplog.records if r.name == "bot.housekeeping")
    assert line.startswith("clean-up deleted 2 pre-consent interviews, 2 people")
    assert not any(name in caplog.text for name in w.ids), "no names in the log"

    assert await Housekeeping(uow_factory, OPTIONS).run() == CleanupReport(), "nothing left to do"


async def test_nothing_expires_that_the_deployment_keeps_forever(
    uow_factory: UnitOfWorkFactory, database_engine: AsyncEngine
) -> None:
    w = World(uow_factory)
    idle = await w.person("Idle", ago(days=3000))
    await w.interview(idle, "field", "active", ago(days=3000))
    await w.interview(idle, "result", "finished", ago(days=4000), lines=6, result=True)
    before = await count_rows(database_engine)
    keep_all = RuntimeOptions(clock=lambda: NOW, retain_unfinished=None, retain_transcripts=None)
    assert await Housekeeping(uow_factory, keep_all).run() == CleanupReport()
    assert await count_rows(database_engine) == before


async def test_someone_who_only_opened_the_bot_leaves_nothing_after_a_day(
    uow_factory: UnitOfWorkFactory, database_engine: AsyncEngine
) -> None:
    """The privacy defect of issue #9: ``/start`` alone stored a person, an interview and two
    transcript lines, forever. Now all of it is gone once the pre-consent time has passed."""
    service = AssessmentService(uow_factory)
    reply = await service.start(Identity(telegram_id=4321, display_name="Curious", language_code="en"))
    assert reply.prompt is not None and reply.prompt.key == "consent"
    await service.set_language(Identity(telegram_id=4322, display_name="Browsing"), "ja")
    counts = await count_rows(database_engine)
    assert counts["users"] == 2 and counts["interviews"] == 1 and counts["transcript_entries"] == 2

    clock_now = utc_now()
    options = RuntimeOptions(clock=lambda: clock_now + timedelta(hours=23))
    assert (await Housekeeping(uow_factory, options).run()).total == 0, "still within the day"
    later = RuntimeOptions(clock=lambda: clock_now + timedelta(hours=25))
    report = await Housekeeping(uow_factory, later).run()
    assert (report.pre_consent_interviews, report.people) == (1, 2)
    assert all(count == 0 for count in (await count_rows(database_engine)).values())
