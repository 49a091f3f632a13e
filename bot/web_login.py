"""One-time sign-in links for the web page, handed out by ``/web`` in Telegram.

Telegram already knows who is asking, so the page needs no password: the bot sends a link holding
a random token (256 bits), and the page exchanges it once for a session. Only the token's SHA-256 is
stored, so a leaked database holds no working link; a link works once and for ten minutes, and the
"once" is one conditional UPDATE, so two browsers racing with the same link cannot both get in.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import exists, select, update

from bot.service import Identity
from bot.storage import UnitOfWorkFactory
from bot.storage.models import TeamLead, WebLogin
from criteria import StandardSet

if TYPE_CHECKING:
    from bot.app import RuntimeOptions

LINK_LIFETIME = timedelta(minutes=10)
#: What ``/login/<token>`` accepts before looking anything up: ``token_urlsafe(32)`` is 43 characters.
MAX_TOKEN_LENGTH = 64


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class WebLoginService:
    def __init__(
        self, uow_factory: UnitOfWorkFactory, options: RuntimeOptions, standards: StandardSet | None = None
    ) -> None:
        self._uow = uow_factory
        self._options = options

    async def issue(self, who: Identity) -> str | None:
        """A new one-time token for the person, or None when the page has nothing for them (neither
        an admin nor a lead of any team). An admin is whoever ``ADMIN_IDS`` names, even before ever
        writing to the bot: they are stored now, as ``AdminService`` does, for the session and the
        audit log; anyone else unknown to the bot is no lead and is not stored for asking."""
        async with self._uow() as uow:
            if who.telegram_id is not None:
                user = await uow.users.by_telegram_id(who.telegram_id)
                if user is None and who.telegram_id in self._options.policy.admin_ids:
                    user = await uow.users.get_or_create_telegram(
                        who.telegram_id, who.display_name, who.language_code
                    )
            else:
                user = await uow.users.by_local_key(who.local_key or "")
            if user is None:
                return None
            leads = await uow.session.scalar(select(exists().where(TeamLead.user_id == user.id)))
            if not (leads or self._options.policy.is_admin(user)):
                return None
            token = secrets.token_urlsafe(32)
            now = self._options.clock()
            uow.session.add(
                WebLogin(
                    token_hash=token_hash(token),
                    user_id=user.id,
                    created_at=now,
                    expires_at=now + LINK_LIFETIME,
                )
            )
            await uow.commit()
            return token

    async def redeem(self, token: str) -> int | None:
        """The user id the token was issued to, the first time within its lifetime; None otherwise
        (unknown, used, expired, malformed: all alike)."""
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        digest = token_hash(token)
        async with self._uow() as uow:
            now = self._options.clock()
            claimed = await uow.session.execute(
                update(WebLogin)
                .where(WebLogin.token_hash == digest, WebLogin.used_at.is_(None), WebLogin.expires_at > now)
                .values(used_at=now)
                .execution_options(synchronize_session=False)
            )
            if getattr(claimed, "rowcount", 0) != 1:
                await uow.rollback()
                return None
            user_id = await uow.session.scalar(select(WebLogin.user_id).where(WebLogin.token_hash == digest))
            await uow.commit()
            return user_id
