"""Team leads invite with a deep link and see their team's levels; admins export results and transcripts."""

from __future__ import annotations

import csv
import io
import re

from e2e_harness import CATALOGUE, EN, Interviewee, command_reply, result_level
from e2e_people import SOFTWARE_CHANGES, fresh

from criteria import evaluate, parse_profile

LEAD_ID = 7310000021


def test_invitation_team_view_and_admin_exports(session):
    session.start_bot(ADMIN_IDS=f"{LEAD_ID},7310000099")
    lead = session.user(LEAD_ID, "Lena")
    bea = Interviewee(session.user(7310000022, "Bea", last_name="Kowalska"), fresh(SOFTWARE_CHANGES))
    session.private.add("Kowalska")
    outsider = session.user(7310000023, "Olaf")

    text = command_reply(lead, "/invite Team Zebra-Quokka", "Invitation")
    assert text.startswith("Invitation to “Team Zebra-Quokka”")
    link = re.search(r"https://t\.me/levelcheck_test_bot\?start=([A-Za-z0-9_-]+)", text)
    assert link, text
    code = link.group(1)
    assert len(code) <= 64  # Telegram's limit for a start parameter
    session.private.add(code)
    team = command_reply(lead, "/team", "📊 Team Zebra-Quokka")
    assert "Nobody has joined yet" in team

    bea.user.send_text(f"/start {code}")
    invited = "You were invited to the team “Team Zebra-Quokka”. If you agree below, its lead (Lena)"
    bea.user.wait_for_text(invited)
    bea.wait_prompt()
    assert bea.key == "consent"
    # Opening the link is not consenting: the lead does not learn of Bea yet (issue #9).
    team = command_reply(lead, "/team", "📊 Team Zebra-Quokka")
    assert "Nobody has joined yet" in team and "Bea" not in team
    bea.answer(True)
    bea.run(until=lambda key: key == "project_count")
    assert "⏳ Bea Kowalska — in progress" in command_reply(lead, "/team", "📊 Team Zebra-Quokka")
    bea.run()
    result = bea.confirm()
    level = result_level(result["text"])
    assert level == evaluate(parse_profile(bea.profile())).level == 3

    team = command_reply(lead, "/team", "📊 Team Zebra-Quokka")
    assert f"✅ Bea Kowalska — Software, level {level} · " in team
    assert "in progress" not in team

    # An unknown code still lets a person take the assessment.
    command_reply(outsider, "/start not-a-real-code", "That invitation link is not valid")
    # Guessing is throttled: after five codes that led nowhere, even the right one is not looked up.
    for guess in range(4):
        command_reply(outsider, f"/start guess-{guess}", "That invitation link is not valid")
    command_reply(outsider, f"/start {code}", "Several invitation links that did not work")
    command_reply(outsider, "/team", "You don't lead a team yet.")
    command_reply(outsider, "/results", "This command is for admins and team leads")
    command_reply(outsider, "/transcript 1", "This command is for admins and team leads")

    lead.send_text("/results")
    lead.wait_for_message(lambda m: "document" in m)
    document = lead.documents[-1]
    assert document.file_name == "levelcheck-results.csv"
    rows = list(csv.DictReader(io.StringIO(document.data.decode("utf-8"))))
    assert [(r["name"], r["field"], r["level"]) for r in rows] == [("Bea Kowalska", "software", str(level))]

    lead.send_text(f"/transcript {rows[0]['interview_id']}")
    lead.wait_for_message(lambda m: "document" in m)
    transcript = lead.documents[-1]
    assert transcript.file_name == f"transcript-{rows[0]['interview_id']}.tsv"
    entries = list(csv.DictReader(io.StringIO(transcript.data.decode("utf-8")), dialect="excel-tab"))
    assert [int(e["seq"]) for e in entries] == list(range(1, len(entries) + 1))
    answers = [e for e in entries if e["direction"] == "answer"]
    assert [e["key"] for e in answers][:4] == ["consent", "field", "role", "project_count"]
    prompts = {e["key"]: e["text"] for e in entries if e["direction"] == "prompt"}
    title = EN.texts["title"]
    assert prompts["consent"] == CATALOGUE["consent.text"].format(title=title)  # several lines, one record
    assert prompts["result"] == result["text"]

    command_reply(lead, "/transcript abc", "Usage: /transcript <interview id>")
    command_reply(lead, "/transcript 999999", "There is no interview with that id.")
    command_reply(lead, "/transcript 99999999999999999999999", "There is no interview with that id.")
    command_reply(lead, "/transcript ²", "Usage: /transcript <interview id>")
