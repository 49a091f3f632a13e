"""The real bot process in webhook mode, end to end through the fake Bot API's webhook delivery."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from e2e_harness import REPO_ROOT, TOKEN, Interviewee, bot_environment, export, normalized, result_level
from e2e_people import FACILITY_L5, FACILITY_L5_BY_HAND, HARDWARE_L4, HARDWARE_L4_BY_HAND, fresh
from fakes.bot_api import FakeBotApi
from webhook_harness import SECRET, WebhookBots, answers, sql

from criteria import evaluate, parse_profile


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'levelcheck.sqlite3'}"


def test_an_interview_to_its_result_over_the_webhook(fake: FakeBotApi, bots: WebhookBots, tmp_path: Path):
    bot = bots.start(sqlite_url(tmp_path))
    assert bot.get("/healthz").status_code == 200
    assert bot.get("/readyz").text == "ready\n"
    assert fake.calls("setWebhook") == [] and fake.calls("deleteWebhook") == [], "a start registers nothing"
    assert fake.set_webhook(bot.url, SECRET).ok
    ada = Interviewee(fake.user(7320000001, "Ada"), fresh(HARDWARE_L4))
    ada.begin()
    ada.answer(True)
    ada.run()
    result = ada.confirm()
    assert result_level(result["text"]) == HARDWARE_L4_BY_HAND == evaluate(parse_profile(ada.profile())).level
    assert normalized(export(ada.user)) == normalized(ada.profile())
    fake.wait_until_delivered()
    assert {d.status for d in fake.deliveries} == {200}
    handled = int(sql(bots.processes[0].env["DATABASE_URL"], "SELECT count(*) FROM processed_updates")[0][0])
    assert handled == len(fake._state.all_updates)  # every update recorded, reads included
    assert bot.metric("levelcheck_updates_handled_total", kind="callback_query") > 10
    assert bot.metric("levelcheck_interviews_finished_total") == 1
    assert bot.metric("levelcheck_duplicate_updates_dropped_total") == 0


def test_a_duplicate_typed_number_is_applied_once(fake: FakeBotApi, bots: WebhookBots, tmp_path: Path):
    """Regression: typing "7" once stored rooms = 7 and area = 7 when the update arrived twice."""
    database = sqlite_url(tmp_path)
    bot = bots.start(database)
    assert fake.set_webhook(bot.url, SECRET).ok
    rio = Interviewee(fake.user(7320000002, "Rio"), fresh(FACILITY_L5))
    rio.begin()
    rio.answer(True)
    rio.run(until=lambda key: key == "project.1.rooms")
    rio.answer(7)  # typed
    assert rio.key == "project.1.area"
    fake.wait_until_delivered()
    typed = max(fake._state.all_updates)
    assert fake.post_update(typed) == 200  # the same update again, after later ones: dropped
    assert rio.user.messages[-1] == rio.prompt, "nothing was sent for the duplicate"
    rio.answer()
    rio.run()
    review = rio.prompt["text"]
    assert "Project 1: computer rooms: 7" in review
    assert "Project 1: floor area (m²): 2,513" in review
    keys = [key for _, key, _ in answers(database, 7320000002)]
    assert keys.count("project.1.rooms") == 1 and keys.count("project.1.area") == 1
    assert bot.metric("levelcheck_duplicate_updates_dropped_total") == 1
    result = rio.confirm()
    person = fresh(FACILITY_L5)
    person.projects[0]["rooms"] = 7
    assert result_level(result["text"]) == evaluate(parse_profile(rio.profile())).level
    assert FACILITY_L5_BY_HAND == 5


def test_set_webhook_and_delete_webhook_are_commands(fake: FakeBotApi, tmp_path: Path):
    env = bot_environment(
        fake,
        BOT_TOKEN=TOKEN,
        WEBHOOK_URL="https://bot.example.org/telegram",
        WEBHOOK_SECRET=SECRET,
        DATABASE_URL=sqlite_url(tmp_path),
    )

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    done = run("set-webhook")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "levelcheck: webhook set to https://bot.example.org/telegram; 0 updates pending\n"
    [call] = fake.calls("setWebhook")
    assert call.params["secret_token"] == SECRET and call.params["drop_pending_updates"] is False
    assert call.params["allowed_updates"] == ["message", "edited_message", "callback_query"]
    assert SECRET not in done.stdout + done.stderr and TOKEN not in done.stdout + done.stderr
    done = run("delete-webhook")
    assert (done.returncode, done.stdout) == (
        0,
        "levelcheck: webhook deleted; 0 updates pending for polling\n",
    )
    env.pop("WEBHOOK_URL")
    done = run("set-webhook")
    assert done.returncode == 2 and done.stderr.strip().endswith("needs WEBHOOK_URL and WEBHOOK_SECRET")
    assert not (tmp_path / "levelcheck.sqlite3").exists(), "the commands open no database"
