"""A lead's whole story through the fake Bot API and the real bot process (issue #9, "Done when"):
a lead invites, two members join — one through the deep link, one by typing ``/start <code>`` — one
finishes and the lead is notified, the other gets exactly one reminder once the bot's clock has
moved (no sleeping), ``/team`` shows exactly that; a revoked and an expired code are refused; the
lead reviews a claim and the member sees it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from e2e_harness import CATALOGUE, WAIT, Interviewee, query_db, result_level
from e2e_people import SOFTWARE_CHANGES, SOFTWARE_L2, fresh
from fakes.bot_api import inline_buttons

from criteria import evaluate, parse_profile
from dialogs import Messages

LEAD_ID, BEA_ID, CARL_ID, DORA_ID = 7320000001, 7320000002, 7320000003, 7320000004
HOUR = 3600


def words(msg_id: str, **values: object) -> str:
    return CATALOGUE[msg_id].format(**values)


def move_clock(path: Path, hours: float) -> None:
    """The bot process reads its clock offset from this file (bot/clock.py) on every reading."""
    path.write_text(str(hours * HOUR), encoding="utf-8")


def test_a_lead_invites_two_members_hears_of_one_reminds_the_other_and_reviews(session, tmp_path: Path):
    clock = tmp_path / "clock-offset"
    move_clock(clock, 0)
    session.start_bot(LEVELCHECK_CLOCK_OFFSET_FILE=str(clock), JOBS_INTERVAL_SECONDS="0.2")
    lead = session.user(LEAD_ID, "Lena")
    bea = Interviewee(session.user(BEA_ID, "Bea"), fresh(SOFTWARE_CHANGES))
    carl = Interviewee(session.user(CARL_ID, "Carl"), fresh(SOFTWARE_L2))
    dora = session.user(DORA_ID, "Dora")

    # The lead names the team when asked, and gets the link, the command to copy and a share button.
    lead.send_text("/invite")
    lead.wait_for_text(words("bot.teams.ask_name"))
    lead.send_text("Team Zebra-Quokka")
    invitation = lead.wait_for_message(lambda m: "/start " in m.get("text", ""))
    text = invitation["text"]
    assert text.startswith(words("bot.invite.title", team="Team Zebra-Quokka"))
    deep_link = re.search(r"https://t\.me/levelcheck_test_bot\?start=([A-Za-z0-9_-]+)", text)
    typed = re.search(r"^/start ([A-Za-z0-9_-]+)$", text, re.MULTILINE)
    assert deep_link and typed and deep_link.group(1) == typed.group(1), text
    code = deep_link.group(1)
    session.private.add(code)
    assert any(b.get("url", "").startswith("https://t.me/share/url?") for b in inline_buttons(invitation))

    # Bea opens the deep link (Telegram sends its payload as "/start <code>"); she is told which team
    # and which lead will see her result before the consent question.
    bea.user.send_text(f"/start {deep_link.group(1)}")
    bea.user.wait_for_text(words("bot.invite.invited", team="Team Zebra-Quokka", leads="Lena"))
    bea.wait_prompt()
    assert bea.key == "consent"
    bea.answer(True)
    # Carl's client dropped the payload: he types the command the lead's message shows.
    carl.user.send_text(typed.group(0))
    carl.user.wait_for_text(words("bot.invite.invited", team="Team Zebra-Quokka", leads="Lena"))
    carl.wait_prompt()
    carl.answer(True)
    carl.run(until=lambda key: key == "project_count")  # ...and stops there

    bea.run()
    level = result_level(bea.confirm()["text"])
    assert level == evaluate(parse_profile(bea.profile())).level == 3
    # The lead hears of it from the bot's own job (notifications are rows with a due time).
    finished = lead.wait_for_text(
        words(
            "bot.jobs.member_finished", name="Bea", team="Team Zebra-Quokka", field_name="Software", level=3
        )
    )
    assert "Carl" not in finished["text"]

    # Three days on (the bot's clock, moved by the test), Carl gets one reminder, and only one.
    move_clock(clock, 73)
    reminder = carl.user.wait_for_text(words("bot.jobs.reminder"))
    assert [b["text"] for b in inline_buttons(reminder)] == [words("bot.jobs.reminders_off")]
    move_clock(clock, 200)
    lead.send_text("/team")
    report = lead.wait_for_message(lambda m: m.get("text", "").startswith("📊 Team Zebra-Quokka"))["text"]
    reminders = query_db(
        session.database_url,
        "SELECT n.sent_at FROM notifications n JOIN users u ON u.id = n.user_id "
        "WHERE u.telegram_id = ? AND n.kind = 'reminder'",
        CARL_ID,
    )
    assert len(reminders) == 1 and reminders[0][0] is not None
    assert sum(words("bot.jobs.reminder") in m.get("text", "") for m in carl.user.messages) == 1
    assert not query_db(
        session.database_url,
        "SELECT 1 FROM notifications n JOIN users u ON u.id = n.user_id "
        "WHERE u.telegram_id = ? AND n.kind = 'reminder'",
        BEA_ID,
    ), "a member who finished is not reminded"

    # /team shows exactly that: Bea finished at level 3, Carl in progress, the distribution.
    lines = report.splitlines()
    assert lines[1] == words("bot.teams.members", count=2)
    assert [line for line in lines if line.startswith(("✅", "⏳", "▫️"))] == [
        "✅ "
        + words(
            "bot.teams.member_finished",
            name="Bea",
            field_name="Software",
            level=3,
            on=Messages("en").date(datetime.now(UTC)),
        ),
        "⏳ " + words("bot.teams.member_in_progress", name="Carl"),
    ]
    assert lines[-2:] == [
        words("bot.teams.distribution"),
        "Software: " + words("bot.teams.level_count", level=3, count=1),
    ]

    # A revoked link and an expired one are refused politely, and change nothing.
    lead.send_text("/invite Team Zebra-Quokka")
    second = lead.wait_for_message(lambda m: "/start " in m.get("text", "") and code not in m["text"])
    revoked = re.search(r"^/start (\S+)$", second["text"], re.MULTILINE).group(1)  # type: ignore[union-attr]
    session.private.add(revoked)
    lead.press(words("bot.invite.revoke"), second["message_id"])
    lead.wait_for_message(lambda m: m["message_id"] == second["message_id"] and "edit_date" in m)
    lead.send_text("/invite Team Zebra-Quokka")
    third = lead.wait_for_message(
        lambda m: "/start " in m.get("text", "") and m["message_id"] > second["message_id"]
    )
    expiring = re.search(r"^/start (\S+)$", third["text"], re.MULTILINE).group(1)  # type: ignore[union-attr]
    session.private.add(expiring)
    lead.press(words("bot.invite.days", count=7), third["message_id"])
    lead.wait_for_message(lambda m: m["message_id"] == third["message_id"] and "edit_date" in m)
    dora.send_text(f"/start {revoked}")
    dora.wait_for_text(words("bot.invite.refused_revoked"))
    move_clock(clock, 200 + 8 * 24)
    dora.send_text(f"/start {expiring}")
    dora.wait_for_text(words("bot.invite.refused_expired"))
    lead.send_text("/team")
    again = lead.wait_for_message(lambda m: m.get("text", "").startswith("📊 Team Zebra-Quokka"))["text"]
    assert "Dora" not in again and words("bot.teams.members", count=2) in again

    # The lead reviews a claim; Bea hears of it and sees it under her result.
    lead.send_text("/review")
    listing = lead.wait_for_message(lambda m: m.get("text") == words("bot.review.pick"))
    (entry,) = inline_buttons(listing)
    assert entry["text"].startswith("Bea · Software L3 · 0/")
    lead.press(entry["text"], listing["message_id"])
    screen = lead.wait_for_message(lambda m: m["message_id"] == listing["message_id"] and "edit_date" in m)
    first_claim = screen["text"].split("\n\n")[2]
    lead.press(words("bot.review.question"), listing["message_id"])
    lead.wait_for_message(
        lambda m: (
            m["message_id"] == listing["message_id"]
            and words("bot.review.position", n=2, total=_total(screen)) in m.get("text", "")
        )
    )
    bea.user.wait_for_text(words("bot.jobs.review", reviewer="Lena", confirmed=0, questioned=1))
    bea.user.send_text("/result")
    result = bea.user.wait_for_text(
        words("bot.review.member_head", reviewers="Lena", confirmed=0, questioned=1)
    )
    assert "❓ " + first_claim in result["text"]
    # Questioning the role confirms no level: both levels side by side.
    mine, confirmed = words("review.level", level=3), words("review.level.none")
    assert words("review.levels", mine=mine, confirmed=confirmed) in result["text"]
    bea.user.send_text("/privacy")
    privacy = bea.user.wait_for_text(words("bot.privacy.title"), timeout=WAIT)["text"]
    assert "Lena (team lead) saw your level in the team report" in privacy
    assert "Lena (team lead) opened your result" in privacy


def _total(screen: dict[str, object]) -> int:
    m = re.search(r"Claim \d+ of (\d+)", str(screen["text"]))
    assert m, screen
    return int(m.group(1))
