"""Invitations: deep-link codes a team lead shares to collect the team's results."""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Collection
from datetime import datetime
from typing import Any, Literal, cast

from sqlalchemy import CursorResult, delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bot.storage.column_types import utc_now
from bot.storage.models import (
    INVITATION_CODE_MAX_LENGTH,
    Interview,
    Invitation,
    InvitationFailure,
    Team,
    User,
)
from bot.storage.repositories._text import storable_text

INVITATION_CODE_PATTERN = re.compile(rf"[A-Za-z0-9_-]{{1,{INVITATION_CODE_MAX_LENGTH}}}")
"""What Telegram allows in ``https://t.me/<bot>?start=<code>``."""

INVITATION_CODE_BYTES = 18
"""144 random bits (at least 128 are needed to be unguessable); a multiple of 3 bytes, so base64
spells them in exactly 24 characters with no padding, each carrying 6 bits."""

INVITATION_CODE_LENGTH = INVITATION_CODE_BYTES * 4 // 3

_MAX_CODE_ATTEMPTS = 5

Refusal = Literal["unknown", "revoked", "expired", "used_up"]
"""Why a code admits nobody: ``unknown`` also covers malformed codes and links without a team."""


def refusal_of(invitation: Invitation, now: datetime) -> Refusal | None:
    """Why ``invitation`` admits nobody at ``now``, or None while it still does."""
    if invitation.team_id is None:
        return "unknown"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at is not None and invitation.expires_at <= now:
        return "expired"
    if invitation.max_uses is not None and invitation.uses >= invitation.max_uses:
        return "used_up"
    return None


def new_invitation_code() -> str:
    """A fresh code: the URL-safe base64 of ``INVITATION_CODE_BYTES`` bytes from the operating system's
    CSPRNG. The encoding is one-to-one, so the code is exactly as hard to guess as those bytes, and its
    alphabet (``A-Za-z0-9_-``) is the one Telegram accepts in a ``?start=`` parameter."""
    return base64.urlsafe_b64encode(secrets.token_bytes(INVITATION_CODE_BYTES)).decode("ascii")


