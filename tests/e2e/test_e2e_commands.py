"""Commands in the middle of things: /restart, /back at the start, /resume with nothing going on."""

from __future__ import annotations

from e2e_harness import CATALOGUE, Interviewee, active_interview, command_reply, result_level
from e2e_people import HARDWARE_L4, SOFTWARE_L2, fresh


def test_restart_mid_interview_starts_over_at_the_field(session):
    session.start_bot()
    db = session.database_url
    ivy = Interviewee(session.user(7310000051, "Ivy"), fresh(HARDWARE_L4))
    command_reply(ivy.user, "/resume", "You have no assessment in progress.")
    command_reply(ivy.user, "/back", "You have no assessment in progress.")
    command_reply(ivy.user, "some words", "You have no assessment in progress.")
    ivy.begin()
    ivy.answer(True)
    ivy.send("/back")  # nothing before the first question
    assert ivy.key == "field"
    assert CATALOGUE["error.nothing_to_go_back"] in ivy.prompt["text"]
    ivy.run(until=lambda key: key == "project.1.complexity")
    interview_id = active_interview(db, ivy.user.user_id)["id"]
    ivy.user.send_text("/restart")  # asked first: answers in progress would be lost
    question = ivy.user.wait_for_text(CATALOGUE["bot.restart.question"])
    assert active_interview(db, ivy.user.user_id)["snapshot"]["answers"] != {}
    ivy.user.press(CATALOGUE["bot.restart.yes"], question["message_id"])
    ivy.wait_prompt()
    assert ivy.key == "field"
    row = active_interview(db, ivy.user.user_id)
    assert row["id"] == interview_id and row["snapshot"]["answers"] == {}
    ivy.answers.clear()
    ivy.run()
    assert ivy.key == "review"


def test_restart_before_consenting_shows_the_consent_again(session):
    """Was a crash (MachineError in dialogs' Interview.restart at the consent question)."""
    session.start_bot()
    ivo = Interviewee(session.user(7310000052, "Ivo"), fresh(HARDWARE_L4))
    ivo.begin()
    assert ivo.key == "consent"
    ivo.send("/restart")
    assert ivo.key == "consent"
    ivo.answer(True)
    assert ivo.key == "field"


def test_resume_after_the_interview_finished_points_to_the_result(session):
    """Was #10: stopped after the interview finished but before the result was sent, /resume said
    "no assessment in progress". The stored state is the same whether the result went out or not."""
    session.start_bot()
    una = Interviewee(session.user(7310000053, "Una"), fresh(SOFTWARE_L2))
    una.begin()
    una.answer(True)  # consent
    una.run()
    una.confirm()
    assert una.key == "result"
    finished = CATALOGUE["bot.notice.finished"]
    assert command_reply(una.user, "/resume", "/result") == finished
    assert "/result" in finished
    result = command_reply(una.user, "/result", "Software")
    assert result_level(result) == result_level(una.prompt["text"])
