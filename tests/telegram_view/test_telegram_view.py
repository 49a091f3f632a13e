"""Prompts in Telegram: a single choice marks its earlier answer; the words come from the catalogue."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from telegram import Chat, Message, Update, User

from bot.telegram_bot import client_words
from bot.telegram_results import parse_result_callback
from bot.telegram_view import (
    ORIGINAL,
    Press,
    parse_callback,
    parse_language,
    render_keyboard,
    render_original,
    render_text,
)
from dialogs import Back, Choose, Context, Done, Interview, Kind, Messages, Prompt, Toggle

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
        iv.answer(["fm.cx.nonstop", "fm.cx.many_sites"])  # two items: the project can count
        iv.answer("whole")
        rooms = iv.prompt()
        iv.answer(3)
        again = iv.back().prompt
    assert MSG("bot.button.done") in _buttons(checklist)
    assert render_text(checklist, msg=MSG).endswith(MSG("bot.checklist.hint"))
    hint = "Type a whole number from 0 to 1,000. Or press the range it is in."
    assert hint in render_text(rooms, msg=MSG)
    assert render_text(again, msg=MSG).endswith(f"{hint} (Your previous answer: 3.)")
    assert not any(b.startswith("✓ ") for b in _buttons(again))  # a typed number marks no band


def _at_rooms(language: str = "en") -> Interview:
    iv = Interview(Context.default(language))
    for answer in ("yes", "facility", "leader", "1", ["fm.cx.nonstop", "fm.cx.many_sites"], "whole"):
        iv.answer(answer)
    assert iv.prompt().key == "project.1.rooms"
    return iv


def test_a_facility_number_has_one_row_of_band_buttons_that_choose_the_band() -> None:
    with _at_rooms() as iv:
        prompt = iv.prompt()
        keyboard = render_keyboard(prompt, 7, 3, MSG)
        assert keyboard is not None
        bands = keyboard.inline_keyboard[0]
        assert [(b.text, b.callback_data) for b in bands] == [
            ("Under 3", "7:3:o0"),
            ("3–4", "7:3:o1"),
            ("5 or more", "7:3:o2"),
        ]
        press = parse_callback("7:3:o1")
        assert press is not None
        step = iv.apply(press.action)  # type: ignore[arg-type]
        assert step.recorded == ("project.1.rooms", {"at_least": 3, "below": 5})
        again = iv.back().prompt
    text = render_text(again, msg=MSG)
    assert text.endswith("(Your previous answer: 3–4.)")
    assert _buttons(again)[:3] == ["Under 3", "✓ 3–4", "5 or more"]
    answered = render_text(prompt, "3–4", MSG)  # the copy left in the chat after the press
    assert answered.endswith("✔️ 3–4")


def test_band_buttons_in_japanese() -> None:
    ja = Messages("ja")
    with _at_rooms("ja") as iv:
        prompt = iv.prompt()
    keyboard = render_keyboard(prompt, 7, 3, ja)
    assert keyboard is not None
    assert [b.text for b in keyboard.inline_keyboard[0]] == ["3未満", "3〜4", "5以上"]
    hint = f"{ja('bot.integer.hint', minimum='0', maximum='1,000')}{ja('bot.integer.bands')}"  # no space
    assert hint in render_text(prompt, msg=ja)


def test_progress_is_the_first_line_and_never_an_estimate() -> None:
    with _at_rooms() as iv:
        text = render_text(iv.prompt(), msg=MSG)
    assert text.split("\n\n")[0] == "Project 1 of 1 · question 6"
    assert "about" not in text


def test_the_field_change_confirmation_has_two_buttons_and_no_numbers() -> None:
    with Interview(CTX) as iv:
        for answer in ("yes", "hardware", "member", "1", ["hw.cx.nonstop", "hw.cx.multi_vendor"]):
            iv.answer(answer)
        while iv.prompt().key != "field":
            iv.back()
        prompt = iv.answer("software").prompt
    assert prompt.key == "field_change"
    keyboard = render_keyboard(prompt, 7, 3, MSG)
    assert keyboard is not None
    yes_no, extra = keyboard.inline_keyboard
    assert [(b.text, b.callback_data) for b in yes_no] == [
        ("Yes, change the field", "7:3:o0"),
        ("No, keep Hardware", "7:3:o1"),
    ]
    assert [b.callback_data for b in extra] == ["7:3:b"]
    assert "• Project 1: complexity" in render_text(prompt, msg=MSG)


def test_the_declined_notice_says_how_to_come_back_in_telegrams_words() -> None:
    with Interview(CTX) as iv:
        prompt = iv.answer("no").prompt
    assert prompt.key == "declined"
    assert render_text(prompt, msg=MSG).endswith(MSG("bot.declined.again"))


@pytest.mark.parametrize(
    ("language_code", "language"),
    [
        ("en", "en"),
        ("ja", "ja"),
        ("ja-JP", "ja"),
        ("de", "en"),
        ("pt-BR", "en"),
        (None, "en"),
        ("", "en"),
        ("../../etc", "en"),
        ("x1", "en"),
    ],
)
def test_the_client_language_picks_a_catalogue_and_falls_back_to_english(
    language_code: str | None, language: str
) -> None:
    user = User(1, "A", is_bot=False, language_code=language_code)
    message = Message(1, datetime.now(UTC), Chat(1, "private"), from_user=user)
    msg = client_words(Update(1, message=message))
    assert msg.language == language
    assert msg("bot.stale") == Messages(language)("bot.stale")
    assert client_words(object()).language == "en"


def test_callback_data_becomes_front_neutral_actions_and_nothing_else() -> None:
    assert parse_callback("7:3:o2") == Press(7, 3, Choose(2))
    assert parse_callback("7:3:t0") == Press(7, 3, Toggle((0,)))
    assert parse_callback("7:3:d") == Press(7, 3, Done())
    assert parse_callback("7:3:b") == Press(7, 3, Back())
    assert parse_callback("7:3:s") == Press(7, 3, ORIGINAL)
    for forged in ("7:3:o2\n", "7:3:o", "7:3:d1", "7:3:x1", "7:3:o1234", "x:3:o1", "", None, "7:3:b\n"):
        assert parse_callback(forged) is None, forged
    assert parse_language("lang:ja") == "ja" and parse_language("lang:xx") is None


FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize(
    "ours",
    ["7:3:o0", "7:3:t12", "7:3:d", "res:5:card", "res:5:opt1.2", "lang:ja", "lang:en"],
)
def test_callback_data_is_parsed_strictly_whatever_surrounds_or_spells_it(ours: str) -> None:
    """Was #10: "<id>:<version>:o0\\n" was applied. Only exactly what we render is read: no trailing
    newline or blank, and only ASCII digits (a regex \\d takes "７" and "٧", which int() reads)."""

    def parsed(data: str) -> object:
        return parse_result_callback(data) or parse_language(data) or parse_callback(data)

    assert parsed(ours) is not None
    forged = [ours + "\n", ours + "\r\n", ours + " ", " " + ours, "\n" + ours, ours + "\x00"]
    forged += [ours.translate(FULLWIDTH), ours.translate(ARABIC_INDIC), ours.upper()]
    for data in forged:
        if data == ours:  # nothing to translate (no digits, or upper case already)
            continue
        assert parsed(data) is None, repr(data)


def test_a_japanese_question_offers_the_original_wording() -> None:
    ja = Context.default("ja")
    with Interview(ja) as iv:
        iv.answer("はい")
        prompt = iv.prompt()
        original = iv.original()
    assert prompt.translated and not original.translated
    keyboard = render_keyboard(prompt, 7, 3, Messages("ja"))
    assert keyboard is not None
    assert keyboard.inline_keyboard[-1][-1].callback_data == "7:3:s"
    assert "ハードウェア" in render_text(prompt, msg=Messages("ja"))
    shown = render_original(original, Messages("ja"))
    assert "Hardware — installation" in shown and shown.startswith(Messages("ja")("bot.original.title"))
