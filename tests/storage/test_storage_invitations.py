"""Invitation codes fit a Telegram deep link, carry at least 128 random bits, resolve while valid
and stop resolving once revoked; failed attempts are counted per person for the throttle."""

from __future__ import annotations

import base64
import re
from datetime import timedelta

import pytest
from backends import count_rows
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage import UnitOfWorkFactory, utc_now
from bot.storage.models import INVITATION_CODE_MAX_LENGTH
from bot.storage.repositories import invitations as invitations_module
from bot.storage.repositories.invitations import (
    INVITATION_CODE_BYTES,
    INVITATION_CODE_LENGTH,
    INVITATION_CODE_PATTERN,
    new_invitation_code,
)

DEEP_LINK_PARAMETER = re.compile(r"[A-Za-z0-9_-]{1,64}")


async def test_codes_fit_a_telegram_deep_link_and_are_unique(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        lead = await uow.users.get_or_create_telegram(1, "Lead")
        invitations = [await uow.invitations.create(lead, f"Team {n}") for n in range(20)]
        await uow.commit()
    codes = [invitation.code for invitation in invitations]
    assert all(DEEP_LINK_PARAMETER.fullmatch(code) for code in codes), codes
    assert all(len(code) == INVITATION_CODE_LENGTH for code in codes)
    assert len(set(codes)) == len(codes)


def test_a_code_carries_at_least_128_random_bits_and_fits_a_deep_link() -> None:
    """By construction: the code is the base64 of exactly the bytes the CSPRNG gave, so it is as hard
    to guess as they are, and it uses only the 64 characters Telegram allows in a start parameter."""
    assert INVITATION_CODE_BYTES * 8 >= 128
    assert INVITATION_CODE_LENGTH <= INVITATION_CODE_MAX_LENGTH == 64
    codes = [new_invitation_code() for _ in range(500)]
    for code in codes:
        assert DEEP_LINK_PARAMETER.fullmatch(code) and INVITATION_CODE_PATTERN.fullmatch(code), code
        assert len(code) == INVITATION_CODE_LENGTH
        # one-to-one: decoding gives back as many bytes as were drawn, nothing is padded or dropped
        assert len(base64.urlsafe_b64decode(code)) == INVITATION_CODE_BYTES
        assert base64.urlsafe_b64encode(base64.urlsafe_b64decode(code)).decode() == code
    assert len(set(codes)) == len(codes)
    # every position varies (no fixed prefix or padding eating bits): 500 codes use many characters each
    assert all(len({code[i] for code in codes}) > 32 for i in range(INVITATION_CODE_LENGTH))


def test_the_code_is_made_of_the_random_bytes_and_nothing_else(monkeypatch: pytest.MonkeyPatch) -> None:
    """The generator asks the CSPRNG for ``INVITATION_CODE_BYTES`` bytes and spells exactly those."""
    asked: list[int] = []

    def token_bytes(n: int) -> bytes:
        asked.append(n)
        return bytes(range(251, 251 - n, -1))

    monkeypatch.setattr(invitations_module.secrets, "token_bytes", token_bytes)
    code = new_invitation_code()
    assert asked == [INVITATION_CODE_BYTES]
    assert base64.urlsafe_b64decode(code) == bytes(range(251, 251 - INVITATION_CODE_BYTES, -1))


async def test_lookup_by_code_ignores_revoked_and_malformed_codes(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        lead = await uow.users.get_or_create_telegram(1, "Lead")
        kept = await uow.invitations.create(lead, "Kept")
        revoked = await uow.invitations.create(lead, "Revoked")
        await uow.invitations.revoke(revoked)
        await uow.commit()
    async with uow_factory() as uow:
        found = await uow.invitations.by_code(kept.code)
        assert found is not None
        assert (found.id, found.title, found.lead_user_id) == (kept.id, "Kept", lead.id)
        assert await uow.invitations.by_code(revoked.code) is None
        assert await uow.invitations.by_code("no-such-code") is None
        assert await uow.invitations.by_code(kept.code + " ") is None
        assert await uow.invitations.by_code("") is None
        assert await uow.invitations.by_code("x" * 65) is None
        assert await uow.invitations.get(revoked.id) is not None  # still there for the lead's records


async def test_invitations_are_listed_per_lead_newest_first(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        lead = await uow.users.get_or_create_telegram(1, "Lead")
        other_lead = await uow.users.get_or_create_telegram(2, "Other")
        first = await uow.invitations.create(lead, "First")
        second = await uow.invitations.create(lead, "Second")
        third = await uow.invitations.create(lead, "Third")
        await uow.invitations.create(other_lead, "Not yours")
        await uow.invitations.revoke(second)
        await uow.commit()
    async with uow_factory() as uow:
        active = await uow.invitations.for_lead(lead)
        everything = await uow.invitations.for_lead(lead, include_revoked=True)
    assert [i.id for i in active] == [third.id, first.id]
    assert [i.id for i in everything] == [third.id, second.id, first.id]


async def test_failed_attempts_are_counted_per_person_within_a_window(
    uow_factory: UnitOfWorkFactory,
) -> None:
    now = utc_now()
    window = timedelta(minutes=10)
    async with uow_factory() as uow:
        guesser = await uow.users.get_or_create_telegram(1, "Guesser")
        other = await uow.users.get_or_create_telegram(2, "Other")
        for minutes_ago in (30, 9, 5, 1):
            at = now - timedelta(minutes=minutes_ago)
            await uow.invitation_failures.record(guesser, at, keep_after=now - timedelta(hours=1))
        await uow.invitation_failures.record(other, now, keep_after=now - window)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.invitation_failures.count_since(guesser, now - window) == 3
        assert await uow.invitation_failures.count_since(guesser, now - timedelta(minutes=6)) == 2
        assert await uow.invitation_failures.count_since(guesser, now - timedelta(hours=1)) == 4
        assert await uow.invitation_failures.count_since(other, now - window) == 1


async def test_recording_a_failure_drops_the_persons_attempts_no_window_needs(
    uow_factory: UnitOfWorkFactory, database_engine: AsyncEngine
) -> None:
    now = utc_now()
    async with uow_factory() as uow:
        guesser = await uow.users.get_or_create_telegram(1, "Guesser")
        other = await uow.users.get_or_create_telegram(2, "Other")
        old = now - timedelta(hours=2)
        await uow.invitation_failures.record(guesser, old, keep_after=old - timedelta(minutes=10))
        await uow.invitation_failures.record(other, old, keep_after=old - timedelta(minutes=10))
        await uow.commit()
    assert (await count_rows(database_engine))["invitation_failures"] == 2
    async with uow_factory() as uow:
        await uow.invitation_failures.record(guesser, now, keep_after=now - timedelta(minutes=10))
        await uow.commit()
    async with uow_factory() as uow:
        # the guesser's old attempt went, the other person's stays until theirs or a clean-up
        assert await uow.invitation_failures.count_since(guesser, now - timedelta(days=1)) == 1
        assert await uow.invitation_failures.count_since(other, now - timedelta(days=1)) == 1
        assert await uow.invitation_failures.purge_before(now - timedelta(hours=1)) == 1
        await uow.commit()
    assert (await count_rows(database_engine))["invitation_failures"] == 1
