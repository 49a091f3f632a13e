"""Teams as a service: leads invite, members join after being told who will see their result.

The service, not a front, decides who may do what: leads (creators and co-leads) and admins manage a
team and see its report; anyone else gets the same ``AccessDenied`` whether the team exists or not.
A lead sees a member only once the member agreed to it: membership rows are written when a person
consents to an interview opened through the team's link (``join_on_consent``) or presses "Join"
(``TeamService.join``) after being told which team and which leads it is — never by merely opening
a link. Revoking or expiring a link stops new joins and never hides a member.
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Final, Literal

from bot.access import AccessDenied, Actor, actor_name, channel_of, find_user, load_actor
from bot.spreadsheet import safe_cell
from bot.storage import Interview as InterviewRow
from bot.storage import Invitation, Result, UnitOfWork, UnitOfWorkFactory, User
from bot.storage.models import ReviewVerdict, Team
from bot.storage.repositories.invitations import refusal_of
from criteria import ClaimError, StandardError, StandardSet, confirmed_level
from dialogs import DEFAULT_LANGUAGE, supported_language
from dialogs.machine import CONSENT, DECLINED

if TYPE_CHECKING:
    from bot.app import RuntimeOptions
    from bot.service import Identity

log = logging.getLogger(__name__)

Grants = Literal["member", "lead"]
RefusalReason = Literal["unknown", "revoked", "expired", "used_up", "throttled"]
MemberStatus = Literal["finished", "in_progress", "not_started"]

TEAM_NAME_MAX = 100
"""Long enough for any real team's name, short enough for a button and a chat line."""

CSV_HEADER = (
    "team",
    "name",
    "status",
    "field",
    "level",
    "confirmed_level",
    "standard",
    "finished_at",
    "joined_at",
)

BEFORE_CONSENT: tuple[str, ...] = (CONSENT, DECLINED)
"""Dialogue states of an interview whose person has not agreed to anything (yet)."""


@dataclass(frozen=True, slots=True)
class AttemptLimit:
    """How many invitation codes leading nowhere one person may try within ``window``."""

    failures: int
    window: timedelta


INVITATION_ATTEMPTS = AttemptLimit(failures=5, window=timedelta(minutes=10))
"""Plenty for someone mistyping a link, nowhere near enough to guess a 144-bit code. The refusal
(``bot.notice.invitation_throttled``) says "about ten minutes": change its words with the window."""


class _Sentinel(Enum):
    DEFAULT = "default"
    UNCHANGED = "unchanged"


DEFAULT: Final = _Sentinel.DEFAULT
"""An argument left out of ``create_invitation``: the deployment's default lifetime."""
UNCHANGED: Final = _Sentinel.UNCHANGED
"""An argument left out of ``update_invitation``: keep what the invitation has."""


@dataclass(frozen=True, slots=True)
class TeamInfo:
    id: int
    name: str
    leads: tuple[str, ...]
    notify_on_finish: bool
    i_lead: bool
    i_am_member: bool
    members: int  # how many; 0 unless the viewer leads the team or is an admin


@dataclass(frozen=True, slots=True)
class InvitationInfo:
    id: int
    team_id: int
    team_name: str
    code: str
    grants: str
    created_at: datetime
    expires_at: datetime | None
    max_uses: int | None
    uses: int
    revoked: bool
    expired: bool
    used_up: bool

    @property
    def usable(self) -> bool:
        return not (self.revoked or self.expired or self.used_up)


@dataclass(frozen=True, slots=True)
class InvitationPreview:
    """What a person is told before joining: which team, whose eyes, and the teams they are in."""

    code: str
    team_id: int
    team_name: str
    leads: tuple[str, ...]
    grants: str
    already_member: bool
    already_lead: bool
    other_teams: tuple[str, ...]  # teams the person is already a member of


class InvitationRefused(Exception):
    """The code admits nobody; ``reason`` says why (``unknown`` also covers malformed codes)."""

    def __init__(self, reason: RefusalReason) -> None:
        super().__init__(reason)
        self.reason: RefusalReason = reason


