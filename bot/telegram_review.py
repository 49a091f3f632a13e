"""Lead review of claims in Telegram: /review lists a lead's reviewable results, then one claim per
edit of the same message (✅ Confirm / ❓ Question / 💬 Comment / ⏭ Skip / ◀ Back), ending on the
self-assessed and the lead-confirmed level side by side. The member's /result shows the review.

Buttons carry ``rv1:<result id>:<claim position>:<verb>`` (or ``rv1:list``): a position, not the
claim's key, keeps the data within 64 bytes; the claims of a result come in a fixed order. The
review service refuses a result the presser may not review exactly as one that does not exist.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import CallbackContext, CallbackQueryHandler, ExtBot

from bot.access import AccessDenied
from bot.service import Identity
from bot.telegram_view import MAX_CALLBACK, MAX_ID, identity, split_text
from dialogs import Messages
from dialogs.review import Audience, ReviewView, levels_line

if TYPE_CHECKING:
    from bot.app import Runtime

# bot_data is telegram_bot.BotState (not imported: telegram_bot imports this module)
ReviewContext = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], Any]

REVIEW_PREFIX = "rv1:"
REVIEW_LIST = "rv1:list"
_REVIEW_CALLBACK = re.compile(r"rv1:([0-9]{1,10}):([0-9]{1,3}):([ocqmsb])")
# users.awaiting while a comment is typed: result, claim position, and the screen's message to refresh.
_COMMENT_TAG = re.compile(r"rvc:([0-9]{1,10}):([0-9]{1,3}):([0-9]{1,19})")
COMMENT_LIMIT = 1000
LISTED = 20
BUTTON_NAME = 24


def parse_review_callback(data: str | None) -> tuple[int, int, str] | None:
    """(result id, claim position, verb), or None for anything not rendered here."""
    if not data or len(data.encode()) > MAX_CALLBACK:
        return None
    m = _REVIEW_CALLBACK.fullmatch(data)
    if m is None or int(m.group(1)) > MAX_ID:
        return None
    return int(m.group(1)), int(m.group(2)), m.group(3)


def _data(result_id: int, position: int, verb: str) -> str:
    data = f"{REVIEW_PREFIX}{result_id}:{position}:{verb}"
    assert len(data.encode()) <= MAX_CALLBACK
    return data


def _runtime(context: ReviewContext) -> Runtime:
    runtime = context.bot_data.runtime
    assert runtime is not None, "post_init opens the runtime before any update"
    return runtime


def _reviews(context: ReviewContext) -> Any:
    return _runtime(context).reviews  # type: ignore[attr-defined]


def _short(text: str, limit: int = BUTTON_NAME) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def names(msg: Messages, people: Sequence[str]) -> str:
    """ "Lena, Max, Kim" in the reader's punctuation ("Lena、Max、Kim")."""
    if not people:
        return "—"
    return functools.reduce(
        lambda first, second: msg("bot.teams.list_pair", first=first, second=second), people
    )


# --- the lead's side -------------------------------------------------------------------------


async def _list(context: ReviewContext, who: Identity) -> tuple[str, InlineKeyboardMarkup | None]:
    service = _runtime(context).service
    msg = await service.words(who)
    rows = await _reviews(context).reviewable(who)
    if not rows:
        return msg("bot.review.none"), None
    buttons = []
    for result_id, member_name, field_id, level, _finished_at, reviewed, total in rows[:LISTED]:
        label = msg(
            "bot.review.entry",
            name=_short(member_name or "—"),
            field_name=service.words_for(msg, None).field_name(field_id),
            level=level,
            reviewed=reviewed,
            total=total,
        )
        buttons.append([InlineKeyboardButton(label, callback_data=_data(result_id, 0, "o"))])
    return msg("bot.review.pick"), InlineKeyboardMarkup(buttons)


async def cmd_review(update: Update, context: ReviewContext) -> None:
    message = update.effective_message
    assert message is not None
    text, keyboard = await _list(context, identity(update))
    await message.reply_text(text, reply_markup=keyboard)


def _verdict(line: Any, msg: Messages) -> str:
    if line.verdict == "confirmed":
        return "✅ " + msg("bot.review.confirmed")
    if line.verdict == "questioned":
        return "❓ " + msg("bot.review.questioned")
    return msg("bot.review.open")


def _levels(view: ReviewView, msg: Messages, audience: Audience) -> str:
    if view.confirmed_level is None:
        return msg("bot.review.self_only", level=view.self_level)
    return levels_line(view.self_level, view.confirmed_level, msg, audience)


def claim_screen(view: ReviewView, position: int, msg: Messages) -> tuple[str, InlineKeyboardMarkup]:
    """One claim with its verdict so far, or (past the last claim) the summary."""
    head = msg("bot.review.head", name=view.member_name, field_name=view.field_name or view.field)
    back = InlineKeyboardButton(
        msg("bot.review.back"), callback_data=_data(view.result_id, max(position - 1, 0), "b")
    )
    if position >= len(view.claims):
        questioned = sum(1 for c in view.claims if c.verdict == "questioned")
        confirmed = sum(1 for c in view.claims if c.verdict == "confirmed")
        lines = [
            head,
            msg(
                "bot.review.summary",
                reviewed=view.reviewed,
                total=view.total,
                confirmed=confirmed,
                questioned=questioned,
            ),
            _levels(view, msg, "lead"),
        ]
        keyboard = [
            [
                InlineKeyboardButton(
                    msg("bot.review.back"),
                    callback_data=_data(view.result_id, max(len(view.claims) - 1, 0), "b"),
                ),
                InlineKeyboardButton(msg("bot.review.all"), callback_data=REVIEW_LIST),
            ]
        ]
        return "\n\n".join(lines), InlineKeyboardMarkup(keyboard)
    claim = view.claims[position]
    lines = [
        head,
        msg("bot.review.position", n=position + 1, total=len(view.claims)),
        claim.text,
        _verdict(claim, msg),
    ]
    if claim.comment:
        lines.append(f"💬 “{claim.comment}”")

    def button(label: str, verb: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=_data(view.result_id, position, verb))

    keyboard = [
        [button(msg("bot.review.confirm"), "c"), button(msg("bot.review.question"), "q")],
        [button(msg("bot.review.comment"), "m"), button(msg("bot.review.skip"), "s")],
        [back if position > 0 else InlineKeyboardButton(msg("bot.review.back"), callback_data=REVIEW_LIST)],
    ]
    return split_text("\n\n".join(lines))[0], InlineKeyboardMarkup(keyboard)


