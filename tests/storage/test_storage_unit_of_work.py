"""Only ``commit()`` persists: leaving the block any other way leaves the database as it was."""

from __future__ import annotations

from datetime import timedelta

import pytest
from backends import count_rows
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm.exc import DetachedInstanceError

from bot.storage import Result, TranscriptDirection, UnitOfWork, UnitOfWorkFactory, User, utc_now
from bot.storage.models import (
    AuditEvent,
    ClaimReview,
    Notification,
    ProcessedUpdate,
    Team,
    TeamLead,
    TeamMember,
    WebLogin,
)

EMPTY = {
    "users": 0,
    "invitations": 0,
    "invitation_failures": 0,
    "interviews": 0,
    "results": 0,
    "transcript_entries": 0,
    "teams": 0,
    "team_leads": 0,
    "team_members": 0,
    "claim_reviews": 0,
    "notifications": 0,
    "audit_events": 0,
    "web_logins": 0,
    "processed_updates": 0,
}


async def _write_one_of_everything(uow_factory: UnitOfWorkFactory, *, commit: bool) -> None:
    async with uow_factory() as uow:
        user = await uow.users.get_or_create_telegram(1, "Alice")
        invitation = await uow.invitations.create(user, "Team")
        interview = await uow.interviews.start(user, "q1", {"a": 1}, invitation=invitation)
        await uow.interviews.save(interview, "q2", {"a": 2}, expected_version=1)
        await uow.transcripts.append(interview, TranscriptDirection.PROMPT, "q1", "Question?")
        result = await uow.results.add(interview, "hardware", 2, {}, {})
        now = utc_now()
        await uow.invitation_failures.record(user, now, keep_after=now - timedelta(minutes=10))
        await _one_row_in_each_team_table(uow, user, result)
        if commit:
            await uow.commit()


async def _one_row_in_each_team_table(uow: UnitOfWork, user: User, result: Result) -> None:
    team = Team(name="Team", created_by=user.id)
    uow.session.add(team)
    await uow.session.flush()
    uow.session.add_all(
        [
            TeamLead(team_id=team.id, user_id=user.id),
            TeamMember(team_id=team.id, user_id=user.id),
            ClaimReview(result_id=result.id, claim="role", verdict="confirmed"),
            Notification(user_id=user.id, kind="reminder", payload={}, due_at=utc_now()),
            AuditEvent(actor_name="A", actor_role="admin", action="transcript", channel="web"),
            WebLogin(token_hash="x" * 64, user_id=user.id, expires_at=utc_now()),
            ProcessedUpdate(update_id=1),
        ]
    )
    await uow.session.flush()


async def test_leaving_without_commit_persists_nothing(
    uow_factory: UnitOfWorkFactory, database_engine: AsyncEngine
) -> None:
    await _write_one_of_everything(uow_factory, commit=False)
    assert await count_rows(database_engine) == EMPTY


async def test_an_exception_rolls_everything_back(
    uow_factory: UnitOfWorkFactory, database_engine: AsyncEngine
) -> None:
    with pytest.raises(RuntimeError, match="handler crashed"):
        async with uow_factory() as uow:
            await uow.users.get_or_create_telegram(1, "Alice")
            raise RuntimeError("handler crashed")
    assert await count_rows(database_engine) == EMPTY


async def test_commit_persists_and_later_changes_still_roll_back(
    uow_factory: UnitOfWorkFactory, database_engine: AsyncEngine
) -> None:
    await _write_one_of_everything(uow_factory, commit=True)
    committed = await count_rows(database_engine)
    assert set(committed.values()) == {1}

    async with uow_factory() as uow:
        await uow.users.get_or_create_telegram(2, "Bob")
        await uow.commit()
        await uow.users.get_or_create_telegram(3, "Carol")  # after the commit: discarded at exit
    assert (await count_rows(database_engine))["users"] == 2


async def test_rollback_keeps_the_unit_of_work_usable(
    uow_factory: UnitOfWorkFactory, database_engine: AsyncEngine
) -> None:
    async with uow_factory() as uow:
        await uow.users.get_or_create_telegram(1, "Discarded")
        await uow.rollback()
        await uow.users.get_or_create_telegram(2, "Kept")
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.users.by_telegram_id(1) is None
        assert await uow.users.by_telegram_id(2) is not None


async def test_objects_read_without_writing_stay_readable(uow_factory: UnitOfWorkFactory) -> None:
    await _write_one_of_everything(uow_factory, commit=True)
    async with uow_factory() as uow:
        user = await uow.users.by_telegram_id(1)
        assert user is not None
        history = await uow.results.history_for(user)
    assert user.display_name == "Alice"  # a read-only block needs no commit to use what it loaded
    assert [result.level for result in history] == [2]


async def test_objects_of_rolled_back_writes_cannot_be_mistaken_for_stored_ones(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        await uow.users.get_or_create_telegram(1, "Stored")
        await uow.commit()
    async with uow_factory() as uow:
        changed = await uow.users.get_or_create_telegram(1, "Never stored")
        created = await uow.users.get_or_create_telegram(2, "Never stored either")
    with pytest.raises(DetachedInstanceError):
        _ = changed.display_name
    assert inspect(created).transient  # no identity: it does not claim to exist in the database