@dataclass(frozen=True, slots=True)
class MemberRow:
    user_id: int
    name: str
    status: MemberStatus
    field: str | None
    level: int | None
    standard_id: str | None
    finished_at: datetime | None
    result_id: int | None
    joined_at: datetime
    confirmed_level: int | None  # the lead-confirmed level (reviews); None while nothing is reviewed


@dataclass(frozen=True, slots=True)
class TeamReportView:
    team: TeamInfo
    members: tuple[MemberRow, ...]
    distribution: dict[str, dict[int, int]]  # field -> level -> how many finished members


# --- hooks the assessment service calls inside its own unit of work ------------------------------


async def invitation_for_start(
    uow: UnitOfWork, user: User, code: str, attempts: AttemptLimit, now: datetime
) -> tuple[Invitation | None, InvitationPreview | None, str | None]:
    """The invitation ``code`` names with what to tell ``user`` about it, else the refusal notice
    (``invitation_unknown``, ``_revoked``, ``_expired``, ``_used_up``, ``_throttled``).

    Changes nothing but the person's failed attempts, which the caller commits with the rest."""
    try:
        invitation = await _admit(uow, user, code, attempts, now)
    except InvitationRefused as refused:
        return None, None, f"invitation_{refused.reason}"
    return invitation, await _preview(uow, user, invitation), None


async def join_on_consent(
    uow: UnitOfWork, user: User, interview_row: InterviewRow, now: datetime
) -> Team | None:
    """The person just consented to an interview opened through a team's link: they join the team
    they were told about (one more use of the link). A link revoked, expired or used up in between
    admits nobody: the interview is then detached from it, so nothing points at the team."""
    if interview_row.invitation_id is None:
        return None
    invitation = await uow.invitations.get(interview_row.invitation_id)
    if invitation is None or invitation.grants != "member" or refusal_of(invitation, now) is not None:
        await uow.invitations.attach(interview_row, None)
        return None
    team = await uow.teams.get(invitation.team_id or 0)
    if team is None or not await _join(uow, user, team, invitation, now):
        await uow.invitations.attach(interview_row, None)
        return None
    log.info("a member joined a team on consenting")
    return team


async def has_consented(uow: UnitOfWork, user: User) -> bool:
    """Whether the person ever agreed to anything: an interview past consent, or a membership.
    Such a person is never joined to a team silently: they are asked."""
    if await uow.teams.has_membership(user):
        return True
    return any(row.state not in BEFORE_CONSENT for row in await uow.interviews.list_for_user(user))


async def _admit(uow: UnitOfWork, user: User, code: str, attempts: AttemptLimit, now: datetime) -> Invitation:
    """The usable invitation ``code`` names, else ``InvitationRefused``; also one that admits nobody
    new any more when the person already holds what it grants (joining twice is harmless).

    Every refused code counts as a failed attempt; after ``attempts.failures`` of them within its
    window the person gets ``throttled`` and the code is not even looked up, so guessing gains
    nothing until the window has passed. The count lives in the database: every process sees it."""
    since = now - attempts.window
    if await uow.invitation_failures.count_since(user, since) >= attempts.failures:
        log.info("invitation code not looked up: too many failed attempts")
        raise InvitationRefused("throttled")
    invitation, refusal = await uow.invitations.lookup(code, now)
    if invitation is not None and refusal not in (None, "unknown") and await _holds(uow, user, invitation):
        return invitation
    if invitation is None or refusal is not None:
        await uow.invitation_failures.record(user, now, keep_after=since)
        raise InvitationRefused(refusal or "unknown")
    return invitation


async def _preview(uow: UnitOfWork, user: User, invitation: Invitation) -> InvitationPreview:
    team = await uow.teams.get(invitation.team_id or 0)
    assert team is not None, "a usable invitation has a team"
    others = tuple(t.name for t in await uow.teams.member_of(user) if t.id != team.id)
    return InvitationPreview(
        code=invitation.code,
        team_id=team.id,
        team_name=team.name,
        leads=tuple(actor_name(lead) for lead in await uow.teams.leads(team)),
        grants=invitation.grants,
        already_member=await uow.teams.is_member(team, user),
        already_lead=await uow.teams.is_lead(team, user),
        other_teams=others,
    )


