"""SIGKILL at random points of many interviews over the webhook: the fake redelivers every update
the bot did not acknowledge (as Telegram does) while the bot is restarted, and afterwards nothing
acknowledged is lost and nothing is applied twice.

A kill between an update's commit and its reply leaves the person without the next question (the
redelivery is dropped: it was applied); they type /resume, as a person would, and go on.
"""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

import pytest
from budget import examples
from e2e_harness import Interviewee, export, normalized, result_level
from e2e_people import FACILITY_L5, HARDWARE_L4, SOFTWARE_L2, fresh
from fakes.bot_api import FakeBotApi
from webhook_harness import SECRET, WebhookBot, WebhookBots, answers

from criteria import evaluate, parse_profile

INTERVIEWS = examples(50)
PEOPLE = (HARDWARE_L4, FACILITY_L5, SOFTWARE_L2)
PATIENCE = 4.0  # how long a person waits for the next question before looking closer


class Killer:
    """Kills the bot a random moment after an action, then starts it again, in the background."""

    def __init__(self, bot: WebhookBot, rng: random.Random) -> None:
        self.bot = bot
        self.rng = rng
        self.thread: threading.Thread | None = None
        self.kills = 0

    def soon(self) -> None:
        delay = self.rng.uniform(0.0, 0.06)

        def run() -> None:
            time.sleep(delay)  # a random point of the handling (or just after it)
            self.bot.kill()
            self.kills += 1
            self.bot.start()

        self.thread = threading.Thread(target=run)
        self.thread.start()

    def join(self) -> None:
        if self.thread is not None:
            self.thread.join()
            self.thread = None


def answer_surviving(person: Interviewee, fake: FakeBotApi, killer: Killer) -> None:
    """One answer; when no question follows (killed after the commit), /resume as a person would."""
    try:
        person.answer()
    except AssertionError:
        killer.join()  # the bot is back
        fake.wait_until_delivered(timeout=30)  # and has what was not acknowledged
        try:
            person.wait_prompt()  # the redelivered update's reply
        except AssertionError:
            person.send("/resume")


# Fifty interviews, each killed and restarted, take minutes under CI=true: past the suite's 300 s default.
@pytest.mark.timeout(1500)
def test_sigkill_at_random_points_loses_nothing_and_applies_nothing_twice(
    fake: FakeBotApi, bots: WebhookBots, tmp_path: Path
):
    database = f"sqlite:///{tmp_path / 'levelcheck.sqlite3'}"
    # A kill after an edit went out but before it was recorded: the next copy edits a message that
    # already looks so (the bot ignores Telegram's "not modified").
    bots.allowed = lambda call: "message is not modified" in str(call.response.get("description"))
    bot = bots.start(database)
    assert fake.set_webhook(bot.url, SECRET).ok
    rng = random.Random(20261130)
    killer = Killer(bot, rng)
    for n in range(INTERVIEWS):
        user_id = 7350000000 + n
        person = Interviewee(fake.user(user_id, f"P{n}"), fresh(rng.choice(PEOPLE)), timeout=PATIENCE)
        person.begin()
        person.answer(True)
        kill_at, step = rng.randrange(6), 0  # the shortest interview has six questions
        while person.key != "review":
            if step == kill_at:
                killer.soon()
            answer_surviving(person, fake, killer)
            step += 1
        killer.join()
        result = person.confirm()
        assert result_level(result["text"]) == evaluate(parse_profile(person.profile())).level
        assert normalized(export(person.user)) == normalized(person.profile())
        fake.wait_until_delivered(timeout=30)
        keys = [key for _, key, _ in answers(database, user_id)]
        assert len(keys) == len(set(keys)), f"an answer applied twice: {keys}"
        assert keys == [k for k in person.asked if k not in ("review", "result")]
    assert killer.kills == INTERVIEWS
    assert bot.starts == INTERVIEWS + 1
