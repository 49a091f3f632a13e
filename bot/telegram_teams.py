"""Teams in Telegram, for leads and members: /invite, /invites, /teams, /team, /team_csv, the team
part of opening an invitation link, and the admins' /grant and /revoke_lead.

The services decide who may do what; this module only words their answers. Buttons carry
versioned data matched whole, in ASCII digits, within Telegram's 64 bytes:
``iv1:<invitation id>:<verb>`` (an invitation), ``tm1:<team id>:<verb>`` (a team) and
``tj1:<code>:<y|n>`` (the offer to join a team from a link). Ids are looked up only through the
services, which refuse someone else's exactly as an unknown one, so a forged button learns nothing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import CallbackContext, CallbackQueryHandler, ExtBot

from bot.access import AccessDenied
from bot.awaiting import Awaiting
from bot.service import Identity, Reply
from bot.teams import InvitationInfo, InvitationPreview, InvitationRefused, TeamInfo, TeamReportView
from bot.telegram_review import names, on_comment_text
from bot.telegram_view import MAX_CALLBACK, MAX_ID, identity, split_text
from dialogs import Messages

if TYPE_CHECKING:
    from bot.app import Runtime

# bot_data is telegram_bot.BotState (not imported: telegram_bot imports this module)
TeamContext = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], Any]

INVITATION_PREFIX = "iv1:"
TEAM_PREFIX = "tm1:"
JOIN_PREFIX = "tj1:"
_INVITATION_CALLBACK = re.compile(r"iv1:([0-9]{1,10}):(e7|e30|e90|e0|u10|u50|u0|rv|rl|sh)")
_TEAM_CALLBACK = re.compile(r"tm1:([0-9]{1,10}):(new|link|n0|n1|rep|csv|co|lv|lvy|lvn)")
_JOIN_CALLBACK = re.compile(r"tj1:([A-Za-z0-9_-]{1,56}):([yn])")
_TELEGRAM_ID = re.compile(r"[0-9]{1,19}")
MAX_TELEGRAM_ID = 2**63 - 1
LIFETIMES = {"e7": timedelta(days=7), "e30": timedelta(days=30), "e90": timedelta(days=90), "e0": None}
MAX_USES = {"u10": 10, "u50": 50, "u0": None}
CO_LEAD_LIFETIME = timedelta(days=7)
TEAM_NAME_TAG = "team_name"  # users.awaiting: the next text names a new team
INVITES_SHOWN = 15
TEAMS_SHOWN = 10
REPORTS_AT_ONCE = 3  # more teams than this: /team offers a picker instead of a wall of messages


# --- callback data ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TeamPress:
    prefix: str  # INVITATION_PREFIX, TEAM_PREFIX or JOIN_PREFIX
    target: str  # an id in ASCII digits, or a join offer's invitation code
    verb: str

    @property
    def number(self) -> int:
        return int(self.target)


def parse_team_callback(data: str | None) -> TeamPress | None:
    """None for anything this module did not render: unknown verbs, non-ASCII digits, ids beyond the
    database's range, a trailing newline (fullmatch) or more than 64 bytes."""
    if not data or len(data.encode()) > MAX_CALLBACK:
        return None
    for prefix, pattern in (
        (INVITATION_PREFIX, _INVITATION_CALLBACK),
        (TEAM_PREFIX, _TEAM_CALLBACK),
        (JOIN_PREFIX, _JOIN_CALLBACK),
    ):
        m = pattern.fullmatch(data)
        if m is None:
            continue
        if prefix != JOIN_PREFIX and int(m.group(1)) > MAX_ID:
            return None
        if prefix == TEAM_PREFIX and (m.group(2) == "new") != (int(m.group(1)) == 0):
            return None  # "new" names no team; every other verb names one
        return TeamPress(prefix, m.group(1), m.group(2))
    return None


def _data(prefix: str, target: int | str, verb: str) -> str:
    data = f"{prefix}{target}:{verb}"
    assert len(data.encode()) <= MAX_CALLBACK, data
    return data


# --- plumbing --------------------------------------------------------------------------------


def _runtime(context: TeamContext) -> Runtime:
    runtime = context.bot_data.runtime
    assert runtime is not None, "post_init opens the runtime before any update"
    return runtime


def _teams(context: TeamContext) -> Any:
    return _runtime(context).teams  # type: ignore[attr-defined]


