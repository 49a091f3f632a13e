"""Who may do what: decided by the services, never by a front.

A front only says who is asking (an ``Identity`` in Telegram, a signed-in user on the web); each
service turns that into an ``Actor`` and refuses with ``AccessDenied``, whose message a front may
show as is: it names no person, no team and no count, so a refusal reveals nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.storage import UnitOfWork, User

if TYPE_CHECKING:
    from bot.service import Identity


class Role(StrEnum):
    """The widest thing a person may do; a lead may also do everything an engineer may."""

    ENGINEER = "engineer"
    LEAD = "lead"
    ADMIN = "admin"


class Channel(StrEnum):
    """Where a request came from, for the audit log."""

    TELEGRAM = "telegram"
    WEB = "web"
    TERMINAL = "terminal"


class AccessDenied(Exception):
    """The request is not allowed for this person; the front shows one neutral refusal."""


@dataclass(frozen=True, slots=True)
class Policy:
    """The deployment's rules: who is an admin (``ADMIN_IDS``) and who may create teams."""

    admin_ids: frozenset[int] = frozenset()
    #: "anyone", or "granted": only people an admin allowed (``User.may_lead``) and admins.
    team_creation: str = "anyone"

    def is_admin(self, user: User | None) -> bool:
        return user is not None and user.telegram_id is not None and user.telegram_id in self.admin_ids

    def may_create_team(self, user: User) -> bool:
        return self.team_creation == "anyone" or user.may_lead or self.is_admin(user)


@dataclass(frozen=True, slots=True)
class Actor:
    """A signed-in or identified person as the services see them, for one request."""

    user_id: int
    name: str
    is_admin: bool
    #: The teams this person leads (creator or co-lead).
    lead_of: frozenset[int]
    channel: Channel

    @property
    def role(self) -> Role:
        if self.is_admin:
            return Role.ADMIN
        return Role.LEAD if self.lead_of else Role.ENGINEER

    def may_see_team(self, team_id: int) -> bool:
        return self.is_admin or team_id in self.lead_of


def channel_of(who: Identity) -> Channel:
    """Where a person talking to the bot is: Telegram when it names them, else the terminal."""
    return Channel.TELEGRAM if who.telegram_id is not None else Channel.TERMINAL


def actor_name(user: User) -> str:
    """The name a person goes by in views and the audit log (an id when they have no name)."""
    return user.display_name or f"#{user.id}"


async def load_actor(uow: UnitOfWork, user: User, policy: Policy, channel: Channel) -> Actor:
    """``user`` as the services judge them for one request: admin by the policy, lead of the teams
    ``team_leads`` names (read now, so a co-lead added a moment ago is one already)."""
    return Actor(
        user_id=user.id,
        name=actor_name(user),
        is_admin=policy.is_admin(user),
        lead_of=frozenset(await uow.teams.lead_ids(user)),
        channel=channel,
    )


async def find_user(uow: UnitOfWork, who: Identity) -> User | None:
    """The person ``who`` names, if the bot keeps anything about them; looking creates nobody."""
    if who.telegram_id is not None:
        return await uow.users.by_telegram_id(who.telegram_id)
    if who.local_key is not None:
        return await uow.users.by_local_key(who.local_key)
    return None


async def actor_for(uow: UnitOfWork, who: Identity, policy: Policy, channel: Channel) -> Actor | None:
    """The actor behind ``who``; None when the person is unknown (a refusal then reveals nothing,
    and asking stores nobody)."""
    user = await find_user(uow, who)
    return None if user is None else await load_actor(uow, user, policy, channel)
