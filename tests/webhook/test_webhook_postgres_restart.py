"""PostgreSQL restarted under a running bot: it costs at most the requests in flight, and the bot
recovers by itself — the same process, no restart of its own — in polling and in webhook mode.

The server is the test's own (``private_postgres``): ``initdb`` in a temporary folder, ``pg_ctl`` on
a free port, never the machine's shared server. One person goes through an interview while:

1. the server restarts while the bot idles: every pooled connection is dead, yet the next answer
   works at once (the pool must not hand out a closed connection);
2. the server is down while the person answers: polling answers the polite failure message (the
   person sends /resume once it is back); webhook mode answers Telegram 500 and tells the person
   nothing yet, and the fake, as Telegram does, delivers the update again until one is
   acknowledged, after the server is back: its reply is the next question;
3. the server restarts twice at random moments while the person keeps answering.

Then the interview finishes: the result matches the answers and the transcript has every answer once,
in the order asked.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_harness import (
    CATALOGUE,
    WAIT,
    BotProcess,
    Interviewee,
    bot_errors,
    export,
    normalized,
    result_level,
)
from e2e_people import FACILITY_L5, fresh
from fakes.bot_api import ApiCall, FakeBotApi
from private_postgres import PrivateCluster, require_postgres_bindir
from webhook_harness import SECRET, WebhookBot, WebhookBots, answers, free_port, sql

from criteria import evaluate, parse_profile

FAILURE = CATALOGUE["bot.failure"]
HELP = CATALOGUE["bot.help"].split("\n\n")[-1][:40]  # no placeholder there
#: What the bot may log at ERROR while its database is away: the failed update's exception type.
EXPECTED_ERROR = re.compile(r" ERROR .*update failed: (\w+)$")
#: An update that failed because the database did not answer: an outage, said once, as a WARNING.
DATABASE_AWAY = re.compile(r" WARNING bot\.telegram_delivery: an update could not be handled \((\w+)\)")


def harmless(call: ApiCall) -> bool:
    """The Bot API calls an update failing half-way may leave failing, which the bot ignores:

    - it took a question's buttons away but could not record that: the next question takes them
      away again, and Telegram says "not modified";
    - it answered the pressed button, then failed: the error handler, which cannot know, answers
      it again, and Telegram accepts one answer per press. (A redelivered press whose answer was
      used up that way would fail for good: ``check_same_process`` sees that in the log.)
    """
    description = str(call.response.get("description"))
    return "message is not modified" in description or (
        call.method == "answerCallbackQuery" and "query is too old" in description
    )


class TryAgain(Exception):
    """The bot answered with its polite failure message."""


@pytest.fixture
def cluster() -> Iterator[PrivateCluster]:
    """A running PostgreSQL of this test's own; always stopped and deleted afterwards."""
    server = PrivateCluster(require_postgres_bindir(), free_port())
    try:
        server.start()
        yield server
    finally:
        server.destroy()


@pytest.fixture
def polling_bots(fake: FakeBotApi, tmp_path: Path) -> Iterator[list[BotProcess]]:
    """Polling-mode bot processes a test made (``BotProcess``): always stopped."""
    processes: list[BotProcess] = []
    try:
        yield processes
    finally:
        for process in processes:
            process.stop()


def hear_failures(person: Interviewee, failures: list[str]) -> None:
    """Every wait of the person's also sees the failure message: it raises ``TryAgain`` (noted in
    ``failures`` with the question it came at) instead of waiting on for a question."""
    user = person.user
    wait_for_message = user.wait_for_message

    def wait(predicate: Callable[[Any], bool] | None = None, timeout: float = 10.0) -> Any:
        message = wait_for_message(
            lambda m: m.get("text") == FAILURE or predicate is None or predicate(m), timeout
        )
        if message.get("text") == FAILURE:
            failures.append(person.key)
            raise TryAgain
        return message

    user.wait_for_message = wait  # type: ignore[method-assign]


