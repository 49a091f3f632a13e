"""What admins and team leads may look at: interviews, transcripts, results, teams, exports, the audit log.

One service for both fronts: the Telegram commands pass an ``Identity``, the web page the signed-in
user's id; both go through the same checks, so the two can never disagree about who may see what.
An admin sees everything; a lead sees the interviews and results of the consented members of the
teams they lead; anyone else, and anyone naming an id outside what they may see, gets the same
``AccessDenied`` — whether the id exists is not revealed. Admins, who may see every id, are told
when one does not exist (``NotFound``).

Every look at one person's transcript or result, and every export, is written to the audit log in
the same transaction that reads it, so nothing is shown that is not also recorded.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy import Select, select

from bot.access import AccessDenied, Actor, Channel, Role
from bot.administration_queries import AdminQueries, Scope
from bot.service import BEFORE_CONSENT, Identity
from bot.spreadsheet import safe_cell
from bot.storage import UnitOfWork, UnitOfWorkFactory, User
from bot.storage.models import Interview, Result
from criteria import StandardError, StandardSet, parse_profile
from dialogs import DEFAULT_LANGUAGE, Messages, languages, supported_language
from dialogs.result import ResultView, build_result

if TYPE_CHECKING:
    from bot.app import RuntimeOptions

T = TypeVar("T")

#: Who is asking: a signed-in user's id (the web page) or a Telegram/terminal identity.
ActorRef = int | Identity

PER_PAGE = 50
MAX_PER_PAGE = 200


class NotFound(LookupError):
    """An admin named an id that does not exist (everyone else gets ``AccessDenied`` instead)."""


@dataclass(frozen=True, slots=True)
class InterviewFilters:
    """What the listing and the CSV export are narrowed to; ``None`` means "any".

    ``since``/``until`` are whole days (UTC), both included: the interview's start for the listing,
    the result's date for the export.
    """

    field: str | None = None
    level: int | None = None
    team_id: int | None = None
    finished: bool | None = None
    since: date | None = None
    until: date | None = None
    page: int = 1
    per_page: int = PER_PAGE


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclass(frozen=True, slots=True)
class InterviewRow:
    id: int
    user_id: int
    name: str
    status: str  # "active", "finished" or "abandoned"
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    field: str | None
    level: int | None
    standard_id: str | None
    result_id: int | None
    teams: tuple[str, ...]  # the teams (among those the viewer may see) the person is a member of


@dataclass(frozen=True, slots=True)
class TranscriptLine:
    seq: int
    at: datetime
    direction: str  # "prompt", "answer" or "event"
    key: str | None
    text: str
    rejected: str | None = None  # why an answer was refused (the reason shown to the person)

    @property
    def refused(self) -> bool:
        return self.rejected is not None


@dataclass(frozen=True, slots=True)
class TranscriptView:
    interview_id: int
    user_id: int
    name: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    result_id: int | None
    lines: tuple[TranscriptLine, ...]


@dataclass(frozen=True, slots=True)
class ResultDetail:
    result_id: int
    interview_id: int
    user_id: int
    name: str
    created_at: datetime
    field: str
    level: int
    standard_id: str
    standard_version: str
    view: ResultView | None  # None when this deployment no longer knows the standard that judged it
    msg: Messages  # the viewer's language, speaking that standard


@dataclass(frozen=True, slots=True)
class TeamOverview:
    id: int
    name: str
    leads: tuple[str, ...]
    members: int
    finished: int  # members with at least one result
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AuditLine:
    at: datetime
    actor_name: str
    actor_role: str
    action: str
    subject_id: int | None
    subject_name: str | None
    object_id: int | None
    channel: str


@dataclass(frozen=True, slots=True)
class Viewer:
    """The signed-in person as a front shows them (their language, what the menu offers)."""

    user_id: int
    name: str
    language: str
    role: Role
    team_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


class AdminService:
    def __init__(
        self, uow_factory: UnitOfWorkFactory, options: RuntimeOptions, standards: StandardSet | None = None
    ) -> None:
        self._uow = uow_factory
        self._options = options
        self.standards = standards or StandardSet.from_references(())

    # --- who is asking -----------------------------------------------------------------------

    async def viewer(self, actor: ActorRef) -> Viewer | None:
        """The person behind ``actor`` (None if unknown), whatever they may see; reading writes nothing."""
        async with self._uow() as uow:
            found = await self._load(uow, actor)
            if found is None:
                return None
            who, user = found
            return Viewer(who.user_id, who.name, _language(user), who.role, who.lead_of)

    async def _load(self, uow: UnitOfWork, actor: ActorRef) -> tuple[Actor, User] | None:
        if isinstance(actor, Identity):
            if actor.telegram_id is not None:
                user = await uow.users.by_telegram_id(actor.telegram_id)
                channel = Channel.TELEGRAM
                if user is None and actor.telegram_id in self._options.policy.admin_ids:
                    # A configured admin may export before ever taking the assessment; an admin is
                    # staff the deployment named, so keeping their name for the audit log is expected.
                    user = await uow.users.get_or_create_telegram(
                        actor.telegram_id, actor.display_name, actor.language_code
                    )
                    user.language = user.language or supported_language(actor.language_code)
            else:
                user = await uow.users.by_local_key(actor.local_key or "")
                channel = Channel.TERMINAL
        else:
            user = await uow.users.get(actor)
            channel = Channel.WEB
        if user is None:
            return None
        lead_of = await AdminQueries(uow.session).teams_led_by(user.id)
        name = user.display_name or f"#{user.id}"
        return Actor(user.id, name, self._options.policy.is_admin(user), lead_of, channel), user

    async def _actor(self, uow: UnitOfWork, actor: ActorRef) -> tuple[Actor, User]:
        """Someone who may see something: an admin or a lead; everyone else is refused alike."""
        found = await self._load(uow, actor)
        if found is None or found[0].role is Role.ENGINEER:
            raise AccessDenied
        return found

    @staticmethod
    def _scope(who: Actor) -> Scope:
        return Scope(everything=who.is_admin, teams=who.lead_of)

    async def _record(
        self, uow: UnitOfWork, who: Actor, action: str, subject_id: int | None, object_id: int | None
    ) -> None:
        await uow.audit.record(
            actor_id=who.user_id,
            actor_name=who.name,
            actor_role=who.role.value,
            channel=who.channel.value,
            action=action,
            subject_id=subject_id,
            object_id=object_id,
            at=self._options.clock(),
        )

    # --- listings ------------------------------------------------------------------------------

    async def interviews(
        self, actor: ActorRef, filters: InterviewFilters | None = None
    ) -> Page[InterviewRow]:
        """Interviews past consent, newest first, narrowed by ``filters``; a list shows no answers, so
        looking at it is not recorded (opening a transcript or a result is)."""
        filters = filters or InterviewFilters()
        per_page = min(max(1, filters.per_page), MAX_PER_PAGE)
        page = max(1, filters.page)
        async with self._uow() as uow:
            who, _ = await self._actor(uow, actor)
            scope = self._scope(who)
            self._check_team(who, filters.team_id)
            queries = AdminQueries(uow.session)
            statement = self._interview_query(scope, filters)
            total = await queries.count(statement)
            rows = await queries.interviews(statement, offset=(page - 1) * per_page, limit=per_page)
            teams = await queries.team_names_of({r[1].id for r in rows}, scope)
        items = tuple(
            InterviewRow(
                id=interview.id,
                user_id=user.id,
                name=_name(user),
                status=interview.status,
                started_at=interview.started_at,
                updated_at=interview.updated_at,
                finished_at=interview.finished_at,
                field=result.field if result is not None else None,
                level=result.level if result is not None else None,
                standard_id=result.standard_id if result is not None else None,
                result_id=result.id if result is not None else None,
                teams=teams.get(user.id, ()),
            )
            for interview, user, result in rows
        )
        return Page(items, page, per_page, total)

    def _check_team(self, who: Actor, team_id: int | None) -> None:
        if team_id is not None and not who.may_see_team(team_id):
            raise AccessDenied

    def _interview_query(self, scope: Scope, filters: InterviewFilters) -> Select[Any]:
        statement = (
            select(Interview, User, Result)
            .join(User, User.id == Interview.user_id)
            .outerjoin(Result, Result.interview_id == Interview.id)
            .where(Interview.state.not_in(BEFORE_CONSENT))
        )
        statement = AdminQueries.visible(statement, Interview.user_id, scope, filters.team_id)
        if filters.field is not None:
            statement = statement.where(Result.field == filters.field)
        if filters.level is not None:
            statement = statement.where(Result.level == filters.level)
        if filters.finished is True:
            statement = statement.where(Interview.status == "finished")
        elif filters.finished is False:
            statement = statement.where(Interview.status != "finished")
        since, until = _bounds(filters)
        if since is not None:
            statement = statement.where(Interview.started_at >= since)
        if until is not None:
            statement = statement.where(Interview.started_at < until)
        return statement.order_by(Interview.started_at.desc(), Interview.id.desc())

    async def teams(self, actor: ActorRef) -> list[TeamOverview]:
        """Every team for an admin, the teams they lead for a lead; counts only, no names of members."""
        async with self._uow() as uow:
            who, _ = await self._actor(uow, actor)
            found = await AdminQueries(uow.session).teams(self._scope(who))
        return [
            TeamOverview(c.team.id, c.team.name, c.leads, c.members, c.finished, c.team.created_at)
            for c in found
        ]

    async def fields(self, actor: ActorRef) -> list[tuple[str, str]]:
        """The fields a filter can choose from, (id, name in the viewer's language)."""
        async with self._uow() as uow:
            _, user = await self._actor(uow, actor)
            language = _language(user)
        seen: dict[str, str] = {}
        for std in self.standards.offered:
            msg = Messages(language, std)
            for field_id in std.fields:
                seen.setdefault(field_id, msg.field_name(field_id))
        return list(seen.items())

    # --- one person's data ------------------------------------------------------------------

    async def transcript(self, actor: ActorRef, interview_id: int) -> TranscriptView:
        """Every prompt, answer and event of one interview, with times; the look is recorded."""
        async with self._uow() as uow:
            who, _ = await self._actor(uow, actor)
            row = await uow.interviews.get(interview_id) if _storable_id(interview_id) else None
            queries = AdminQueries(uow.session)
            if row is None or not (
                who.is_admin
                or (
                    row.state not in BEFORE_CONSENT
                    and await queries.is_member_of(row.user_id, self._scope(who))
                )
            ):
                raise NotFound if who.is_admin else AccessDenied
            person = await uow.users.get(row.user_id)
            entries = await uow.transcripts.for_interview(row)
            result_id = await queries.result_of_interview(row.id)
            await self._record(uow, who, "transcript", row.user_id, row.id)
            await uow.commit()
        lines = tuple(
            TranscriptLine(e.seq, e.created_at, e.direction, e.key, e.text, _rejection(e.payload))
            for e in entries
        )
        return TranscriptView(
            row.id,
            row.user_id,
            _name(person) if person is not None else f"#{row.user_id}",
            row.status,
            row.started_at,
            row.finished_at,
            result_id,
            lines,
        )

    async def result(self, actor: ActorRef, result_id: int) -> ResultDetail:
        """One result worded in the viewer's language, as its owner saw it; the look is recorded."""
        async with self._uow() as uow:
            who, viewer = await self._actor(uow, actor)
            found = await AdminQueries(uow.session).result(result_id) if _storable_id(result_id) else None
            if found is None or not (
                who.is_admin or await AdminQueries(uow.session).is_member_of(found[1].id, self._scope(who))
            ):
                raise NotFound if who.is_admin else AccessDenied
            result, person = found
            await self._record(uow, who, "result", person.id, result.id)
            await uow.commit()
        msg = Messages(_language(viewer))
        view = None
        try:
            std = self.standards.get(result.standard_id)
        except StandardError:
            std = None
        if std is not None:
            msg = msg.for_standard(std)
            view = build_result(parse_profile(result.profile, std), std, msg, result.created_at.date())
        return ResultDetail(
            result.id,
            result.interview_id,
            person.id,
            _name(person),
            result.created_at,
            result.field,
            result.level,
            result.standard_id,
            result.standard_version,
            view,
            msg,
        )

    async def results_csv(self, actor: ActorRef, filters: InterviewFilters | None = None) -> str:
        """Every visible result (all pages), narrowed like the listing; one audit line per person in it.

        ``finished`` is ignored (a result is always of a finished interview) and the dates are the
        result's. Names are whatever people typed: every text cell passes ``safe_cell``.
        """
        filters = filters or InterviewFilters()
        async with self._uow() as uow:
            who, _ = await self._actor(uow, actor)
            self._check_team(who, filters.team_id)
            scope = self._scope(who)
            statement = select(Result, User).join(User, User.id == Result.user_id)
            statement = AdminQueries.visible(statement, Result.user_id, scope, filters.team_id)
            if filters.field is not None:
                statement = statement.where(Result.field == filters.field)
            if filters.level is not None:
                statement = statement.where(Result.level == filters.level)
            since, until = _bounds(filters)
            if since is not None:
                statement = statement.where(Result.created_at >= since)
            if until is not None:
                statement = statement.where(Result.created_at < until)
            statement = statement.order_by(Result.created_at.desc(), Result.id.desc())
            rows = list((await uow.session.execute(statement)).tuples())
            for subject in sorted({user.id for _, user in rows}):
                await self._record(uow, who, "results_csv", subject, None)
            if not rows:  # an empty export is still an export
                await self._record(uow, who, "results_csv", None, None)
            await uow.commit()
        out = io.StringIO()
        writer = csv.writer(out)
        header = ["result_id", "interview_id", "user_id", "name", "standard", "standard_version"]
        writer.writerow([*header, "field", "level", "finished_at"])
        for result, user in rows:
            writer.writerow(
                [
                    result.id,
                    result.interview_id,
                    user.id,
                    safe_cell(user.display_name or ""),
                    safe_cell(result.standard_id),
                    safe_cell(result.standard_version),
                    safe_cell(result.field),
                    result.level,
                    result.created_at.isoformat(),
                ]
            )
        return out.getvalue()

    # --- the audit log -------------------------------------------------------------------------

    async def audit_log(self, actor: ActorRef, *, page: int = 1, per_page: int = PER_PAGE) -> Page[AuditLine]:
        """Who looked at whose data, newest first; admins only (a lead would learn of other teams)."""
        page, per_page = max(1, page), min(max(1, per_page), MAX_PER_PAGE)
        async with self._uow() as uow:
            who, _ = await self._actor(uow, actor)
            if not who.is_admin:
                raise AccessDenied
            queries = AdminQueries(uow.session)
            total = await queries.audit_count()
            events = await uow.audit.listing(limit=per_page, offset=(page - 1) * per_page)
            names = await queries.names({e.subject_id for e in events if e.subject_id is not None})
        items = tuple(
            AuditLine(
                e.at,
                e.actor_name,
                e.actor_role,
                e.action,
                e.subject_id,
                names.get(e.subject_id) if e.subject_id is not None else None,
                e.object_id,
                e.channel,
            )
            for e in events
        )
        return Page(items, page, per_page, total)


def _language(user: User) -> str:
    return user.language if user.language in languages() else DEFAULT_LANGUAGE


def _name(user: User) -> str:
    return user.display_name or f"#{user.id}"


def _storable_id(value: int) -> bool:
    """Beyond PostgreSQL's 32-bit integers no row can exist (and asking would raise)."""
    return 0 < value <= 2**31 - 1


def _bounds(filters: InterviewFilters) -> tuple[datetime | None, datetime | None]:
    """Whole UTC days, ``until`` included: the half-open range [since 00:00, until+1 00:00)."""
    since = datetime.combine(filters.since, time(), UTC) if filters.since else None
    until = datetime.combine(filters.until + timedelta(days=1), time(), UTC) if filters.until else None
    return since, until


def _rejection(payload: dict[str, Any] | None) -> str | None:
    reason = payload.get("rejected") if isinstance(payload, dict) else None
    return None if reason is None else str(reason)


__all__ = [
    "AccessDenied",
    "ActorRef",
    "AdminService",
    "AuditLine",
    "InterviewFilters",
    "InterviewRow",
    "NotFound",
    "Page",
    "ResultDetail",
    "TeamOverview",
    "TranscriptLine",
    "TranscriptView",
    "Viewer",
]
