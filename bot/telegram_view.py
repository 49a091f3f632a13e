"""Prompts as Telegram messages: text plus an inline keyboard whose data fits in 64 bytes.

Callback data is ``<interview id>:<version>:<code><option position>`` — a private detail of this
module, turned into the dialogue's front-neutral actions by ``parse_callback``. The version makes a
button from an old message detectably stale, the interview id makes a forged one detectably
someone else's. Each question kind has one keyboard renderer and one text renderer here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.person_data import TOKEN_PATTERN
from bot.service import Identity
from dialogs import Action, Back, Choose, Done, Kind, Messages, Option, Prompt, Toggle, languages

MAX_TEXT = 4096
MAX_CALLBACK = 64
MAX_ID = 2**31 - 1  # interview ids are SQL INTEGER: 32 bits on PostgreSQL
BUTTON_LABEL = 56
# ASCII digits: \d also matches "٣" or "３", which int() reads, so a forged press would still apply.
_CALLBACK = re.compile(r"([0-9]{1,12}):([0-9]{1,9}):([otdbs])([0-9]{0,3})")
# "forget:yes:<token>": only the latest /forget question's buttons carry the token that still works.
_FORGET = re.compile(rf"forget:(yes|no):({TOKEN_PATTERN.pattern})")
RESTART_YES = "restart:yes"
RESTART_NO = "restart:no"
LANGUAGE_PREFIX = "lang:"
NO_SELECTION = ("review", "result")  # single choices that are actions, not answers: no numbers, no marks
SELECTED_TEXT = "▶ "  # before the earlier answer of a single choice, in the text...
SELECTED_BUTTON = "✓ "  # ...and on its button
ORIGINAL = "original"  # not an action: "show this question in the standard's own words"


def identity(update: Update) -> Identity:
    """Who sent an update, in the service's terms."""
    user = update.effective_user
    assert user is not None
    return Identity(telegram_id=user.id, display_name=user.full_name, language_code=user.language_code)


@dataclass(frozen=True, slots=True)
class Press:
    """A button of ours: an action on interview ``interview_id`` at ``version``, or ORIGINAL."""

    interview_id: int
    version: int
    action: Action | str


def parse_callback(data: str | None) -> Press | None:
    """None for anything we did not render ourselves: it is answered politely and ignored."""
    if not data or len(data.encode()) > MAX_CALLBACK:
        return None
    m = _CALLBACK.fullmatch(data)  # fullmatch: "$" would also accept a trailing newline ("…:o0\n")
    if not m:
        return None
    code, index = m.group(3), m.group(4)
    if (code in "ot") != bool(index):
        return None
    if int(m.group(1)) > MAX_ID:  # no such row; PostgreSQL would even fail the lookup
        return None
    actions: dict[str, Callable[[int], Action | str]] = {
        "o": Choose,
        "t": lambda i: Toggle((i,)),
        "d": lambda _: Done(),
        "b": lambda _: Back(),
        "s": lambda _: ORIGINAL,
    }
    return Press(int(m.group(1)), int(m.group(2)), actions[code](int(index or 0)))


def forget_data(confirmed: bool, token: str) -> str:
    """The data of a /forget question's "Yes" (``confirmed``) or "No" button."""
    data = f"forget:{'yes' if confirmed else 'no'}:{token}"
    assert _FORGET.fullmatch(data) and len(data.encode()) <= MAX_CALLBACK
    return data


def parse_forget(data: str | None) -> tuple[bool, str] | None:
    """(pressed "Yes", the question's token) of a /forget button; None for anything else, including
    the token-less buttons of older versions (a question that old is no longer the latest)."""
    m = _FORGET.fullmatch(data or "")
    return None if m is None else (m.group(1) == "yes", m.group(2))


def parse_language(data: str | None) -> str | None:
    """The language of a /language button; exact, so "lang:ja\n" or "lang:JA" is no language."""
    language = (data or "").removeprefix(LANGUAGE_PREFIX)
    return language if data and data.startswith(LANGUAGE_PREFIX) and language in languages() else None


def _short(label: str, limit: int = BUTTON_LABEL) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _data(interview_id: int, version: int, code: str) -> str:
    data = f"{interview_id}:{version}:{code}"
    assert len(data.encode()) <= MAX_CALLBACK
    return data


# --- text, one renderer per kind --------------------------------------------------------------


def _numbered(prompt: Prompt, answered: bool) -> list[str]:
    lines = []
    for n, option in enumerate(prompt.options, start=1):
        lines.append(f"{_mark(prompt, option, answered=answered)}{n}. {option.label}")
    return ["\n".join(lines)] if lines else []


def _single_text(prompt: Prompt, answered: bool, msg: Messages) -> list[str]:
    return [] if prompt.key in NO_SELECTION else _numbered(prompt, answered)


def _checklist_text(prompt: Prompt, answered: bool, msg: Messages) -> list[str]:
    """The boxes, and (while it is open) how to finish: the Done button is this front's own."""
    return _numbered(prompt, answered) + ([] if answered else [msg("bot.checklist.hint")])


def _number_text(prompt: Prompt, answered: bool, msg: Messages) -> list[str]:
    """How to answer (typing, or a band's button when the quantity has bands), and the earlier
    answer after back or an edit: a typed number as typed, a band as its button says it."""
    low, high = msg.number(prompt.minimum or 0), msg.number(prompt.maximum or 0)
    hint = msg("bot.integer.hint", minimum=low, maximum=high)
    if prompt.options:
        hint = msg("sentence.pair", first=hint, second=msg("bot.integer.bands"))
    band = next((o.label for o in prompt.options if o.selected), None)
    if isinstance(prompt.value, int) and not isinstance(prompt.value, bool):
        band = msg.number(prompt.value)
    if band is not None:
        hint = msg("sentence.pair", first=hint, second=msg("bot.integer.previous", value=band))
    return [hint]


