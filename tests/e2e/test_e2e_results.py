"""The result as a person gets it through the real bot: the message, the card, the PDF, sharing,
/history opening and comparing two results, and the interview's guard rails around it."""

from __future__ import annotations

import io
import re

from e2e_harness import CATALOGUE, Interviewee, button_texts, result_level
from e2e_people import HARDWARE_L4, HARDWARE_L4_BY_HAND, fresh
from PIL import Image
from pypdf import PdfReader


def _finish(interviewee: Interviewee, command: str = "/start") -> dict:
    interviewee.begin(command)
    if interviewee.key == "consent":
        interviewee.answer(True)
    interviewee.run()
    return interviewee.confirm()


def _bold_spans(message: dict) -> list[str]:
    text = message["text"]
    return [
        text[e["offset"] : e["offset"] + e["length"]]
        for e in message.get("entities", [])
        if e["type"] == "bold"
    ]


def test_an_interview_ends_with_the_result_its_card_and_on_request_its_report(session):
    session.start_bot()
    aiko = Interviewee(session.user(7320000001, "Aiko"), fresh(HARDWARE_L4))
    result = _finish(aiko)
    text = result["text"]
    assert result_level(text) == HARDWARE_L4_BY_HAND
    # The headline says the level in words a person says, in bold; the ladder follows.
    assert text.startswith("Hardware, level 4 — responsible person of the service")
    assert "Hardware, level 4 — responsible person of the service" in _bold_spans(result)
    assert "L1 " in text and "L4 ✓" in text and "L5 ✗" in text
    assert "Project 1 counts as level 4" in text and "Project 2 counts as level 3" in text
    assert "To reach level 5 you still need:" in text
    need_section = text.split("To reach level 5 you still need:", 1)[1]
    assert "✓" not in need_section.split("\n\n")[0]
    buttons = button_texts(result)
    assert CATALOGUE["result.restart"] in buttons and CATALOGUE["result.review"] in buttons
    assert {
        CATALOGUE["bot.result.card"],
        CATALOGUE["bot.result.report"],
        CATALOGUE["bot.result.share"],
    } <= set(buttons)

    # The card comes as a photo right after the result.
    photo = aiko.user.wait_for_message(lambda m: "photo" in m)
    assert photo["caption"].startswith("Hardware, level 4")
    image = Image.open(io.BytesIO(aiko.user.photos[-1].data))
    assert image.format == "JPEG" and image.width >= 600  # Telegram's own photo format

    # /report sends the PDF of the same assessment.
    aiko.user.send_text("/report")
    aiko.user.wait_for_message(lambda m: "document" in m)
    report = aiko.user.documents[-1]
    assert report.file_name.startswith("levelcheck-hardware-") and report.file_name.endswith(".pdf")
    pdf_text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(report.data)).pages)
    assert "level 4" in pdf_text.lower() or "Level 4" in pdf_text

    # Share: a forwardable three-line summary with the first name and nothing else personal.
    aiko.user.press(CATALOGUE["bot.result.share"], result["message_id"])
    shared = aiko.user.wait_for_text("Aiko")
    assert len(shared["text"].splitlines()) == 3
    assert shared["text"].startswith("Aiko: Hardware, level 4")
    assert str(aiko.user.user_id) not in shared["text"]


def test_history_opens_and_compares_two_results(session):
    session.start_bot()
    person = fresh(HARDWARE_L4)
    first = Interviewee(session.user(7320000002, "Ben"), person)
    result = _finish(first)
    assert result_level(result["text"]) == 4

    # A second assessment, with one level-4 theme less: level 3 this time.
    lower = fresh(HARDWARE_L4)
    lower.themes = {"hw.l5.theme.satisfaction"}
    second = Interviewee(first.user, lower)
    second.prompt = result
    second.press_and_wait(CATALOGUE["result.restart"])
    second.run()
    again = second.confirm()
    level_now = result_level(again["text"])
    assert level_now < 4

    first.user.send_text("/history")
    listing = first.user.wait_for_text(CATALOGUE["bot.history.title"])
    lines = [line for line in listing["text"].splitlines() if re.match(r"^\d+\. ", line)]
    assert len(lines) == 2
    assert f"Hardware level {level_now}" in lines[0] and "Hardware level 4" in lines[1]
    assert button_texts(listing) == ["1", "2"]

    first.user.press("1", listing["message_id"])
    opened = first.user.wait_for_text("since")
    assert opened["text"].startswith(f"−{4 - level_now} level")
    first.user.press("2", listing["message_id"])
    older = first.user.wait_for_text("Hardware, level 4")
    assert "since" not in older["text"].splitlines()[0]  # the first result has nothing to compare with


def test_restart_asks_first_and_an_old_copy_loses_its_buttons(session):
    session.start_bot()
    cleo = Interviewee(session.user(7320000003, "Cleo"), fresh(HARDWARE_L4))
    cleo.begin()
    cleo.answer(True)
    cleo.answer()  # field
    role_prompt = cleo.prompt
    assert role_prompt is not None and cleo.key == "role"

    # /resume sends a new copy of the question: the old one loses its buttons.
    resumed = cleo.send("/resume")
    assert cleo.key == "role" and resumed["message_id"] != role_prompt["message_id"]
    old_id = role_prompt["message_id"]
    old = cleo.user.wait_for_message(lambda m: m["message_id"] == old_id and "edit_date" in m)
    assert "reply_markup" not in old and old["text"] == role_prompt["text"]

    # /restart asks; "no" keeps everything.
    cleo.user.send_text("/restart")
    question = cleo.user.wait_for_text(CATALOGUE["bot.restart.question"].split("?")[0])
    cleo.user.press(CATALOGUE["bot.restart.no"], question["message_id"])
    cleo.user.wait_for_text(CATALOGUE["bot.restart.kept"].split(":")[0])
    cleo.send("/resume")
    assert cleo.key == "role"
    # "yes" starts over from the first question.
    cleo.user.send_text("/restart")
    question = cleo.user.wait_for_text(CATALOGUE["bot.restart.question"].split("?")[0])
    cleo.user.press(CATALOGUE["bot.restart.yes"], question["message_id"])
    cleo.wait_prompt()
    assert cleo.key == "field"
