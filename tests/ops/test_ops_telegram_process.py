"""``python -m bot`` in Telegram mode when things go wrong around it: a token Telegram rejects at start
or revokes while it runs, a second poller on the same token, a Bot API outage, a stop signal.

Each case ends in one clear log line and the exit code a supervisor (systemd's
``Restart=on-failure``) acts on: 0 after SIGTERM/SIGINT, non-zero when the bot cannot go on, and no
traceback and no token in the log (the ``bot_processes`` fixture checks every log for the token).
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from e2e_harness import REPO_ROOT, TOKEN, WAIT, BotProcess, bot_environment
from fakes.bot_api import FakeBotApi
from ops_harness import SECRETS, StartBot

from bot.log_safety import MASK

#: The same bot id with another secret: what Telegram answers 401 Unauthorized to.
REJECTED = TOKEN.split(":", 1)[0] + ":AAFe2eRevoked_Token-notReal-0zZ"
_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) ", re.M)


def lines_at(log: str, *levels: str) -> list[str]:
    """The log lines written at one of ``levels``."""
    return [line for line in log.splitlines() if (m := _LINE.match(line)) and m.group(1) in levels]


def wait_exit(process: BotProcess, timeout: float = WAIT) -> int:
    assert process.proc is not None
    try:
        return process.proc.wait(timeout)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"the bot did not stop within {timeout}s:\n{process.log}") from None


def assert_no_trace(log: str) -> None:
    assert "Traceback" not in log, log
    assert "update failed" not in log, log  # polling trouble is not an update's failure


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
def test_a_token_telegram_rejects_ends_the_start_with_one_line(
    fake: FakeBotApi, tmp_path: Path, level: str
) -> None:
    database = tmp_path / "levelcheck.sqlite3"
    env = bot_environment(fake, BOT_TOKEN=REJECTED, DATABASE_URL=f"sqlite:///{database}", LOG_LEVEL=level)
    done = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    [line] = lines_at(output, "INFO", "WARNING", "ERROR", "CRITICAL")
    assert " ERROR " in line and "Telegram rejected the bot token" in line and "BOT_TOKEN" in line
    if level == "INFO":
        assert output.splitlines() == [line]
    else:  # python-telegram-bot names its URL, token included, at DEBUG: masked
        assert f"Set Bot API URL: {fake.base_url}{MASK}" in output
    assert "Traceback" not in output
    for secret in (REJECTED, REJECTED.split(":", 1)[1], *SECRETS):
        assert secret not in output
    assert fake.requests == []  # the fake turned the token away at the door (401), as Telegram does
    assert not database.exists()  # nothing was opened for a bot that cannot run


def test_a_bot_api_unreachable_at_start_is_one_line_and_exit_1(tmp_path: Path) -> None:
    nowhere = "http://127.0.0.1:9"  # the discard port: nothing listens, the connection is refused
    env = bot_environment(
        None,
        BOT_TOKEN=TOKEN,
        DATABASE_URL=f"sqlite:///{tmp_path / 'levelcheck.sqlite3'}",
        BOT_API_BASE_URL=f"{nowhere}/bot",
        BOT_API_FILE_URL=f"{nowhere}/file/bot",
        LOG_LEVEL="INFO",
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    [line] = output.splitlines()
    assert " ERROR " in line and "cannot reach the Bot API at start (NetworkError)" in line
    assert all(secret not in output for secret in SECRETS)


def test_the_token_is_masked_at_debug_while_serving(fake: FakeBotApi, make_bot: StartBot) -> None:
    bot = make_bot(LOG_LEVEL="DEBUG").start()
    user = fake.user(7320000001, "Rin")
    user.send_text("/help")
    assert "levelcheck" in user.wait_for_message()["text"]
    assert bot.stop() == 0
    assert f"Set Bot API URL: {fake.base_url}{MASK}" in bot.log
    assert "Calling Bot API endpoint `getUpdates`" in bot.log  # DEBUG really was on
    assert_no_trace(bot.log)  # and the fixture checks the whole log for the token


def test_a_token_revoked_while_running_stops_the_process_non_zero(
    fake: FakeBotApi, make_bot: StartBot
) -> None:
    bot = make_bot().start()
    user = fake.user(7320000002, "Ren")
    user.send_text("/help")
    user.wait_for_message()
    fake.revoke_token()
    assert wait_exit(bot) == 1
    [error] = lines_at(bot.log, "ERROR", "CRITICAL")
    assert "Telegram no longer accepts the bot token (InvalidToken from getUpdates)" in error
    assert_no_trace(bot.log)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_while_polling_exits_0_without_a_trace(
    fake: FakeBotApi, make_bot: StartBot, signum: signal.Signals
) -> None:
    bot = make_bot().start()
    user = fake.user(7320000003, "Ryo")
    user.send_text("/help")
    user.wait_for_message()
    assert bot.proc is not None
    bot.proc.send_signal(signum)
    assert wait_exit(bot) == 0
    assert "Application.stop() complete" in bot.log
    assert lines_at(bot.log, "WARNING", "ERROR", "CRITICAL") == []
    assert_no_trace(bot.log)
    assert "KeyboardInterrupt" not in bot.log


def test_sigterm_during_the_start_exits_0_without_a_trace(
    fake: FakeBotApi, make_bot: StartBot, tmp_path: Path
) -> None:
    """Mid-start (the token checked, migrations and the command menus under way): no polling starts."""
    bot = make_bot()
    with bot.log_path.open("ab") as log:
        bot.proc = subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=REPO_ROOT,
            env=bot.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    fake.wait_for_call("getMe", timeout=60)
    bot.proc.send_signal(signal.SIGTERM)
    assert wait_exit(bot) == 0
    assert lines_at(bot.log, "WARNING", "ERROR", "CRITICAL") == []
    assert_no_trace(bot.log)
    assert fake.calls("getUpdates") == []


def test_a_second_poller_on_the_same_token_stops_one_process_with_one_line(
    fake: FakeBotApi, make_bot: StartBot
) -> None:
    first = make_bot().start()
    second = make_bot().start()
    deadline = time.monotonic() + WAIT
    while first.running and second.running:
        assert time.monotonic() < deadline, f"both pollers still run:\n{first.log}\n{second.log}"
        time.sleep(0.05)
    stopped, survivor = (first, second) if not first.running else (second, first)
    assert wait_exit(stopped) == 1
    [error] = lines_at(stopped.log, "ERROR", "CRITICAL")
    assert "another process is polling Telegram with this bot token (409 Conflict)" in error
    assert lines_at(stopped.log, "WARNING") == []
    # The other one goes on serving, and is not stopped by the first one's leaving.
    user = fake.user(7320000004, "Rui")
    user.send_text("/help")
    assert "levelcheck" in user.wait_for_message()["text"]
    time.sleep(2.5)  # longer than a poller's pause after a 409: a second one would have shown by now
    assert survivor.running
    assert lines_at(survivor.log, "WARNING", "ERROR", "CRITICAL") == []
    assert survivor.stop() == 0
    for process in (stopped, survivor):
        assert_no_trace(process.log)


def test_a_single_foreign_get_updates_is_survived_quietly(fake: FakeBotApi, make_bot: StartBot) -> None:
    """One 409 is not a second poller: an operator's one-off getUpdates (curl) must not stop the bot."""
    bot = make_bot().start()
    user = fake.user(7320000006, "Roa")
    user.send_text("/help")
    user.wait_for_message()
    fake.wait_for_call("getUpdates", predicate=lambda c: c.ok and c.response["result"] != [])
    time.sleep(0.3)  # the bot's next long poll is pending now
    since = len(fake.requests)
    one_off = httpx.post(f"{fake.base_url}{TOKEN}/getUpdates", data={"timeout": "0"}, timeout=10)
    assert one_off.json()["ok"] is True
    fake.wait_for_call("getUpdates", since=since, predicate=lambda c: c.status == 409)  # the bot's poll
    user.send_text("/help")
    assert "levelcheck" in user.wait_for_message()["text"]
    assert bot.running
    assert lines_at(bot.log, "WARNING", "ERROR", "CRITICAL") == []
    assert bot.stop() == 0
    assert_no_trace(bot.log)


def test_a_bot_api_outage_is_one_warning_and_polling_resumes(fake: FakeBotApi, make_bot: StartBot) -> None:
    bot = make_bot().start()
    user = fake.user(7320000005, "Ran")
    user.send_text("/help")
    user.wait_for_message()
    since = len(fake.requests)
    fake.outage()
    deadline = time.monotonic() + WAIT
    while len([c for c in fake.requests[since:] if c.method == "getUpdates" and c.status == 502]) < 3:
        assert time.monotonic() < deadline, "the bot stopped polling during the outage"
        time.sleep(0.05)
    fake.outage(down=False)
    user.send_text("/help")
    assert "levelcheck" in user.wait_for_message(timeout=2 * WAIT)["text"]
    bot.wait_for_log("the Bot API answers again")
    assert bot.running
    [warning] = lines_at(bot.log, "WARNING")
    assert "the Bot API does not answer (NetworkError: Bad Gateway)" in warning
    assert lines_at(bot.log, "ERROR", "CRITICAL") == []
    assert bot.stop() == 0
    assert_no_trace(bot.log)