def awaiting(context: TeamContext) -> Awaiting:
    return _runtime(context).awaiting


async def _words(context: TeamContext, who: Identity) -> Messages:
    return await _runtime(context).service.words(who)


def bot_link(context: TeamContext, code: str) -> str:
    return f"https://t.me/{context.bot.username}?start={code}"


async def _edit(
    message: object, text: str, keyboard: InlineKeyboardMarkup | None, *, html_text: bool = False
) -> None:
    # Only a text message can get new text (forged data may point at a photo); an unchanged edit is fine.
    if not isinstance(message, Message) or message.text is None:
        return
    try:
        await message.edit_text(text, reply_markup=keyboard, parse_mode=ParseMode.HTML if html_text else None)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


async def _reply(update: Update, text: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
    message = update.effective_message
    assert message is not None
    chunks = split_text(text)
    for chunk in chunks[:-1]:
        await message.reply_text(chunk)
    await message.reply_text(chunks[-1], reply_markup=keyboard)


# --- invitations -----------------------------------------------------------------------------


def _validity(invitation: InvitationInfo, msg: Messages) -> str:
    until = (
        msg("bot.invite.until", date=msg.date(invitation.expires_at))
        if invitation.expires_at is not None
        else msg("bot.invite.no_expiry")
    )
    uses = (
        msg("bot.invite.up_to", count=invitation.max_uses)
        if invitation.max_uses is not None
        else msg("bot.invite.no_limit")
    )
    return f"{until} · {uses}"


def _state(invitation: InvitationInfo, msg: Messages) -> str:
    if invitation.revoked:
        return msg("bot.invite.state_revoked")
    if invitation.expired:
        return msg("bot.invite.state_expired")
    if invitation.used_up:
        return msg("bot.invite.state_used_up")
    return msg("bot.invite.state_active")


def invitation_text(invitation: InvitationInfo, link: str, msg: Messages) -> str:
    """The invitation as HTML: the link, the ``/start <code>`` to copy (a tap copies monospace text),
    validity and uses; a link that no longer admits anyone says so first."""
    team = html.escape(invitation.team_name)
    title = (
        msg("bot.invite.colead_title", team=team)
        if invitation.grants == "lead"
        else msg("bot.invite.title", team=team)
    )
    lines = [f"<b>{title}</b>"]
    if not invitation.usable:
        lines.append(f"⛔ {html.escape(_state(invitation, msg))}")
    lines += [
        html.escape(link),
        "",
        html.escape(msg("bot.invite.copy")),
        f"<code>/start {html.escape(invitation.code)}</code>",
        "",
        html.escape(_validity(invitation, msg)),
        html.escape(msg("bot.invite.used", count=invitation.uses)),
    ]
    if invitation.grants == "lead":
        lines.append(html.escape(msg("bot.invite.colead_hint")))
    return "\n".join(lines)


def share_url(link: str, text: str) -> str:
    return f"https://t.me/share/url?url={quote(link, safe='')}&text={quote(text, safe='')}"


def invitation_keyboard(invitation: InvitationInfo, link: str, msg: Messages) -> InlineKeyboardMarkup | None:
    if invitation.revoked:
        return None

    def button(label: str, verb: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=_data(INVITATION_PREFIX, invitation.id, verb))

    rows: list[list[InlineKeyboardButton]] = []
    if invitation.usable:
        text = msg(
            "bot.invite.share_colead" if invitation.grants == "lead" else "bot.invite.share_text",
            team=invitation.team_name,
        )
        rows.append([InlineKeyboardButton(msg("bot.invite.share"), url=share_url(link, text))])
    rows.append(
        [
            button(msg("bot.invite.days", count=7), "e7"),
            button(msg("bot.invite.days", count=30), "e30"),
            button(msg("bot.invite.days", count=90), "e90"),
            button(msg("bot.invite.never"), "e0"),
        ]
    )
    if invitation.grants != "lead":  # a co-lead link admits one person, on purpose
        rows.append(
            [
                button(msg("bot.invite.max_button", count=10), "u10"),
                button(msg("bot.invite.max_button", count=50), "u50"),
                button(msg("bot.invite.no_limit_button"), "u0"),
            ]
        )
    rows.append([button(msg("bot.invite.revoke"), "rv")])
    return InlineKeyboardMarkup(rows)


async def send_invitation(
    target: Message, invitation: InvitationInfo, context: TeamContext, msg: Messages
) -> None:
    link = bot_link(context, invitation.code)
    await target.reply_text(
        invitation_text(invitation, link, msg),
        parse_mode=ParseMode.HTML,
        reply_markup=invitation_keyboard(invitation, link, msg),
        disable_web_page_preview=True,
    )


async def _new_team_and_link(update: Update, context: TeamContext, name: str) -> bool:
    """A team named ``name`` (the person's own one of that name if they lead it already) and a new
    link for it; False when the name is not acceptable, so the caller can ask again."""
    message = update.effective_message
    assert message is not None
    who = identity(update)
    teams = _teams(context)
    msg = await _words(context, who)
    led = [t for t in await teams.teams_of(who) if t.i_lead]
    team = next((t for t in led if t.name.casefold() == name.strip().casefold()), None)
    if team is None:
        try:
            team = await teams.create_team(who, name)
        except AccessDenied:
            await message.reply_text(msg("bot.teams.denied"))
            return True
        except ValueError:
            return False
    invitation = await teams.create_invitation(who, team.id)
    await send_invitation(message, invitation, context, msg)
    return True


async def cmd_invite(update: Update, context: TeamContext) -> None:
    """``/invite <team name>`` makes a link at once; without a name, the person's teams get a button
    each and "New team…" (or, leading none, the name is asked for and read from the next text)."""
    message = update.effective_message
    assert message is not None
    who = identity(update)
    name = " ".join(context.args or []).strip()
    msg = await _words(context, who)
    if name:
        if not await _new_team_and_link(update, context, name):
            await message.reply_text(msg("bot.teams.name_invalid"))
        return
    led = [t for t in await _teams(context).teams_of(who) if t.i_lead]
    if not led:
        await awaiting(context).expect(who, TEAM_NAME_TAG)
        await message.reply_text(msg("bot.teams.ask_name"))
        return
    rows = [
        [
            InlineKeyboardButton(
                msg("bot.invite.new_link_for", team=_short(t.name)),
                callback_data=_data(TEAM_PREFIX, t.id, "link"),
            )
        ]
        for t in led[:TEAMS_SHOWN]
    ]
    rows.append(
        [InlineKeyboardButton(msg("bot.invite.new_team"), callback_data=_data(TEAM_PREFIX, 0, "new"))]
    )
    await message.reply_text(msg("bot.invite.which"), reply_markup=InlineKeyboardMarkup(rows))


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def invitations_text(invitations: Sequence[InvitationInfo], msg: Messages) -> str:
    lines = [msg("bot.invite.list_title")]
    for n, inv in enumerate(invitations[:INVITES_SHOWN], start=1):
        kind = msg("bot.invite.colead_kind") if inv.grants == "lead" else None
        name = f"{inv.team_name} ({kind})" if kind else inv.team_name
        lines.append(f"{n}. {name}")
        lines.append(
            "   "
            + " · ".join((msg("bot.invite.used", count=inv.uses), _validity(inv, msg), _state(inv, msg)))
        )
    if len(invitations) > INVITES_SHOWN:
        lines.append(msg("bot.invite.list_more", count=len(invitations) - INVITES_SHOWN))
    return "\n".join(lines)


def invitations_keyboard(invitations: Sequence[InvitationInfo], msg: Messages) -> InlineKeyboardMarkup | None:
    rows = [
        [
            InlineKeyboardButton(
                msg("bot.invite.show_n", n=n), callback_data=_data(INVITATION_PREFIX, inv.id, "sh")
            ),
            InlineKeyboardButton(
                msg("bot.invite.revoke_n", n=n), callback_data=_data(INVITATION_PREFIX, inv.id, "rl")
            ),
        ]
        for n, inv in enumerate(invitations[:INVITES_SHOWN], start=1)
        if inv.usable
    ]
    return InlineKeyboardMarkup(rows) if rows else None


async def cmd_invites(update: Update, context: TeamContext) -> None:
    who = identity(update)
    msg = await _words(context, who)
    invitations = await _teams(context).invitations(who)
    if not invitations:
        await _reply(update, msg("bot.invite.list_none"))
        return
    await _reply(update, invitations_text(invitations, msg), invitations_keyboard(invitations, msg))


# --- opening a link: the team part of /start ------------------------------------------------

TEAM_NOTICES = (
    "invited",
    "join_offer",
    "already_member",
    "invitation_revoked",
    "invitation_expired",
    "invitation_used_up",
)


def team_notice(reply: Reply, msg: Messages) -> str | None:
    """The words of /start's team notices (None for the others): which team and which lead(s) will see
    the result, before the consent question; a refusal says why and that the assessment still works."""
    notice = reply.notice
    preview: InvitationPreview | None = getattr(reply, "team", None)
    if notice == "invitation_revoked":
        return msg("bot.invite.refused_revoked")
    if notice == "invitation_expired":
        return msg("bot.invite.refused_expired")
    if notice == "invitation_used_up":
        return msg("bot.invite.refused_used_up")
    if preview is None or notice not in (*TEAM_NOTICES, "resumed"):
        return None
    if notice == "resumed":  # the same link again before consenting: the team is worth repeating
        notice = "invited"
    team, leads = preview.team_name, names(msg, preview.leads)
    if notice == "already_member":
        if preview.grants == "lead" and preview.already_lead:
            return msg("bot.invite.already_lead", team=team)
        return msg("bot.invite.already_member", team=team)
    if notice == "join_offer":
        text = msg(
            "bot.invite.offer_colead" if preview.grants == "lead" else "bot.invite.offer",
            team=team,
            leads=leads,
        )
    elif preview.grants == "lead":
        text = msg("bot.invite.invited_colead", team=team, leads=leads)
    else:
        text = msg("bot.invite.invited", team=team, leads=leads)
    if preview.other_teams and preview.grants != "lead":
        text += "\n\n" + msg("bot.invite.other_teams", teams=names(msg, preview.other_teams))
    return text


def join_keyboard(reply: Reply, msg: Messages) -> InlineKeyboardMarkup | None:
    """Join / No thanks under a "join_offer" (the person agreed to be assessed before: no consent
    question follows, so the offer is the question)."""
    preview: InvitationPreview | None = getattr(reply, "team", None)
    if reply.notice != "join_offer" or preview is None:
        return None
    yes = msg("bot.invite.accept_colead") if preview.grants == "lead" else msg("bot.invite.join")
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(yes, callback_data=_data(JOIN_PREFIX, preview.code, "y")),
                InlineKeyboardButton(
                    msg("bot.invite.no_thanks"), callback_data=_data(JOIN_PREFIX, preview.code, "n")
                ),
            ]
        ]
    )