def _info_text(prompt: Prompt, answered: bool, msg: Messages) -> list[str]:
    """The declined notice: how to come back is this front's own command."""
    return [msg("bot.declined.again")] if prompt.key == "declined" else []


def _nothing(prompt: Prompt, answered: bool, msg: Messages) -> list[str]:
    return []


TEXT_RENDERERS: dict[Kind, Callable[[Prompt, bool, Messages], list[str]]] = {
    Kind.SINGLE: _single_text,
    Kind.MULTI: _checklist_text,
    Kind.INTEGER: _number_text,
    Kind.YESNO: _nothing,
    Kind.INFO: _info_text,
}


def render_text(prompt: Prompt, chosen: str | None = None, msg: Messages | None = None) -> str:
    """The prompt's message text; ``chosen`` (what was picked) makes it the answered, button-less copy."""
    msg = msg or Messages()
    parts: list[str] = []
    if prompt.progress:
        parts.append(prompt.progress.text)
    if prompt.error:
        parts.append(f"⚠️ {prompt.error}")
    parts.append(prompt.text)
    parts += TEXT_RENDERERS[prompt.kind](prompt, chosen is not None, msg)
    if chosen is not None:
        parts.append(f"✔️ {chosen}")
    return "\n\n".join(parts)


def render_original(prompt: Prompt, msg: Messages) -> str:
    """The standard's own words for a question and its options, as the answer to "原文 / original"."""
    return msg("bot.original.title") + "\n\n" + render_text(prompt, msg=msg)


def _mark(prompt: Prompt, option: Option, *, answered: bool = False) -> str:
    """A checklist shows every box; a single choice marks the earlier answer (after back or an
    edit from the review), except on the answered copy, where "✔️ <choice>" says what was picked."""
    if prompt.kind is Kind.MULTI:
        return "✅ " if option.selected else "⬜ "
    return SELECTED_TEXT if option.selected and not answered else ""


# --- keyboards, one renderer per kind ---------------------------------------------------------

Rows = list[list[InlineKeyboardButton]]
Data = Callable[[str], str]


def _yes_no_keys(prompt: Prompt, data: Data, msg: Messages) -> Rows:
    return [
        [
            InlineKeyboardButton(_short(o.label, 30), callback_data=data(f"o{i}"))
            for i, o in enumerate(prompt.options)
        ]
    ]


def _checklist_keys(prompt: Prompt, data: Data, msg: Messages) -> Rows:
    rows = []
    for i, option in enumerate(prompt.options):
        mark = "✅" if option.selected else "⬜"
        rows.append(
            [InlineKeyboardButton(f"{mark} {i + 1}. {_short(option.label)}", callback_data=data(f"t{i}"))]
        )
    rows.append([InlineKeyboardButton(msg("bot.button.done"), callback_data=data("d"))])
    return rows


def _single_keys(prompt: Prompt, data: Data, msg: Messages) -> Rows:
    numbered = prompt.key not in NO_SELECTION
    rows = []
    for i, option in enumerate(prompt.options):
        label = f"{i + 1}. {_short(option.label)}" if numbered else _short(option.label)
        if numbered and option.selected:
            label = SELECTED_BUTTON + label
        rows.append([InlineKeyboardButton(label, callback_data=data(f"o{i}"))])
    return rows


def _band_keys(prompt: Prompt, data: Data, msg: Messages) -> Rows:
    """A counted quantity's bands side by side (short labels: "Under 3", "3–4", "5 or more"); the
    earlier band answer is marked. Without bands a number is only typed: no keys."""
    row = [
        InlineKeyboardButton(
            (SELECTED_BUTTON if o.selected else "") + _short(o.label, 24), callback_data=data(f"o{i}")
        )
        for i, o in enumerate(prompt.options)
    ]
    return [row] if row else []


def _no_keys(prompt: Prompt, data: Data, msg: Messages) -> Rows:
    return []


KEYBOARD_RENDERERS: dict[Kind, Callable[[Prompt, Data, Messages], Rows]] = {
    Kind.SINGLE: _single_keys,
    Kind.MULTI: _checklist_keys,
    Kind.INTEGER: _band_keys,
    Kind.YESNO: _yes_no_keys,
    Kind.INFO: _no_keys,
}


def render_keyboard(
    prompt: Prompt, interview_id: int, version: int, msg: Messages | None = None
) -> InlineKeyboardMarkup | None:
    msg = msg or Messages()

    def data(code: str) -> str:
        return _data(interview_id, version, code)

    rows = KEYBOARD_RENDERERS[prompt.kind](prompt, data, msg)
    extra = []
    if prompt.can_go_back and prompt.key != "result":
        extra.append(InlineKeyboardButton(msg("bot.button.back"), callback_data=data("b")))
    if prompt.translated:
        extra.append(InlineKeyboardButton(msg("bot.button.original"), callback_data=data("s")))
    if extra:
        rows.append(extra)
    return InlineKeyboardMarkup(rows) if rows else None


def language_keyboard(current: str) -> InlineKeyboardMarkup:
    """One button per language, each named in its own language so anyone can find theirs."""
    rows = [
        [
            InlineKeyboardButton(
                ("✓ " if code == current else "") + Messages(code)("language.name"),
                callback_data=LANGUAGE_PREFIX + code,
            )
        ]
        for code in languages()
    ]
    return InlineKeyboardMarkup(rows)


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
