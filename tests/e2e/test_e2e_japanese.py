"""Japanese end to end: whole interviews in Japanese, /language mid-interview, the "原文 / original"
button, and a second (made-up) standard offered next to ITSS, all through the real bot process."""

from __future__ import annotations

import json
import re

import pytest
from e2e_harness import (
    EN,
    REPO_ROOT,
    STANDARD,
    Interviewee,
    Words,
    active_interview,
    button_texts,
    export_document,
    is_new_prompt,
    numbered_options,
    result_level,
    ticked_numbers,
)
from e2e_people import FACILITY_L5, FACILITY_L5_BY_HAND, HARDWARE_L4, HARDWARE_L4_BY_HAND, SOFTWARE_L2, fresh

from criteria import evaluate, parse_profile

JA = Words.of("ja")
TOY_FILE = REPO_ROOT / "tests/fixtures/standards/toy-helpdesk.json"
TOY = json.loads(TOY_FILE.read_text(encoding="utf-8"))
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def expected_level(interviewee: Interviewee) -> int:
    return evaluate(parse_profile(interviewee.profile())).level


def all_texts(interviewee: Interviewee) -> str:
    return "\n".join(m.get("text") or "" for m in interviewee.user.messages)


def answer_in_full_width(interviewee: Interviewee) -> str:
    """Types the person's number for the current (number) question in full-width digits."""
    key = interviewee.key
    value = interviewee.person.answer(key)
    typed = str(value).translate(FULL_WIDTH)
    assert typed != str(value)
    interviewee.user.send_text(typed)
    interviewee._record(key, value)  # what the harness records for a typed number
    interviewee.wait_prompt()
    return typed


# --- 1. one whole Japanese interview per field ----------------------------------------------------


@pytest.mark.parametrize(
    ("person", "level", "user_id"),
    [
        pytest.param(HARDWARE_L4, HARDWARE_L4_BY_HAND, 7320000001, id="hardware"),
        pytest.param(SOFTWARE_L2, 2, 7320000002, id="software"),
        pytest.param(FACILITY_L5, FACILITY_L5_BY_HAND, 7320000003, id="facility"),
    ],
)
def test_whole_japanese_interview(session, person, level, user_id):
    session.start_bot()
    haru = Interviewee(session.user(user_id, "Haruto", language_code="ja"), fresh(person), words=JA)
    consent = haru.begin()
    assert haru.key == "consent"
    assert button_texts(consent) == [JA.catalogue["consent.yes"], JA.catalogue["consent.no"]]
    haru.answer(True)
    assert haru.key == "field"
    assert JA.catalogue["q.field"] in haru.prompt["text"]
    assert EN.catalogue["q.field"] not in haru.prompt["text"]
    assert JA.texts[f"field.{person.field}.option"] in haru.prompt["text"]

    typed: list[str] = []
    for _ in range(60):
        if haru.key == "review":
            break
        if haru.key.endswith((".rooms", ".area")):
            typed.append(answer_in_full_width(haru))
        else:
            haru.answer()
    assert haru.key == "review"
    if person.field == "facility":
        assert typed == ["３", "２５１３", "１", "４８７"]
        # The full-width numbers were read as the numbers they are.
        answers = active_interview(session.database_url, user_id)["snapshot"]["answers"]
        assert (answers["project.1.rooms"], answers["project.1.area"]) == (3, 2513)
        assert (answers["project.3.rooms"], answers["project.3.area"]) == (1, 487)
    assert haru.prompt["text"].startswith(JA.catalogue["review.text"])

    result = haru.confirm()
    assert haru.key == "result"
    assert result_level(result["text"], JA) == level == expected_level(haru)
    field_name = JA.texts[f"field.{person.field}.name"]
    assert field_name in result["text"]
    with pytest.raises(AssertionError):
        result_level(result["text"], EN)  # not the English result
    # Every question came in Japanese: no English catalogue text showed up anywhere in the chat.
    chat = all_texts(haru)
    for key in ("q.field", "q.role", "q.mentoring", "consent.yes", "review.text"):
        if key == "q.role":
            assert EN.catalogue[key].split("{")[0] not in chat
        else:
            assert EN.catalogue[key] not in chat, key
    assert EN.texts[f"field.{person.field}.name"] not in result["text"]


