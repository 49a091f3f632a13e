"""Whole interviews through the real bot process, one per field, as a person would take them."""

from __future__ import annotations

from e2e_harness import (
    CATALOGUE,
    Interviewee,
    active_interview,
    button_texts,
    command_reply,
    export,
    export_document,
    marked_numbers,
    normalized,
    result_level,
    ticked_numbers,
)
from e2e_people import (
    FACILITY_L5,
    FACILITY_L5_BY_HAND,
    HARDWARE_L4,
    HARDWARE_L4_BY_HAND,
    SOFTWARE_CHANGES,
    fresh,
)

from criteria import evaluate, parse_profile


def expected_level(interviewee: Interviewee) -> int:
    """What the standard says about exactly what was answered in the chat."""
    return evaluate(parse_profile(interviewee.profile())).level


def test_hardware_interview_by_the_buttons(session):
    session.start_bot()
    aiko = Interviewee(session.user(7310000001, "Aiko"), fresh(HARDWARE_L4))
    consent = aiko.begin()
    assert aiko.key == "consent"
    assert button_texts(consent) == [CATALOGUE["consent.yes"], CATALOGUE["consent.no"]]
    aiko.answer(True)
    # The answered prompt loses its buttons and shows the choice.
    edited = next(m for m in aiko.user.messages if m["message_id"] == consent["message_id"])
    assert "reply_markup" not in edited
    assert edited["text"].endswith(f"✔️ {CATALOGUE['consent.yes']}")

    aiko.run()
    assert aiko.asked == [
        "consent",
        "field",
        "role",
        "project_count",
        "project.1.complexity",
        "project.1.size",
        "project.2.complexity",
        "project.2.size",
        "themes.4",
        "accomplishments",
        "mentoring",
        "themes.5",
        "review",
    ]
    result = aiko.confirm()
    assert aiko.key == "result"
    assert result_level(result["text"]) == HARDWARE_L4_BY_HAND == expected_level(aiko)
    assert result["text"].startswith("Hardware, level 4 — responsible person of the service")
    assert "To reach level 5 you still need:" in result["text"]
    assert button_texts(result)[-2:] == [CATALOGUE["result.restart"], CATALOGUE["result.review"]]

    assert command_reply(aiko.user, "/result", "level 4").startswith("Hardware, level 4 — ")
    history = command_reply(aiko.user, "/history", "Your results, newest first:")
    assert history.count("level") == 1 and "Hardware level 4" in history
    exported = export(aiko.user)
    parse_profile(exported)
    assert normalized(exported) == normalized(aiko.profile())


def test_software_back_buttons_and_a_change_from_the_review(session):
    session.start_bot()
    person = fresh(SOFTWARE_CHANGES)
    sam = Interviewee(session.user(7310000002, "Sam"), person)
    sam.begin()
    sam.answer(True)
    sam.answer()  # field
    assert sam.key == "role"
    sam.answer("member")  # a slip...
    assert sam.key == "project_count"
    sam.press_and_wait("⬅️ Back")  # ...corrected with the Back button
    assert sam.key == "role"
    slip = sam.option_number(sam.label_of("role", "member"))
    assert marked_numbers(sam.prompt["text"]) == {slip}, "the earlier answer is marked"
    marked = [t for t in button_texts(sam.prompt) if t.startswith("✓ ")]
    assert len(marked) == 1 and marked[0].startswith(f"✓ {slip}. "), button_texts(sam.prompt)
    sam.answer()
    answered = sam.user.messages[-2]  # the role question, edited to show the new choice
    assert answered["text"].endswith(f"✔️ {sam.label_of('role', 'responsible')}")
    assert marked_numbers(answered["text"]) == set(), "no stale mark next to the new choice"
    sam.answer()  # one project
    assert sam.key == "project.1.complexity"
    sam.answer()
    assert sam.key == "project.1.size"
    sam.send("/back")  # the command works like the button
    assert sam.key == "project.1.complexity"
    ticks = {
        sam.option_number(sam.label_of("project.1.complexity", i)) for i in person.projects[0]["complexity"]
    }
    assert ticked_numbers(sam.prompt["text"]) == ticks, "the earlier ticks are pre-selected"
    sam.answer()  # Done, ticks unchanged
    assert sam.key == "project.1.size"
    sam.run()
    assert sam.answers["role"] == "responsible"
    review = sam.prompt["text"]
    assert f"Role: {sam.label_of('role', 'responsible')}" in review
    assert "Projects: One" in review

    first = sam.confirm()
    assert result_level(first["text"]) == expected_level(sam) == 3

    # Back from the result to the answers, and change the number of projects there.
    sam.press_and_wait(CATALOGUE["result.review"])
    assert sam.key == "review"
    person.project_count = 2
    sam.press_and_wait("Change: Projects")
    assert sam.key == "project_count"
    mark = len(sam.asked)
    sam.run()
    # Only what the change opened up is asked, then the review again.
    assert sam.asked[mark:] == ["project.2.complexity", "project.2.size", "themes.5", "review"]
    assert "Projects: Two" in sam.prompt["text"]
    second = sam.confirm()
    assert result_level(second["text"]) == expected_level(sam) == 4

    history = command_reply(sam.user, "/history", "Your results, newest first:")
    assert history.index("Software level 4") < history.index("Software level 3")
    assert normalized(export(sam.user)) == normalized(sam.profile())


