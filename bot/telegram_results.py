"""Results in Telegram: the result message (HTML), its card and PDF, sharing, and /history.

Buttons here carry ``res:<result id>:<verb>``: a result never changes, so unlike a question's
buttons they never go stale; the id is looked up among the presser's own results only.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode

from bot.documents.card import render_card
from bot.documents.report import render_report
from bot.results import OpenedResult, comparison, open_result
from bot.service import AssessmentService, Identity
from bot.telegram_review import review_appendix
from bot.telegram_view import MAX_ID, identity, split_text
from dialogs import Messages
from dialogs.result import HTML, ResultView

RESULT_PREFIX = "res:"
# Matched whole (fullmatch: "$" also accepts a trailing newline) and in ASCII digits (\d takes "３").
_RESULT_CALLBACK = re.compile(r"res:([0-9]{1,12}):(text|card|pdf|share|opt([0-9]{1,2})\.([0-9]{1,2}))")
HISTORY_SHOWN = 10  # the newest results /history lists; older ones stay in /export and the admins' CSV


@dataclass(frozen=True, slots=True)
class ResultPress:
    result_id: int
    verb: str  # "text", "card", "pdf", "share" or "opt"
    gap: int = 0
    need: int = 0


def parse_result_callback(data: str | None) -> ResultPress | None:
    m = _RESULT_CALLBACK.fullmatch(data or "")
    if m is None or int(m.group(1)) > MAX_ID:
        return None
    if m.group(3) is not None:
        return ResultPress(int(m.group(1)), "opt", int(m.group(3)), int(m.group(4)))
    return ResultPress(int(m.group(1)), m.group(2))


def _button(text: str, result_id: int, verb: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=f"{RESULT_PREFIX}{result_id}:{verb}")


def result_keyboard(
    view: ResultView, result_id: int, msg: Messages, extra: list[list[InlineKeyboardButton]] | None = None
) -> InlineKeyboardMarkup:
    """Folded option lists first (they belong to the lines above), then keep-and-share, then ``extra``."""
    rows = [
        [_button(msg("bot.result.show_options", count=len(need.options)), result_id, f"opt{g}.{n}")]
        for g, n, need in view.folded_needs()
    ]
    rows.append(
        [
            _button(msg("bot.result.card"), result_id, "card"),
            _button(msg("bot.result.report"), result_id, "pdf"),
            _button(msg("bot.result.share"), result_id, "share"),
        ]
    )
    return InlineKeyboardMarkup(rows + (extra or []))


async def send_result_text(
    target: Message,
    view: ResultView,
    msg: Messages,
    result_id: int | None,
    extra: list[list[InlineKeyboardButton]] | None = None,
    preface: str | None = None,
    appendix: str | None = None,
) -> Message:
    """The result as one HTML message (long option lists folded), its buttons on the last part;
    returns that last part."""
    text = view.render(msg, HTML, inline_options=False)
    if preface:
        text = f"{HTML.text(preface)}\n\n{text}"
    if appendix:  # a lead's review of this result: both levels side by side, the questioned claims
        text = f"{text}\n\n{HTML.text(appendix)}"
    keyboard = result_keyboard(view, result_id, msg, extra) if result_id is not None else None
    if keyboard is None and extra:
        keyboard = InlineKeyboardMarkup(extra)
    chunks = split_text(text)
    for chunk in chunks[:-1]:
        await target.reply_text(chunk, parse_mode=ParseMode.HTML)
    return await target.reply_text(chunks[-1], parse_mode=ParseMode.HTML, reply_markup=keyboard)


async def send_card(target: Message, view: ResultView, msg: Messages) -> None:
    # Rendering takes tens of milliseconds of CPU: off the event loop, other people keep being served.
    jpeg = await asyncio.to_thread(render_card, view, msg, photo=True)
    await target.reply_photo(photo=jpeg, caption=view.headline)


async def send_report(target: Message, opened: OpenedResult) -> None:
    pdf = await asyncio.to_thread(render_report, opened.view, opened.profile, opened.msg)
    day = opened.row.created_at.date().isoformat()
    await target.reply_document(
        document=pdf,
        filename=f"levelcheck-{opened.view.field}-{day}.pdf",
        caption=opened.msg("bot.result.report_caption"),
    )


async def _none(target: Message, service: AssessmentService, who: Identity) -> None:
    msg = await service.words(who)
    await target.reply_text(msg("bot.result.none"))


async def show_latest(update: Update, service: AssessmentService, what: str, reviews: Any = None) -> None:
    """/result, /card and /report: the newest result as text (with a lead's review, if any), image or PDF."""
    target = update.effective_message
    assert target is not None
    who = identity(update)
    opened = await open_result(service, who)
    if opened is None:
        await _none(target, service, who)
        return
    if what == "card":
        await send_card(target, opened.view, opened.msg)
    elif what == "pdf":
        await send_report(target, opened)
    else:
        appendix = await review_appendix(reviews, who, opened.row.id, opened.msg)
        await send_result_text(target, opened.view, opened.msg, opened.row.id, appendix=appendix)


async def show_history(update: Update, service: AssessmentService) -> None:
    """Past results, newest first, each with the change since the one before and a button to open it."""
    target = update.effective_message
    assert target is not None
    who = identity(update)
    history = await service.history(who)
    msg = await service.words(who)
    if not history:
        await target.reply_text(msg("bot.history.none"))
        return
    shown = history[:HISTORY_SHOWN]
    lines = [msg("bot.history.title")]
    for number, row in enumerate(shown, start=1):
        theirs = service.words_for(msg, row.standard_id)
        entry = msg(
            "bot.history.entry",
            on=msg.date(row.created_at),
            field_name=theirs.field_name(row.field),
            level=row.level,
        )
        lines.append(f"{number}. {entry}")
    if len(history) > HISTORY_SHOWN:
        lines.append(msg("bot.history.more", count=len(history) - HISTORY_SHOWN))
    lines += ["", msg("bot.history.pick")]
    # Numbered buttons, five to a row: a phone shows them all without scrolling.
    buttons = [_button(str(n), row.id, "text") for n, row in enumerate(shown, start=1)]
    keyboard = InlineKeyboardMarkup([buttons[i : i + 5] for i in range(0, len(buttons), 5)])
    chunks = split_text("\n".join(lines))
    for chunk in chunks[:-1]:
        await target.reply_text(chunk)
    await target.reply_text(chunks[-1], reply_markup=keyboard)


async def on_result_button(
    update: Update, service: AssessmentService, press: ResultPress, reviews: Any = None
) -> None:
    query = update.callback_query
    assert query is not None
    who = identity(update)
    opened = await open_result(service, who, press.result_id)
    target = query.message if isinstance(query.message, Message) else None
    if opened is None or target is None:
        msg = await service.words(who)
        await query.answer(msg("bot.button_expired"))
        return
    await query.answer()
    msg = opened.msg
    if press.verb == "text":
        appendix = await review_appendix(reviews, who, opened.row.id, msg)
        await send_result_text(
            target, opened.view, msg, opened.row.id, preface=comparison(opened), appendix=appendix
        )
    elif press.verb == "card":
        await send_card(target, opened.view, msg)
    elif press.verb == "pdf":
        await send_report(target, opened)
    elif press.verb == "share":
        user = update.effective_user
        await target.reply_text(opened.view.summary(msg, user.first_name if user else None))
    else:
        await _send_options(target, opened, press, msg)


async def _send_options(target: Message, opened: OpenedResult, press: ResultPress, msg: Messages) -> None:
    gaps = opened.view.gaps
    if press.gap >= len(gaps) or press.need >= len(gaps[press.gap].needs):
        await target.reply_text(msg("bot.button_expired"))
        return
    need = gaps[press.gap].needs[press.need]
    lines = [msg("bot.result.options_title", what=need.text), *(f"• {o}" for o in need.options)]
    if need.note:
        lines.append(f"ⓘ {need.note}")
    for chunk in split_text("\n".join(lines)):
        await target.reply_text(chunk)
