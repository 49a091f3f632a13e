"""A crash (SIGKILL) right after the bot answered loses nothing: restart, /resume, go on."""

from __future__ import annotations

import time

from e2e_harness import (
    WAIT,
    Interviewee,
    active_interview,
    export,
    normalized,
    result_level,
    ticked_numbers,
)
from e2e_people import FACILITY_L5, FACILITY_L5_BY_HAND, fresh

from criteria import evaluate, parse_profile


def wait_until_confirmed(fake) -> None:
    """Telegram re-delivers updates the bot has not confirmed (by its next getUpdates offset); the
    test kills only after the confirmation, as the bot had replied to the update long before."""
    deadline = time.monotonic() + WAIT
    while fake.pending_updates:
        assert time.monotonic() < deadline, fake.pending_updates
        time.sleep(0.02)


def test_sigkill_mid_interview_loses_nothing(session):
    db = session.database_url
    bot = session.start_bot()
    rio = Interviewee(session.user(7310000031, "Rio"), fresh(FACILITY_L5))
    rio.begin()
    rio.answer(True)
    rio.run(until=lambda key: key == "project.1.rooms")
    rio.answer()  # a typed number, acknowledged by the next question
    assert rio.key == "project.1.area"
    wait_until_confirmed(session.fake)
    before = active_interview(db, rio.user.user_id)

    bot.kill()
    assert bot.proc.returncode == -9
    bot.start()
    assert active_interview(db, rio.user.user_id) == before
    rio.send("/resume")
    assert rio.key == "project.1.area"

    # Mid-checklist: one tick, acknowledged by the edited message, then the crash.
    rio.run(until=lambda key: key == "project.2.complexity")
    wanted = rio.person.answer("project.2.complexity")
    rio.tick("project.2.complexity", wanted[:1])
    wait_until_confirmed(session.fake)
    ticked = ticked_numbers(rio.prompt["text"])
    assert len(ticked) == 1

    bot.kill()
    bot.start()
    rio.send("/resume")
    assert rio.key == "project.2.complexity"
    assert ticked_numbers(rio.prompt["text"]) == ticked, "the tick before the crash is still there"
    rio.answer()  # ticks the rest, Done

    rio.run()
    review = rio.prompt["text"]
    assert "Project 1: computer rooms: 3" in review
    assert "Project 1: floor area (m²): 2,513" in review
    result = rio.confirm()
    assert result_level(result["text"]) == FACILITY_L5_BY_HAND == evaluate(parse_profile(rio.profile())).level
    assert normalized(export(rio.user)) == normalized(rio.profile())
    assert bot.starts == 3
