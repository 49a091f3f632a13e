"""The Telegram front: python-telegram-bot handlers that render prompts and forward answers.

Handlers hold no dialogue logic: they translate updates into service calls and replies into
messages. Every service call has committed before a handler sends anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import DBAPIError
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    TelegramError,
)
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

from bot import telegram_privacy, telegram_review, telegram_teams
from bot.access import AccessDenied, Role
from bot.administration import AdminService, NotFound
from bot.app import Runtime, RuntimeOptions, open_runtime
from bot.clock import clock_from_environment
from bot.config import Settings
from bot.documents.fonts import warm_up
from bot.service import AssessmentService, Identity, LiveMessage, Reply
from bot.spreadsheet import safe_cell
from bot.storage import is_postgresql
from bot.telegram_delivery import ExactlyOnceApplication, curable, database_unavailable
from bot.telegram_http import AiohttpRequest
from bot.telegram_jobs import HANDLERS as JOB_HANDLERS
from bot.telegram_jobs import start_jobs
from bot.telegram_limits import person_limit_handler, send_limiter, too_long, too_long_text
from bot.telegram_order import PersonOrderedUpdates
from bot.telegram_results import (
    RESULT_PREFIX,
    on_result_button,
    parse_result_callback,
    send_card,
    send_result_text,
    show_history,
    show_latest,
)
from bot.telegram_view import (
    ORIGINAL,
    RESTART_NO,
    RESTART_YES,
    Press,
    forget_data,
    identity,
    language_keyboard,
    parse_callback,
    parse_forget,
    parse_language,
    render_keyboard,
    render_original,
    render_text,
    split_text,
)
from bot.web import WebServer, create_web_app, serve_web
from dialogs import (
    DEFAULT_LANGUAGE,
    Back,
    Choose,
    Done,
    Kind,
    Messages,
    Prompt,
    Toggle,
    languages,
    supported_language,
)

log = logging.getLogger(__name__)
RESULT_KEY = "result"  # the prompt that shows a finished interview's result

COMMANDS = (
    "start",
    "resume",
    "back",
    "restart",
    "result",
    "card",
    "report",
    "history",
    "export",
    "forget",
    "language",
    "invite",
    "invites",
    "teams",
    "team",
    "team_csv",
    "review",
    "privacy",
    "web",
    "help",
)


@dataclass
class BotState:
    """Typed application state (instead of an untyped bot_data dict)."""

    settings: Settings | None = None
    runtime: Runtime | None = None
    warm_up: asyncio.Task[None] | None = None
    web: WebServer | None = None  # the web page, when WEB_PORT is set
    #: The Bot API's HTTP clients, closed at shutdown even when the start failed before python-telegram-bot
    #: took them over (a rejected token): an open aiohttp session is reported when collected.
    http: tuple[AiohttpRequest, ...] = ()

    @property
    def service(self) -> AssessmentService:
        assert self.runtime is not None, "post_init opens the runtime before any update"
        return self.runtime.service


Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotState]


def notice_text(reply: Reply, msg: Messages) -> str | None:
    """The service's notice for the person ("resumed", "invited", ...), if it has words."""
    if (team := telegram_teams.team_notice(reply, msg)) is not None:
        return team  # which team and whose eyes, or why a link admits nobody
    if reply.notice and msg.has(f"bot.notice.{reply.notice}"):
        return msg(f"bot.notice.{reply.notice}")
    return None


def client_words(update: object) -> Messages:
    """The client's language without asking the database (groups, failures)."""
    user = update.effective_user if isinstance(update, Update) else None
    return Messages(supported_language(user.language_code if user else None) or DEFAULT_LANGUAGE)


async def words(update: Update, context: Context) -> Messages:
    """The person's language for the front's own texts: their choice, else their client's."""
    return await context.bot_data.service.words(identity(update))


def title_of(msg: Messages, context: Context) -> str:
    """What levelcheck assesses, for help and notices: the standard, or "ITSS" when several are offered."""
    service = context.bot_data.service
    if len(service.standards.offered) > 1:
        return msg("standards.any")
    return msg.standard_title(service.standards.default)


