"""Invitations: deep-link codes a team lead shares to collect the team's results."""

from __future__ import annotations

import re
import secrets

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.column_types import utc_now
from bot.storage.models import INVITATION_CODE_MAX_LENGTH, Invitation, User

INVITATION_CODE_PATTERN = re.compile(rf"[A-Za-z0-9_-]{{1,{INVITATION_CODE_MAX_LENGTH}}}")
"""What Telegram allows in ``https://t.me/<bot>?start=<code>``."""

_CODE_BYTES = 12
"""96 random bits: unguessable, and 16 characters fit comfortably in a deep link."""

_MAX_CODE_ATTEMPTS = 5


def new_invitation_code() -> str:
    """A fresh random code; URL-safe base64 only uses characters Telegram accepts."""
    return secrets.token_urlsafe(_CODE_BYTES)


class InvitationRepository:
    """Access to ``invitations``."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def create(self, lead: User, title: str) -> Invitation:
        for _ in range(_MAX_CODE_ATTEMPTS):
            code = new_invitation_code()
            if await self._session.scalar(select(Invitation.id).where(Invitation.code == code)) is None:
                break
        else:  # pragma: no cover - 96 random bits do not collide five times in a row
            raise RuntimeError("could not generate an unused invitation code")
        invitation = Invitation(code=code, lead_user_id=lead.id, title=title, created_at=utc_now())
        self._session.add(invitation)
        await self._session.flush()
        return invitation

    async def get(self, invitation_id: int) -> Invitation | None:
        return await self._session.get(Invitation, invitation_id)

    async def by_code(self, code: str) -> Invitation | None:
        """The invitation a deep link points to, or ``None`` if it is malformed, unknown or revoked."""
        if not INVITATION_CODE_PATTERN.fullmatch(code):
            return None
        return await self._session.scalar(
            select(Invitation).where(Invitation.code == code, Invitation.revoked_at.is_(None))
        )

    async def for_lead(self, lead: User, *, include_revoked: bool = False) -> list[Invitation]:
        """Newest first."""
        statement = select(Invitation).where(Invitation.lead_user_id == lead.id)
        if not include_revoked:
            statement = statement.where(Invitation.revoked_at.is_(None))
        statement = statement.order_by(Invitation.created_at.desc(), Invitation.id.desc())
        rows = await self._session.scalars(statement)
        return list(rows)

    async def revoke(self, invitation: Invitation) -> Invitation:
        """Stops new people from joining; interviews already started keep their link to it."""
        if invitation.revoked_at is None:
            invitation.revoked_at = utc_now()
            await self._session.flush()
        return invitation
