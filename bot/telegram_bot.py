"""The Telegram front: python-telegram-bot handlers that render prompts and forward answers.

Handlers hold no dialogue logic: they translate updates into service calls and replies into
messages. Every service call has committed before a handler sends anything.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackContext,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
    MessageHandler,
    filters,
)

from bot.app import Runtime, open_runtime
from bot.config import Settings
from bot.service import AssessmentService, Identity, Reply
from bot.telegram_view import (
    FORGET_NO,
    FORGET_YES,
    MAX_ID,
    parse_callback,
    render_keyboard,
    render_text,
    split_text,
)
from criteria import evaluate, parse_profile
from dialogs import Kind, Messages, Prompt
from dialogs.result import build_result

log = logging.getLogger(__name__)

COMMANDS = [
    ("start", "Start or resume your assessment"),
    ("resume", "Show the current question again"),
    ("back", "Go back one question"),
    ("restart", "Start the assessment over"),
    ("result", "Show your latest result"),
    ("history", "List your past results"),
    ("export", "Download your answers as JSON"),
    ("forget", "Delete everything the bot keeps about you"),
    ("invite", "Team leads: create an invitation link"),
    ("team", "Team leads: see who finished at which level"),
    ("help", "How this bot works"),
]
HELP_TEXT = (
    'levelcheck tells you which level of the ITSS V2 "Customer Service" job career you have reached '
    "(Hardware, Software or Facility management) and what you still lack for the next one.\n\n"
    "Answer one question at a time with the buttons; type numbers when asked. Your answers are saved "
    "as you go, so you can leave and come back with /resume.\n\n"
    "/start – start or resume\n/back – previous question\n/restart – start over\n"
    "/result – latest result\n/history – past results\n/export – your answers as JSON\n"
    "/forget – delete all your data\n/invite <team name> – team leads: invitation link\n"
    "/team – team leads: your team's levels\n"
    "Admins: /results (CSV export), /transcript <interview id>"
)
NOTICES = {
    "resumed": "Welcome back: here is where you left off.",
    "invited": "You were invited by your team lead, who will see your level when you finish.",
    "invitation_unknown": "That invitation link is not valid (any more); you can still take the assessment.",
    "no_interview": "You have no assessment in progress. Send /start to begin.",
}
EDITED = "I don't read edited messages. To change an answer, go back with /back and answer again."
STALE = "This button belongs to an older message. The current question is below."


@dataclass
class BotState:
    """Typed application state (instead of an untyped bot_data dict)."""

    settings: Settings | None = None
    runtime: Runtime | None = None
    admin_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def service(self) -> AssessmentService:
        assert self.runtime is not None, "post_init opens the runtime before any update"
        return self.runtime.service


Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotState]


def identity(update: Update) -> Identity:
    user = update.effective_user
    assert user is not None
    return Identity(telegram_id=user.id, display_name=user.full_name, language_code=user.language_code)


async def send_prompt(message_target: Message, reply: Reply, notice: str | None = None) -> None:
    """Send the reply's prompt as new message(s); the keyboard goes with the last part."""
    if notice:
        await message_target.reply_text(notice)
    if reply.prompt is None:
        return
    keyboard = None
    if reply.interview_id is not None and reply.version is not None:
        keyboard = render_keyboard(reply.prompt, reply.interview_id, reply.version)
    chunks = split_text(render_text(reply.prompt))
    for chunk in chunks[:-1]:
        await message_target.reply_text(chunk)
    await message_target.reply_text(chunks[-1], reply_markup=keyboard)


def _chosen(previous: Prompt, current: Prompt) -> str | None:
    """What the person picked on the previous prompt, to leave it visible in the chat."""
    if previous.kind is Kind.MULTI:
        picked = [o.label for o in previous.options if o.selected]
        return "; ".join(picked) if picked else "none"
    return None


# --- commands ----------------------------------------------------------------------------------


