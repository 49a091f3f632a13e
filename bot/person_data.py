"""A person's own data: deleting it after a confirmation, and who has seen it.

Deleting everything is asked first, and the question is answered by a button. Only the latest
question may be answered: each one gets a fresh token (``users.confirmation``), and a button whose
token is not the latest one does nothing. Without that, a person who asked twice, pressed "No" on
the newer question and later "Yes" on the older one lost everything they had just chosen to keep.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from bot.storage import UnitOfWork, UnitOfWorkFactory, User

if TYPE_CHECKING:
    from bot.app import RuntimeOptions
    from bot.service import Identity

log = logging.getLogger(__name__)

TOKEN_BYTES = 12
"""96 random bits: unguessable for the few minutes a question is open; 16 URL-safe characters, so a
button's data ("forget:yes:<token>") stays far below Telegram's 64 bytes."""

TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16}")
"""Exactly what ``new_token`` makes; anything else is not a token of ours."""

ForgetOutcome = Literal["deleted", "nothing", "expired"]


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


@dataclass(frozen=True, slots=True)
class SeenBy:
    """One look at the person's data by someone else (an admin, a lead), as ``/privacy`` shows it."""

    at: datetime
    actor_name: str
    actor_role: str
    action: str
    channel: str


class PersonDataService:
    """What a person may do with the data kept about them."""

    def __init__(self, uow_factory: UnitOfWorkFactory, options: RuntimeOptions | None = None) -> None:
        self._uow = uow_factory
        self._options = options

    async def ask_forget(self, who: Identity) -> str:
        """A new confirmation token for "delete everything?"; any older question stops working.

        Someone of whom nothing is kept gets a token too (their "Yes" then finds nothing), but no
        row is created for it: asking to be forgotten is no reason to start keeping someone.
        """
        token = new_token()
        async with self._uow() as uow:
            user = await _find(uow, who)
            if user is not None:
                user.confirmation = token
                await uow.commit()
        return token

    async def forget(self, who: Identity, token: str) -> ForgetOutcome:
        """Deletes everything kept about the person if ``token`` is their latest confirmation:
        ``"deleted"``; ``"nothing"`` when nothing is kept; ``"expired"`` when a newer question was
        asked (or an answered one is pressed again), and nothing is deleted."""
        async with self._uow() as uow:
            user = await _find(uow, who)
            if user is None:
                return "nothing"
            if not _is_latest(user, token):
                return "expired"
            await uow.users.delete(user)
            await uow.commit()
        log.info("a user deleted their data")
        return "deleted"

    async def keep(self, who: Identity, token: str) -> bool:
        """ "No, keep my data": the question is answered, so its token stops working. An older
        question's "No" changes nothing (the newer question stays open); False then."""
        async with self._uow() as uow:
            user = await _find(uow, who)
            if user is None or not _is_latest(user, token):
                return False
            user.confirmation = None
            await uow.commit()
        return True

    async def who_has_seen(self, who: Identity) -> list[SeenBy]:
        """Who looked at the person's transcripts, results or exports, newest first."""
        async with self._uow() as uow:
            user = await _find(uow, who)
            if user is None:
                return []
            events = await uow.audit.for_subject(user.id)
        return [SeenBy(e.at, e.actor_name, e.actor_role, e.action, e.channel) for e in events]


async def _find(uow: UnitOfWork, who: Identity) -> User | None:
    """The person, never created."""
    if who.telegram_id is not None:
        return await uow.users.by_telegram_id(who.telegram_id)
    return await uow.users.by_local_key(who.local_key or "")


def _is_latest(user: User, token: str) -> bool:
    stored = user.confirmation
    if stored is None or not TOKEN_PATTERN.fullmatch(token):
        return False
    return hmac.compare_digest(stored.encode(), token.encode())
