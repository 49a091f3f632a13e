"""Wiring shared by every front: the database, its migrations and the services, one per audience.

``RuntimeOptions`` carries what the deployment decided (who is an admin, who may create teams, how
long things are kept) so the services, not the fronts, apply it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.access import Policy
from bot.administration import AdminService
from bot.awaiting import Awaiting
from bot.clock import Clock, system_clock
from bot.housekeeping import Housekeeping
from bot.notifications import NotificationService
from bot.person_data import PersonDataService
from bot.reviews import ReviewService
from bot.service import AssessmentService
from bot.storage import create_engine_from_url, default_database_url, unit_of_work_factory, upgrade_database
from bot.storage.database import ensure_writable_database
from bot.teams import TeamService
from bot.web_login import WebLoginService
from criteria import StandardSet

if TYPE_CHECKING:
    from bot.config import Settings


@dataclass(frozen=True, slots=True)
class RuntimeOptions:
    """The deployment's choices the services apply; the defaults are the settings' defaults."""

    policy: Policy = field(default_factory=Policy)
    clock: Clock = system_clock
    invitation_lifetime: timedelta = timedelta(days=30)
    #: One reminder this long after a team member started without finishing; None: no reminders.
    reminder_after: timedelta | None = timedelta(hours=72)
    pre_consent: timedelta = timedelta(hours=24)
    retain_unfinished: timedelta | None = timedelta(days=180)
    retain_transcripts: timedelta | None = None

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock = system_clock) -> RuntimeOptions:
        def days(value: int) -> timedelta | None:
            return timedelta(days=value) if value else None

        return cls(
            policy=Policy(frozenset(settings.admin_ids), settings.team_creation),
            clock=clock,
            invitation_lifetime=timedelta(days=settings.invitation_days),
            reminder_after=timedelta(hours=settings.reminder_hours) if settings.reminder_hours else None,
            pre_consent=timedelta(hours=settings.pre_consent_hours),
            retain_unfinished=days(settings.retain_unfinished_days),
            retain_transcripts=days(settings.retain_transcripts_days),
        )


@dataclass(slots=True)
class Runtime:
    engine: AsyncEngine
    service: AssessmentService
    options: RuntimeOptions
    admin: AdminService
    web_logins: WebLoginService
    notifications: NotificationService
    housekeeping: Housekeeping
    data: PersonDataService
    reviews: ReviewService
    teams: TeamService
    awaiting: Awaiting  # what a person's next typed text answers, when not the interview

    async def close(self) -> None:
        await self.engine.dispose()


async def open_runtime(
    database_url: str | None, standards: StandardSet | None = None, options: RuntimeOptions | None = None
) -> Runtime:
    """Migrate the database to the current schema, then hand out the services (safe on every start).

    A SQLite file this process cannot write is refused first (``DatabaseNotWritableError``): every
    front would otherwise start normally and then fail each command.
    """
    options = options or RuntimeOptions()
    url = database_url or default_database_url()
    ensure_writable_database(url)
    await upgrade_database(url)
    engine = create_engine_from_url(url)
    uow = unit_of_work_factory(engine)
    return Runtime(
        engine,
        AssessmentService(uow, standards, clock=options.clock, reminder_after=options.reminder_after),
        options,
        admin=AdminService(uow, options, standards),
        web_logins=WebLoginService(uow, options, standards),
        notifications=NotificationService(uow, options),
        housekeeping=Housekeeping(uow, options),
        data=PersonDataService(uow, options),
        reviews=ReviewService(uow, options, standards),
        teams=TeamService(uow, options, standards),
        awaiting=Awaiting(uow),
    )