async def send_prompt(
    message_target: Message,
    reply: Reply,
    msg: Messages,
    notice: str | None = None,
    *,
    live: tuple[AssessmentService, Identity] | None = None,
    cleared: int | None = None,
) -> None:
    """Send the reply's prompt as new message(s); the keyboard goes with the last part.

    With ``live``, the message now holding the question's buttons is recorded and the copy sent
    before it loses its buttons (unless it is ``cleared``, already edited by the caller), so the
    chat never holds two live copies of a question.
    """
    if notice:
        await message_target.reply_text(notice)
    if reply.prompt is None:
        return
    keyboard = None
    if reply.interview_id is not None and reply.version is not None:
        keyboard = render_keyboard(reply.prompt, reply.interview_id, reply.version, msg)
    if reply.result is not None and reply.prompt.key == RESULT_KEY:
        extra = list(keyboard.inline_keyboard) if keyboard is not None else None
        rows = [list(r) for r in extra or []]
        sent = await send_result_text(message_target, reply.result, msg, reply.result_id, rows)
        if live is not None:  # its "start again" and "back to my answers" are live buttons too
            await _retire_old_copy(sent, live, cleared, reply.live)
        await send_card(message_target, reply.result, msg)
        return
    chunks = split_text(render_text(reply.prompt, msg=msg))
    for chunk in chunks[:-1]:
        await message_target.reply_text(chunk)
    sent = await message_target.reply_text(chunks[-1], reply_markup=keyboard)
    if live is not None and keyboard is not None:
        await _retire_old_copy(sent, live, cleared, reply.live)


async def _retire_old_copy(
    sent: Message,
    live: tuple[AssessmentService, Identity],
    cleared: int | None,
    shown: LiveMessage | None,
) -> None:
    service, who = live
    old = await service.swap_live_message(who, sent.message_id, shown)
    if old is None or old == cleared:
        return
    # Already without buttons, deleted by the person, or too old to edit: nothing is live there then.
    with contextlib.suppress(BadRequest):
        await sent.get_bot().edit_message_reply_markup(
            chat_id=sent.chat_id, message_id=old, reply_markup=None
        )


def _chosen(previous: Prompt, msg: Messages) -> str | None:
    """What the person picked on the previous prompt, to leave it visible in the chat."""
    if previous.kind is Kind.MULTI:
        picked = [o.label for o in previous.options if o.selected]
        return "; ".join(picked) if picked else msg("none_ticked")
    return None


# --- commands ----------------------------------------------------------------------------------


async def _show(update: Update, reply: Reply, context: Context) -> None:
    """Send what a navigation command led to, with its notice ("resumed", "no interview", …)."""
    assert update.effective_message is not None
    live = (context.bot_data.service, identity(update))
    notice = notice_text(reply, reply.msg)
    if await telegram_teams.send_team_offer(update.effective_message, reply, reply.msg):
        notice = None  # the offer to join, with its buttons, was the notice
    await send_prompt(update.effective_message, reply, reply.msg, notice, live=live)


async def cmd_start(update: Update, context: Context) -> None:
    code = context.args[0] if context.args else None
    await _show(update, await context.bot_data.service.start(identity(update), code), context)


async def cmd_resume(update: Update, context: Context) -> None:
    await _show(update, await context.bot_data.service.current(identity(update)), context)


async def cmd_back(update: Update, context: Context) -> None:
    await _show(update, await context.bot_data.service.back(identity(update)), context)


async def cmd_restart(update: Update, context: Context) -> None:
    """Starting over discards the answers in progress: asked first, as /forget is."""
    assert update.effective_message is not None
    service = context.bot_data.service
    current = await service.current(identity(update))
    prompt = current.prompt
    if prompt is None or prompt.key in (RESULT_KEY, "consent", "declined"):
        await _show(update, await service.restart(identity(update)), context)
        return
    msg = current.msg
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(msg("bot.restart.yes"), callback_data=RESTART_YES)],
            [InlineKeyboardButton(msg("bot.restart.no"), callback_data=RESTART_NO)],
        ]
    )
    await update.effective_message.reply_text(msg("bot.restart.question"), reply_markup=keyboard)


async def cmd_result(update: Update, context: Context) -> None:
    await show_latest(update, context.bot_data.service, "text", _reviews(context))


async def cmd_card(update: Update, context: Context) -> None:
    await show_latest(update, context.bot_data.service, "card")


async def cmd_report(update: Update, context: Context) -> None:
    await show_latest(update, context.bot_data.service, "pdf")


async def cmd_history(update: Update, context: Context) -> None:
    await show_history(update, context.bot_data.service)


