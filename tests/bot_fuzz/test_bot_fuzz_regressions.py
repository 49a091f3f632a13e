"""Deterministic cases the fuzzing turned up (or that its harness makes easy to pin down)."""

from __future__ import annotations

import csv
import io
import logging
import time
from typing import Any

import pytest
from bot_fuzz_harness import ADMIN_ID, BotUnderTest
from fakes.bot_api import FakeUser, inline_buttons
from telegram.error import Forbidden

from bot.spreadsheet import safe_cell
from bot.telegram_view import parse_callback
from dialogs import Toggle


def newest_keyboard(user: FakeUser) -> dict[str, Any]:
    return next(m for m in reversed(user.messages) if inline_buttons(m))


def press(h: BotUnderTest, user: FakeUser, label_start: str) -> None:
    message = newest_keyboard(user)
    button = next(b for b in inline_buttons(message) if b["text"].startswith(label_start))
    user.press(button["callback_data"], message["message_id"])
    h.run(h.deliver())


def send(h: BotUnderTest, user: FakeUser, text: str) -> dict[str, Any]:
    message = user.send_text(text)
    h.run(h.deliver())
    return message


async def answers(h: BotUnderTest, telegram_id: int) -> dict[str, Any]:
    async with h.uow() as uow:
        user = await uow.users.by_telegram_id(telegram_id)
        row = await uow.interviews.active_for(user)
        return dict(row.snapshot["answers"])


def test_editing_an_earlier_answer_does_not_answer_the_current_question(bot_under_test: BotUnderTest):
    """Telegram sends ``edited_message`` when someone corrects a message they sent. A corrected number
    must not be taken as the answer to whatever question happens to be open now."""
    h = bot_under_test
    user = h.fake.user(6_100_000_001, "Edda")
    send(h, user, "/start")
    press(h, user, "Yes, start")
    press(h, user, "3. Facility")
    press(h, user, "1. ")  # role
    press(h, user, "2. One")
    press(h, user, "⬜ 1. ")  # complexity: two items, so that the size (scope) is asked
    press(h, user, "⬜ 2. ")
    press(h, user, "Done")
    press(h, user, "2. Whole")
    typo = send(h, user, "30")  # rooms
    assert (await_answers := h.run(answers(h, user.user_id)))["project.1.rooms"] == 30
    assert "project.1.area" not in await_answers
    user.mark()
    edited = {**typo, "text": "3", "edit_date": int(time.time())}
    h.run(h.process({"update_id": 10**9, "edited_message": edited}))
    after = h.run(answers(h, user.user_id))
    assert "project.1.area" not in after, "the edit was taken as the floor area"
    assert after["project.1.rooms"] == 30
    assert "edited messages" in user.wait_for_message(timeout=5)["text"]  # and how to change an answer
    assert not h.failures


def test_edited_command_is_not_run_again(bot_under_test: BotUnderTest):
    h = bot_under_test
    user = h.fake.user(6_100_000_002, "Eddie")
    command = send(h, user, "/help")
    count = len(user.messages)
    entity = [{"type": "bot_command", "offset": 0, "length": len("/forget")}]
    edited = {**command, "text": "/forget", "entities": entity, "edit_date": int(time.time())}
    h.run(h.process({"update_id": 10**9 + 1, "edited_message": edited}))
    assert not any("cannot be undone" in m["text"] for m in user.messages[count:])
    assert not h.failures


@pytest.mark.parametrize(
    "data",
    ["2147483648:1:o0", "999999999999:1:o0", "1:1:o1" + "0" * 64, "١:١:o٠x", "1:1:t", "1:1:o"],
)
def test_callback_data_that_cannot_name_an_interview_is_ignored(data):
    assert parse_callback(data) is None


def test_largest_interview_id_still_parses():
    press_ = parse_callback("2147483647:3:t2")
    assert press_ is not None and (press_.interview_id, press_.version, press_.action) == (
        2147483647,
        3,
        Toggle((2,)),
    )


def test_restart_before_consent_does_not_crash(bot_under_test: BotUnderTest):
    """Was MachineError: dialogs' Interview.restart fired start_over in the consent state."""
    h = bot_under_test
    user = h.fake.user(6_100_000_003, "Rena")
    send(h, user, "/start")
    send(h, user, "/restart")
    assert not h.failures, [type(f.error).__name__ for f in h.failures]
    assert "Do you agree" in user.messages[-1]["text"]


