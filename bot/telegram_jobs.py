"""What the bot sends on its own: a lead's "member finished", a member's reminder and review notice,
and the periodic clean-up the retention settings promise.

The messages are rows in ``notifications`` written in the transaction that made them due; this job
claims the due ones (marking them sent in the same transaction, so a second process or a restart
never sends one twice) and sends them. A message that cannot be delivered (the person blocked the
bot) is dropped: at most once, never twice. The job itself is python-telegram-bot's JobQueue,
started with the application; nothing about due times lives in the process.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, CallbackContext, CallbackQueryHandler, ExtBot

from bot.notifications import Outgoing
from bot.telegram_view import identity
from dialogs import Messages, supported_language

if TYPE_CHECKING:
    from telegram import Update

    from bot.telegram_bot import BotState

log = logging.getLogger(__name__)

REMINDERS_OFF = "rem:off"
HOUSEKEEPING_EVERY = timedelta(hours=1)
JobContext = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], "BotState"]


def start_jobs(app: Application[Any, Any, Any, Any, BotState, Any], interval: float) -> None:
    """Sends due notifications every ``interval`` seconds and cleans up once an hour."""
    assert app.job_queue is not None, "python-telegram-bot[job-queue] is a dependency"
    app.job_queue.run_repeating(send_due, interval=interval, first=min(interval, 1.0), name="notifications")
    app.job_queue.run_repeating(
        clean_up, interval=HOUSEKEEPING_EVERY.total_seconds(), first=5.0, name="housekeeping"
    )


async def send_due(context: JobContext) -> None:
    runtime = context.bot_data.runtime
    if runtime is None:
        return
    for _ in range(20):  # at most 1,000 per tick: a backlog drains over a few ticks, not in one burst
        batch = await runtime.notifications.claim_due()
        for item in batch:
            await _send(context, item)
        if len(batch) < 50:
            return


async def clean_up(context: JobContext) -> None:
    runtime = context.bot_data.runtime
    if runtime is not None:
        await runtime.housekeeping.run()


async def _send(context: JobContext, item: Outgoing) -> None:
    msg = Messages(supported_language(item.language) or "en")
    text, keyboard = _worded(context, item, msg)
    try:
        await context.bot.send_message(item.telegram_id, text, reply_markup=keyboard)
    except Forbidden:
        log.info("a %s notification could not be delivered: the person blocked the bot", item.kind)
    except TelegramError as exc:
        log.warning("a %s notification was not sent: %s", item.kind, type(exc).__name__)


def _worded(context: JobContext, item: Outgoing, msg: Messages) -> tuple[str, InlineKeyboardMarkup | None]:
    payload = item.payload
    if item.kind == "member_finished":
        runtime = context.bot_data.runtime
        assert runtime is not None
        theirs = msg.for_standard(runtime.service.standards.get(payload.get("standard_id")))
        text = msg(
            "bot.jobs.member_finished",
            name=payload.get("member_name") or "—",
            team=payload.get("team_name") or "—",
            field_name=theirs.field_name(payload.get("field")),
            level=payload.get("level", 0),
        )
        return text, None
    if item.kind == "reminder":
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton(msg("bot.jobs.reminders_off"), callback_data=REMINDERS_OFF)]]
        )
        return msg("bot.jobs.reminder"), keyboard
    questioned, confirmed = int(payload.get("questioned", 0)), int(payload.get("confirmed", 0))
    text = msg(
        "bot.jobs.review",
        reviewer=payload.get("reviewer_name") or "—",
        confirmed=confirmed,
        questioned=questioned,
    )
    return text, None


async def on_reminders_off(update: Update, context: JobContext) -> None:
    query = update.callback_query
    assert query is not None
    runtime = context.bot_data.runtime
    assert runtime is not None
    await runtime.notifications.reminders_off(identity(update))
    msg = await runtime.service.words(identity(update))
    await query.answer()
    if query.message is not None:
        with contextlib.suppress(TelegramError):
            await context.bot.edit_message_reply_markup(query.message.chat.id, query.message.message_id)
        await context.bot.send_message(query.message.chat.id, msg("bot.jobs.reminders_now_off"))


HANDLERS = (CallbackQueryHandler(on_reminders_off, pattern=rf"^{REMINDERS_OFF}\Z"),)
