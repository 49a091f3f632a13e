"""Users are found again by their identity, and deleting one removes everything about them."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from backends import count_rows
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage import Interview, TranscriptDirection, UnitOfWorkFactory, utc_now


async def test_get_or_create_telegram_returns_the_same_user(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        created = await uow.users.get_or_create_telegram(42, "Alice", "en")
        again = await uow.users.get_or_create_telegram(42)
        assert again is created
        await uow.commit()
    async with uow_factory() as uow:
        loaded = await uow.users.get_or_create_telegram(42, "Alice Smith", "ru")
        assert loaded.id == created.id
        assert (loaded.display_name, loaded.language_code) == ("Alice Smith", "ru")
        assert loaded.created_at.tzinfo is UTC
        assert loaded.last_seen_at >= created.last_seen_at
        await uow.commit()
    async with uow_factory() as uow:
        refreshed = await uow.users.by_telegram_id(42)
        assert refreshed is not None
        assert refreshed.display_name == "Alice Smith"


async def test_get_or_create_local_is_separate_from_telegram_users(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        alice = await uow.users.get_or_create_local("terminal:alice", "Alice")
        bob = await uow.users.get_or_create_local("terminal:bob")
        telegram = await uow.users.get_or_create_telegram(1)
        await uow.commit()
    async with uow_factory() as uow:
        again = await uow.users.get_or_create_local("terminal:alice")
        assert again.id == alice.id
        assert again.display_name == "Alice"
        assert again.telegram_id is None
        assert len({alice.id, bob.id, telegram.id}) == 3


async def test_a_client_language_code_longer_than_its_column_is_clipped(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Was #10: Telegram passes the client's language code on unchecked, and one longer than
    varchar(35) failed every update of that person on PostgreSQL (SQLite stores any length)."""
    long_code = "en-x-" + "abcdefgh-" * 10  # 95 characters, a valid-looking private-use tag
    async with uow_factory() as uow:
        created = await uow.users.get_or_create_telegram(44, "Long", long_code)
        await uow.commit()
    async with uow_factory() as uow:
        stored = await uow.users.by_telegram_id(44)
        assert stored is not None and stored.language_code == long_code[:35]
        # an existing person whose client later sends such a code: the update is stored too
        again = await uow.users.get_or_create_telegram(44, "N" * 300, "x\x00" + long_code)
        assert again.id == created.id
        await uow.commit()
    async with uow_factory() as uow:
        stored = await uow.users.by_telegram_id(44)
        assert stored is not None
        assert stored.language_code == ("x\ufffd" + long_code)[:35]
        assert stored.display_name == "N" * 255


@pytest.mark.parametrize("telegram_id", [2**32 + 1, 7_000_000_000, 2**53 + 1, 2**63 - 1])
async def test_big_telegram_ids_round_trip(uow_factory: UnitOfWorkFactory, telegram_id: int) -> None:
    async with uow_factory() as uow:
        await uow.users.get_or_create_telegram(telegram_id, "Big")
        await uow.commit()
    async with uow_factory() as uow:
        user = await uow.users.by_telegram_id(telegram_id)
        assert user is not None
        assert user.telegram_id == telegram_id


NO_TEAM_ROWS = dict.fromkeys(
    (
        "teams",
        "team_leads",
        "team_members",
        "claim_reviews",
        "notifications",
        "audit_events",
        "web_logins",
        "processed_updates",
    ),
    0,
)


async def test_deleting_a_user_removes_everything_about_them(
    uow_factory: UnitOfWorkFactory, database_engine: AsyncEngine
) -> None:
    async with uow_factory() as uow:
        lead = await uow.users.get_or_create_telegram(10, "Lead")
        member = await uow.users.get_or_create_telegram(20, "Member")
        invitation = await uow.invitations.create(lead, "Team")
        for user in (lead, member):
            interview = await uow.interviews.start(user, "q1", {"answers": {}}, invitation=invitation)
            await uow.transcripts.append(interview, TranscriptDirection.PROMPT, "q1", "Question?")
            await uow.transcripts.append(interview, TranscriptDirection.ANSWER, "q1", "Answer")
            await uow.results.add(interview, "hardware", 3, {"p": 1}, {"e": 2})
            await uow.interviews.finish(interview)
            # a failed invitation code each: identifying too, so it goes with the person
            now = utc_now()
            await uow.invitation_failures.record(user, now, keep_after=now - timedelta(minutes=10))
        await uow.interviews.start(lead, "q1", {})
        await uow.commit()
    assert await count_rows(database_engine) == NO_TEAM_ROWS | {
        "users": 2,
        "invitations": 1,
        "invitation_failures": 2,
        "interviews": 3,
        "results": 2,
        "transcript_entries": 4,
    }

    async with uow_factory() as uow:
        member_interview = (await uow.interviews.list_for_user(member))[0]
        lead = await uow.users.get_or_create_telegram(10)
        await uow.users.delete(lead)
        # The member's interview stays, only detached from the deleted invitation, also in memory.
        assert member_interview.invitation_id is None
        assert await uow.users.by_telegram_id(10) is None
        await uow.commit()

    assert await count_rows(database_engine) == NO_TEAM_ROWS | {
        "users": 1,
        "invitations": 0,
        "invitation_failures": 1,
        "interviews": 1,
        "results": 1,
        "transcript_entries": 2,
    }
    async with uow_factory() as uow:
        remaining = await uow.session.get(Interview, member_interview.id)
        assert remaining is not None
        assert remaining.user_id == member.id
        assert remaining.invitation_id is None
        assert [r.user_id for r in await uow.results.history_for(member)] == [member.id]
