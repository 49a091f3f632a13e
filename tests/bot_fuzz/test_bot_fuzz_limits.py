"""Limits of the Telegram front, through the real application: floods, long texts, double taps,
late texts, and the send rate."""

from __future__ import annotations

from typing import Any

import pytest
from bot_fuzz_harness import BotUnderTest
from fakes.bot_api import FakeUser, inline_buttons
from sqlalchemy import func, select
from telegram.ext import AIORateLimiter

from bot.config import Settings
from bot.storage import TranscriptEntry
from bot.telegram_limits import MAX_TYPED, SEND_RETRIES, PersonLimit, send_limiter
from dialogs import Messages

EN = Messages("en")
SLOW_DOWN = EN("bot.limits.slow_down")
TOO_LONG = EN("bot.limits.too_long", limit=EN.number(MAX_TYPED))


def person_limit(h: BotUnderTest) -> PersonLimit:
    handler = h.app.handlers[-2][0]
    assert isinstance(handler.callback, PersonLimit)
    return handler.callback


def deliver_all(h: BotUnderTest) -> None:
    while h.run(h.deliver()):  # getUpdates hands out at most 100 at a time
        pass


def newest_keyboard(user: FakeUser) -> dict[str, Any]:
    return next(m for m in reversed(user.messages) if inline_buttons(m))


def press(h: BotUnderTest, user: FakeUser, label_start: str) -> None:
    message = newest_keyboard(user)
    button = next(b for b in inline_buttons(message) if b["text"].startswith(label_start))
    user.press(button["callback_data"], message["message_id"])
    deliver_all(h)


def at_field_question(h: BotUnderTest, user: FakeUser) -> None:
    user.send_text("/start")
    deliver_all(h)
    press(h, user, "Yes, start")
    assert "field" in newest_keyboard(user)["text"].lower()


async def transcript_size(h: BotUnderTest) -> tuple[int, int]:
    """(entries, characters) of every transcript."""
    async with h.uow() as uow:
        count, size = (
            await uow.session.execute(
                select(
                    func.count(TranscriptEntry.id),
                    func.coalesce(func.sum(func.length(TranscriptEntry.text)), 0),
                )
            )
        ).one()
    return int(count), int(size)


def texts_since(user: FakeUser, count: int) -> list[str]:
    return [m.get("text", "") for m in user.messages[count:]]


def test_a_flood_of_long_messages_stores_nothing_and_is_answered_once_then_silence(
    bot_under_test: BotUnderTest,
) -> None:
    """The probe: 300 messages of 4,096 characters were all stored (2.5 MB in 7 s). Now the length
    is refused before the database, and after the person's limit the bot falls silent."""
    h = bot_under_test
    limit = person_limit(h)
    now = [1000.0]
    limit.clock = lambda: now[0]
    user = h.fake.user(6_100_000_201, "Flood")
    at_field_question(h, user)  # /start spent one message of the window (presses do not count)
    entries, size = h.run(transcript_size(h))
    shown = len(user.messages)
    for _ in range(300):
        user.send_text("x" * 4096)
    deliver_all(h)

    replies = texts_since(user, shown)
    assert replies.count(TOO_LONG) == limit.limit - 1
    assert replies.count(SLOW_DOWN) == 1
    assert len(replies) == limit.limit - 1 + 1, "silence after the one polite answer"
    assert h.run(transcript_size(h)) == (entries, size), "nothing of the flood was stored"

    now[0] += limit.window  # the window passed: the person is heard again
    user.send_text("1")
    deliver_all(h)
    assert "role" in newest_keyboard(user)["text"].lower()
    assert not h.failures


def test_a_flood_of_short_junk_stores_a_bounded_transcript(bot_under_test: BotUnderTest) -> None:
    h = bot_under_test
    limit = person_limit(h)
    limit.clock = lambda: 5.0
    user = h.fake.user(6_100_000_202, "Junk")
    at_field_question(h, user)
    entries, size = h.run(transcript_size(h))
    for n in range(300):
        user.send_text(f"junk {n} " + "y" * (MAX_TYPED - 10))
    deliver_all(h)
    more_entries, more_size = h.run(transcript_size(h))
    # Each admitted text is one refused answer and the question again; the other 281 were never read.
    assert 0 < more_entries - entries <= 2 * (limit.limit - 1)
    assert more_size - size <= 2 * (limit.limit - 1) * (MAX_TYPED + 2_000)
    assert not h.failures


def test_five_taps_on_one_button_record_one_answer_and_send_the_next_question_once(
    bot_under_test: BotUnderTest,
) -> None:
    h = bot_under_test
    user = h.fake.user(6_100_000_203, "Tapper")
    at_field_question(h, user)
    message = newest_keyboard(user)
    hardware = next(b for b in inline_buttons(message) if b["text"].startswith("1. "))
    sends = len(h.fake.calls("sendMessage"))
    queries = [user.press(hardware["callback_data"], message["message_id"]) for _ in range(5)]
    deliver_all(h)

    sent = h.fake.calls("sendMessage")[sends:]
    assert len(sent) == 1, [c.params.get("text", "")[:40] for c in sent]
    assert "role" in newest_keyboard(user)["text"].lower()
    answers = [a for a in user.callback_answers if a.query_id in queries]
    assert sorted(a.text or "" for a in answers) == ["", *[EN("bot.limits.already_pressed")] * 4]

    async def field_answers() -> int:
        async with h.uow() as uow:
            statement = select(func.count(TranscriptEntry.id)).where(
                TranscriptEntry.direction == "answer", TranscriptEntry.key == "field"
            )
            return int(await uow.session.scalar(statement) or 0)

    assert h.run(field_answers()) == 1
    assert not h.failures


def test_a_text_delivered_again_after_the_next_question_changes_nothing(bot_under_test: BotUnderTest) -> None:
    """A redelivery that is not recognised by its update id (another replica, a new id) still carries
    its message id: older than the question now shown, it is refused politely."""
    h = bot_under_test
    user = h.fake.user(6_100_000_204, "Late")
    at_field_question(h, user)
    typed = user.send_text("1")  # hardware
    deliver_all(h)
    role = newest_keyboard(user)
    assert "role" in role["text"].lower()
    entries = h.run(transcript_size(h))
    shown = len(user.messages)
    h.run(h.process({"update_id": 10**9 + 7, "message": typed}))  # "1" again: would answer the role
    assert texts_since(user, shown) == [EN("bot.limits.earlier_question")]
    assert h.run(transcript_size(h)) == entries
    assert newest_keyboard(user)["message_id"] == role["message_id"]
    assert not h.failures


def test_sending_is_rate_limited_to_this_replicas_share_and_retried(
    bot_under_test: BotUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    limiter = bot_under_test.app.bot.rate_limiter
    assert isinstance(limiter, AIORateLimiter)
    assert limiter._base_limiter.max_rate == 30  # one replica: the token's whole rate
    assert limiter._max_retries == SEND_RETRIES > 0  # a RetryAfter is waited out, then retried
    monkeypatch.setenv("SEND_RATE_PER_SECOND", "24")
    monkeypatch.setenv("REPLICAS", "3")
    assert send_limiter(Settings())._base_limiter.max_rate == 8