def test_facility_typed_numbers_leaving_and_resuming(session):
    bot = session.start_bot()
    fumi = Interviewee(session.user(7310000003, "Fumi"), fresh(FACILITY_L5))
    fumi.begin()
    fumi.answer(True)
    fumi.run(until=lambda key: key == "project.1.rooms")
    assert "Type a whole number from 0 to 1,000." in fumi.prompt["text"]
    for wrong in ("lots of rooms", "1001", "-3", "2.5"):
        fumi.send(wrong)
        assert fumi.key == "project.1.rooms"
        assert "⚠️ Please send a whole number from 0 to 1,000." in fumi.prompt["text"]
    fumi.answer()  # 3
    assert fumi.key == "project.1.area"
    fumi.press_and_wait("⬅️ Back")
    assert fumi.key == "project.1.rooms"
    assert "(Your previous answer: 3.)" in fumi.prompt["text"]
    fumi.answer()
    fumi.send("2,513")  # thousands separators are fine
    fumi.answers["project.1.area"] = 2513
    assert fumi.key == "project.1.sites"

    fumi.run(until=lambda key: key == "project.2.complexity")
    # Typing where a button is expected: a hint, and the question again.
    fumi.user.send_text("purple elephant 4711")
    fumi.wait_prompt()
    assert fumi.key == "project.2.complexity"
    assert "⚠️ Please tick only the offered options." in fumi.prompt["text"]

    # Leave, and come back later.
    before = active_interview(session.database_url, fumi.user.user_id)
    command_reply(fumi.user, "/help", "levelcheck tells you")
    fumi.send("/resume")
    assert fumi.key == "project.2.complexity"
    fumi.user.send_text("/start")
    fumi.user.wait_for_text("Welcome back: here is where you left off.")
    fumi.wait_prompt()
    assert fumi.key == "project.2.complexity"
    assert active_interview(session.database_url, fumi.user.user_id)["snapshot"] == before["snapshot"]

    fumi.run()
    result = fumi.confirm()
    assert result_level(result["text"]) == FACILITY_L5_BY_HAND == expected_level(fumi)
    assert result["text"].startswith("Facility management, level 5 — ")
    assert "To reach level 6 you still need:" in result["text"]
    document = export_document(fumi.user)
    assert (document["standard"], document["level"]) == ("itss-v2-customer-service", FACILITY_L5_BY_HAND)
    exported = document["profile"]
    assert exported["experiences"][0] == {
        "complexity": ["fm.cx.critical_mission", "fm.cx.nonstop"],
        "scope": "whole",
        "rooms": 3,
        "area_m2": 2513,
        "sites": 0,
    }
    assert normalized(exported) == normalized(fumi.profile())
    assert bot.running