# --- 2. /language in the middle of an interview ---------------------------------------------------


def switch_language(interviewee: Interviewee, to: Words, asked_in: Words) -> None:
    user = interviewee.user
    user.send_text("/language")
    keyboard = user.wait_for_text(asked_in.catalogue["bot.language.question"])
    labels = button_texts(keyboard)
    assert to.catalogue["language.name"] in labels, labels
    assert f"✓ {asked_in.catalogue['language.name']}" in labels, labels
    user.press(to.catalogue["language.name"], keyboard["message_id"])
    user.wait_for_text(to.catalogue["bot.language.changed"])
    interviewee.words = to


def test_language_switch_mid_interview_keeps_every_answer(session):
    session.start_bot()
    db = session.database_url
    user = session.user(7320000011, "Emma", language_code="en")
    emma = Interviewee(user, fresh(HARDWARE_L4))
    emma.begin()
    emma.answer(True)
    emma.answer()  # field
    emma.answer()  # role
    emma.answer()  # project count
    assert emma.key == "project.1.complexity"
    english_prompt = emma.prompt["text"]
    before = active_interview(db, user.user_id)["snapshot"]["answers"]
    assert set(before) == {"field", "role", "project_count"}

    switch_language(emma, JA, asked_in=EN)
    again = emma.wait_prompt()
    assert emma.key == "project.1.complexity", "the same question, asked again"
    assert again["text"] != english_prompt
    assert JA.items["hw.cx.multi_vendor"] in again["text"]
    assert EN.items["hw.cx.multi_vendor"] not in again["text"]
    after = active_interview(db, user.user_id)["snapshot"]["answers"]
    assert after == before, "switching the language lost or changed an answer"

    emma.run()
    assert emma.key == "review"
    assert emma.prompt["text"].startswith(JA.catalogue["review.text"])
    result = emma.confirm()
    assert result_level(result["text"], JA) == HARDWARE_L4_BY_HAND == expected_level(emma)

    switch_language(emma, EN, asked_in=JA)
    intro = EN.catalogue["bot.help"].split("{")[0]
    user.send_text("/help")
    help_text = user.wait_for_text(intro)["text"]
    assert JA.catalogue["bot.help"].split("{")[0] not in help_text


# --- 3. the "原文 / original" button ----------------------------------------------------------------


def test_original_button_shows_the_english_wording(session):
    session.start_bot()
    user = session.user(7320000021, "Yui", language_code="ja")
    yui = Interviewee(user, fresh(HARDWARE_L4), words=JA)
    yui.begin()
    yui.answer(True)
    assert yui.key == "field"
    original = JA.catalogue["bot.button.original"]
    assert original in button_texts(yui.prompt)
    before = active_interview(session.database_url, user.user_id)

    yui.press(original)
    text = user.wait_for_text(JA.catalogue["bot.original.title"])["text"]
    assert EN.catalogue["q.field"] in text
    assert JA.catalogue["q.field"] not in text
    for f in ("hardware", "software", "facility"):
        assert EN.texts[f"field.{f}.option"] in text
        assert JA.texts[f"field.{f}.option"] not in text
    assert active_interview(session.database_url, user.user_id) == before, "showing it changes nothing"

    # The interview goes on in Japanese from the same question.
    yui.answer()
    assert yui.key == "role"
    assert (
        JA.texts["role.responsible.option"].format(field_name=JA.texts["field.hardware.name"])
        in (yui.prompt["text"])
    )


# --- 4. a second, made-up standard next to ITSS ----------------------------------------------------


class ByHand:
    """Drives the toy interview by the numbers in the messages (the harness knows only ITSS's words)."""

    def __init__(self, user) -> None:
        self.user = user
        self.prompt: dict = {}

    def next(self) -> dict:
        self.prompt = self.user.wait_for_message(is_new_prompt)
        return self.prompt

    def press_prefix(self, prefix: str) -> None:
        found = [t for t in button_texts(self.prompt) if t.startswith(prefix)]
        assert len(found) == 1, (prefix, button_texts(self.prompt))
        self.user.press(found[0], self.prompt["message_id"])

    def choose(self, label: str) -> dict:
        options = numbered_options(self.prompt["text"])
        assert label in options, (label, options)
        self.press_prefix(f"{options[label]}. ")
        return self.next()

    def tick(self, labels: list[str]) -> dict:
        options = numbered_options(self.prompt["text"])
        for label in labels:
            assert label in options, (label, options)
            number = options[label]
            self.press_prefix(f"⬜ {number}. ")
            mid = self.prompt["message_id"]
            self.prompt = self.user.wait_for_message(
                lambda m, mid=mid: m["message_id"] == mid and "edit_date" in m
            )
            assert number in ticked_numbers(self.prompt["text"])
        assert ticked_numbers(self.prompt["text"]) == {options[label] for label in labels}
        self.user.press(EN.catalogue["bot.button.done"], self.prompt["message_id"])
        return self.next()

    def button(self, text: str) -> dict:
        assert text in button_texts(self.prompt), (text, button_texts(self.prompt))
        self.user.press(text, self.prompt["message_id"])
        return self.next()


def test_a_second_standard_end_to_end(session):
    session.start_bot(STANDARDS=f"itss-v2-customer-service,{TOY_FILE}")
    user = session.user(7320000031, "Noor", language_code="en")
    items = {i["id"]: i["seed_text"] for i in TOY["items"]}
    texts = TOY["texts"]
    bot = ByHand(user)
    user.send_text("/start")
    bot.next()
    bot.button(EN.catalogue["consent.yes"])

    assert EN.catalogue["q.standard"] in bot.prompt["text"]
    offered = numbered_options(bot.prompt["text"])
    assert set(offered) == {STANDARD["texts"]["title"], texts["title"]}, offered
    bot.choose(texts["title"])

    assert EN.catalogue["q.field"] in bot.prompt["text"]
    assert set(numbered_options(bot.prompt["text"])) == {
        texts["field.desk.option"],
        texts["field.onsite.option"],
    }
    bot.choose(texts["field.desk.option"])
    bot.choose(texts["role.lead.option"].format(field_name="Desk support"))
    counts = numbered_options(bot.prompt["text"])
    assert set(counts) == {EN.catalogue[f"project_count.{n}"] for n in range(3)}, counts  # the toy's most: 2
    bot.choose(EN.catalogue["project_count.2"])
    # Project 1: two ticks, the whole company -> worth 3; project 2: one tick, one team -> worth 2.
    bot.tick([items["desk.cx.multi_language"], items["desk.cx.vip"]])
    bot.choose(items["desk.size.company"])
    bot.tick([items["desk.cx.vip"]])
    bot.choose(items["desk.size.one_team"])
    assert texts["themes.depth.3"] in bot.prompt["text"]
    bot.tick([items["desk.l3.theme.kpis"]])
    assert texts["field.desk.accomplishment_area"] in bot.prompt["text"]
    bot.tick([items["desk.acc.wiki"]])
    assert EN.catalogue["q.mentoring"] in bot.prompt["text"]
    bot.button(EN.catalogue["yes"])
    assert bot.prompt["text"].startswith(EN.catalogue["review.text"])
    result = bot.button(EN.catalogue["review.confirm"])["text"]

    assert result_level(result, EN) == 3
    assert result.startswith(f"Desk support, level 3 — {TOY['texts']['role.lead.short']}"), result
    assert not re.search(r"Hardware|Software|Facility", result)

    document = export_document(user)
    assert document["standard"] == "toy-helpdesk"
    assert document["profile"]["field"] == "desk"
