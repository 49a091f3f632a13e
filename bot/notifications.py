"""What the bot owes people later: a lead's "a member finished", a member's one reminder, a review.

Each is written as a row with a due time in the same transaction as the change that makes it due
(the hooks below run inside the caller's unit of work), and a periodic job claims the due ones with
``NotificationService.claim_due``, which marks them sent as it hands them out. A restart therefore
loses nothing (the rows wait in the database) and repeats nothing (a claimed row is never claimed
again, by this process or another).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, cast

from bot.storage import Interview as InterviewRow
from bot.storage import InterviewStatus, UnitOfWork, UnitOfWorkFactory, User
from bot.storage import Result as ResultRow
from dialogs import DEFAULT_LANGUAGE

if TYPE_CHECKING:
    from bot.app import RuntimeOptions
    from bot.service import Identity

log = logging.getLogger(__name__)

Kind = Literal["member_finished", "reminder", "review"]
MEMBER_FINISHED: Kind = "member_finished"
REMINDER: Kind = "reminder"
REVIEW: Kind = "review"
_KINDS: frozenset[str] = frozenset({MEMBER_FINISHED, REMINDER, REVIEW})


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to send now; the front words it from ``kind`` and ``payload`` in ``language``.

    payload: ``member_finished`` {team_name, member_name, field, level, standard_id, result_id,
    team_id}; ``reminder`` {interview_id}; ``review`` {result_id, reviewer_name, questioned, confirmed}.
    """

    id: int
    telegram_id: int
    language: str
    kind: Kind
    payload: dict[str, Any]


class NotificationService:
    """Hands out the notifications that are due, and keeps a person's choice about reminders."""

    def __init__(self, uow_factory: UnitOfWorkFactory, options: RuntimeOptions) -> None:
        self._uow = uow_factory
        self._options = options

    async def claim_due(self, limit: int = 50) -> list[Outgoing]:
        """The notifications due now, already marked sent: whoever calls this sends them, and no
        other call (in any process) gets them again.

        Claimed rows that must not go out are dropped here rather than sent: a reminder of someone
        who opted out since it was scheduled or whose interview is no longer in progress, and
        anything for a person the bot cannot reach in Telegram (the terminal front has no chat).
        """
        now = self._options.clock()
        async with self._uow() as uow:
            claimed = await uow.notifications.claim_due(now, limit)
            await uow.commit()
        outgoing: list[Outgoing] = []
        for row in claimed:
            if row.telegram_id is None or row.kind not in _KINDS:
                continue
            if row.kind == REMINDER and (
                row.reminders_off or row.interview_status != InterviewStatus.ACTIVE.value
            ):
                continue
            language = row.language or DEFAULT_LANGUAGE
            outgoing.append(Outgoing(row.id, row.telegram_id, language, cast(Kind, row.kind), row.payload))
        if claimed:
            log.info("claimed %d notifications, %d to send", len(claimed), len(outgoing))
        return outgoing

    async def reminders_off(self, who: Identity) -> None:
        """No reminders for this person from now on, including ones already scheduled."""
        await self._set_reminders_off(who, True)

    async def reminders_on(self, who: Identity) -> None:
        """Reminders again (for interviews whose reminder was not due yet or is scheduled later)."""
        await self._set_reminders_off(who, False)

    async def _set_reminders_off(self, who: Identity, off: bool) -> None:
        async with self._uow() as uow:
            user = await _find(uow, who)
            if user is None:  # nothing is kept about them, so nothing will remind them either
                return
            user.reminders_off = off
            await uow.commit()


async def _find(uow: UnitOfWork, who: Identity) -> User | None:
    """The person, never created: a choice about reminders is no reason to start keeping someone."""
    if who.telegram_id is not None:
        return await uow.users.by_telegram_id(who.telegram_id)
    return await uow.users.by_local_key(who.local_key or "")


# --- hooks, run inside the caller's unit of work ---------------------------------------------------


async def schedule_reminder(
    uow: UnitOfWork, user: User, interview_row: InterviewRow, due: datetime | None
) -> None:
    """One reminder about ``interview_row`` at ``due`` (``None``: the deployment sends none).

    At most one per interview, ever: one already written (even sent, or dropped) blocks another,
    so resuming, rejoining or a second team link never repeats it. Someone who opted out gets none.
    """
    if due is None or user.reminders_off:
        return
    if await uow.notifications.exists_for_interview(REMINDER, interview_row.id):
        return
    await uow.notifications.add(
        user_id=user.id,
        kind=REMINDER,
        interview_id=interview_row.id,
        payload={"interview_id": interview_row.id},
        due_at=due,
    )


async def cancel_reminders(uow: UnitOfWork, interview_row: InterviewRow) -> None:
    """The interview finished (or went away): its reminder, if not sent yet, is no longer owed."""
    await uow.notifications.delete_pending(REMINDER, interview_row.id)


async def notify_leads_of_finish(uow: UnitOfWork, user: User, result_row: ResultRow, now: datetime) -> int:
    """Tells the leads of ``user``'s teams (those that did not turn it off) that ``user`` finished;
    how many were told. A lead of several such teams hears it once; a member who leads one of
    their own teams is not told about themself.

    The message is tied to the finished interview, so if the member deletes their data before it
    went out, it goes with it.
    """
    leads = await uow.notifications.leads_to_notify(user.id)
    for lead in leads:
        payload = {
            "team_name": lead.team_name,
            "member_name": user.display_name or f"#{user.id}",
            "field": result_row.field,
            "level": result_row.level,
            "standard_id": result_row.standard_id,
            "result_id": result_row.id,
            "team_id": lead.team_id,
        }
        await uow.notifications.add(
            user_id=lead.lead_user_id,
            kind=MEMBER_FINISHED,
            interview_id=result_row.interview_id,
            payload=payload,
            due_at=now,
        )
    if leads:
        log.info("%d leads will hear that a member finished", len(leads))
    return len(leads)


async def notify_member_of_review(
    uow: UnitOfWork, member_user_id: int, payload: dict[str, Any], now: datetime
) -> None:
    """Tells the member that a lead reviewed their result (``payload``: result_id, reviewer_name,
    questioned, confirmed — the review's totals so far).

    A lead goes through the claims one by one; while the member has not been told yet, each verdict
    updates the one pending message instead of adding another, so they get one message, not ten.
    """
    interview_id = await _interview_of_result(uow, payload.get("result_id"))
    if interview_id is not None and await uow.notifications.update_pending(
        user_id=member_user_id, kind=REVIEW, interview_id=interview_id, payload=dict(payload), due_at=now
    ):
        return
    await uow.notifications.add(
        user_id=member_user_id, kind=REVIEW, interview_id=interview_id, payload=dict(payload), due_at=now
    )


async def _interview_of_result(uow: UnitOfWork, result_id: object) -> int | None:
    if not isinstance(result_id, int) or isinstance(result_id, bool):
        return None
    return await uow.notifications.interview_of_result(result_id)