def refusal(reason: str, msg: Messages) -> str:
    if reason == "revoked":
        return msg("bot.invite.refused_revoked")
    if reason == "expired":
        return msg("bot.invite.refused_expired")
    if reason == "used_up":
        return msg("bot.invite.refused_used_up")
    if reason == "throttled":
        return msg("bot.notice.invitation_throttled")
    return msg("bot.notice.invitation_unknown")


# --- /teams ----------------------------------------------------------------------------------


def team_card(team: TeamInfo, msg: Messages) -> tuple[str, InlineKeyboardMarkup | None]:
    lines = [f"👥 {team.name}", msg("bot.teams.leads", leads=names(msg, team.leads))]
    rows: list[list[InlineKeyboardButton]] = []

    def button(label: str, verb: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=_data(TEAM_PREFIX, team.id, verb))

    if team.i_lead:
        lines.append(msg("bot.teams.members", count=team.members))
        lines.append(msg("bot.teams.notify_on" if team.notify_on_finish else "bot.teams.notify_off"))
        rows.append([button(msg("bot.teams.report"), "rep"), button(msg("bot.teams.new_link"), "link")])
        rows.append(
            [
                button(
                    msg("bot.teams.notify_stop") if team.notify_on_finish else msg("bot.teams.notify_start"),
                    "n0" if team.notify_on_finish else "n1",
                ),
                button(msg("bot.teams.add_colead"), "co"),
            ]
        )
    if team.i_am_member:
        lines.append(msg("bot.teams.member_note"))
        rows.append([button(msg("bot.teams.leave"), "lv")])
    return "\n".join(lines), InlineKeyboardMarkup(rows) if rows else None