def resume(person: Interviewee) -> None:
    """/resume, as the failure message suggests, until the bot shows the question again."""
    for _ in range(100):
        try:
            person.send("/resume")
            return
        except TryAgain:
            time.sleep(0.1)  # the database is still away: a person tries again a moment later
    raise AssertionError("/resume failed a hundred times: the bot did not recover")


def keep_answering(person: Interviewee, until: Callable[[str], bool]) -> None:
    """Answers on through failures: the failure message means nothing will come by itself (in
    webhook mode an update Telegram delivers again gets no failure message), so /resume."""
    while not until(person.key):
        try:
            person.answer()
        except TryAgain:
            resume(person)


def restart_at_random_moments(cluster: PrivateCluster, rng: random.Random, done: threading.Event) -> int:
    """``pg_ctl restart -m fast`` twice, a random moment apart, while ``done`` is not set."""
    restarts = 0
    for _ in range(2):
        if done.wait(rng.uniform(0.05, 0.4)):  # a random point of the person's answering
            break
        cluster.restart()
        restarts += 1
    return restarts


def settle(fake: FakeBotApi, cluster: PrivateCluster, person: Interviewee) -> None:
    """Returns once the bot has finished all it had to do, so a restart now finds it idle: /help
    (handled after everything before it) is recorded as processed as its handling's very last act."""
    person.user.send_text("/help")
    help_update = max(fake._state.all_updates)
    person.user.wait_for_text(HELP)
    recorded = "SELECT 1 FROM processed_updates WHERE update_id = :u"
    until(lambda: bool(sql(cluster.url, recorded, u=help_update)), "/help recorded as processed")