async def cmd_start(update: Update, context: Context) -> None:
    assert update.effective_message is not None
    code = context.args[0] if context.args else None
    reply = await context.bot_data.service.start(identity(update), code)
    await send_prompt(update.effective_message, reply, NOTICES.get(reply.notice or ""))


async def cmd_resume(update: Update, context: Context) -> None:
    assert update.effective_message is not None
    reply = await context.bot_data.service.current(identity(update))
    await send_prompt(update.effective_message, reply, NOTICES.get(reply.notice or ""))


async def cmd_back(update: Update, context: Context) -> None:
    assert update.effective_message is not None
    reply = await context.bot_data.service.back(identity(update))
    await send_prompt(update.effective_message, reply, NOTICES.get(reply.notice or ""))


async def cmd_restart(update: Update, context: Context) -> None:
    assert update.effective_message is not None
    reply = await context.bot_data.service.restart(identity(update))
    await send_prompt(update.effective_message, reply, NOTICES.get(reply.notice or ""))


async def cmd_result(update: Update, context: Context) -> None:
    assert update.effective_message is not None
    history = await context.bot_data.service.history(identity(update))
    if not history:
        await update.effective_message.reply_text(
            "You have no result yet. Send /start to take the assessment."
        )
        return
    view = build_result(evaluate(parse_profile(history[0].profile)), Messages())
    for chunk in split_text(view.render(Messages())):
        await update.effective_message.reply_text(chunk)


async def cmd_history(update: Update, context: Context) -> None:
    assert update.effective_message is not None
    history = await context.bot_data.service.history(identity(update))
    if not history:
        await update.effective_message.reply_text(
            "You have no results yet. Send /start to take the assessment."
        )
        return
    names = {"hardware": "Hardware", "software": "Software", "facility": "Facility management"}
    lines = [
        f"{r.created_at:%Y-%m-%d %H:%M} UTC — {names.get(r.field, r.field)} level {r.level}" for r in history
    ]
    await update.effective_message.reply_text("Your results, newest first:\n" + "\n".join(lines))


async def cmd_export(update: Update, context: Context) -> None:
    assert update.effective_message is not None
    profile = await context.bot_data.service.export(identity(update))
    if profile is None:
        await update.effective_message.reply_text("There is nothing to export yet. Send /start to begin.")
        return
    data = json.dumps(profile, ensure_ascii=False, indent=2).encode()
    await update.effective_message.reply_document(
        document=data,
        filename="levelcheck-profile.json",
        caption="Your answers, in levelcheck's profile format.",
    )


async def cmd_forget(update: Update, context: Context) -> None:
    assert update.effective_message is not None
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Yes, delete everything", callback_data=FORGET_YES)],
            [InlineKeyboardButton("No, keep my data", callback_data=FORGET_NO)],
        ]
    )
    await update.effective_message.reply_text(
        "This deletes your answers, results, transcripts and invitations. It cannot be undone. Continue?",
        reply_markup=keyboard,
    )


async def cmd_help(update: Update, context: Context) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(HELP_TEXT)


async def cmd_invite(update: Update, context: Context) -> None:
    assert update.effective_message is not None
    title = " ".join(context.args or []).strip()[:200] or "My team"
    code = await context.bot_data.service.create_invitation(identity(update), title)
    link = f"https://t.me/{context.bot.username}?start={code}"
    await update.effective_message.reply_text(
        f'Invitation "{title}" created. Send this link to your team:\n{link}\n\nSee their levels with /team.'
    )


async def cmd_team(update: Update, context: Context) -> None:
    assert update.effective_message is not None
    reports = await context.bot_data.service.team(identity(update))
    if not reports:
        await update.effective_message.reply_text(
            "You have no invitations yet. Create one with /invite <team name>."
        )
        return
    names = {"hardware": "Hardware", "software": "Software", "facility": "Facility management"}
    lines: list[str] = []
    for report in reports:
        lines.append(f"{report.title} (t.me/{context.bot.username}?start={report.code})")
        if not report.members:
            lines.append("  nobody has started yet")
        for m in report.members:
            if m.status == "finished":
                lines.append(f"  • {m.name}: {names.get(m.field or '', m.field)} level {m.level}")
            else:
                lines.append(f"  • {m.name}: in progress")
    for chunk in split_text("\n".join(lines)):
        await update.effective_message.reply_text(chunk)