async def _holds(uow: UnitOfWork, user: User, invitation: Invitation) -> bool:
    """Whether ``user`` already is what ``invitation`` grants in its team."""
    team_id = invitation.team_id or 0
    if invitation.grants == "lead":
        return await uow.teams.is_lead(team_id, user)
    return await uow.teams.is_member(team_id, user)


async def _join(uow: UnitOfWork, user: User, team: Team, invitation: Invitation, now: datetime) -> bool:
    """Makes ``user`` what ``invitation`` grants; False when its last use went to someone else.

    Joining again changes nothing and uses nothing."""
    if await _holds(uow, user, invitation):
        return True
    if not await uow.invitations.use(invitation):
        return False
    if invitation.grants == "lead":
        await uow.teams.add_lead(team, user, now)
    else:
        await uow.teams.add_member(team, user, now, invitation)
    return True


async def _confirmed_level(uow: UnitOfWork, result: Result, standards: StandardSet) -> int | None:
    """The lead-confirmed level of a result, as ``bot/reviews.py`` words it: what the questioned
    claims leave standing; None while no claim of it has a verdict."""
    verdicts = await uow.reviews.for_result(result.id)
    if not verdicts:
        return None
    questioned = [v.review.claim for v in verdicts if v.review.verdict == ReviewVerdict.QUESTIONED.value]
    try:
        std = standards.get(result.standard_id)
        return confirmed_level(result.profile, questioned, std)
    except (StandardError, ClaimError):  # a result of a standard no longer offered: no claim to weigh
        return None


def _invitation_info(invitation: Invitation, team: Team, now: datetime) -> InvitationInfo:
    return InvitationInfo(
        id=invitation.id,
        team_id=team.id,
        team_name=team.name,
        code=invitation.code,
        grants=invitation.grants,
        created_at=invitation.created_at,
        expires_at=invitation.expires_at,
        max_uses=invitation.max_uses,
        uses=invitation.uses,
        revoked=invitation.revoked_at is not None,
        expired=invitation.expires_at is not None and invitation.expires_at <= now,
        used_up=invitation.max_uses is not None and invitation.uses >= invitation.max_uses,
    )


# --- the service ------------------------------------------------------------------------------