def until(condition: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    """Polls ``condition`` (state outside the fake, which no notification announces)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout}s: {what}")
        time.sleep(0.02)


def interview_through_restarts(
    fake: FakeBotApi, cluster: PrivateCluster, person: Interviewee, *, webhook: bool
) -> int:
    """The three faults of the module's docstring during one interview, up to its review; returns
    how many restarts fell mid-interview."""
    failures: list[str] = []
    hear_failures(person, failures)
    person.begin()
    person.answer(True)
    person.run(until=lambda key: key == "project_count")

    # 1. Restarted while the bot idles: the next answer works at once.
    settle(fake, cluster, person)
    cluster.restart()
    since = len(fake.deliveries)
    person.answer()
    assert failures == [], "an answer right after a restart failed: a dead pooled connection was used"
    if webhook:
        fake.wait_until_delivered()
        assert [d.status for d in fake.deliveries[since:]] == [200]

    # 2. Down while the person answers.
    person.run(until=lambda key: key.endswith(".rooms"))
    cluster.stop()
    since = len(fake.deliveries)
    typed = person.person.answer(person.key)
    if webhook:
        person.user.send_text(str(typed))
        # Telegram's redeliveries fail too while the server is away; the person hears nothing yet.
        until(lambda: sum(d.status == 500 for d in fake.deliveries[since:]) >= 2, "two deliveries refused")
        cluster.start()
        person.answers[person.key] = typed
        person.wait_prompt()  # the redelivery's reply
        assert person.key.endswith(".area"), "the redelivered answer was applied"
        fake.wait_until_delivered()
        redelivered = fake.deliveries[since:]
        assert len({d.update_id for d in redelivered}) == 1
        assert [d.status for d in redelivered][-1] == 200
        assert failures == [], "no 'try again' for an update Telegram delivers again"
    else:
        with pytest.raises(TryAgain):
            person.send(str(typed))
        cluster.start()
        resume(person)
        assert person.key.endswith(".rooms"), "the failed answer was not applied"
        assert failures == [person.key], "the person was asked to try again"

    # 3. Two restarts at random moments while the person keeps answering.
    done = threading.Event()
    restarts: list[int] = []
    rng = random.Random(20261201)
    restarter = threading.Thread(
        target=lambda: restarts.append(restart_at_random_moments(cluster, rng, done))
    )
    restarter.start()
    try:
        keep_answering(person, until=lambda key: key == "review")
    finally:
        done.set()
        restarter.join()
    return restarts[0]


def check_outcome(cluster: PrivateCluster, person: Interviewee) -> None:
    result = person.confirm()
    assert result_level(result["text"]) == evaluate(parse_profile(person.profile())).level
    assert normalized(export(person.user)) == normalized(person.profile())
    keys = [key for _, key, _ in answers(cluster.url, person.user.user_id)]
    assert keys == [k for k in person.asked if k not in ("review", "result")], "every answer once, in order"


def check_same_process(bot: BotProcess, pid: int, person: Interviewee) -> None:
    """The bot recovered by itself, and whoever's update failed for good was told so."""
    assert bot.running and bot.proc is not None and bot.proc.pid == pid, "the bot process was restarted"
    assert bot.starts == 1 and "----- start #2" not in bot.log
    assert "Traceback" not in bot.log
    assert "could not answer an update" not in bot.log, "a Bot API call of a handler failed"
    errors = [line for line in bot.log.splitlines() if " ERROR " in line]
    assert all(EXPECTED_ERROR.search(line) for line in errors), errors
    assert not [line for line in errors if "update failed" in line], "an outage is not a bug: WARNING"
    errors += [line for line in bot.log.splitlines() if DATABASE_AWAY.search(line)]
    # A person whose update failed silently would have waited in vain (``keep_answering`` fails
    # then); the error lines also count the housekeeping job's failures, which have nobody to tell.
    told = sum(1 for m in person.user.messages if m.get("text") == FAILURE)
    assert told <= len(errors), "a failure message for each update that failed for good, once"


def test_polling_bot_survives_postgresql_restarts(
    cluster: PrivateCluster, fake: FakeBotApi, polling_bots: list[BotProcess], tmp_path: Path
):
    bot = BotProcess(fake, cluster.url, tmp_path / "bot-polling.log", PERSON_UPDATE_LIMIT="0")
    polling_bots.append(bot)
    bot.start()
    assert bot.proc is not None
    pid = bot.proc.pid
    person = Interviewee(fake.user(7360000001, "Ren"), fresh(FACILITY_L5))
    try:
        restarts = interview_through_restarts(fake, cluster, person, webhook=False)
        check_outcome(cluster, person)
        check_same_process(bot, pid, person)
        assert bot_errors(fake, harmless) == []
    except BaseException:
        print(f"===== bot log =====\n{bot.log}\n===== server log =====\n{cluster.server_log}")
        raise
    assert restarts >= 1, "a restart fell in the middle of the interview"


def test_webhook_bot_survives_postgresql_restarts(
    cluster: PrivateCluster, fake: FakeBotApi, bots: WebhookBots
):
    bots.allow_error_log = True  # check_same_process allows only the failed updates' one line each
    bots.allowed = harmless  # and the fixture checks every other Bot API call succeeded
    bot: WebhookBot = bots.start(cluster.url)
    assert fake.set_webhook(bot.url, SECRET).ok
    assert bot.proc is not None
    pid = bot.proc.pid
    person = Interviewee(fake.user(7360000002, "Noa"), fresh(FACILITY_L5))
    try:
        restarts = interview_through_restarts(fake, cluster, person, webhook=True)
        check_outcome(cluster, person)
        fake.wait_until_delivered()
        check_same_process(bot, pid, person)
    except BaseException:
        print(f"===== server log =====\n{cluster.server_log}")
        raise
    assert restarts >= 1, "a restart fell in the middle of the interview"
    refused = {d.update_id for d in fake.deliveries if d.status == 500}
    assert refused, "the updates in flight were answered 500"
    for update_id in refused:
        statuses = [d.status for d in fake.deliveries if d.update_id == update_id]
        assert statuses[-1] == 200, "Telegram's redelivery of an update answered 500 was applied"
    assert {d.status for d in fake.deliveries} <= {200, 500}
    assert bot.get("/readyz").status_code == 200
