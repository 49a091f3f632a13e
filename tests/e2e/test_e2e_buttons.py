"""Buttons nobody should be able to misuse, chats the bot does not serve, and what it sets up at start."""

from __future__ import annotations

import pytest
from e2e_harness import (
    CATALOGUE,
    Interviewee,
    Words,
    active_interview,
    forge_press,
    inline_buttons,
    query_db,
    stored_interviews,
)
from e2e_people import HARDWARE_L4, SOFTWARE_L2, fresh

STALE = "This button belongs to an older message. The current question is below."
NOT_VALID = "This button is not valid any more."


def callback_data(message, text_prefix: str) -> str:
    return next(b["callback_data"] for b in inline_buttons(message) if b["text"].startswith(text_prefix))


def test_commands_are_published_at_start(session):
    bot = session.start_bot()
    calls = session.fake.calls("setMyCommands")
    assert len(calls) == 2 and all(c.ok for c in calls)  # the default (English) menu, and Japanese
    commands = {c["command"]: c["description"] for c in session.fake.commands()}
    japanese = {c["command"]: c["description"] for c in session.fake.commands(language_code="ja")}
    assert set(japanese) == set(commands) and "language" in japanese
    assert japanese["language"] == Words.of("ja").catalogue["bot.command.language"] != commands["language"]
    assert {"start", "resume", "back", "restart", "result", "history", "export", "forget", "help"} <= set(
        commands
    )
    assert {"invite", "team"} <= set(commands)
    assert all(commands.values())
    # Logging is on at INFO, so the privacy checks of the teardown look at a real log.
    bot.wait_for_log("INFO bot.telegram_bot: bot started")


def test_group_chats_get_a_pointer_to_the_private_chat(session):
    session.start_bot()
    gus = session.user(7310000006, "Gus")
    group = session.fake.group(-1001777000111, "Ops team")
    session.private.add("1001777000111")
    for command in ("/start", "/start@levelcheck_test_bot", "/export", "/forget"):
        group.send_text(gus, command)
        note = group.wait_for_text("only work in a private chat")
        assert "https://t.me/levelcheck_test_bot" in note["text"]
        assert "reply_markup" not in note
    assert query_db(session.database_url, "SELECT count(*) FROM users")[0][0] == 0


def test_a_button_of_an_older_message_changes_nothing(session):
    session.start_bot()
    db = session.database_url
    kai = Interviewee(session.user(7310000005, "Kai"), fresh(HARDWARE_L4))
    kai.begin()
    kai.answer(True)
    field_prompt = kai.prompt
    hardware = callback_data(field_prompt, "1. ")
    kai.answer()
    assert kai.key == "role"
    role_prompt = kai.prompt

    # /back sends the field question again; the role question above loses its buttons, and a press
    # that still arrives for it (a client that had not refreshed yet) changes nothing.
    kai.send("/back")
    assert kai.key == "field"
    old_id = role_prompt["message_id"]
    cleared = kai.user.wait_for_message(lambda m: m["message_id"] == old_id and "edit_date" in m)
    assert "reply_markup" not in cleared
    before = active_interview(db, kai.user.user_id)
    query_id = forge_press(session.fake, kai.user, callback_data(role_prompt, "3. "), role_prompt)
    assert kai.user.wait_for_callback_answer(query_id).text == STALE
    kai.wait_prompt()  # the current question comes again
    assert kai.key == "field"
    assert active_interview(db, kai.user.user_id) == before

    # A double tap: the very same data once more after it was used.
    kai.answer()
    assert kai.key == "role"
    before = active_interview(db, kai.user.user_id)
    query_id = forge_press(session.fake, kai.user, hardware, field_prompt)
    assert kai.user.wait_for_callback_answer(query_id).text == STALE
    kai.wait_prompt()
    assert kai.key == "role"
    assert active_interview(db, kai.user.user_id) == before

    # After the end, a question's old button neither reopens nor restarts anything.
    kai.run()
    kai.confirm()
    finished = stored_interviews(db, kai.user.user_id)
    query_id = forge_press(session.fake, kai.user, callback_data(role_prompt, "3. "), role_prompt)
    assert kai.user.wait_for_callback_answer(query_id).text == NOT_VALID
    assert stored_interviews(db, kai.user.user_id) == finished


