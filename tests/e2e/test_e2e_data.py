"""A person's data through the chat: /result, /history, /export and /forget."""

from __future__ import annotations

from e2e_harness import (
    CATALOGUE,
    Interviewee,
    command_reply,
    export,
    normalized,
    query_db,
    result_level,
)
from e2e_people import SOFTWARE_L2, fresh

from criteria import evaluate, parse_profile


def rows_of(database_url: str, telegram_id: int) -> dict[str, int]:
    user = query_db(database_url, "SELECT id FROM users WHERE telegram_id = ?", telegram_id)
    counts = {"users": len(user)}
    uid = user[0][0] if user else -1
    for table in ("interviews", "results"):
        counts[table] = query_db(database_url, f"SELECT count(*) FROM {table} WHERE user_id = ?", uid)[0][0]
    counts["transcript_entries"] = query_db(
        database_url,
        "SELECT count(*) FROM transcript_entries t JOIN interviews i ON i.id = t.interview_id "
        "WHERE i.user_id = ?",
        uid,
    )[0][0]
    counts["invitations"] = query_db(
        database_url, "SELECT count(*) FROM invitations WHERE lead_user_id = ?", uid
    )[0][0]
    return counts


def test_result_history_export_and_forget(session):
    session.start_bot()
    db = session.database_url
    uma = Interviewee(session.user(7310000004, "Uma"), fresh(SOFTWARE_L2))
    user = uma.user

    command_reply(user, "/export", "There is nothing to export yet.")
    command_reply(user, "/history", "You have no results yet.")
    command_reply(user, "/result", "You have no result yet.")

    uma.begin()
    uma.answer(True)
    uma.run(until=lambda key: key == "project_count")
    # Mid-interview, /export hands out what is answered so far.
    assert normalized(export(user)) == normalized(uma.profile())
    uma.run()
    assert uma.asked[-5:] == ["involvement", "common_complexity", "common_themes", "themes.3", "review"]
    result = uma.confirm()
    level = result_level(result["text"])
    assert level == evaluate(parse_profile(uma.profile())).level == 2

    assert command_reply(user, "/result", "level 2").startswith("Software, level 2 — ")
    assert "Software level 2" in command_reply(user, "/history", "newest first")
    exported = export(user)
    parse_profile(exported)
    assert normalized(exported) == normalized(uma.profile())
    command_reply(user, "/invite Uma's crew", "Invitation")
    stored = rows_of(db, user.user_id)
    assert stored["users"] == 1 and stored["results"] == 1 and stored["invitations"] == 1

    # "No" keeps everything.
    user.send_text("/forget")
    question = user.wait_for_message(lambda m: "reply_markup" in m)
    assert "cannot be undone" in question["text"]
    user.press("No, keep my data", question["message_id"])
    kept = user.wait_for_message(lambda m: m["message_id"] == question["message_id"])
    assert kept["text"] == "Nothing was deleted." and "reply_markup" not in kept
    assert rows_of(db, user.user_id) == stored

    # "Yes" deletes every row about the person.
    user.send_text("/forget")
    question = user.wait_for_message(lambda m: "reply_markup" in m)
    query_id = user.press("Yes, delete everything", question["message_id"])
    done = user.wait_for_message(lambda m: m["message_id"] == question["message_id"])
    assert done["text"] == "Done: everything about you is deleted."
    assert user.wait_for_callback_answer(query_id).text is None
    assert rows_of(db, user.user_id) == {
        "users": 0,
        "interviews": 0,
        "results": 0,
        "transcript_entries": 0,
        "invitations": 0,
    }
    assert query_db(db, "SELECT count(*) FROM users")[0][0] == 0

    command_reply(user, "/history", "You have no results yet.")
    command_reply(user, "/result", "You have no result yet.")
    command_reply(user, "/export", "There is nothing to export yet.")
    command_reply(user, "/team", "You don't lead a team yet.")


def test_declining_the_consent_keeps_nothing(session):
    session.start_bot()
    db = session.database_url
    noor = Interviewee(session.user(7310000010, "Noor"), fresh(SOFTWARE_L2))
    noor.begin()
    assert noor.key == "consent"
    consent = noor.prompt
    noor.press(CATALOGUE["consent.no"])
    declined = noor.user.wait_for_text(CATALOGUE["declined.text"])
    assert "reply_markup" not in declined
    edited = next(m for m in noor.user.messages if m["message_id"] == consent["message_id"])
    assert "reply_markup" not in edited
    assert rows_of(db, noor.user.user_id) == {
        "users": 0,
        "interviews": 0,
        "results": 0,
        "transcript_entries": 0,
        "invitations": 0,
    }
    # Changing one's mind later works.
    noor.begin()
    assert noor.key == "consent"
    noor.answer(True)
    assert noor.key == "field"