async def cmd_teams(update: Update, context: TeamContext) -> None:
    who = identity(update)
    msg = await _words(context, who)
    teams = await _teams(context).teams_of(who)
    if not teams:
        await _reply(update, msg("bot.teams.none"))
        return
    for team in teams[:TEAMS_SHOWN]:
        text, keyboard = team_card(team, msg)
        await _reply(update, text, keyboard)
    if len(teams) > TEAMS_SHOWN:
        await _reply(update, msg("bot.teams.more", count=len(teams) - TEAMS_SHOWN))


# --- /team and /team_csv ---------------------------------------------------------------------


def report_text(report: TeamReportView, msg: Messages, words_for: Any) -> str:
    """Per member the status, field, level and date (and the lead-confirmed level), then the team's
    finished results by field and level."""
    lines = [f"📊 {report.team.name}", msg("bot.teams.members", count=len(report.members))]
    if not report.members:
        lines.append(msg("bot.teams.nobody"))
    for m in report.members:
        if m.status == "finished" and m.level is not None:
            theirs = words_for(msg, m.standard_id)
            line = msg(
                "bot.teams.member_finished",
                name=m.name,
                field_name=theirs.field_name(m.field),
                level=m.level,
                on=msg.date(m.finished_at) if m.finished_at is not None else "—",
            )
            if m.confirmed_level is not None:
                line += " · " + msg("bot.teams.member_confirmed", level=m.confirmed_level)
            lines.append(f"✅ {line}")
        elif m.status == "in_progress":
            lines.append("⏳ " + msg("bot.teams.member_in_progress", name=m.name))
        else:
            lines.append("▫️ " + msg("bot.teams.member_not_started", name=m.name))
    if report.distribution:
        lines += ["", msg("bot.teams.distribution")]
        for field_id, levels in sorted(report.distribution.items()):
            counts = ", ".join(
                msg("bot.teams.level_count", level=level, count=count)
                for level, count in sorted(levels.items())
            )
            lines.append(f"{words_for(msg, None).field_name(field_id)}: {counts}")
    return "\n".join(lines)