async def cmd_export(update: Update, context: Context) -> None:
    assert update.effective_message is not None
    profile = await context.bot_data.service.export(identity(update))
    msg = await words(update, context)
    if profile is None:
        await update.effective_message.reply_text(msg("bot.export.none"))
        return
    data = json.dumps(profile, ensure_ascii=False, indent=2).encode()
    await update.effective_message.reply_document(
        document=data,
        filename="levelcheck-profile.json",
        caption=msg("bot.export.caption"),
    )


async def cmd_forget(update: Update, context: Context) -> None:
    """Asked first; the buttons carry this question's token, so only the latest question counts."""
    assert update.effective_message is not None
    msg = await words(update, context)
    assert context.bot_data.runtime is not None
    token = await context.bot_data.runtime.data.ask_forget(identity(update))
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(msg("bot.forget.yes"), callback_data=forget_data(True, token))],
            [InlineKeyboardButton(msg("bot.forget.no"), callback_data=forget_data(False, token))],
        ]
    )
    await update.effective_message.reply_text(msg("bot.forget.question"), reply_markup=keyboard)


async def cmd_help(update: Update, context: Context) -> None:
    assert update.effective_message is not None
    msg = await words(update, context)
    await update.effective_message.reply_text(msg("bot.help", title=title_of(msg, context)))


async def cmd_language(update: Update, context: Context) -> None:
    assert update.effective_message is not None
    msg = await words(update, context)
    await update.effective_message.reply_text(
        msg("bot.language.question"), reply_markup=language_keyboard(msg.language)
    )


def _reviews(context: Context) -> Any:
    """Lead reviews, shown under the member's own result."""
    return context.bot_data.runtime.reviews if context.bot_data.runtime is not None else None


def _admin(context: Context) -> AdminService:
    assert context.bot_data.runtime is not None, "post_init opens the runtime before any update"
    return context.bot_data.runtime.admin


async def cmd_results(update: Update, context: Context) -> None:
    """The results an admin (all) or a lead (their teams' members) may see, as CSV; the service decides."""
    assert update.effective_message is not None
    msg = await words(update, context)
    try:
        csv_text = await _admin(context).results_csv(identity(update))
    except AccessDenied:
        await update.effective_message.reply_text(msg("bot.admin_only"))
        return
    await update.effective_message.reply_document(
        document=csv_text.encode(), filename="levelcheck-results.csv", caption=msg("bot.results.caption")
    )


async def cmd_transcript(update: Update, context: Context) -> None:
    assert update.effective_message is not None
    msg = await words(update, context)
    admin = _admin(context)
    # Refused before the usage hint, so someone who may see nothing learns nothing about the command.
    viewer = await admin.viewer(identity(update))
    if viewer is None or viewer.role is Role.ENGINEER:
        await update.effective_message.reply_text(msg("bot.admin_only"))
        return
    # ASCII digits only: str.isdigit() also accepts "²", which int() rejects.
    if not context.args or not (context.args[0].isascii() and context.args[0].isdigit()):
        await update.effective_message.reply_text(msg("bot.transcript.usage"))
        return
    interview_id = int(context.args[0])
    try:
        # Even an id beyond the database's range goes to the service: it alone says "no such id", and
        # only to admins (a lead told so here would learn which ids cannot be someone else's).
        view = await admin.transcript(identity(update), interview_id)
    except NotFound:  # only admins are told an id does not exist
        await update.effective_message.reply_text(msg("bot.transcript.none"))
        return
    except AccessDenied:
        await update.effective_message.reply_text(msg("bot.admin_only"))
        return
    # Prompts span lines: the csv module quotes such fields, so each entry stays one TSV record.
    # Answers are whatever people typed: no cell may run as a spreadsheet formula.
    out = io.StringIO()
    writer = csv.writer(out, dialect="excel-tab")
    writer.writerow(["seq", "at", "direction", "key", "text"])
    writer.writerows(
        [x.seq, x.at.isoformat(), x.direction, x.key or "", safe_cell(x.text)] for x in view.lines
    )
    await update.effective_message.reply_document(
        document=out.getvalue().encode(),
        filename=f"transcript-{context.args[0]}.tsv",
        caption=msg("bot.transcript.caption"),
    )