def _is_admin(update: Update, context: Context) -> bool:
    user = update.effective_user
    return user is not None and user.id in context.bot_data.admin_ids


async def cmd_results(update: Update, context: Context) -> None:
    assert update.effective_message is not None
    if not _is_admin(update, context):
        await update.effective_message.reply_text("This command is for admins.")
        return
    csv_text = await context.bot_data.service.results_csv()
    await update.effective_message.reply_document(
        document=csv_text.encode(), filename="levelcheck-results.csv", caption="All results."
    )


async def cmd_transcript(update: Update, context: Context) -> None:
    assert update.effective_message is not None
    if not _is_admin(update, context):
        await update.effective_message.reply_text("This command is for admins.")
        return
    # ASCII digits only: str.isdigit() also accepts "²", which int() rejects.
    if not context.args or not (context.args[0].isascii() and context.args[0].isdigit()):
        await update.effective_message.reply_text("Usage: /transcript <interview id> (ids are in /results).")
        return
    interview_id = int(context.args[0])
    # Beyond the database's integer range (PostgreSQL: 32 bits) no interview can exist.
    lines = await context.bot_data.service.transcript(interview_id) if interview_id <= MAX_ID else None
    if lines is None:
        await update.effective_message.reply_text("There is no interview with that id.")
        return
    # Prompts span lines: the csv module quotes such fields, so each entry stays one TSV record.
    out = io.StringIO()
    writer = csv.writer(out, dialect="excel-tab")
    writer.writerow(["seq", "at", "direction", "key", "text"])
    writer.writerows([x.seq, x.at.isoformat(), x.direction, x.key or "", x.text] for x in lines)
    await update.effective_message.reply_document(
        document=out.getvalue().encode(), filename=f"transcript-{context.args[0]}.tsv", caption="Transcript."
    )


# --- buttons and text --------------------------------------------------------------------------


async def on_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    service = context.bot_data.service
    who = identity(update)
    if query.data in (FORGET_YES, FORGET_NO):
        if query.data == FORGET_YES:
            deleted = await service.forget(who)
            text = (
                "Done: everything about you is deleted." if deleted else "There was nothing stored about you."
            )
        else:
            text = "Nothing was deleted."
        await query.answer()
        await _edit(query.message, text, None)
        return
    press = parse_callback(query.data)
    if press is None:
        await query.answer("This button is not valid any more.")
        return
    reply = await service.press(who, press.action, press.index, (press.interview_id, press.version))
    message = query.message if isinstance(query.message, Message) else None
    if reply.stale or reply.prompt is None:
        await query.answer(STALE if reply.prompt is not None else "This button is not valid any more.")
        if reply.prompt is not None and message is not None:
            await send_prompt(message, reply)
        return
    prompt = reply.prompt
    if prompt.error and reply.previous is not None and prompt.key == reply.previous.key:
        await query.answer(prompt.error)
        return
    await query.answer()
    if message is None:
        return
    if press.action == "t" and reply.interview_id is not None and reply.version is not None:
        await _edit(message, render_text(prompt), render_keyboard(prompt, reply.interview_id, reply.version))
        return
    if reply.previous is not None:
        chosen = _chosen(reply.previous, prompt) if press.action == "d" else None
        if press.action == "o" and press.index is not None and press.index < len(reply.previous.options):
            chosen = reply.previous.options[press.index].label
        if press.action == "b":
            chosen = "⬅️ Back"
        await _edit(message, split_text(render_text(reply.previous, chosen))[0], None)
    await send_prompt(message, reply)


async def _edit(message: object, text: str, keyboard: object) -> None:
    # Only text messages can get new text; forged callback data can point at a document.
    if not isinstance(message, Message) or message.text is None:
        return
    try:
        await message.edit_text(text, reply_markup=keyboard)  # type: ignore[arg-type]
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


