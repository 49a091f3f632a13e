"""``python -m bot`` without a token, in a real subprocess, typed at line by line like a person would."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from service_driver import TRUTHS, truth_level
from terminal_session import BotProcess, level_in, typed_script

from bot.app import open_runtime
from bot.terminal import local_identity
from criteria import load_standard
from dialogs import Messages

MSG = Messages("en", load_standard())
CONSENT = MSG("consent.text", title=MSG.standard_title())
SAVED = "Your answers are saved. Run make run again to resume."
WELCOME_BACK = "Welcome back"


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator:
    """Starts bot processes in ``tmp_path`` (its SQLite file there too) and kills any left running."""
    started: list[BotProcess] = []

    def start(database: Path | None = tmp_path / "levelcheck-test.sqlite3", **env: str) -> BotProcess:
        process = BotProcess(tmp_path, database, env)
        started.append(process)
        return process

    yield start
    for process in started:
        process.kill()


def _stored(database: Path) -> tuple[dict | None, list]:
    """(export, history) of the terminal user, read in this process after the bot process ended."""

    async def read() -> tuple[dict | None, list]:
        runtime = await open_runtime(f"sqlite:///{database}")
        try:
            who = local_identity()
            export = await runtime.service.export(who)
            return (None if export is None else export["profile"]), await runtime.service.history(who)
        finally:
            await runtime.close()

    return asyncio.run(read())


@pytest.mark.parametrize("field", sorted(TRUTHS))
def test_a_full_interview_ends_with_the_level(spawn, tmp_path: Path, field: str) -> None:
    truth = TRUTHS[field]
    script, result_text = typed_script(truth)
    # one run with the default database (levelcheck.sqlite3 in the working directory), the others named
    default = field == "hardware"
    bot = spawn(None) if default else spawn()
    screen = bot.read_prompt()
    for typed in script:
        assert typed.shown in screen, f"expected {typed.key!r} before typing {typed.line!r}:\n{screen}"
        assert "!!" not in screen, screen
        bot.send(typed.line)
        screen = bot.read_prompt()
    assert result_text in screen
    assert level_in(screen) == truth_level(truth)
    assert "1. Start a new assessment" in screen
    bot.send("q")
    code, rest = bot.finish()
    assert code == 0 and SAVED in rest, bot.transcript + bot.stderr()

    database = tmp_path / ("levelcheck.sqlite3" if default else "levelcheck-test.sqlite3")
    assert database.is_file()
    exported, history = _stored(database)
    assert [(r.field, r.level) for r in history] == [(field, truth_level(truth))]
    assert exported == history[0].profile


def test_quit_in_the_middle_then_start_again_resumes_with_the_answers_kept(spawn, tmp_path: Path) -> None:
    bot = spawn()
    assert CONSENT in bot.read_prompt()
    for line in ("1", "2", "3", "3"):  # yes, software, responsible, two projects
        bot.send(line)
        screen = bot.read_prompt()
    assert "Project 1 of 2: which of these describe that system?" in screen
    bot.send("1 3")  # ticked, not yet done
    screen = bot.read_prompt()
    assert "  1. [x] " in screen and "  2. [ ] " in screen and "  3. [x] " in screen
    bot.send("q")
    code, rest = bot.finish()
    assert code == 0 and SAVED in rest
    assert WELCOME_BACK not in bot.transcript

    exported, history = _stored(tmp_path / "levelcheck-test.sqlite3")
    assert exported is not None and (exported["field"], exported["role"]) == ("software", "responsible")
    assert history == []

    again = spawn()
    screen = again.read_prompt()
    assert WELCOME_BACK in screen
    assert CONSENT not in screen
    assert "Project 1 of 2: which of these describe that system?" in screen
    assert "  1. [x] " in screen and "  2. [ ] " in screen and "  3. [x] " in screen
    again.send("")  # done with what was ticked before quitting
    assert "Project 1 of 2: which best describes the size" in again.read_prompt()
    for question in (
        "Project 1 of 2: which of these",
        MSG("q.project_count", what=MSG.std("projects.what")),
        MSG("q.role", field_name="Software"),
    ):
        again.send("b")
        assert question in again.read_prompt()
    again.send("b")
    assert MSG("q.field") in again.read_prompt()
    code, rest = again.finish()  # end of input: saved, as after "q"
    assert code == 0 and SAVED in rest


def test_bad_input_at_a_numbered_prompt_shows_the_reason_and_the_same_question(spawn) -> None:
    bot = spawn()
    bot.read_prompt()

    def refused(line: str, reason: str, question: str) -> None:
        bot.send(line)
        screen = bot.read_prompt()
        assert f"!! {reason}" in screen, screen
        assert question in screen.split(f"!! {reason}", 1)[1], screen
        assert "Traceback" not in screen

    for line in ("abc", "99", "3"):
        refused(line, MSG("error.yesno"), CONSENT)
    bot.send("y")
    assert MSG("q.field") in bot.read_prompt()
    for line in ("abc", "99", "0", "-1", "1 2"):
        refused(line, MSG("error.choice"), MSG("q.field"))
    for line in ("3", "3", "2"):  # facility, responsible, one project
        bot.send(line)
        screen = bot.read_prompt()
    checklist = "Project 1 of 1: which of these describe that system?"
    assert checklist in screen
    for line in ("abc", "99", "1 99", "1 x"):
        refused(line, MSG("error.checklist"), checklist)
    assert "[x]" not in screen  # nothing was ticked by a refused line
    for line in ("1 2", "", "2"):  # two ticks (one would not count: no size asked), done, whole
        bot.send(line)
        screen = bot.read_prompt()
    rooms = "Project 1 of 1: how many computer rooms"
    assert rooms in screen
    for line in ("abc", "-1", "1001", "1.5"):
        refused(line, MSG("error.integer", minimum="0", maximum="1,000"), rooms)
    bot.send(" 4 ")
    assert "total floor area" in bot.read_prompt()
    bot.send("b")
    assert rooms in bot.read_prompt()
    bot.send("q")
    assert bot.finish()[0] == 0


def test_back_at_the_first_question_and_help_keep_the_question(spawn) -> None:
    bot = spawn()
    bot.read_prompt()
    bot.send("b")
    screen = bot.read_prompt()
    assert f"!! {MSG('error.nothing_to_go_back')}" in screen and CONSENT in screen
    bot.send("?")
    screen = bot.read_prompt()
    assert "b = back, r = restart, q = quit and resume later" in screen and CONSENT in screen
    bot.send("quit")
    assert bot.finish()[0] == 0


def test_restart_at_the_consent_question_does_not_crash(spawn) -> None:
    bot = spawn()
    bot.read_prompt()
    bot.send("r")
    screen = bot.read_prompt(timeout=10)
    assert CONSENT in screen
    bot.send("q")
    assert bot.finish()[0] == 0


def test_ctrl_c_at_a_question_saves_and_exits_cleanly(spawn, tmp_path: Path) -> None:
    bot = spawn()
    bot.read_prompt()
    bot.send("y")
    assert MSG("q.field") in bot.read_prompt()
    time.sleep(0.3)  # let it block in reading the next line, where a person presses Ctrl-C
    bot.process.send_signal(signal.SIGINT)
    code, rest = bot.finish(close_input=False)  # the input stays open: the interrupt alone ends it
    assert code == 0 and SAVED in rest, bot.transcript + bot.stderr()
    assert bot.stderr().removeprefix("\n--- stderr ---\n") == ""  # no traceback, no fatal error at exit
    exported, _ = _stored(tmp_path / "levelcheck-test.sqlite3")
    assert exported is None  # consent given, no field yet: nothing to export, but the interview is kept
    again = spawn()
    assert WELCOME_BACK in again.read_prompt()