async def cmd_web(update: Update, context: Context) -> None:
    """A one-time sign-in link for the web page; the service decides who gets one."""
    assert update.effective_message is not None
    msg = await words(update, context)
    settings = context.bot_data.settings
    assert context.bot_data.runtime is not None and settings is not None
    if not settings.web_enabled:
        await update.effective_message.reply_text(msg("bot.web.off"))
        return
    token = await context.bot_data.runtime.web_logins.issue(identity(update))
    if token is None:
        await update.effective_message.reply_text(msg("bot.web.refused"))
        return
    # No preview: fetching the link to preview it would spend the one use it has.
    await update.effective_message.reply_text(
        msg("bot.web.link", link=f"{settings.web_url}/login/{token}"),
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )


# --- buttons and text --------------------------------------------------------------------------


async def on_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    service = context.bot_data.service
    who = identity(update)
    if (forget_press := parse_forget(query.data)) is not None:
        msg = await words(update, context)
        confirmed, token = forget_press
        assert context.bot_data.runtime is not None
        data = context.bot_data.runtime.data
        if confirmed:
            outcome = await data.forget(who, token)
            text = msg(
                "bot.forget.deleted"
                if outcome == "deleted"
                else "bot.forget.expired"
                if outcome == "expired"
                else "bot.forget.nothing_stored"
            )
        else:
            await data.keep(who, token)  # an older question's "No" keeps everything just the same
            text = msg("bot.forget.kept")
        await query.answer()
        await _edit(query.message, text, None)
        return
    if query.data in (RESTART_YES, RESTART_NO):
        await _confirm_restart(update, context, query.data == RESTART_YES)
        return
    if query.data and query.data.startswith(RESULT_PREFIX):
        result_press = parse_result_callback(query.data)
        if result_press is None:
            await query.answer((await words(update, context))("bot.button_expired"))
            return
        await on_result_button(update, service, result_press, _reviews(context))
        return
    if (language := parse_language(query.data)) is not None:
        await _change_language(update, context, language)
        return
    press = parse_callback(query.data)
    if press is None:
        msg = await words(update, context)
        await query.answer(msg("bot.button_expired"))
        return
    if press.action == ORIGINAL:
        await _show_original(update, context)
        return
    assert not isinstance(press.action, str)
    message = query.message if isinstance(query.message, Message) else None
    pressed = message.message_id if message is not None else None
    reply = await service.act(who, press.action, (press.interview_id, press.version), message_id=pressed)
    msg = reply.msg
    if reply.repeat:  # a double tap: the first tap's reply shows the next question, no copy from here
        await query.answer(msg("bot.limits.already_pressed"))
        return
    if reply.stale or reply.prompt is None:
        await query.answer(msg("bot.stale" if reply.prompt is not None else "bot.button_expired"))
        if reply.prompt is not None and message is not None:
            await send_prompt(message, reply, msg, live=(service, who))
        return
    prompt = reply.prompt
    if prompt.error and reply.previous is not None and prompt.key == reply.previous.key:
        await query.answer(prompt.error)
        return
    await query.answer()
    if message is None:
        return
    if isinstance(press.action, Toggle) and reply.interview_id is not None and reply.version is not None:
        keyboard = render_keyboard(prompt, reply.interview_id, reply.version, msg)
        await _edit(message, render_text(prompt, msg=msg), keyboard)
        return
    if reply.previous is not None and reply.previous.key == RESULT_KEY:
        await _keep_result_buttons(message)
    elif reply.previous is not None:
        await _edit(
            message,
            split_text(render_text(reply.previous, _chosen_by(press, reply.previous, msg), msg))[0],
            None,
        )
    await send_prompt(message, reply, msg, live=(service, who), cleared=message.message_id)


def _chosen_by(press: Press, previous: Prompt, msg: Messages) -> str | None:
    """What the pressed button answered, to leave it visible on the answered copy."""
    match press.action:
        case Done():
            return _chosen(previous, msg)
        case Choose(index) if index < len(previous.options):
            return previous.options[index].label
        case Back():
            return msg("bot.button.back")
    return None


async def _keep_result_buttons(message: Message) -> None:
    """A result message stays as it is, with its card, PDF and share buttons (a result never goes
    stale); only the interview's "start again" and "back to my answers" are spent."""
    markup = message.reply_markup
    if markup is None:
        return
    kept = [row for row in markup.inline_keyboard if all(_is_result_button(b) for b in row)]
    with contextlib.suppress(BadRequest):
        await message.edit_reply_markup(InlineKeyboardMarkup(kept) if kept else None)


def _is_result_button(button: InlineKeyboardButton) -> bool:
    return isinstance(button.callback_data, str) and button.callback_data.startswith(RESULT_PREFIX)


