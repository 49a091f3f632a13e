"""/forget in the real Telegram handlers: only the latest question's buttons act (issue #9).

The defect: after /forget twice, "No" on the newer question and then "Yes" on the older one
deleted everything the person had just chosen to keep.
"""

from __future__ import annotations

from typing import Any

from bot_fuzz_harness import BotUnderTest
from fakes.bot_api import FakeUser, inline_buttons

QUESTION = "cannot be undone"


def send(h: BotUnderTest, user: FakeUser, text: str) -> None:
    user.send_text(text)
    h.run(h.deliver())


def press(h: BotUnderTest, user: FakeUser, message: dict[str, Any], label_start: str) -> None:
    button = next(b for b in inline_buttons(message) if b["text"].startswith(label_start))
    user.press(button["callback_data"], message["message_id"])
    h.run(h.deliver())


def questions(user: FakeUser) -> list[dict[str, Any]]:
    return [m for m in user.messages if QUESTION in m.get("text", "")]


def message(user: FakeUser, message_id: int) -> dict[str, Any]:
    return next(m for m in user.messages if m["message_id"] == message_id)


async def stored(h: BotUnderTest, telegram_id: int) -> tuple[bool, int]:
    async with h.uow() as uow:
        user = await uow.users.by_telegram_id(telegram_id)
        if user is None:
            return False, 0
        return True, len(await uow.interviews.list_for_user(user))


def test_no_on_the_newer_question_then_yes_on_the_older_deletes_nothing(bot_under_test: BotUnderTest):
    h = bot_under_test
    user = h.fake.user(6_100_000_101, "Wary")
    send(h, user, "/start")
    press(h, user, user.messages[-1], "Yes, start")
    assert h.run(stored(h, user.user_id)) == (True, 1)

    send(h, user, "/forget")
    send(h, user, "/forget")
    older, newer = questions(user)
    assert older["reply_markup"] != newer["reply_markup"], "each question has its own buttons"

    press(h, user, newer, "No, keep my data")
    assert message(user, newer["message_id"])["text"] == "Nothing was deleted."
    press(h, user, older, "Yes, delete everything")
    assert h.run(stored(h, user.user_id)) == (True, 1), "the older question deleted the data"
    answered = message(user, older["message_id"])
    assert "no longer valid" in answered["text"] and "reply_markup" not in answered

    send(h, user, "/forget")
    latest = questions(user)[-1]
    press(h, user, latest, "Yes, delete everything")
    assert message(user, latest["message_id"])["text"] == "Done: everything about you is deleted."
    assert h.run(stored(h, user.user_id)) == (False, 0)
    assert not h.failures, [f.trace for f in h.failures]


def test_yes_on_an_older_question_after_a_newer_one_was_asked_deletes_nothing(bot_under_test: BotUnderTest):
    h = bot_under_test
    user = h.fake.user(6_100_000_102, "Twice")
    send(h, user, "/start")
    press(h, user, user.messages[-1], "Yes, start")
    send(h, user, "/forget")
    send(h, user, "/forget")
    older, newer = questions(user)
    press(h, user, older, "Yes, delete everything")
    assert h.run(stored(h, user.user_id)) == (True, 1)
    press(h, user, newer, "Yes, delete everything")
    assert h.run(stored(h, user.user_id)) == (False, 0)
    assert not h.failures, [f.trace for f in h.failures]