def _csv_keyboard(team: TeamInfo, msg: Messages) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(msg("bot.teams.csv"), callback_data=_data(TEAM_PREFIX, team.id, "csv"))]]
    )


async def _send_report(
    target: Message, context: TeamContext, who: Identity, team_id: int, msg: Messages
) -> None:
    report = await _teams(context).report(who, team_id)
    chunks = split_text(report_text(report, msg, _runtime(context).service.words_for))
    for chunk in chunks[:-1]:
        await target.reply_text(chunk)
    await target.reply_text(chunks[-1], reply_markup=_csv_keyboard(report.team, msg))


async def _send_csv(
    target: Message, context: TeamContext, who: Identity, team: TeamInfo, msg: Messages
) -> None:
    data = await _teams(context).report_csv(who, team.id)
    await target.reply_document(
        document=data.encode(),
        filename=f"levelcheck-team-{team.id}.csv",
        caption=msg("bot.teams.csv_caption", team=team.name),
    )


async def _chosen_teams(
    update: Update, context: TeamContext, command: str
) -> tuple[list[TeamInfo], Messages] | None:
    """The led teams ``/team [n]`` means: the n-th, else all; None once the person was told why not."""
    who = identity(update)
    msg = await _words(context, who)
    led = [t for t in await _teams(context).teams_of(who) if t.i_lead]
    if not led:
        await _reply(update, msg("bot.teams.none_led"))
        return None
    arg = context.args[0] if context.args else None
    if arg is None:
        return led, msg
    if arg.isascii() and arg.isdigit() and 1 <= int(arg) <= len(led):
        return [led[int(arg) - 1]], msg
    listing = "\n".join(f"/{command} {n} – {t.name}" for n, t in enumerate(led, start=1))
    await _reply(update, msg("bot.teams.which") + "\n" + listing)
    return None


def _picker(led: Sequence[TeamInfo], msg: Messages, verb: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(f"{n}. {_short(t.name)}", callback_data=_data(TEAM_PREFIX, t.id, verb))]
            for n, t in enumerate(led[:TEAMS_SHOWN], start=1)
        ]
    )


async def cmd_team(update: Update, context: TeamContext) -> None:
    await _per_team(update, context, "team", "rep")


async def cmd_team_csv(update: Update, context: TeamContext) -> None:
    await _per_team(update, context, "team_csv", "csv")


