"""``TerminalFront`` in-process, with StringIO for the keyboard and the screen."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from service_driver import TRUTHS, take_assessment, truth_level
from terminal_session import level_in, typed_script

from bot.app import Runtime, open_runtime
from bot.service import Identity
from bot.terminal import HELP, TerminalFront
from criteria import load_standard
from dialogs import Messages

MSG = Messages("en", load_standard())
WHO = Identity(local_key="terminal:tester", display_name="tester")


@pytest.fixture
async def runtime(tmp_path: Path) -> AsyncIterator[Runtime]:
    runtime = await open_runtime(f"sqlite:///{tmp_path / 'front.sqlite3'}")
    try:
        yield runtime
    finally:
        await runtime.close()


async def _run(runtime: Runtime, *lines: str) -> str:
    screen = io.StringIO()
    front = TerminalFront(runtime.service, WHO, io.StringIO("".join(f"{line}\n" for line in lines)), screen)
    assert await front.run() == 0
    return screen.getvalue()


async def test_a_whole_interview_then_review_and_confirm_again(runtime: Runtime) -> None:
    script, result_text = typed_script(TRUTHS["software"])
    screen = await _run(runtime, *(t.line for t in script), "2", "1", "q")
    assert screen.count(result_text) == 2  # the result, then again after "back to my answers" + confirm
    assert level_in(screen) == truth_level(TRUTHS["software"])
    assert MSG("review.text") in screen.split(result_text)[1]
    assert screen.rstrip().endswith("Your answers are saved. Run make run again to resume.")
    history = await runtime.service.history(WHO)
    assert [r.level for r in history] == [truth_level(TRUTHS["software"])] * 2
    assert history[0].interview_id != history[1].interview_id


async def test_end_of_input_saves_and_the_next_run_welcomes_back(runtime: Runtime) -> None:
    first = await _run(runtime, "y", "1")
    assert "Welcome back" not in first and first.rstrip().endswith("Run make run again to resume.")
    second = await _run(runtime)
    assert "Welcome back" in second and MSG("q.role", field_name="Hardware") in second


async def test_checklists_take_numbers_commas_and_repeats_then_done(runtime: Runtime) -> None:
    await _run(runtime, "y", "1", "3", "2")  # hardware, responsible, one project
    screen = await _run(runtime, "1,3", "2 2", "d")
    # "2 2" ticks and unticks; "d" (like an empty line) ends the checklist with 1 and 3
    assert "  1. [x] " in screen and "  3. [x] " in screen
    assert MSG("q.project.size", n=1, count=1) in screen
    reply = await runtime.service.current(WHO)
    exported = await runtime.service.export(WHO)
    assert reply.prompt is not None and reply.prompt.key == "project.1.size"
    assert exported is not None and exported["profile"]["experiences"] == []  # the project is half described
    async with runtime.service._uow() as uow:
        user = await uow.users.by_local_key(WHO.local_key or "")
        assert user is not None
        row = await uow.interviews.active_for(user)
        assert row is not None
        complexity = row.snapshot["answers"]["project.1.complexity"]
    options = load_standard().fields["hardware"].complexity  # in the order they are numbered
    assert complexity == [options[0], options[2]]


async def test_help_back_and_restart(runtime: Runtime) -> None:
    screen = await _run(runtime, "y", "help", "1", "b", "r", "yes", "q")
    assert HELP in screen
    role = MSG("q.role", field_name="Hardware")
    after_back = screen.split(role, 1)[1]
    assert MSG("q.field") in after_back  # "b" at the role shows the field question again
    assert screen.count(MSG("q.field")) == 4  # first, after help, after back, after restart
    exported = await runtime.service.export(WHO)
    assert exported is None  # the restart dropped field and role


async def test_declining_consent_ends_the_run_and_keeps_nothing(runtime: Runtime) -> None:
    screen = await _run(runtime, "n")
    # how to come back is said in the terminal's words (no /start here)
    assert screen.rstrip().endswith(f"{MSG('declined.text')}\n{MSG('terminal.declined.again')}")
    assert "/start" not in screen
    assert await runtime.service.forget(WHO) is False  # nothing was kept, not even the user


async def test_forget_asks_first_then_deletes_everything_and_ends(runtime: Runtime) -> None:
    script, _ = typed_script(TRUTHS["hardware"])
    await _run(runtime, *(t.line for t in script), "q")  # a finished interview with its result
    assert await runtime.service.history(WHO)

    kept = await _run(runtime, "forget", "no", "q")
    assert MSG("terminal.forget.confirm") in kept and MSG("terminal.forget.kept") in kept
    assert await runtime.service.history(WHO)

    gone = await _run(runtime, "forget", "yes")
    assert gone.rstrip().endswith(MSG("terminal.forget.done"))
    assert await runtime.service.history(WHO) == []
    assert await runtime.service.forget(WHO) is False  # nothing left to delete


async def test_restart_asks_first_and_no_keeps_the_answers(runtime: Runtime) -> None:
    screen = await _run(runtime, "y", "1", "2", "r", "no", "q")
    assert MSG("terminal.restart.confirm") in screen and MSG("terminal.restart.kept") in screen
    after = screen.split(MSG("terminal.restart.kept"), 1)[1]
    assert MSG("q.project_count", what=MSG.std("projects.what")) in after  # back where it was asked
    exported = await runtime.service.export(WHO)
    assert exported is not None and exported["profile"]["field"] == "hardware"
    await _run(runtime, "r", "はい", "q")  # yes in Japanese words too
    assert await runtime.service.export(WHO) is None


async def test_at_the_result_slips_forget_no_and_help_come_back_to_the_menu(runtime: Runtime) -> None:
    script, result_text = typed_script(TRUTHS["hardware"])
    keep = MSG("terminal.result.keep")
    menu = f"  1 = Start a new assessment\n  2 = Back to my answers\n  {keep}\n  " + HELP
    screen = await _run(runtime, *(t.line for t in script), "xyz", "forget", "no", "help", "9", "2", "q")
    after = screen.split(result_text, 1)[1]
    assert screen.count(result_text) == 1  # the long result is not repeated after each slip
    assert f"!! {MSG('terminal.not_possible', typed='xyz')}\n{menu}" in after
    assert f"{MSG('terminal.forget.kept')}\n\n{menu}" in after
    assert f"!! {MSG('terminal.not_possible', typed='9')}\n{menu}" in after
    assert after.count(menu) == 4  # after the slip, the kept data, help and the second slip
    assert MSG("review.text") in after  # "2" still works: back to the answers
    assert await runtime.service.history(WHO)


async def test_facility_numbers_show_their_bands_and_take_them_typed(runtime: Runtime) -> None:
    lines = ["y", "3", "4", "2", "1 2", "", "2", "3-4", "５０００＋", "120", "q"]
    screen = await _run(runtime, *lines)
    assert "  [<3] Under 3\n  [3-4] 3–4\n  [5+] 5 or more\n" in screen
    assert MSG("terminal.hint.bands") in screen
    assert "  [<2000] Under 2,000\n  [2000-4999] 2,000–4,999\n  [5000+] 5,000 or more\n" in screen
    assert "!!" not in screen
    exported = await runtime.service.export(WHO)
    assert exported is not None
    project = exported["profile"]["experiences"][0]
    assert (project["rooms"], project["area_m2"], project["sites"]) == (3, 5000, 120)


async def test_the_terminal_speaks_of_no_button_and_quitting_names_the_command(runtime: Runtime) -> None:
    script, _ = typed_script(TRUTHS["facility"])
    screen = await _run(runtime, *(t.line for t in script[:-3]), "q")
    for telegram_only in ("press Done", "Tap ", "button", "/start"):
        assert telegram_only not in screen, telegram_only
    assert screen.rstrip().endswith("Run make run again to resume.")


async def test_quitting_in_japanese_names_make_run(runtime: Runtime) -> None:
    screen = io.StringIO()
    front = TerminalFront(runtime.service, WHO, io.StringIO("y\nq\n"), screen)
    assert await front.run("ja") == 0
    assert screen.getvalue().rstrip().endswith(Messages("ja")("terminal.saved"))
    assert "make run" in Messages("ja")("terminal.saved")


async def test_at_the_result_card_and_report_write_the_files(
    runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    script, result_text = typed_script(TRUTHS["hardware"])
    screen = await _run(runtime, *(t.line for t in script), "card", "report", "q")
    assert MSG("terminal.result.keep") in screen.split(result_text)[1]
    png = next(tmp_path.glob("levelcheck-card-*.png"))
    pdf = next(tmp_path.glob("levelcheck-report-*.pdf"))
    assert png.read_bytes().startswith(b"\x89PNG") and pdf.read_bytes().startswith(b"%PDF-")
    assert f"Saved: {png}" in screen and f"Saved: {pdf}" in screen


async def test_a_finished_assessment_is_shown_on_the_next_run_before_a_new_one(
    runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was #10: stopped after the interview finished but before its result reached the screen, the
    next run began a new assessment and never showed the result. It shows it, with its menu."""
    monkeypatch.chdir(tmp_path)
    _, result_text = typed_script(TRUTHS["software"])
    finished = await take_assessment(runtime.service, WHO, TRUTHS["software"])  # never shown here
    screen = await _run(runtime, "card", "q")
    assert screen.startswith(f"{MSG('terminal.finished')}\n")
    assert next(tmp_path.glob("levelcheck-card-*.png")).read_bytes().startswith(b"\x89PNG")
    assert result_text in screen and MSG("consent.text", title=MSG.standard_title()) not in screen
    assert screen.count(result_text) == 1
    # Still finished (nothing was opened by looking); "1" on the next run starts a new assessment.
    again = await _run(runtime, "1", "q")
    assert MSG("terminal.finished") in again and MSG("q.field") in again.split(result_text, 1)[1]
    third = await _run(runtime, "q")
    assert MSG("terminal.finished") not in third and "Welcome back" in third
    history = await runtime.service.history(WHO)
    assert [r.interview_id for r in history] == [finished.interview_id]
