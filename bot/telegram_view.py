"""Prompts as Telegram messages: text plus an inline keyboard whose data fits in 64 bytes.

Callback data is ``<interview id>:<version>:<action><option position>``; the version makes a
button from an old message detectably stale, the interview id makes a forged one detectably
someone else's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from dialogs import Kind, Messages, Option, Prompt

MAX_TEXT = 4096
MAX_CALLBACK = 64
MAX_ID = 2**31 - 1  # interview ids are SQL INTEGER: 32 bits on PostgreSQL
BUTTON_LABEL = 56
_CALLBACK = re.compile(r"^(\d{1,12}):(\d{1,9}):([otdb])(\d{0,3})$")
FORGET_YES = "forget:yes"
FORGET_NO = "forget:no"
NO_SELECTION = ("review", "result")  # single choices that are actions, not answers: no numbers, no marks
SELECTED_TEXT = "▶ "  # before the earlier answer of a single choice, in the text...
SELECTED_BUTTON = "✓ "  # ...and on its button


@dataclass(frozen=True, slots=True)
class Press:
    interview_id: int
    version: int
    action: str
    index: int | None


def parse_callback(data: str | None) -> Press | None:
    """None for anything we did not render ourselves: it is answered politely and ignored."""
    if not data or len(data.encode()) > MAX_CALLBACK:
        return None
    m = _CALLBACK.match(data)
    if not m:
        return None
    action, index = m.group(3), m.group(4)
    if action in "ot" and not index:
        return None
    if int(m.group(1)) > MAX_ID:  # no such row; PostgreSQL would even fail the lookup
        return None
    return Press(int(m.group(1)), int(m.group(2)), action, int(index) if index else None)


def _short(label: str, limit: int = BUTTON_LABEL) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _data(interview_id: int, version: int, code: str) -> str:
    data = f"{interview_id}:{version}:{code}"
    assert len(data.encode()) <= MAX_CALLBACK
    return data


def render_text(prompt: Prompt, chosen: str | None = None, msg: Messages | None = None) -> str:
    """The prompt's message text; ``chosen`` (what was picked) makes it the answered, button-less copy."""
    msg = msg or Messages()
    parts: list[str] = []
    if prompt.progress:
        parts.append(prompt.progress.text)
    if prompt.error:
        parts.append(f"⚠️ {prompt.error}")
    parts.append(prompt.text)
    if prompt.kind in (Kind.SINGLE, Kind.MULTI) and prompt.key not in NO_SELECTION:
        lines = []
        for n, option in enumerate(prompt.options, start=1):
            lines.append(f"{_mark(prompt, option, answered=chosen is not None)}{n}. {option.label}")
        parts.append("\n".join(lines))
    if prompt.kind is Kind.INTEGER:
        hint = msg("bot.integer.hint", minimum=f"{prompt.minimum:,}", maximum=f"{prompt.maximum:,}")
        if prompt.value is not None:
            hint += " " + msg("bot.integer.previous", value=f"{prompt.value:,}")
        parts.append(hint)
    if chosen is not None:
        parts.append(f"✔️ {chosen}")
    return "\n\n".join(parts)


def _mark(prompt: Prompt, option: Option, *, answered: bool = False) -> str:
    """A checklist shows every box; a single choice marks the earlier answer (after back or an
    edit from the review), except on the answered copy, where "✔️ <choice>" says what was picked."""
    if prompt.kind is Kind.MULTI:
        return "✅ " if option.selected else "⬜ "
    return SELECTED_TEXT if option.selected and not answered else ""


def render_keyboard(
    prompt: Prompt, interview_id: int, version: int, msg: Messages | None = None
) -> InlineKeyboardMarkup | None:
    msg = msg or Messages()
    rows: list[list[InlineKeyboardButton]] = []
    if prompt.kind is Kind.YESNO:
        rows.append(
            [
                InlineKeyboardButton(_short(o.label, 30), callback_data=_data(interview_id, version, f"o{i}"))
                for i, o in enumerate(prompt.options)
            ]
        )
    elif prompt.kind is Kind.MULTI:
        for i, option in enumerate(prompt.options):
            mark = "✅" if option.selected else "⬜"
            label = f"{mark} {i + 1}. {_short(option.label)}"
            rows.append([InlineKeyboardButton(label, callback_data=_data(interview_id, version, f"t{i}"))])
        done = msg("bot.button.done")
        rows.append([InlineKeyboardButton(done, callback_data=_data(interview_id, version, "d"))])
    elif prompt.kind is Kind.SINGLE:
        numbered = prompt.key not in NO_SELECTION
        for i, option in enumerate(prompt.options):
            label = f"{i + 1}. {_short(option.label)}" if numbered else _short(option.label)
            if numbered and option.selected:
                label = SELECTED_BUTTON + label
            rows.append([InlineKeyboardButton(label, callback_data=_data(interview_id, version, f"o{i}"))])
    if prompt.can_go_back and prompt.key != "result":
        back = msg("bot.button.back")
        rows.append([InlineKeyboardButton(back, callback_data=_data(interview_id, version, "b"))])
    return InlineKeyboardMarkup(rows) if rows else None


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Telegram's 4,096-character limit, split at line breaks so no criterion is cut in half."""
    if len(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks
