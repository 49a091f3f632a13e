"""The Telegram front for leads and members, in-process against the fake Bot API: /invite (with and
without a name), the invitation's buttons, /invites, opening a link, /teams, /team, /team_csv,
/review, /privacy, /grant — and forged button data, which must change nothing and reveal nothing."""

from __future__ import annotations

import copy
import csv
import io
import itertools
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from bot_fuzz_harness import ADMIN_ID, BotUnderTest
from fakes.bot_api import FakeUser, inline_buttons

from bot.clock import OFFSET_FILE_VARIABLE
from bot.service import Identity
from bot.storage import utc_now
from bot.telegram_review import parse_review_callback
from bot.telegram_teams import parse_team_callback
from dialogs import Messages

SERVICE_TESTS = Path(__file__).resolve().parents[1] / "service"
if str(SERVICE_TESTS) not in sys.path:
    sys.path.insert(0, str(SERVICE_TESTS))

from service_driver import TRUTHS, drive_to  # noqa: E402

EN = Messages("en")
LEAD, MEMBER, OTHER = 6_200_000_001, 6_200_000_002, 6_200_000_003


@pytest.fixture
def clock_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The bot's clock offset in seconds (bot/clock.py), set before the bot under test starts."""
    path = tmp_path / "clock-offset"
    path.write_text("0", encoding="utf-8")
    monkeypatch.setenv(OFFSET_FILE_VARIABLE, str(path))
    return path


@pytest.fixture
def h(clock_file: Path, bot_under_test: BotUnderTest) -> Iterator[BotUnderTest]:
    yield bot_under_test
    assert not bot_under_test.failures, "\n\n".join(f.trace for f in bot_under_test.failures)
    assert not bot_under_test.log.records, [r.getMessage() for r in bot_under_test.log.records]
    failed = bot_under_test.failed_calls(0)
    assert not failed, [(c.method, c.status, c.response.get("description")) for c in failed]


# --- helpers ---------------------------------------------------------------------------------


def send(h: BotUnderTest, user: FakeUser, text: str) -> list[dict[str, Any]]:
    """Sends ``text`` and returns the bot messages that are new since (in their current state)."""
    before = {m["message_id"] for m in user.messages}
    user.send_text(text)
    h.run(h.deliver())
    return [m for m in user.messages if m["message_id"] not in before]