async def _confirm_restart(update: Update, context: Context, confirmed: bool) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    if not confirmed:
        msg = await words(update, context)
        await _edit(query.message, msg("bot.restart.kept"), None)
        return
    reply = await context.bot_data.service.restart(identity(update))
    await _edit(query.message, reply.msg("bot.restart.done"), None)
    if isinstance(query.message, Message):
        live = (context.bot_data.service, identity(update))
        await send_prompt(query.message, reply, reply.msg, notice_text(reply, reply.msg), live=live)


async def _change_language(update: Update, context: Context, language: str) -> None:
    """Store the language, then show the current question again in it: nothing is answered or lost."""
    query = update.callback_query
    assert query is not None
    reply = await context.bot_data.service.set_language(identity(update), language)
    await query.answer()
    await _edit(query.message, reply.msg("bot.language.changed"), None)
    if reply.prompt is not None and isinstance(query.message, Message):
        await send_prompt(query.message, reply, reply.msg, live=(context.bot_data.service, identity(update)))


async def _show_original(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    reply = await context.bot_data.service.current(identity(update), original=True)
    await query.answer()
    if reply.prompt is not None and isinstance(query.message, Message):
        for chunk in split_text(render_original(reply.prompt, reply.msg)):
            await query.message.reply_text(chunk)


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
    """Typed text answers the question shown: a number, option numbers ("2", "1 4", "１、４") or
    yes/no words in either language; anything else gets the question again with a hint."""
    message = update.effective_message
    assert message is not None
    if too_long(message.text or ""):  # refused before it costs the database anything
        await message.reply_text(too_long_text(await words(update, context)))
        return
    if await telegram_teams.on_awaited_text(update, context):  # a team's name, a review comment
        return
    service = context.bot_data.service
    reply = await service.type_text(identity(update), message.text or "", message_id=message.message_id)
    if reply.notice == "earlier_question":  # sent before the current question was shown: not used
        await message.reply_text(reply.msg("bot.limits.earlier_question"))
        return
    if reply.prompt is None:
        # "No assessment in progress", or "finished: /result shows it".
        await message.reply_text(notice_text(reply, reply.msg) or reply.msg("bot.notice.no_interview"))
        return
    await send_prompt(message, reply, reply.msg, live=(context.bot_data.service, identity(update)))


async def on_group(update: Update, context: Context) -> None:
    if update.effective_message is not None:
        link = f"https://t.me/{context.bot.username}"
        # No database in a group: the client's language is all we know without storing anyone.
        await update.effective_message.reply_text(client_words(update)("bot.private_only", link=link))


async def on_other(update: Update, context: Context) -> None:
    if update.effective_message is not None:
        msg = await words(update, context)
        await update.effective_message.reply_text(msg("bot.not_text"))


async def on_edited(update: Update, context: Context) -> None:
    if update.effective_message is not None:
        msg = await words(update, context)
        await update.effective_message.reply_text(msg("bot.edited"))


async def on_error(update: object, context: Context) -> None:
    # The exception type only: messages may carry what people typed.
    error = context.error
    if isinstance(error, Forbidden):
        # The person blocked the bot (or never started it): nothing is broken and no reply can reach them.
        log.info("update failed: %s", type(error).__name__, exc_info=log.isEnabledFor(logging.DEBUG))
        return
    if isinstance(error, NetworkError):  # TimedOut too: Telegram did not answer, nothing of ours broke
        log.warning(
            "could not answer an update: the Bot API did not respond (%s)",
            type(error).__name__,
            exc_info=log.isEnabledFor(logging.DEBUG),
        )
    elif (isinstance(error, DBAPIError | OSError) and curable(error)) or database_unavailable(error):
        # The database restarting or unreachable: an outage, not a bug. For an update,
        # ExactlyOnceApplication has said so once already (bot.telegram_delivery); for a job, here.
        if not isinstance(update, Update):
            log.warning(
                "a background job could not reach the database (%s)",
                type(error).__name__,
                exc_info=log.isEnabledFor(logging.DEBUG),
            )
    else:
        log.error("update failed: %s", type(error).__name__, exc_info=log.isEnabledFor(logging.DEBUG))
    if isinstance(update, Update) and update.callback_query is not None:
        # Unanswered, the pressed button keeps spinning until Telegram gives up on it.
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer()
    if isinstance(update, Update) and update.effective_message is not None:
        with contextlib.suppress(TelegramError):
            # The database may be what failed: the client's language needs none.
            await update.effective_message.reply_text(client_words(update)("bot.failure"))


# --- application -------------------------------------------------------------------------------


def build_application(settings: Settings) -> Application[Any, Any, Any, Any, BotState, Any]:
    assert settings.bot_token is not None
    requests = (AiohttpRequest(), AiohttpRequest(connection_pool_size=1))
    builder = (
        ApplicationBuilder()
        .token(settings.bot_token.get_secret_value())
        .context_types(ContextTypes(bot_data=BotState))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .rate_limiter(send_limiter(settings))  # this replica's share of the token's send rate
        .application_class(ExactlyOnceApplication)  # each update applied once (bot.telegram_delivery)
        .request(requests[0])  # a third of httpx's CPU per Bot API call (bot.telegram_http)
        .get_updates_request(requests[1])
    )
    if settings.webhook_mode:
        builder = builder.updater(None)  # Telegram posts updates to bot.telegram_webhook instead
    elif is_postgresql(settings.database_url):  # (webhook requests are concurrent anyway)
        builder = builder.concurrent_updates(PersonOrderedUpdates())  # people side by side, each in order
    if settings.bot_api_base_url:
        builder = builder.base_url(settings.bot_api_base_url)
    if settings.bot_api_file_url:
        builder = builder.base_file_url(settings.bot_api_file_url)
    app = builder.build()
    app.bot_data.settings = settings
    app.bot_data.http = requests
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
        "card": cmd_card,
        "report": cmd_report,
        "history": cmd_history,
        "export": cmd_export,
        "forget": cmd_forget,
        "language": cmd_language,
        "help": cmd_help,
        **telegram_teams.COMMAND_HANDLERS,  # invite(s), teams, team, team_csv, grant, revoke_lead, cancel
        **telegram_review.COMMAND_HANDLERS,  # review
        **telegram_privacy.COMMAND_HANDLERS,  # privacy
        "results": cmd_results,
        "transcript": cmd_transcript,
        "web": cmd_web,
    }
    app.add_handler(person_limit_handler(settings), group=-2)  # a flood stops here, before anything
    # Any command means the person moved on: a typed answer awaited (a team's name) is dropped first.
    app.add_handler(MessageHandler(private & filters.COMMAND, telegram_teams.clear_awaiting), group=-1)
    for name, callback in handlers.items():
        app.add_handler(CommandHandler(name, callback, filters=private))
    for handler in (*telegram_teams.HANDLERS, *telegram_review.HANDLERS, *JOB_HANDLERS):
        app.add_handler(handler)  # each with its own pattern, before the catch-all below
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
    options = RuntimeOptions.from_settings(state.settings, clock_from_environment())
    state.runtime = await open_runtime(state.settings.database_url, state.settings.standard_set(), options)
    # The menu Telegram shows before anyone has said a word: one per language, English by default.
    for language in languages():
        msg = Messages(language)
        commands = [BotCommand(name, msg(f"bot.command.{name}")) for name in COMMANDS]
        await app.bot.set_my_commands(
            commands, language_code=None if language == DEFAULT_LANGUAGE else language
        )
    # The PDF font subset takes about a second to build: built now, in a thread, not on someone's /report.
    state.warm_up = asyncio.get_running_loop().create_task(asyncio.to_thread(warm_up))
    start_jobs(app, state.settings.jobs_interval_seconds)  # notifications due, and the clean-up
    # In webhook mode the page is mounted into the webhook's own server (bot.telegram_webhook).
    if state.settings.web_enabled and state.settings.web_port is not None and not state.settings.webhook_mode:
        web_app = create_web_app(state.runtime, state.settings)
        state.web = await serve_web(web_app, state.settings.web_host, state.settings.web_port)
    log.info(
        "bot started; %s", "serving the webhook" if state.settings.webhook_mode else "polling for updates"
    )


async def _post_shutdown(app: Application[Any, Any, Any, Any, BotState, Any]) -> None:
    state: BotState = app.bot_data
    for request in state.http:
        await request.shutdown()  # a no-op for one python-telegram-bot shut down already
    if state.web is not None:
        await state.web.stop()
    if state.warm_up is not None:
        await state.warm_up  # a thread cannot be cancelled: let it finish rather than leak it
    if state.runtime is not None:
        await state.runtime.close()
