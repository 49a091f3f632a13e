"""The scheduled clean-up: what the deployment promised not to keep is deleted, on time.

Everything goes in one unit of work of bulk ``DELETE`` statements (the database cascades to the
dependent rows), so a run never loads a person's data into the process and either happens whole or
not at all. Every condition includes the row's own age, so a row someone touches while a run is
under way no longer matches when PostgreSQL re-checks it before deleting, and is kept.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import CursorResult, Delete, delete, exists, select

from bot.service import BEFORE_CONSENT, AssessmentService
from bot.storage import InterviewStatus, UnitOfWork, UnitOfWorkFactory
from bot.storage.idempotency import purge_processed_before
from bot.storage.models import (
    Interview,
    Invitation,
    Result,
    Team,
    TeamLead,
    TeamMember,
    TranscriptEntry,
    User,
    WebLogin,
)

if TYPE_CHECKING:
    from bot.app import RuntimeOptions

log = logging.getLogger(__name__)

PROCESSED_UPDATES_KEPT = timedelta(days=7)
"""Telegram redelivers an unacknowledged update for at most 24 hours; a week leaves ample margin."""

SENT_NOTIFICATIONS_KEPT = timedelta(days=30)
"""A sent notification is only a record that it went out; a month answers "did my lead hear?"."""

_UNFINISHED = (InterviewStatus.ACTIVE.value, InterviewStatus.ABANDONED.value)
_ENDED = (InterviewStatus.FINISHED.value, InterviewStatus.ABANDONED.value)


@dataclass(frozen=True, slots=True)
class CleanupReport:
    """How many rows one run deleted, per rule (rows deleted by cascade are not counted)."""

    pre_consent_interviews: int = 0
    #: People of whom nothing else was kept: never agreed to anything, or everything of theirs expired.
    people: int = 0
    unfinished_interviews: int = 0
    transcript_entries: int = 0
    invitation_failures: int = 0
    web_logins: int = 0
    notifications: int = 0
    #: Teams whose last lead left or deleted their data: nobody may see them any more.
    teams: int = 0
    #: Ids of handled Telegram updates past any redelivery (``PROCESSED_UPDATES_KEPT``).
    processed_updates: int = 0

    @property
    def total(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))


class Housekeeping:
    """Applies the retention settings of ``RuntimeOptions`` (and the fixed windows below)."""

    def __init__(self, uow_factory: UnitOfWorkFactory, options: RuntimeOptions) -> None:
        self._uow = uow_factory
        self._options = options

    async def run(self, now: datetime | None = None) -> CleanupReport:
        """Deletes everything past its time as of ``now`` (default: the options' clock).

        - interviews still waiting for consent (or declined) longer than ``pre_consent``;
        - unfinished interviews (in progress or restarted away from) idle longer than
          ``retain_unfinished``, with their transcripts;
        - the transcripts of interviews that ended longer than ``retain_transcripts`` ago (their
          results stay);
        - failed invitation attempts older than the throttle's window, web logins past their expiry,
          notifications sent more than ``SENT_NOTIFICATIONS_KEPT`` ago;
        - teams left without a lead;
        - then the people of whom nothing is kept any more (no interview, result, team, invitation,
          no permission to lead, not an admin) and who have not been seen for ``pre_consent``: a
          person who only ever opened the bot is not kept beyond that.
        """
        options = self._options
        now = now or options.clock()
        async with self._uow() as uow:
            failures = await uow.invitation_failures.purge_before(
                now - AssessmentService.invitation_attempts.window
            )
            web_logins = await _count(uow, delete(WebLogin).where(WebLogin.expires_at <= now))
            notifications = await uow.notifications.purge_sent_before(now - SENT_NOTIFICATIONS_KEPT)
            processed = await purge_processed_before(uow.session, now - PROCESSED_UPDATES_KEPT)
            pre_consent = await _count(
                uow,
                delete(Interview).where(
                    Interview.status == InterviewStatus.ACTIVE.value,
                    Interview.state.in_(BEFORE_CONSENT),
                    Interview.updated_at < now - options.pre_consent,
                ),
            )
            unfinished = 0
            if options.retain_unfinished is not None:
                unfinished = await _count(
                    uow,
                    delete(Interview).where(
                        Interview.status.in_(_UNFINISHED),
                        Interview.updated_at < now - options.retain_unfinished,
                    ),
                )
            transcripts = 0
            if options.retain_transcripts is not None:
                ended = select(Interview.id).where(
                    Interview.status.in_(_ENDED),
                    Interview.finished_at < now - options.retain_transcripts,
                )
                transcripts = await _count(
                    uow, delete(TranscriptEntry).where(TranscriptEntry.interview_id.in_(ended))
                )
            teams = await _count(uow, delete(Team).where(~exists().where(TeamLead.team_id == Team.id)))
            people = await _count(uow, self._people_with_nothing_kept(now))
            await uow.commit()
        report = CleanupReport(
            pre_consent_interviews=pre_consent,
            people=people,
            unfinished_interviews=unfinished,
            transcript_entries=transcripts,
            invitation_failures=failures,
            web_logins=web_logins,
            notifications=notifications,
            teams=teams,
            processed_updates=processed,
        )
        # Hourly: a clean-up that found nothing is not news at INFO.
        log.log(
            logging.INFO if report.total else logging.DEBUG,
            "clean-up deleted %d pre-consent interviews, %d people, %d unfinished interviews, "
            "%d transcript lines, %d invitation failures, %d web logins, %d notifications, %d teams, "
            "%d processed update ids",
            report.pre_consent_interviews,
            report.people,
            report.unfinished_interviews,
            report.transcript_entries,
            report.invitation_failures,
            report.web_logins,
            report.notifications,
            report.teams,
            report.processed_updates,
        )
        return report

    def _people_with_nothing_kept(self, now: datetime) -> Delete:
        """People who are only a name and an id: nothing of theirs is kept that they agreed to.

        An admin's or a permitted lead's row is kept: it carries the deployment's decision, not
        their data.
        """
        statement = delete(User).where(
            User.last_seen_at < now - self._options.pre_consent,
            User.may_lead.is_(False),
            ~exists().where(Interview.user_id == User.id),
            ~exists().where(Result.user_id == User.id),
            ~exists().where(TeamLead.user_id == User.id),
            ~exists().where(TeamMember.user_id == User.id),
            ~exists().where(Invitation.lead_user_id == User.id),
        )
        admins = self._options.policy.admin_ids
        if admins:
            statement = statement.where(User.telegram_id.is_(None) | User.telegram_id.not_in(sorted(admins)))
        return statement


async def _count(uow: UnitOfWork, statement: Delete) -> int:
    """Runs a bulk delete and says how many rows it removed (the cascades are the database's)."""
    result = await uow.session.execute(statement.execution_options(synchronize_session=False))
    return cast(CursorResult[Any], result).rowcount