async def on_text(update: Update, context: Context) -> None:
    message = update.effective_message
    assert message is not None
    service = context.bot_data.service
    who = identity(update)
    current = await service.current(who)
    if current.prompt is None:
        await message.reply_text(NOTICES["no_interview"])
        return
    if current.prompt.kind is Kind.INTEGER:
        reply = await service.answer(who, message.text or "")
        await send_prompt(message, reply)
        return
    await message.reply_text("Please use the buttons under the question (or /help).")
    await send_prompt(message, current)


async def on_group(update: Update, context: Context) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            f"I only work in a private chat, to keep your answers private: https://t.me/{context.bot.username}"
        )


async def on_other(update: Update, context: Context) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text("I can only read text and button presses. See /help.")


async def on_edited(update: Update, context: Context) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(EDITED)


async def on_error(update: object, context: Context) -> None:
    # The exception type only: messages may carry what people typed.
    error = context.error
    log.error("update failed: %s", type(error).__name__, exc_info=log.isEnabledFor(logging.DEBUG))
    if isinstance(update, Update) and update.callback_query is not None:
        # Unanswered, the pressed button keeps spinning until Telegram gives up on it.
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer()
    if isinstance(update, Update) and update.effective_message is not None:
        with contextlib.suppress(TelegramError):
            await update.effective_message.reply_text(
                "Sorry, something went wrong. Your answers so far are saved; try again or send /resume."
            )


# --- application -------------------------------------------------------------------------------


def build_application(settings: Settings) -> Application[Any, Any, Any, Any, BotState, Any]:
    assert settings.bot_token is not None
    builder = (
        ApplicationBuilder()
        .token(settings.bot_token.get_secret_value())
        .context_types(ContextTypes(bot_data=BotState))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if settings.bot_api_base_url:
        builder = builder.base_url(settings.bot_api_base_url)
    if settings.bot_api_file_url:
        builder = builder.base_file_url(settings.bot_api_file_url)
    app = builder.build()
    app.bot_data.settings = settings
    app.bot_data.admin_ids = frozenset(settings.admin_ids)
    # New messages only: Telegram also delivers edits of earlier messages, and an edited number or
    # command must not answer (or run) whatever is current now.
    new_message = filters.UpdateType.MESSAGE
    private = filters.ChatType.PRIVATE & new_message
    handlers = {
        "start": cmd_start,
        "resume": cmd_resume,
        "back": cmd_back,
        "restart": cmd_restart,
        "result": cmd_result,
        "history": cmd_history,
        "export": cmd_export,
        "forget": cmd_forget,
        "help": cmd_help,
        "invite": cmd_invite,
        "team": cmd_team,
        "results": cmd_results,
        "transcript": cmd_transcript,
    }
    for name, callback in handlers.items():
        app.add_handler(CommandHandler(name, callback, filters=private))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(MessageHandler(filters.ChatType.GROUPS & filters.COMMAND & new_message, on_group))
    app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, on_text))
    app.add_handler(MessageHandler(private & filters.COMMAND, cmd_help))
    app.add_handler(MessageHandler(private & ~filters.TEXT, on_other))
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.UpdateType.EDITED_MESSAGE, on_edited))
    app.add_error_handler(on_error)
    return app


async def _post_init(app: Application[Any, Any, Any, Any, BotState, Any]) -> None:
    state: BotState = app.bot_data
    assert state.settings is not None
    state.runtime = await open_runtime(state.settings.database_url)
    await app.bot.set_my_commands([BotCommand(name, text) for name, text in COMMANDS])
    log.info("bot started; polling for updates")


async def _post_shutdown(app: Application[Any, Any, Any, Any, BotState, Any]) -> None:
    state: BotState = app.bot_data
    if state.runtime is not None:
        await state.runtime.close()


def run_telegram(settings: Settings) -> int:
    app = build_application(settings)
    app.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0
