"""Who may do what: decided by the services, never by a front.

A front only says who is asking (an ``Identity`` in Telegram, a signed-in user on the web); each
service turns that into an ``Actor`` and refuses with ``AccessDenied``, whose message a front may
show as is: it names no person, no team and no count, so a refusal reveals nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.storage import User


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