def test_a_failing_button_is_still_answered(bot_under_test: BotUnderTest, monkeypatch: pytest.MonkeyPatch):
    """Whatever breaks behind a button, its spinner stops and the person hears that their answers are safe."""
    h = bot_under_test
    user = h.fake.user(6_100_000_004, "Fay")
    send(h, user, "/start")

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(h.app.bot_data.service, "act", broken)
    message = newest_keyboard(user)
    query_id = user.press(inline_buttons(message)[0]["callback_data"], message["message_id"])
    h.run(h.deliver())
    assert [type(f.error) for f in h.failures] == [RuntimeError]
    h.failures.clear()
    h.log.records.clear()
    assert [a.query_id for a in user.callback_answers] == [query_id]
    assert "Your answers so far are saved" in user.messages[-1]["text"]


def test_forged_forget_on_a_document_message(bot_under_test: BotUnderTest):
    """Found by the fuzzing: "forget:yes" forged onto the /export document made the bot try to edit a
    message without text (Bad Request), after the deletion had already happened."""
    h = bot_under_test
    user = h.fake.user(6_100_000_005, "Doc")
    send(h, user, "/start")
    press(h, user, "Yes, start")
    press(h, user, "1. ")
    press(h, user, "1. ")
    send(h, user, "/export")
    document = user.messages[-1]
    assert "document" in document
    since = len(h.fake.requests)
    state = h.fake._state
    with state.cond:
        query = {
            "id": "6999000000000000001",
            "from": user.user,
            "message": document,
            "chat_instance": "1",
            "data": "forget:yes",
        }
        state.callback_queries[query["id"]] = query
        state.enqueue("callback_query", query)
    h.run(h.deliver())
    assert not h.failures, [f.trace for f in h.failures]
    assert not h.failed_calls(since)
    assert [a.query_id for a in user.callback_answers][-1] == query["id"]


def test_a_person_who_blocked_the_bot_is_logged_at_info(
    bot_under_test: BotUnderTest, caplog: pytest.LogCaptureFixture
):
    """Telegram answers 403 Forbidden once someone blocks the bot: nothing is broken on our side, so
    no ERROR (and, as everywhere above DEBUG, no ids or texts in the log line)."""
    h = bot_under_test
    user = h.fake.user(6_100_000_006, "Blocky")
    send(h, user, "/start")
    user.block()
    caplog.set_level(logging.INFO, logger="bot")
    send(h, user, "/help")
    assert [type(f.error) for f in h.failures] == [Forbidden]
    h.failures.clear()
    assert h.log.records == [], "logged at ERROR"
    records = [
        r for r in caplog.records if r.name == "bot.telegram_bot" and "update failed" in r.getMessage()
    ]
    assert [(r.levelno, r.getMessage()) for r in records] == [(logging.INFO, "update failed: Forbidden")]
    assert "6100000006" not in caplog.text and "Blocky" not in caplog.text


def test_typed_answers_cannot_run_as_formulas_in_the_transcript(bot_under_test: BotUnderTest):
    """The admin's transcript TSV opens in a spreadsheet: what people typed gets a leading ' there."""
    h = bot_under_test
    user = h.fake.user(6_100_000_007, "Formula")
    send(h, user, "/start")
    press(h, user, "Yes, start")
    press(h, user, "3. Facility")
    press(h, user, "1. ")  # role
    press(h, user, "2. One")
    press(h, user, "⬜ 1. ")  # complexity: two items, so that the size (scope) is asked
    press(h, user, "⬜ 2. ")
    press(h, user, "Done")
    press(h, user, "2. Whole")
    typed = ['=HYPERLINK("http://evil.example","x")', "+x", "-3", "@SUM(A1)", "\t=1", "7"]
    for text in typed:
        send(h, user, text)  # rooms: refused (and kept in the transcript as typed), then 7

    async def interview_id() -> int:
        async with h.uow() as uow:
            person = await uow.users.by_telegram_id(user.user_id)
            row = await uow.interviews.active_for(person)
            return row.id

    admin = h.fake.user(ADMIN_ID, "Admin")
    send(h, admin, f"/transcript {h.run(interview_id())}")
    assert not h.failures, [f.trace for f in h.failures]
    tsv = admin.documents[-1].data.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(tsv), dialect="excel-tab"))
    answers = [r["text"] for r in rows if r["direction"] == "answer" and r["key"] == "project.1.rooms"]
    assert answers == ["'" + t for t in typed[:-1]] + ["7"]
    assert all(not r["text"].startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows)


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+49 30 1234", "'+49 30 1234"),
        ("-x", "'-x"),
        ("@me", "'@me"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("", ""),
        ("Aiko =1", "Aiko =1"),
        ("'quoted", "'quoted"),
    ],
)
def test_spreadsheet_cells_that_could_run_as_formulas_are_quoted(text: str, cell: str):
    """One rule for the results CSV (display names) and the transcript TSV (answers)."""
    assert safe_cell(text) == cell