def text_of(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text", m.get("caption", "")) for m in messages)


def with_button(user: FakeUser, label: str) -> dict[str, Any]:
    return next(m for m in reversed(user.messages) if any(b["text"] == label for b in inline_buttons(m)))


def press(h: BotUnderTest, user: FakeUser, label: str, message: dict[str, Any] | None = None) -> str | None:
    """Presses the button ``label`` (on the newest message having it); returns the toast, if any."""
    target = message or with_button(user, label)
    query = user.press(label, target["message_id"])
    h.run(h.deliver())
    answers = [a for a in user.callback_answers if a.query_id == query]
    assert len(answers) == 1, "every press gets exactly one answer"
    return answers[0].text


def message(user: FakeUser, message_id: int) -> dict[str, Any]:
    return next(m for m in user.messages if m["message_id"] == message_id)


def who(user: FakeUser) -> Identity:
    return Identity(telegram_id=user.user_id, display_name=user.user["first_name"], language_code="en")


def runtime(h: BotUnderTest) -> Any:
    return h.app.bot_data.runtime


def invitation_of(messages: list[dict[str, Any]]) -> tuple[dict[str, Any], str]:
    """The invitation message among ``messages`` and its code (from the ``/start <code>`` line)."""
    found = next(m for m in messages if "/start " in m.get("text", ""))
    code = found["text"].split("/start ", 1)[1].split()[0]
    return found, code


def make_team(h: BotUnderTest, lead: FakeUser, name: str) -> tuple[dict[str, Any], str]:
    return invitation_of(send(h, lead, f"/invite {name}"))


async def finish(h: BotUnderTest, user: FakeUser, truth: str = "software") -> None:
    """The rest of the member's assessment, answered truthfully through the service."""
    service = runtime(h).service
    await drive_to(service, who(user), await service.current(who(user)), TRUTHS[truth])


def join_by_link(h: BotUnderTest, member: FakeUser, code: str) -> list[dict[str, Any]]:
    """Opens the link and consents: the member joins the team."""
    shown = send(h, member, f"/start {code}")
    press(h, member, EN("consent.yes"))
    return shown


# --- /invite ---------------------------------------------------------------------------------


def test_invite_without_a_name_asks_for_it_and_reads_the_next_text(h: BotUnderTest):
    lead = h.fake.user(LEAD, "Lena")
    assert EN("bot.teams.ask_name") in text_of(send(h, lead, "/invite"))
    shown = send(h, lead, "  Zebra Crew  ")
    invitation, code = invitation_of(shown)
    text = invitation["text"]
    assert text.startswith(EN("bot.invite.title", team="Zebra Crew"))
    assert f"https://t.me/levelcheck_fuzz_bot?start={code}" in text
    assert len(code) >= 22 and len(code) <= 64  # ≥ 128 bits in Telegram's payload alphabet
    expires = EN.date(utc_now() + timedelta(days=30))
    assert EN("bot.invite.until", date=expires) in text and EN("bot.invite.no_limit") in text
    assert EN("bot.invite.used", count=0) in text
    # The plain command is monospace, so a tap copies it.
    assert any(e["type"] == "code" for e in invitation.get("entities", []))
    share = next(b for b in inline_buttons(invitation) if b["text"] == EN("bot.invite.share"))
    query = parse_qs(urlsplit(share["url"]).query)
    assert share["url"].startswith("https://t.me/share/url?url=https%3A%2F%2Ft.me%2F")
    assert query["url"] == [f"https://t.me/levelcheck_fuzz_bot?start={code}"]
    assert "Zebra Crew" in query["text"][0]
    # The name was the awaited answer, once: the next text is the interview's again.
    assert EN("bot.notice.no_interview") in text_of(send(h, lead, "Quokkas"))
    assert [t.name for t in h.run(runtime(h).teams.teams_of(who(lead)))] == ["Zebra Crew"]


def test_a_name_too_long_is_asked_again_and_cancel_or_any_command_drops_the_question(h: BotUnderTest):
    lead = h.fake.user(LEAD, "Lena")
    send(h, lead, "/invite")
    assert EN("bot.teams.name_invalid_again") in text_of(send(h, lead, "x" * 101))
    assert EN("bot.teams.cancelled") in text_of(send(h, lead, "/cancel"))
    assert EN("bot.notice.no_interview") in text_of(send(h, lead, "Zebra"))
    send(h, lead, "/invite")
    send(h, lead, "/help")  # any command: the person moved on
    send(h, lead, "Zebra")
    assert h.run(runtime(h).teams.teams_of(who(lead))) == []
    assert EN("bot.teams.name_invalid") in text_of(send(h, lead, "/invite " + "y" * 101))


def test_the_invitation_buttons_edit_it_in_place(h: BotUnderTest):
    lead = h.fake.user(LEAD, "Lena")
    invitation, code = make_team(h, lead, "Zebra")
    mid = invitation["message_id"]
    press(h, lead, EN("bot.invite.days", count=90), invitation)
    edited = message(lead, mid)
    assert EN("bot.invite.until", date=EN.date(utc_now() + timedelta(days=90))) in edited["text"]
    press(h, lead, EN("bot.invite.never"), edited)
    assert EN("bot.invite.no_expiry") in message(lead, mid)["text"]
    press(h, lead, EN("bot.invite.max_button", count=10), message(lead, mid))
    assert EN("bot.invite.up_to", count=10) in message(lead, mid)["text"]
    press(h, lead, EN("bot.invite.no_limit_button"), message(lead, mid))
    assert EN("bot.invite.no_limit") in message(lead, mid)["text"]
    assert len([m for m in lead.messages if "/start " in m.get("text", "")]) == 1  # edited, not resent
    toast = press(h, lead, EN("bot.invite.revoke"), message(lead, mid))
    assert toast == EN("bot.invite.revoked_toast")
    revoked = message(lead, mid)
    assert EN("bot.invite.state_revoked") in revoked["text"] and not inline_buttons(revoked)
    (info,) = h.run(runtime(h).teams.invitations(who(lead)))
    assert info.code == code and info.revoked


def test_invite_for_a_lead_offers_a_new_link_per_team_or_a_new_team(h: BotUnderTest):
    lead = h.fake.user(LEAD, "Lena")
    _, first = make_team(h, lead, "Zebra")
    _, again = make_team(h, lead, "zebra")  # the same team (case aside): a new link, not a second team
    assert first != again and len(h.run(runtime(h).teams.teams_of(who(lead)))) == 1
    make_team(h, lead, "Quokka")
    picker = send(h, lead, "/invite")[-1]
    labels = [b["text"] for b in inline_buttons(picker)]
    assert labels == [
        EN("bot.invite.new_link_for", team="Zebra"),
        EN("bot.invite.new_link_for", team="Quokka"),
        EN("bot.invite.new_team"),
    ]
    press(h, lead, labels[1], picker)
    _, code = invitation_of(lead.messages[-1:])
    infos = h.run(runtime(h).teams.invitations(who(lead)))
    assert infos[0].code == code and infos[0].team_name == "Quokka"
    press(h, lead, EN("bot.invite.new_team"), picker)
    assert lead.messages[-1]["text"] == EN("bot.teams.ask_name")
    invitation_of(send(h, lead, "Koala"))
    assert [t.name for t in h.run(runtime(h).teams.teams_of(who(lead)))] == ["Zebra", "Quokka", "Koala"]


def test_invites_lists_the_links_and_revokes_one_in_place(h: BotUnderTest):
    lead = h.fake.user(LEAD, "Lena")
    assert EN("bot.invite.list_none") in text_of(send(h, lead, "/invites"))
    make_team(h, lead, "Zebra")
    make_team(h, lead, "Quokka")
    listing = send(h, lead, "/invites")[-1]
    assert listing["text"].startswith(EN("bot.invite.list_title"))
    assert "1. Quokka" in listing["text"] and "2. Zebra" in listing["text"]  # newest first
    press(h, lead, EN("bot.invite.revoke_n", n=2), listing)
    after = message(lead, listing["message_id"])
    zebra = after["text"].split("2. Zebra", 1)[1]
    assert EN("bot.invite.state_revoked") in zebra
    assert [b["text"] for b in inline_buttons(after)] == [
        EN("bot.invite.show_n", n=1),
        EN("bot.invite.revoke_n", n=1),
    ]
    press(h, lead, EN("bot.invite.show_n", n=1), after)
    assert lead.messages[-1]["text"].startswith(EN("bot.invite.title", team="Quokka"))


# --- opening a link --------------------------------------------------------------------------


def test_a_member_is_told_the_team_and_lead_before_consenting_and_can_leave(h: BotUnderTest):
    lead = h.fake.user(LEAD, "Lena")
    member = h.fake.user(MEMBER, "Bea")
    _, code = make_team(h, lead, "Zebra")
    shown = send(h, member, f"/start {code}")
    assert shown[0]["text"] == EN("bot.invite.invited", team="Zebra", leads="Lena")
    assert EN("consent.yes") in [b["text"] for b in inline_buttons(shown[-1])]
    again = send(h, member, f"/start {code}")  # the same link again: still told which team it is
    assert again[0]["text"] == EN("bot.invite.invited", team="Zebra", leads="Lena")
    # Not a member before consenting: the lead's team is empty.
    assert h.run(runtime(h).teams.report(who(lead), h.run(_team_id(h, lead)))).members == ()
    press(h, member, EN("consent.yes"))
    card = send(h, member, "/teams")[-1]
    assert card["text"].startswith("👥 Zebra") and EN("bot.teams.member_note") in card["text"]
    press(h, member, EN("bot.teams.leave"), card)
    assert message(member, card["message_id"])["text"] == EN("bot.teams.leave_question", team="Zebra")
    press(h, member, EN("bot.teams.leave_no"), message(member, card["message_id"]))
    assert message(member, card["message_id"])["text"] == card["text"]
    press(h, member, EN("bot.teams.leave"), message(member, card["message_id"]))
    press(h, member, EN("bot.teams.leave_yes"), message(member, card["message_id"]))
    assert message(member, card["message_id"])["text"] == EN("bot.teams.left", team="Zebra")
    assert EN("bot.teams.none") in text_of(send(h, member, "/teams"))


async def _team_id(h: BotUnderTest, lead: FakeUser, n: int = 0) -> int:
    return [t.id for t in await runtime(h).teams.teams_of(who(lead)) if t.i_lead][n]


def test_someone_who_agreed_before_is_offered_to_join_another_team(h: BotUnderTest):
    lead = h.fake.user(LEAD, "Lena")
    other_lead = h.fake.user(OTHER, "Olaf")
    member = h.fake.user(MEMBER, "Bea")
    _, zebra = make_team(h, lead, "Zebra")
    _, quokka = make_team(h, other_lead, "Quokka")
    join_by_link(h, member, zebra)
    shown = send(h, member, f"/start {quokka}")
    offer = shown[0]
    expected = EN("bot.invite.offer", team="Quokka", leads="Olaf")
    assert offer["text"] == expected + "\n\n" + EN("bot.invite.other_teams", teams="Zebra")
    press(h, member, EN("bot.invite.no_thanks"), offer)
    assert message(member, offer["message_id"])["text"] == EN("bot.invite.declined")
    assert [t.name for t in h.run(runtime(h).teams.teams_of(who(member)))] == ["Zebra"]
    offer = send(h, member, f"/start {quokka}")[0]
    press(h, member, EN("bot.invite.join"), offer)
    assert message(member, offer["message_id"])["text"] == EN("bot.invite.joined", team="Quokka")
    assert [t.name for t in h.run(runtime(h).teams.teams_of(who(member)))] == ["Zebra", "Quokka"]
    # Twice is harmless, and says so.
    assert send(h, member, f"/start {quokka}")[0]["text"] == EN("bot.invite.already_member", team="Quokka")


def test_revoked_expired_and_used_up_codes_are_refused_politely(h: BotUnderTest, clock_file: Path):
    lead = h.fake.user(LEAD, "Lena")
    invitation, revoked = make_team(h, lead, "Zebra")
    press(h, lead, EN("bot.invite.revoke"), invitation)
    invitation, expiring = invitation_of(send(h, lead, "/invite Quokka"))
    press(h, lead, EN("bot.invite.days", count=7), invitation)
    invitation, single = invitation_of(send(h, lead, "/invite Koala"))
    press(h, lead, EN("bot.invite.max_button", count=10), invitation)
    for n in range(10):
        join_by_link(h, h.fake.user(6_200_000_100 + n, f"M{n}"), single)
    clock_file.write_text(str(8 * 24 * 3600), encoding="utf-8")
    member = h.fake.user(MEMBER, "Bea")
    assert send(h, member, f"/start {revoked}")[0]["text"] == EN("bot.invite.refused_revoked")
    assert send(h, member, f"/start {expiring}")[0]["text"] == EN("bot.invite.refused_expired")
    assert send(h, member, f"/start {single}")[0]["text"] == EN("bot.invite.refused_used_up")
    press(h, member, EN("consent.yes"))
    assert h.run(runtime(h).teams.teams_of(who(member))) == []  # nothing changed but the assessment


# --- /teams, /team, /team_csv ----------------------------------------------------------------


def test_team_shows_status_field_level_and_date_and_the_distribution(h: BotUnderTest):
    lead = h.fake.user(LEAD, "Lena")
    bea, carl = h.fake.user(MEMBER, "Bea"), h.fake.user(OTHER, "Carl")
    assert EN("bot.teams.none_led") in text_of(send(h, lead, "/team"))
    _, code = make_team(h, lead, "Zebra")
    assert EN("bot.teams.nobody") in text_of(send(h, lead, "/team"))
    join_by_link(h, bea, code)
    join_by_link(h, carl, code)
    h.run(finish(h, bea))
    report = send(h, lead, "/team")[-1]["text"]
    today = EN.date(utc_now())
    assert (
        "✅ " + EN("bot.teams.member_finished", name="Bea", field_name="Software", level=3, on=today)
        in report
    )
    assert "⏳ " + EN("bot.teams.member_in_progress", name="Carl") in report
    assert report.endswith(
        EN("bot.teams.distribution") + "\n" + "Software: " + EN("bot.teams.level_count", level=3, count=1)
    )
    send(h, lead, "/team_csv")
    document = lead.documents[-1]
    rows = list(csv.DictReader(io.StringIO(document.data.decode("utf-8"))))
    assert [(r["name"], r["status"], r["level"]) for r in rows] == [
        ("Bea", "finished", "3"),
        ("Carl", "in_progress", ""),
    ]
    # Members see their teams but not the report.
    assert EN("bot.teams.none_led") in text_of(send(h, bea, "/team"))
    assert EN("bot.teams.none_led") in text_of(send(h, bea, "/team_csv"))


def test_team_with_several_teams_and_a_number(h: BotUnderTest):
    lead = h.fake.user(LEAD, "Lena")
    for name in ("A1", "B2", "C3", "D4"):
        make_team(h, lead, name)
    picker = send(h, lead, "/team")[-1]
    assert picker["text"] == EN("bot.teams.pick") and len(inline_buttons(picker)) == 4
    press(h, lead, "2. B2", picker)
    assert lead.messages[-1]["text"].startswith("📊 B2")
    assert send(h, lead, "/team 3")[-1]["text"].startswith("📊 C3")
    assert send(h, lead, "/team 9")[-1]["text"].startswith(EN("bot.teams.which"))
    assert send(h, lead, "/team ３")[-1]["text"].startswith(EN("bot.teams.which"))  # ASCII digits only


def test_teams_card_for_a_lead_notify_toggle_and_a_co_lead(h: BotUnderTest):
    lead = h.fake.user(LEAD, "Lena")
    co = h.fake.user(OTHER, "Max")
    make_team(h, lead, "Zebra")
    card = send(h, lead, "/teams")[-1]
    assert EN("bot.teams.notify_on") in card["text"]
    press(h, lead, EN("bot.teams.notify_stop"), card)
    assert EN("bot.teams.notify_off") in message(lead, card["message_id"])["text"]
    press(h, lead, EN("bot.teams.notify_start"), message(lead, card["message_id"]))
    assert EN("bot.teams.notify_on") in message(lead, card["message_id"])["text"]
    press(h, lead, EN("bot.teams.add_colead"), message(lead, card["message_id"]))
    invitation, code = invitation_of(lead.messages[-1:])
    assert invitation["text"].startswith(EN("bot.invite.colead_title", team="Zebra"))
    assert EN("bot.invite.up_to", count=1) in invitation["text"]
    assert EN("bot.invite.until", date=EN.date(utc_now() + timedelta(days=7))) in invitation["text"]
    offer = send(h, co, f"/start {code}")[0]
    assert offer["text"] == EN("bot.invite.offer_colead", team="Zebra", leads="Lena")
    press(h, co, EN("bot.invite.accept_colead"), offer)
    assert message(co, offer["message_id"])["text"] == EN("bot.invite.joined_lead", team="Zebra")
    (team,) = h.run(runtime(h).teams.teams_of(who(co)))
    assert team.i_lead and team.leads == ("Lena", "Max")
    press(h, lead, EN("bot.teams.report"), message(lead, card["message_id"]))
    assert lead.messages[-1]["text"].startswith("📊 Zebra")


# --- /review and the member's /result ----------------------------------------------------------


def test_a_lead_reviews_claim_by_claim_and_the_member_sees_it(h: BotUnderTest):
    lead = h.fake.user(LEAD, "Lena")
    bea = h.fake.user(MEMBER, "Bea")
    assert send(h, lead, "/review")[-1]["text"] == EN("bot.review.none")
    _, code = make_team(h, lead, "Zebra")
    join_by_link(h, bea, code)
    h.run(finish(h, bea))
    listing = send(h, lead, "/review")[-1]
    (entry,) = inline_buttons(listing)
    total = len(
        h.run(
            runtime(h).reviews.open(who(lead), h.run(runtime(h).reviews.reviewable(who(lead)))[0][0])
        ).claims
    )
    assert entry["text"] == EN(
        "bot.review.entry", name="Bea", field_name="Software", level=3, reviewed=0, total=total
    )
    press(h, lead, entry["text"], listing)
    screen = message(lead, listing["message_id"])
    assert EN("bot.review.position", n=1, total=total) in screen["text"]
    press(h, lead, EN("bot.review.confirm"), screen)
    screen = message(lead, listing["message_id"])
    assert EN("bot.review.position", n=2, total=total) in screen["text"]
    press(h, lead, EN("bot.review.comment"), screen)
    assert lead.messages[-1]["text"] == EN("bot.review.type_comment", n=2)
    shown = send(h, lead, "Which vendors exactly?")
    assert shown[0]["text"] == EN("bot.review.comment_saved")
    assert "❓ " + EN("bot.review.questioned") in shown[1]["text"]
    assert "💬 “Which vendors exactly?”" in shown[1]["text"]
    assert not inline_buttons(message(lead, listing["message_id"]))  # the old screen is spent
    press(h, lead, EN("bot.review.back"), shown[1])
    assert EN("bot.review.position", n=1, total=total) in message(lead, shown[1]["message_id"])["text"]
    # The member's /result shows the review and both levels.
    result = send(h, bea, "/result")
    text = text_of(result)
    assert EN("bot.review.member_head", reviewers="Lena", confirmed=1, questioned=1) in text
    assert "Self-assessed: level 3" in text and "Which vendors exactly?" in text
    # And the member's /privacy names the lead who looked.
    privacy = text_of(send(h, bea, "/privacy"))
    assert privacy.startswith(EN("bot.privacy.title")) and "Lena (team lead) opened your result" in privacy


def test_privacy_says_nobody_has_seen_a_fresh_persons_data(h: BotUnderTest):
    assert text_of(send(h, h.fake.user(MEMBER, "Bea"), "/privacy")) == EN("bot.privacy.nobody")


def test_grant_is_for_admins_and_refusals_reveal_nothing(h: BotUnderTest):
    admin = h.fake.user(ADMIN_ID, "Ada")
    lead = h.fake.user(LEAD, "Lena")
    send(h, lead, "/start")  # the bot knows them now
    send(h, admin, "/start")
    assert text_of(send(h, lead, f"/grant {LEAD}")) == EN("bot.teams.denied")
    assert text_of(send(h, lead, "/grant 1")) == EN("bot.teams.denied")  # unknown id: the same words
    assert text_of(send(h, admin, "/grant")) == EN("bot.teams.grant_usage")
    assert text_of(send(h, admin, "/grant ٣")) == EN("bot.teams.grant_usage")
    assert text_of(send(h, admin, "/grant 99999999999999999999")) == EN("bot.teams.grant_usage")
    assert text_of(send(h, admin, "/grant 12345")) == EN("bot.teams.grant_nobody")
    assert text_of(send(h, admin, f"/grant {LEAD}")) == EN("bot.teams.granted")
    assert text_of(send(h, admin, f"/revoke_lead {LEAD}")) == EN("bot.teams.ungranted")


# --- forged buttons ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        "iv1:{theirs}:rv",  # another lead's invitation
        "iv1:{theirs}:e0",
        "iv1:{theirs}:sh",
        "iv1:999999:rv",  # no such invitation: the same answer
        "iv1:{theirs}:zz",
        "iv1:{theirs}:rv\n",
        "iv1:٣:rv",
        "iv1:99999999999:rv",
        "tm1:{their_team}:rep",
        "tm1:{their_team}:csv",
        "tm1:{their_team}:n0",
        "tm1:{their_team}:co",
        "tm1:{their_team}:link",
        "tm1:{their_team}:lvy",
        "tm1:0:rep",
        "tm1:{their_team}:new",
        "tj1:not a code:y",
        "tj1:" + "A" * 60 + ":y",
        "rv1:999999:0:c",
        "rv1:{their_result}:0:c",
        "rv1:{their_result}:0:o",
        "rv1:1:0:x",
        "rv1:1:9999:c",
        "rv1:list\n",
        "tm1:" + "9" * 80 + ":rep",
    ],
)
def test_forged_team_buttons_change_nothing_and_reveal_nothing(h: BotUnderTest, data: str):
    lead = h.fake.user(LEAD, "Lena")
    bea = h.fake.user(MEMBER, "Bea")
    forger = h.fake.user(OTHER, "Mallory")
    _, code = make_team(h, lead, "Zebra")
    join_by_link(h, bea, code)
    h.run(finish(h, bea))
    make_team(h, forger, "Mine")  # a lead too, of another team
    (invitation, *_) = h.run(runtime(h).teams.invitations(who(lead)))
    (result, *_) = h.run(runtime(h).reviews.reviewable(who(lead)))
    forged = data.format(theirs=invitation.id, their_team=invitation.team_id, their_result=result[0])
    before = len(forger.messages)
    query = _forge(h, forger, forged)
    h.run(h.deliver())
    (answer,) = [a for a in forger.callback_answers if a.query_id == query]
    assert answer.text in (EN("bot.button_expired"), EN("bot.teams.denied"))
    assert len(forger.messages) == before  # nothing sent: no report, no CSV, no link
    assert not any("Zebra" in m.get("text", "") or "Bea" in m.get("text", "") for m in forger.messages)
    after = h.run(runtime(h).teams.invitations(who(lead)))[0]
    assert after == invitation  # not revoked, not changed
    assert h.run(runtime(h).teams.teams_of(who(forger)))[0].name == "Mine"
    assert len(h.run(runtime(h).teams.teams_of(who(forger)))) == 1


