"""Prompts in Telegram: a single choice marks its earlier answer; the words come from the catalogue."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from telegram import Chat, Message, Update, User

from bot.telegram_bot import messages_for
from bot.telegram_view import render_keyboard, render_text
from dialogs import Context, Interview, Kind, Messages, Prompt

CTX = Context.default()

MSG = Messages()


def _buttons(prompt: Prompt) -> list[str]:
    keyboard = render_keyboard(prompt, 7, 3, MSG)
    assert keyboard is not None
    return [b.text for row in keyboard.inline_keyboard for b in row]


def _at_role_after_back() -> Prompt:
    with Interview(CTX) as iv:
        iv.answer("yes")
        iv.answer("software")
        iv.answer("responsible")
        return iv.back().prompt


def test_a_single_choice_marks_the_earlier_answer_after_back() -> None:
    prompt = _at_role_after_back()
    assert prompt.kind is Kind.SINGLE and prompt.selected == ("responsible",)
    lines = render_text(prompt, msg=MSG).split("\n")
    label = {o.id: o.label for o in prompt.options}
    assert f"▶ 3. {label['responsible']}" in lines
    assert f"2. {label['member']}" in lines  # the others unmarked
    buttons = _buttons(prompt)
    marked = [b for b in buttons if b.startswith("✓ ")]
    assert len(marked) == 1 and marked[0].startswith("✓ 3. "), buttons
    assert buttons[0].startswith("1. ") and buttons[-1] == MSG("bot.button.back")


def test_the_answered_copy_shows_the_new_choice_without_the_old_mark() -> None:
    prompt = _at_role_after_back()
    member = prompt.options[1].label
    text = render_text(prompt, member, MSG)
    assert "▶ " not in text and text.endswith(f"✔️ {member}")


def test_a_first_visit_marks_nothing() -> None:
    with Interview(CTX) as iv:
        iv.answer("yes")
        prompt = iv.prompt()
    assert "▶ " not in render_text(prompt, msg=MSG)
    assert not any(b.startswith("✓ ") for b in _buttons(prompt))


def test_review_and_result_have_no_selection_marks() -> None:
    with Interview(CTX) as iv:
        iv.answer("yes")
        iv.answer("hardware")
        iv.answer("participant")
        iv.answer("0")
        while iv.prompt().key != "review":
            prompt = iv.prompt()
            iv.answer(False if prompt.kind is Kind.YESNO else [] if prompt.kind is Kind.MULTI else "none")
        review = iv.prompt()
        result = iv.confirm().prompt
    for prompt in (review, result):
        assert "▶ " not in render_text(prompt, msg=MSG)
        assert not any(b.startswith(("✓ ", "1. ")) for b in _buttons(prompt)), prompt.key


def test_numbers_and_checklists_read_from_the_catalogue() -> None:
    with Interview(CTX) as iv:
        iv.answer("yes")
        iv.answer("facility")
        iv.answer("participant")
        iv.answer("1")
        checklist = iv.prompt()
        iv.answer([])
        iv.answer("whole")
        rooms = iv.prompt()
        iv.answer(3)
        again = iv.back().prompt
    assert MSG("bot.button.done") in _buttons(checklist)
    assert "Type a whole number from 0 to 1,000." in render_text(rooms, msg=MSG)
    assert render_text(again, msg=MSG).endswith(
        "Type a whole number from 0 to 1,000. (Your previous answer: 3.)"
    )


@pytest.mark.parametrize(
    ("language_code", "locale"),
    [
        ("en", "en"),
        ("de", "de"),
        ("pt-BR", "pt"),
        (None, "en"),
        ("", "en"),
        ("../../etc", "en"),
        ("x1", "en"),
    ],
)
def test_the_catalogue_follows_the_telegram_language_and_falls_back_to_english(
    language_code: str | None, locale: str
) -> None:
    user = User(1, "A", is_bot=False, language_code=language_code)
    message = Message(1, datetime.now(UTC), Chat(1, "private"), from_user=user)
    msg = messages_for(Update(1, message=message))
    assert msg.locale == locale
    assert msg("bot.stale") == MSG("bot.stale")  # no locale file but English: English words
    assert messages_for(object()).locale == "en"
