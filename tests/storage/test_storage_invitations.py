"""Invitation codes fit a Telegram deep link, resolve while valid and stop resolving once revoked."""

from __future__ import annotations

import re

from bot.storage import UnitOfWorkFactory

DEEP_LINK_PARAMETER = re.compile(r"[A-Za-z0-9_-]{1,64}")


async def test_codes_fit_a_telegram_deep_link_and_are_unique(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        lead = await uow.users.get_or_create_telegram(1, "Lead")
        invitations = [await uow.invitations.create(lead, f"Team {n}") for n in range(20)]
        await uow.commit()
    codes = [invitation.code for invitation in invitations]
    assert all(DEEP_LINK_PARAMETER.fullmatch(code) for code in codes), codes
    assert all(len(code) >= 16 for code in codes)  # long enough not to be guessed
    assert len(set(codes)) == len(codes)


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