async def _per_team(update: Update, context: TeamContext, command: str, verb: str) -> None:
    """``/team`` and ``/team_csv``: the chosen team, or each led team, or a picker when there are too
    many to send at once (its buttons carry ``verb``: the report or the CSV)."""
    chosen = await _chosen_teams(update, context, command)
    if chosen is None:
        return
    led, msg = chosen
    message = update.effective_message
    assert message is not None
    if len(led) > REPORTS_AT_ONCE:
        await message.reply_text(msg("bot.teams.pick"), reply_markup=_picker(led, msg, verb))
        return
    for team in led:
        if verb == "csv":
            await _send_csv(message, context, identity(update), team, msg)
        else:
            await _send_report(message, context, identity(update), team.id, msg)


# --- admins: who may create teams ------------------------------------------------------------


async def _grant(update: Update, context: TeamContext, allowed: bool) -> None:
    who = identity(update)
    msg = await _words(context, who)
    arg = context.args[0] if context.args and len(context.args) == 1 else ""
    if not _TELEGRAM_ID.fullmatch(arg) or int(arg) > MAX_TELEGRAM_ID:
        await _reply(update, msg("bot.teams.grant_usage"))
        return
    try:
        found = await _teams(context).grant_lead(who, int(arg), allowed)
    except AccessDenied:
        await _reply(update, msg("bot.teams.denied"))
        return
    if not found:
        await _reply(update, msg("bot.teams.grant_nobody"))
    else:
        await _reply(update, msg("bot.teams.granted" if allowed else "bot.teams.ungranted"))


async def cmd_grant(update: Update, context: TeamContext) -> None:
    await _grant(update, context, True)


async def cmd_revoke_lead(update: Update, context: TeamContext) -> None:
    await _grant(update, context, False)


# --- typed answers and /cancel ---------------------------------------------------------------


async def on_awaited_text(update: Update, context: TeamContext) -> bool:
    """Routes a text the bot asked for (a team's name, a review comment); False: it is the interview's."""
    message = update.effective_message
    if message is None or message.text is None:
        return False
    who = identity(update)
    tag = await awaiting(context).take(who)
    if tag is None:
        return False
    if tag == TEAM_NAME_TAG:
        if not await _new_team_and_link(update, context, message.text):
            await awaiting(context).expect(who, TEAM_NAME_TAG)
            msg = await _words(context, who)
            await message.reply_text(msg("bot.teams.name_invalid_again"))
        return True
    return await on_comment_text(update, context, tag, message.text)


async def clear_awaiting(update: Update, context: TeamContext) -> None:
    """Any command means the person moved on: the next text is no longer a name or a comment."""
    if update.effective_user is not None:
        await awaiting(context).clear(identity(update))


async def cmd_cancel(update: Update, context: TeamContext) -> None:
    # The command already cleared what was awaited (clear_awaiting runs before every command).
    msg = await _words(context, identity(update))
    await _reply(update, msg("bot.teams.cancelled"))


# --- buttons ---------------------------------------------------------------------------------


async def on_team_button(update: Update, context: TeamContext) -> None:
    query = update.callback_query
    assert query is not None
    who = identity(update)
    press = parse_team_callback(query.data)
    msg = await _words(context, who)
    if press is None:
        await query.answer(msg("bot.button_expired"))
        return
    try:
        if press.prefix == INVITATION_PREFIX:
            await _invitation_button(update, context, press, msg)
        elif press.prefix == TEAM_PREFIX:
            await _team_button(update, context, press, msg)
        else:
            await _join_button(update, context, press, msg)
    except AccessDenied:
        # Someone else's id and an unknown one get the same answer: nothing is revealed.
        await query.answer(msg("bot.teams.denied"))


async def _invitation_button(update: Update, context: TeamContext, press: TeamPress, msg: Messages) -> None:
    query = update.callback_query
    assert query is not None
    who, teams = identity(update), _teams(context)
    if press.verb in ("rv", "rl"):
        invitation = await teams.revoke(who, press.number)
    elif press.verb in LIFETIMES:
        invitation = await teams.update_invitation(who, press.number, lifetime=LIFETIMES[press.verb])
    elif press.verb in MAX_USES:
        invitation = await teams.update_invitation(who, press.number, max_uses=MAX_USES[press.verb])
    else:  # "sh": the invitation's message again, from the list
        found = [i for i in await teams.invitations(who) if i.id == press.number]
        if not found:
            raise AccessDenied
        invitation = found[0]
    if press.verb == "rl":  # revoked from /invites: the list shows it
        await query.answer(msg("bot.invite.revoked_toast"))
        invitations = await teams.invitations(who)
        await _edit(query.message, invitations_text(invitations, msg), invitations_keyboard(invitations, msg))
        return
    await query.answer(msg("bot.invite.revoked_toast") if press.verb == "rv" else None)
    link = bot_link(context, invitation.code)
    text, keyboard = invitation_text(invitation, link, msg), invitation_keyboard(invitation, link, msg)
    if press.verb == "sh":
        if isinstance(query.message, Message):
            await send_invitation(query.message, invitation, context, msg)
        return
    await _edit(query.message, text, keyboard, html_text=True)


