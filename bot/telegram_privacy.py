"""/privacy: who has seen my data — every look by a lead or an admin at my result, transcript or an
export that held it, from the audit log, newest first; or that no one but me has."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackContext, ExtBot

from bot.person_data import SeenBy
from bot.telegram_view import identity, split_text
from dialogs import Messages

# bot_data is telegram_bot.BotState (not imported: telegram_bot imports this module)
PrivacyContext = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], Any]
SHOWN = 30
ACTIONS = ("result", "transcript", "team_report", "team_csv", "results_csv")
ROLES = ("lead", "admin")
CHANNELS = ("telegram", "web")


def seen_line(seen: SeenBy, msg: Messages) -> str:
    """ "12 Jan 2027, 14:02 — Lena (team lead): saw your level in the team report, in Telegram"."""
    what = (
        msg(f"bot.privacy.action.{seen.action}")
        if seen.action in ACTIONS
        else msg("bot.privacy.action_other")
    )
    role = msg(f"bot.privacy.role.{seen.actor_role}") if seen.actor_role in ROLES else seen.actor_role
    where = msg(f"bot.privacy.channel.{seen.channel}") if seen.channel in CHANNELS else seen.channel
    return msg(
        "bot.privacy.line", at=msg.datetime(seen.at), name=seen.actor_name, role=role, what=what, where=where
    )


def privacy_text(seen: list[SeenBy], msg: Messages) -> str:
    if not seen:
        return msg("bot.privacy.nobody")
    lines = [msg("bot.privacy.title")]
    lines += [f"• {seen_line(s, msg)}" for s in seen[:SHOWN]]
    if len(seen) > SHOWN:
        lines.append(msg("bot.privacy.more", count=len(seen) - SHOWN))
    lines += ["", msg("bot.privacy.footer")]
    return "\n".join(lines)


async def cmd_privacy(update: Update, context: PrivacyContext) -> None:
    message = update.effective_message
    assert message is not None
    runtime = context.bot_data.runtime
    assert runtime is not None, "post_init opens the runtime before any update"
    who = identity(update)
    msg = await runtime.service.words(who)
    seen = await runtime.data.who_has_seen(who)
    for chunk in split_text(privacy_text(seen, msg)):
        await message.reply_text(chunk)


COMMAND_HANDLERS = {"privacy": cmd_privacy}
