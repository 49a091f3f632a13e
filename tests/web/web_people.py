"""Who is who in the web tests, and a sign-in link written straight into the database (the way
``WebLoginService.issue`` writes one, but also for people ``issue`` refuses, like an engineer)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from bot.service import Identity
from bot.storage import UnitOfWorkFactory
from bot.storage.models import WebLogin
from bot.web_login import LINK_LIFETIME, token_hash


@dataclass
class People:
    who: dict[str, Identity]
    user: dict[str, int]  # user ids
    interview: dict[str, int]
    result: dict[str, int]
    team: dict[str, int]


async def login_token(uow_factory: UnitOfWorkFactory, user_id: int, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    async with uow_factory() as uow:
        uow.session.add(
            WebLogin(
                token_hash=token_hash(token), user_id=user_id, created_at=now, expires_at=now + LINK_LIFETIME
            )
        )
        await uow.commit()
    return token