async def _edit(message: object, text: str, keyboard: InlineKeyboardMarkup | None) -> None:
    if not isinstance(message, Message) or message.text is None:
        return
    try:
        await message.edit_text(text, reply_markup=keyboard)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


def _first_open(view: ReviewView) -> int:
    return next((i for i, c in enumerate(view.claims) if c.verdict is None), len(view.claims))


async def on_review_button(update: Update, context: ReviewContext) -> None:
    query = update.callback_query
    assert query is not None
    who = identity(update)
    msg = await _runtime(context).service.words(who)
    if query.data == REVIEW_LIST:
        await query.answer()
        await _edit(query.message, *await _list(context, who))
        return
    press = parse_review_callback(query.data)
    if press is None:
        await query.answer(msg("bot.button_expired"))
        return
    result_id, position, verb = press
    reviews = _reviews(context)
    try:
        view: ReviewView = await reviews.open(who, result_id)
        if verb == "o" and position == 0:
            position = _first_open(view)  # opened from the list: where the review stopped
        elif position > len(view.claims) or (position == len(view.claims) and verb != "o"):
            await query.answer(msg("bot.button_expired"))
            return
        if verb in ("c", "q"):
            claim = view.claims[position]
            verdict = "confirmed" if verb == "c" else "questioned"
            view = await reviews.set_verdict(who, result_id, claim.key, verdict, claim.comment)
            position += 1
        elif verb == "s":
            position += 1
        elif verb == "m":
            await query.answer()
            tag = f"rvc:{result_id}:{position}:{getattr(query.message, 'message_id', 0)}"
            await _runtime(context).awaiting.expect(who, tag)
            if isinstance(query.message, Message):
                await query.message.reply_text(msg("bot.review.type_comment", n=position + 1))
            return
    except AccessDenied:
        await query.answer(msg("bot.teams.denied"))
        return
    await query.answer()
    await _edit(query.message, *claim_screen(view, position, msg))


async def on_comment_text(update: Update, context: ReviewContext, tag: str, text: str) -> bool:
    """The comment typed after 💬: stored with the claim's verdict (a comment on an open claim
    questions it), then the claim is shown again in a new message and the old screen loses its buttons."""
    m = _COMMENT_TAG.fullmatch(tag)
    message = update.effective_message
    if m is None or message is None:
        return False
    result_id, position, screen = int(m.group(1)), int(m.group(2)), int(m.group(3))
    who = identity(update)
    msg = await _runtime(context).service.words(who)
    reviews = _reviews(context)
    try:
        view: ReviewView = await reviews.open(who, result_id)
        if position >= len(view.claims):
            return True
        claim = view.claims[position]
        view = await reviews.set_verdict(
            who, result_id, claim.key, claim.verdict or "questioned", text.strip()[:COMMENT_LIMIT]
        )
    except AccessDenied:
        await message.reply_text(msg("bot.teams.denied"))
        return True
    if screen and message.chat is not None:
        with contextlib.suppress(BadRequest):
            await context.bot.edit_message_reply_markup(message.chat.id, screen, reply_markup=None)
    await message.reply_text(msg("bot.review.comment_saved"))
    text_out, keyboard = claim_screen(view, position, msg)
    await message.reply_text(text_out, reply_markup=keyboard)
    return True


# --- the member's side -----------------------------------------------------------------------


def member_review_text(view: ReviewView, msg: Messages) -> str | None:
    """The review under the member's own result: who reviewed, both levels, and each questioned or
    commented claim (confirmed ones without a comment need no words)."""
    if not view.reviewed:
        return None
    reviewers = sorted({c.reviewer for c in view.claims if c.reviewer})
    confirmed = sum(1 for c in view.claims if c.verdict == "confirmed")
    questioned = sum(1 for c in view.claims if c.verdict == "questioned")
    lines = [
        msg(
            "bot.review.member_head",
            reviewers=names(msg, reviewers),
            confirmed=confirmed,
            questioned=questioned,
        ),
        _levels(view, msg, "member"),
    ]
    for claim in view.claims:
        if claim.verdict == "questioned" or claim.comment:
            mark = "❓" if claim.verdict == "questioned" else "✅"
            line = f"{mark} {claim.text}"
            if claim.comment:
                line += f"\n   💬 “{claim.comment}”"
            lines.append(line)
    return "\n".join(lines)


async def review_appendix(reviews: Any, who: Identity, result_id: int, msg: Messages) -> str | None:
    """What a lead's review adds under the member's result, or None (no review, or no review service)."""
    if reviews is None:
        return None
    view = await reviews.for_member(who, result_id)
    return None if view is None else member_review_text(view, msg)


HANDLERS = (CallbackQueryHandler(on_review_button, pattern=r"^rv1:"),)
COMMAND_HANDLERS = {"review": cmd_review}