class InvitationRepository:
    """Access to ``invitations``."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def create(
        self,
        lead: User,
        title: str,
        *,
        team: Team | None = None,
        expires_at: datetime | None = None,
        max_uses: int | None = None,
        grants: str = "member",
        now: datetime | None = None,
    ) -> Invitation:
        """A new code made by ``lead`` for ``team`` (``grants``: "member" or "lead")."""
        for _ in range(_MAX_CODE_ATTEMPTS):
            code = new_invitation_code()
            if await self._session.scalar(select(Invitation.id).where(Invitation.code == code)) is None:
                break
        else:  # pragma: no cover - 144 random bits do not collide five times in a row
            raise RuntimeError("could not generate an unused invitation code")
        invitation = Invitation(
            code=code,
            lead_user_id=lead.id,
            title=storable_text(title)[:200],
            team_id=None if team is None else team.id,
            created_at=now or utc_now(),
            expires_at=expires_at,
            max_uses=max_uses,
            uses=0,
            grants=grants,
        )
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

    async def lookup(self, code: str, now: datetime) -> tuple[Invitation | None, Refusal | None]:
        """The invitation ``code`` names and, when it admits nobody at ``now``, why not.

        A malformed or unknown code is ``(None, "unknown")``; a known one comes back with its
        refusal, so the caller can tell a revoked, expired or used-up link apart."""
        if not INVITATION_CODE_PATTERN.fullmatch(code):
            return None, "unknown"
        invitation = await self._session.scalar(select(Invitation).where(Invitation.code == code))
        if invitation is None:
            return None, "unknown"
        return invitation, refusal_of(invitation, now)

    async def use(self, invitation: Invitation) -> bool:
        """Counts one more person joining through ``invitation``; False if its last use is gone.

        One conditional UPDATE: two joins racing for the last use cannot both win (on PostgreSQL the
        second waits for the first's row lock, then finds the condition false)."""
        statement = (
            update(Invitation)
            .where(
                Invitation.id == invitation.id,
                or_(Invitation.max_uses.is_(None), Invitation.uses < Invitation.max_uses),
            )
            .values(uses=Invitation.uses + 1)
            .returning(Invitation.uses)
            .execution_options(synchronize_session=False)
        )
        uses = (await self._session.execute(statement)).scalar_one_or_none()
        if uses is None:
            return False
        set_committed_value(invitation, "uses", uses)
        return True

    async def set_limits(
        self, invitation: Invitation, *, expires_at: datetime | None, max_uses: int | None
    ) -> Invitation:
        invitation.expires_at = expires_at
        invitation.max_uses = max_uses
        await self._session.flush()
        return invitation

    async def for_teams(self, team_ids: Collection[int]) -> list[Invitation]:
        """Every invitation of these teams, revoked ones too, newest first."""
        if not team_ids:
            return []
        statement = (
            select(Invitation)
            .where(Invitation.team_id.in_(list(team_ids)))
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        )
        return list(await self._session.scalars(statement))

    async def attach(self, interview: Interview, invitation: Invitation | None) -> Interview:
        """Points an interview at the invitation its person will join on consenting (None: none).

        The interview's version stays: the dialogue did not move, so buttons on screen stay current."""
        invitation_id = None if invitation is None else invitation.id
        if interview.invitation_id != invitation_id:
            await self._session.execute(
                update(Interview)
                .where(Interview.id == interview.id)
                .values(invitation_id=invitation_id)
                .execution_options(synchronize_session=False)
            )
            set_committed_value(interview, "invitation_id", invitation_id)
        return interview

    async def for_lead(self, lead: User, *, include_revoked: bool = False) -> list[Invitation]:
        """Newest first."""
        statement = select(Invitation).where(Invitation.lead_user_id == lead.id)
        if not include_revoked:
            statement = statement.where(Invitation.revoked_at.is_(None))
        statement = statement.order_by(Invitation.created_at.desc(), Invitation.id.desc())
        rows = await self._session.scalars(statement)
        return list(rows)

    async def revoke(self, invitation: Invitation, at: datetime | None = None) -> Invitation:
        """Stops new people from joining; who joined through it stays a member."""
        if invitation.revoked_at is None:
            invitation.revoked_at = at or utc_now()
            await self._session.flush()
        return invitation


class InvitationFailureRepository:
    """Access to ``invitation_failures``: the recent codes each person tried in vain.

    Rows are written and counted with plain statements, never loaded as objects, so nothing of them
    lingers in the unit of work (deleting the person cascades in the database alone). Counting and
    inserting are separate statements: two attempts racing from the same person may both get through
    when one failure short of the limit, which bounds the excess at the number of concurrent updates.
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def count_since(self, user: User, since: datetime) -> int:
        """How many codes ``user`` tried in vain after ``since``."""
        statement = select(func.count()).where(
            InvitationFailure.user_id == user.id, InvitationFailure.failed_at > since
        )
        return await self._session.scalar(statement) or 0

    async def record(self, user: User, at: datetime, *, keep_after: datetime) -> None:
        """Remembers one failed attempt at ``at`` and drops the person's attempts older than
        ``keep_after``, which no window looks at any more (so the table stays small)."""
        await self._session.execute(
            delete(InvitationFailure).where(
                InvitationFailure.user_id == user.id, InvitationFailure.failed_at <= keep_after
            )
        )
        await self._session.execute(insert(InvitationFailure).values(user_id=user.id, failed_at=at))

    async def purge_before(self, cutoff: datetime) -> int:
        """Deletes everyone's attempts up to ``cutoff`` (for a scheduled clean-up); how many there were."""
        result = await self._session.execute(
            delete(InvitationFailure).where(InvitationFailure.failed_at <= cutoff)
        )
        return cast(CursorResult[Any], result).rowcount