def test_forged_callback_data_is_refused_politely(session):
    session.start_bot()
    db = session.database_url
    ann = Interviewee(session.user(7310000007, "Ann"), fresh(HARDWARE_L4))
    ben = Interviewee(session.user(7310000008, "Ben"), fresh(SOFTWARE_L2))
    for person in (ann, ben):
        person.begin()
        person.answer(True)
        person.answer()  # field
    ann_row = active_interview(db, ann.user.user_id)
    ben_row = active_interview(db, ben.user.user_id)
    a, av = ann_row["id"], ann_row["version"]
    b, bv = ben_row["id"], ben_row["version"]
    forged = {
        # Someone else's interview, even with its current version.
        f"{b}:{bv}:o0": NOT_VALID,
        f"{b}:{bv}:b": NOT_VALID,
        f"{b}:{bv}:d": NOT_VALID,
        # Garbage, and junk of exactly the 64 bytes Telegram allows, and more.
        "garbage": NOT_VALID,
        "": NOT_VALID,
        "forget:maybe": NOT_VALID,
        f"{a}:{av}:x1": NOT_VALID,
        f"{a}:{av}:o": NOT_VALID,
        f"{a}:{av}:o-1": NOT_VALID,
        "💥" * 16: NOT_VALID,
        "x" * 64: NOT_VALID,
        "1" * 30 + ":" + "2" * 30 + ":o1": NOT_VALID,
        "0:0:o0": NOT_VALID,
        "9" * 12 + ":" + "9" * 9 + ":o999": NOT_VALID,
        f"{a}:{av}:o0" + "0" * 70: NOT_VALID,
        # Own interview and version and a fitting answer, but not exactly what we render (#10): a
        # trailing newline, digits of another script; a result or language button spelt the same way.
        f"{a}:{av}:o0\n": NOT_VALID,
        f"{a}:{av}:o0\r\n": NOT_VALID,
        f"{a}:{av}:o0".translate(str.maketrans("0123456789", "０１２３４５６７８９")): NOT_VALID,
        "lang:ja\n": NOT_VALID,
        "res:1:card\n": NOT_VALID,
        # Own interview, but an old or future version: the current question comes again.
        f"{a}:{av + 50}:o0": STALE,
        f"{a}:{av - 1}:o0": STALE,
        # Own interview and version, but nothing that fits this question.
        f"{a}:{av}:o99": CATALOGUE["error.choice"],
        f"{a}:{av}:t0": CATALOGUE["error.not_now"],
        f"{a}:{av}:d": CATALOGUE["error.not_now"],
    }
    for data, expected in forged.items():
        before = (active_interview(db, ann.user.user_id), active_interview(db, ben.user.user_id))
        query_id = forge_press(session.fake, ann.user, data, ann.prompt)
        answer = ann.user.wait_for_callback_answer(query_id)
        assert answer.text == expected, data
        assert not answer.show_alert
        if expected == STALE:
            ann.wait_prompt()
        assert (active_interview(db, ann.user.user_id), active_interview(db, ben.user.user_id)) == before, (
            data
        )
    assert ann.key == "role" and ben.key == "role"
    # Both can go on as if nothing happened.
    ann.answer()
    ben.answer()
    assert ann.key == ben.key == "project_count"


@pytest.mark.parametrize("text", ["/nonsense", "/transcript 1", "/results"])
def test_unknown_and_admin_commands_from_a_stranger(session, text):
    session.start_bot()
    eve = session.user(7310000009, "Eve")
    eve.send_text(text)
    reply = eve.wait_for_message()
    assert reply["text"].startswith(("levelcheck tells you", "This command is for admins and team leads"))