class TeamService:
    """Teams for the people in them: leads, co-leads, members and admins (one audience)."""

    #: Throttles guessing invitation codes; shares its count with the assessment service's.
    invitation_attempts: AttemptLimit = INVITATION_ATTEMPTS

    def __init__(
        self, uow_factory: UnitOfWorkFactory, options: RuntimeOptions, standards: StandardSet | None = None
    ) -> None:
        self._uow = uow_factory
        self._options = options
        self._standards = standards or StandardSet.from_references(())

    def _now(self) -> datetime:
        return self._options.clock()

    # --- who is asking ---------------------------------------------------------------------------

    async def _actor(self, uow: UnitOfWork, who: Identity) -> tuple[User, Actor]:
        """The person and what they may do; an unknown person may do nothing (and is not stored)."""
        user = await find_user(uow, who)
        if user is None:
            raise AccessDenied
        return user, await load_actor(uow, user, self._options.policy, channel_of(who))

    async def _person(self, uow: UnitOfWork, who: Identity) -> User:
        """The person, stored now if new: creating a team or pressing "Join" is an explicit act."""
        if who.telegram_id is not None:
            user = await uow.users.get_or_create_telegram(
                who.telegram_id, who.display_name, who.language_code
            )
        elif who.local_key is not None:
            user = await uow.users.get_or_create_local(who.local_key, who.display_name)
        else:
            raise ValueError("an identity needs a telegram_id or a local_key")
        if user.language is None:
            user.language = supported_language(who.language_code) or DEFAULT_LANGUAGE
        return user

    async def _team_for(self, uow: UnitOfWork, actor: Actor, team_id: int) -> Team:
        """The team ``actor`` manages; unknown and someone else's team are the same refusal."""
        team = await uow.teams.get(team_id) if actor.may_see_team(team_id) else None
        if team is None:
            raise AccessDenied
        return team

    async def _info(self, uow: UnitOfWork, team: Team, user: User, is_admin: bool) -> TeamInfo:
        leads = await uow.teams.leads(team)
        i_lead = any(lead.id == user.id for lead in leads)
        return TeamInfo(
            id=team.id,
            name=team.name,
            leads=tuple(actor_name(lead) for lead in leads),
            notify_on_finish=team.notify_on_finish,
            i_lead=i_lead,
            i_am_member=await uow.teams.is_member(team, user),
            members=await uow.teams.member_count(team) if i_lead or is_admin else 0,
        )

    # --- teams -----------------------------------------------------------------------------------

    async def create_team(self, who: Identity, name: str) -> TeamInfo:
        """A new team led by the person (if the deployment lets them create one)."""
        name = name.strip()
        if not 1 <= len(name) <= TEAM_NAME_MAX:
            raise ValueError(f"a team's name has 1 to {TEAM_NAME_MAX} characters")
        async with self._uow() as uow:
            user = await self._person(uow, who)
            if not self._options.policy.may_create_team(user):
                raise AccessDenied  # leaving the block unsaved: the person is not stored for this
            team = await uow.teams.create(name, user, self._now())
            info = await self._info(uow, team, user, self._options.policy.is_admin(user))
            await uow.commit()
            log.info("a team was created")
            return info

    async def teams_of(self, who: Identity) -> list[TeamInfo]:
        """The teams the person leads, then the ones they are a member of."""
        async with self._uow() as uow:
            user = await find_user(uow, who)
            if user is None:
                return []
            is_admin = self._options.policy.is_admin(user)
            led = await uow.teams.led_by(user)
            led_ids = {t.id for t in led}
            teams = led + [t for t in await uow.teams.member_of(user) if t.id not in led_ids]
            return [await self._info(uow, team, user, is_admin) for team in teams]

    async def leave(self, who: Identity, team_id: int) -> None:
        """The person stops sharing their results with the team's leads."""
        async with self._uow() as uow:
            user = await find_user(uow, who)
            if user is None or not await uow.teams.remove_member(team_id, user):
                raise AccessDenied
            await uow.commit()
            log.info("a member left a team")

    async def set_notify(self, who: Identity, team_id: int, on: bool) -> TeamInfo:
        """Whether the team's leads hear when a member finishes."""
        async with self._uow() as uow:
            user, actor = await self._actor(uow, who)
            team = await self._team_for(uow, actor, team_id)
            team.notify_on_finish = on
            info = await self._info(uow, team, user, actor.is_admin)
            await uow.commit()
            return info

    async def grant_lead(self, who: Identity, telegram_id: int, allowed: bool) -> bool:
        """Admins allow (or stop) a person creating teams; False if there is no such person."""
        async with self._uow() as uow:
            _user, actor = await self._actor(uow, who)
            if not actor.is_admin:
                raise AccessDenied
            target = await uow.users.by_telegram_id(telegram_id)
            if target is None:
                return False
            target.may_lead = allowed
            await uow.commit()
            return True

    # --- invitations -----------------------------------------------------------------------------

    async def create_invitation(
        self,
        who: Identity,
        team_id: int,
        *,
        lifetime: timedelta | _Sentinel | None = DEFAULT,
        max_uses: int | None = None,
        grants: Grants = "member",
    ) -> InvitationInfo:
        """A new link to the team; ``lifetime`` None never expires, left out the deployment's default."""
        if grants not in ("member", "lead"):
            raise ValueError(f"an invitation grants 'member' or 'lead', not {grants!r}")
        chosen = self._options.invitation_lifetime if lifetime is DEFAULT else lifetime
        assert not isinstance(chosen, _Sentinel)
        _check_limits(chosen, max_uses)
        async with self._uow() as uow:
            user, actor = await self._actor(uow, who)
            team = await self._team_for(uow, actor, team_id)
            now = self._now()
            invitation = await uow.invitations.create(
                user,
                team.name,
                team=team,
                expires_at=None if chosen is None else now + chosen,
                max_uses=max_uses,
                grants=grants,
                now=now,
            )
            info = _invitation_info(invitation, team, now)
            await uow.commit()
            return info

    async def update_invitation(
        self,
        who: Identity,
        invitation_id: int,
        *,
        lifetime: timedelta | _Sentinel | None = UNCHANGED,
        max_uses: int | _Sentinel | None = UNCHANGED,
    ) -> InvitationInfo:
        """New limits for a link: ``lifetime`` counts from now (None: never expires)."""
        _check_limits(
            None if isinstance(lifetime, _Sentinel) else lifetime,
            None if isinstance(max_uses, _Sentinel) else max_uses,
        )
        async with self._uow() as uow:
            invitation, team = await self._managed_invitation(uow, who, invitation_id)
            now = self._now()
            expires_at = invitation.expires_at
            if not isinstance(lifetime, _Sentinel):
                expires_at = None if lifetime is None else now + lifetime
            limit = invitation.max_uses if isinstance(max_uses, _Sentinel) else max_uses
            await uow.invitations.set_limits(invitation, expires_at=expires_at, max_uses=limit)
            info = _invitation_info(invitation, team, now)
            await uow.commit()
            return info

    async def invitations(self, who: Identity) -> list[InvitationInfo]:
        """The links of every team the person leads, newest first (revoked and expired ones too)."""
        async with self._uow() as uow:
            user = await find_user(uow, who)
            if user is None:
                return []
            teams = {team.id: team for team in await uow.teams.led_by(user)}
            now = self._now()
            return [
                _invitation_info(invitation, teams[invitation.team_id or 0], now)
                for invitation in await uow.invitations.for_teams(teams)
            ]

    async def revoke(self, who: Identity, invitation_id: int) -> InvitationInfo:
        """Nobody new joins through the link; who joined through it stays a member."""
        async with self._uow() as uow:
            invitation, team = await self._managed_invitation(uow, who, invitation_id)
            now = self._now()
            await uow.invitations.revoke(invitation, now)
            info = _invitation_info(invitation, team, now)
            await uow.commit()
            log.info("an invitation was revoked")
            return info

    async def _managed_invitation(
        self, uow: UnitOfWork, who: Identity, invitation_id: int
    ) -> tuple[Invitation, Team]:
        _user, actor = await self._actor(uow, who)
        invitation = await uow.invitations.get(invitation_id)
        if invitation is None or invitation.team_id is None:
            raise AccessDenied
        return invitation, await self._team_for(uow, actor, invitation.team_id)

    async def preview(self, who: Identity, code: str) -> InvitationPreview:
        """What joining through ``code`` would mean for the person, or ``InvitationRefused``.

        Only for people the bot already knows (opening a link stores them): the failed attempts are
        counted against the person, so nobody can probe codes unthrottled."""
        async with self._uow() as uow:
            user = await find_user(uow, who)
            if user is None:
                raise InvitationRefused("unknown")
            try:
                invitation = await _admit(uow, user, code, self.invitation_attempts, self._now())
            except InvitationRefused:
                await uow.commit()  # the failed attempt counts
                raise
            return await _preview(uow, user, invitation)

    async def join(self, who: Identity, code: str) -> TeamInfo:
        """The person agreed to join through ``code`` (a member link: their results are shared with
        the leads; a lead link: they become a co-lead). Joining again is harmless and uses nothing."""
        async with self._uow() as uow:
            user = await self._person(uow, who)
            now = self._now()
            try:
                invitation = await _admit(uow, user, code, self.invitation_attempts, now)
            except InvitationRefused:
                await uow.commit()  # the failed attempt counts
                raise
            team = await uow.teams.get(invitation.team_id or 0)
            assert team is not None, "a usable invitation has a team"
            if not await _join(uow, user, team, invitation, now):
                raise InvitationRefused("used_up")
            info = await self._info(uow, team, user, self._options.policy.is_admin(user))
            await uow.commit()
            log.info("a person joined a team as %s", invitation.grants)
            return info

    # --- the team's report -----------------------------------------------------------------------

    async def report(self, who: Identity, team_id: int) -> TeamReportView:
        """Each member's status and latest result, and the team's distribution; every result shown
        is written to the audit log (the member can ask who has seen it)."""
        async with self._uow() as uow:
            user, actor = await self._actor(uow, who)
            team = await self._team_for(uow, actor, team_id)
            info = await self._info(uow, team, user, actor.is_admin)
            rows = await self._rows(uow, team)
            await self._audit(uow, actor, rows, "team_report")
            await uow.commit()
        distribution: dict[str, dict[int, int]] = {}
        for row in rows:
            if row.status == "finished" and row.field is not None and row.level is not None:
                levels = distribution.setdefault(row.field, {})
                levels[row.level] = levels.get(row.level, 0) + 1
        ordered = {f: dict(sorted(levels.items())) for f, levels in sorted(distribution.items())}
        return TeamReportView(info, rows, ordered)

    async def report_csv(self, who: Identity, team_id: int) -> str:
        """The report's rows as CSV, every text cell safe to open in a spreadsheet."""
        async with self._uow() as uow:
            _user, actor = await self._actor(uow, who)
            team = await self._team_for(uow, actor, team_id)
            rows = await self._rows(uow, team)
            await self._audit(uow, actor, rows, "team_csv")
            await uow.commit()
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_HEADER)
        for row in rows:
            writer.writerow(
                [
                    safe_cell(team.name),
                    safe_cell(row.name),
                    row.status,
                    safe_cell(row.field or ""),
                    "" if row.level is None else row.level,
                    "" if row.confirmed_level is None else row.confirmed_level,
                    safe_cell(row.standard_id or ""),
                    "" if row.finished_at is None else row.finished_at.isoformat(),
                    row.joined_at.isoformat(),
                ]
            )
        return out.getvalue()

    async def _rows(self, uow: UnitOfWork, team: Team) -> tuple[MemberRow, ...]:
        """Every member (each agreed to it): the latest result, else whether an interview they
        consented to is under way."""
        rows = []
        for member in await uow.teams.members(team):
            person = member.user
            latest = (await uow.results.history_for(person) or [None])[0]
            if latest is not None:
                status: MemberStatus = "finished"
            else:
                active = await uow.interviews.active_for(person)
                started = active is not None and active.state not in BEFORE_CONSENT
                status = "in_progress" if started else "not_started"
            rows.append(
                MemberRow(
                    user_id=person.id,
                    name=actor_name(person),
                    status=status,
                    field=None if latest is None else latest.field,
                    level=None if latest is None else latest.level,
                    standard_id=None if latest is None else latest.standard_id,
                    finished_at=None if latest is None else latest.created_at,
                    result_id=None if latest is None else latest.id,
                    joined_at=member.joined_at,
                    confirmed_level=(
                        None if latest is None else await _confirmed_level(uow, latest, self._standards)
                    ),
                )
            )
        return tuple(rows)

    async def _audit(self, uow: UnitOfWork, actor: Actor, rows: tuple[MemberRow, ...], action: str) -> None:
        now = self._now()
        for row in rows:
            if row.result_id is None:
                continue
            await uow.audit.record(
                actor_id=actor.user_id,
                actor_name=actor.name,
                actor_role=actor.role.value,
                channel=actor.channel.value,
                action=action,
                subject_id=row.user_id,
                object_id=row.result_id,
                at=now,
            )


def _check_limits(lifetime: timedelta | None, max_uses: int | None) -> None:
    if lifetime is not None and lifetime <= timedelta(0):
        raise ValueError("an invitation's lifetime is positive (None: it never expires)")
    if max_uses is not None and max_uses < 1:
        raise ValueError("an invitation admits at least one person (None: no limit)")