def _forge(h: BotUnderTest, user: FakeUser, data: str) -> str:
    """A callback query with any data on the user's newest bot message, as a bad client can send."""
    state = h.fake._state
    with state.cond:
        chat = state.chats[user.chat_id]
        target = max(
            (m for m in chat.messages.values() if state.is_bot_message(m)), key=lambda m: m["message_id"]
        )
        query_id = str(6_300_000_000_000_000_000 + next(_QUERY_IDS))
        query = {
            "id": query_id,
            "from": user.user,
            "message": copy.deepcopy(target),
            "chat_instance": "6200000001",
            "data": data,
        }
        state.callback_queries[query_id] = query
        state.enqueue("callback_query", query)
    return query_id


_QUERY_IDS = itertools.count(1)


# --- callback data ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "parsed"),
    [
        ("iv1:12:e30", ("iv1:", "12", "e30")),
        ("iv1:12:u0", ("iv1:", "12", "u0")),
        ("tm1:0:new", ("tm1:", "0", "new")),
        ("tm1:7:lvy", ("tm1:", "7", "lvy")),
        ("tj1:AbC-_09:y", ("tj1:", "AbC-_09", "y")),
        ("tm1:7:new", None),  # "new" names no team
        ("tm1:0:rep", None),
        ("iv1:12:e30\n", None),
        ("iv1:１２:e30", None),
        ("iv1:2147483648:rv", None),
        ("iv1:12:E30", None),
        ("tj1:a b:y", None),
        ("tj1:" + "a" * 57 + ":y", None),
        ("", None),
        (None, None),
    ],
)
def test_team_callback_data_is_parsed_strictly(data: str | None, parsed: tuple[str, str, str] | None):
    press = parse_team_callback(data)
    assert (None if press is None else (press.prefix, press.target, press.verb)) == parsed


@pytest.mark.parametrize(
    ("data", "parsed"),
    [
        ("rv1:5:0:o", (5, 0, "o")),
        ("rv1:5:12:q", (5, 12, "q")),
        ("rv1:5:12:q\n", None),
        ("rv1:5:1234:q", None),
        ("rv1:٥:1:q", None),
        ("rv1:2147483648:1:q", None),
        ("rv1:5:1:z", None),
        ("rv1:list", None),  # a list button, not a claim's
    ],
)
def test_review_callback_data_is_parsed_strictly(data: str, parsed: tuple[int, int, str] | None):
    assert parse_review_callback(data) == parsed