async def _find_team(context: TeamContext, who: Identity, team_id: int) -> TeamInfo:
    team = next((t for t in await _teams(context).teams_of(who) if t.id == team_id), None)
    if team is None:
        raise AccessDenied
    return team


async def _team_button(update: Update, context: TeamContext, press: TeamPress, msg: Messages) -> None:
    query = update.callback_query
    assert query is not None
    who, teams = identity(update), _teams(context)
    target = query.message if isinstance(query.message, Message) else None
    if press.verb == "new":
        await awaiting(context).expect(who, TEAM_NAME_TAG)
        await query.answer()
        if target is not None:
            await target.reply_text(msg("bot.teams.ask_name"))
        return
    if press.verb in ("n0", "n1"):
        team = await teams.set_notify(who, press.number, press.verb == "n1")
        await query.answer()
        await _edit(query.message, *team_card(team, msg))
        return
    if press.verb == "lvy":
        team = await _find_team(context, who, press.number)
        await teams.leave(who, press.number)
        await query.answer()
        await _edit(query.message, msg("bot.teams.left", team=team.name), None)
        return
    team = await _find_team(context, who, press.number)
    if press.verb == "lv":
        if not team.i_am_member:
            raise AccessDenied
        await query.answer()
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        msg("bot.teams.leave_yes"), callback_data=_data(TEAM_PREFIX, team.id, "lvy")
                    ),
                    InlineKeyboardButton(
                        msg("bot.teams.leave_no"), callback_data=_data(TEAM_PREFIX, team.id, "lvn")
                    ),
                ]
            ]
        )
        await _edit(query.message, msg("bot.teams.leave_question", team=team.name), keyboard)
        return
    if press.verb == "lvn":
        await query.answer()
        await _edit(query.message, *team_card(team, msg))
        return
    if not team.i_lead:
        raise AccessDenied
    if press.verb == "link":
        invitation = await teams.create_invitation(who, team.id)
    elif press.verb == "co":
        invitation = await teams.create_invitation(
            who, team.id, lifetime=CO_LEAD_LIFETIME, max_uses=1, grants="lead"
        )
    else:
        invitation = None
    await query.answer()
    if target is None:
        return
    if invitation is not None:
        await send_invitation(target, invitation, context, msg)
    elif press.verb == "rep":
        await _send_report(target, context, who, team.id, msg)
    else:
        await _send_csv(target, context, who, team, msg)


async def _join_button(update: Update, context: TeamContext, press: TeamPress, msg: Messages) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    if press.verb == "n":
        await _edit(query.message, msg("bot.invite.declined"), None)
        return
    try:
        team = await _teams(context).join(identity(update), press.target)
    except InvitationRefused as refused:
        await _edit(query.message, refusal(refused.reason, msg), None)
        return
    text = msg("bot.invite.joined_lead" if team.i_lead else "bot.invite.joined", team=team.name)
    await _edit(query.message, text, None)


async def send_team_offer(target: Message, reply: Reply, msg: Messages) -> bool:
    """The "join another team?" offer with its buttons; True if there was one to send."""
    keyboard = join_keyboard(reply, msg)
    text = team_notice(reply, msg)
    if keyboard is None or text is None:
        return False
    await target.reply_text(text, reply_markup=keyboard)
    return True


HANDLERS = (CallbackQueryHandler(on_team_button, pattern=r"^(?:iv1|tm1|tj1):"),)
COMMAND_HANDLERS = {
    "invite": cmd_invite,
    "invites": cmd_invites,
    "teams": cmd_teams,
    "team": cmd_team,
    "team_csv": cmd_team_csv,
    "grant": cmd_grant,
    "revoke_lead": cmd_revoke_lead,
    "cancel": cmd_cancel,
}
