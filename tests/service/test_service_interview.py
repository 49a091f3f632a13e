"""Whole interviews through the service, on SQLite and PostgreSQL: level, durability and transcript."""

from __future__ import annotations

from datetime import UTC
from itertools import pairwise

import pytest
from admin_views import transcript_of
from service_driver import (
    BEGINNER,
    TRUTHS,
    Fresh,
    accepted,
    drive_to,
    give,
    take_assessment,
    truth_level,
    truthful,
)

from bot.service import CLIP, AssessmentService, Identity, Reply
from bot.storage import UnitOfWorkFactory
from criteria import evaluate, parse_profile
from dialogs import Choose, Kind

ALICE = Identity(local_key="terminal:alice", display_name="Alice")
BOB = Identity(telegram_id=4242, display_name="Bob", language_code="en")


@pytest.mark.parametrize("field", sorted(TRUTHS))
async def test_a_full_interview_reaches_the_level_criteria_computes_from_the_export(
    service: AssessmentService, field: str
) -> None:
    truth = TRUTHS[field]
    reply = await take_assessment(service, BOB, truth)

    assert reply.prompt is not None and reply.prompt.key == "result"
    export = await service.export(BOB)
    assert export is not None
    assert (export["standard"], export["standard_version"]) == ("itss-v2-customer-service", "1.0")
    exported = export["profile"]
    evaluation = evaluate(parse_profile(exported))
    assert evaluation.field == field
    assert export["level"] == evaluation.level
    assert reply.finished_level == evaluation.level == truth_level(truth)
    [result] = await service.history(BOB)
    assert (result.field, result.level, result.interview_id) == (field, evaluation.level, reply.interview_id)
    assert (result.standard_id, result.standard_version) == ("itss-v2-customer-service", "1.0")
    assert result.profile == exported
    assert result.evaluation == evaluation.to_json()


async def test_a_beginner_is_asked_the_level_one_and_two_questions(service: AssessmentService) -> None:
    reply, asked = await drive_to(service, ALICE, await service.start(ALICE), BEGINNER)
    assert {"involvement", "common_complexity", "common_themes"} <= set(asked)
    assert reply.finished_level == truth_level(BEGINNER) == 1


async def _stored(fresh: Fresh, who: Identity) -> tuple[int, int, dict, str] | None:
    """(id, version, snapshot, status) of the person's newest interview, read through a new engine."""
    async with fresh() as other:
        uow_factory = other._uow
        async with uow_factory() as uow:
            user = await uow.users.by_local_key(who.local_key or "")
            if user is None:
                return None
            rows = await uow.interviews.list_for_user(user)
            if not rows:
                return None
            row = rows[-1]
            return row.id, row.version, dict(row.snapshot), row.status


async def test_every_operation_is_committed_before_it_returns(
    service: AssessmentService, fresh_service: Fresh
) -> None:
    truth = TRUTHS["hardware"]
    reply = await service.start(ALICE)
    stored = await _stored(fresh_service, ALICE)
    assert stored is not None and (stored[0], stored[1]) == (reply.interview_id, reply.version)

    for step in range(200):
        prompt = reply.prompt
        assert prompt is not None
        if prompt.key == "result":
            break
        value = truthful(prompt, truth)
        if prompt.kind is Kind.MULTI and step % 2 and prompt.options:
            # A toggle alone is committed too: the ticked box survives a restart of the bot.
            option = prompt.options[0].id
            reply = accepted(await service.toggle(ALICE, option, (reply.interview_id, reply.version)), "t")
            stored = await _stored(fresh_service, ALICE)
            assert stored is not None and stored[1] == reply.version
            assert (option in (stored[2]["draft"] or [])) != prompt.options[0].selected
        previous_key = prompt.key
        reply = await give(service, ALICE, reply, value, step % 3)
        stored = await _stored(fresh_service, ALICE)
        assert stored is not None
        interview_id, version, snapshot, status = stored
        assert (interview_id, version) == (reply.interview_id, reply.version), previous_key
        if previous_key == "consent":
            assert snapshot["state"] == "field"
        elif previous_key == "review":
            assert status == "finished" and snapshot["state"] == "result"
        else:
            stored_value = snapshot["answers"][previous_key]
            expected = sorted(value) if isinstance(value, list) else value
            got = sorted(stored_value) if isinstance(stored_value, list) else stored_value
            assert got == (int(expected) if previous_key == "project_count" else expected), previous_key
    else:
        raise AssertionError("no result")

    # back is committed as well
    async with fresh_service() as other:
        assert len(await other.history(ALICE)) == 1
    reply = accepted(await service.back(ALICE), "back")  # result → review: a new interview
    stored = await _stored(fresh_service, ALICE)
    assert stored is not None and stored[0] == reply.interview_id and stored[3] == "active"
    assert stored[2]["state"] == "review"


async def test_the_transcript_has_every_prompt_and_answer_in_order_with_times(
    service: AssessmentService,
) -> None:
    sent: list[tuple[str, str]] = []  # (key, text) of every prompt the person was shown after a change
    reply = await service.start(BOB)
    assert reply.prompt is not None
    sent.append((reply.prompt.key, reply.prompt.text))

    # A rejected answer is recorded with its reason, then the accepted one.
    rejected = await service.answer(BOB, "maybe", (reply.interview_id, reply.version))
    assert rejected.prompt is not None and rejected.prompt.error
    assert (rejected.version, rejected.prompt.key) == (reply.version, "consent")
    reply = accepted(await service.answer(BOB, "yes", (reply.interview_id, reply.version)), "consent")
    assert reply.prompt is not None
    sent.append((reply.prompt.key, reply.prompt.text))
    bad_field = await service.answer(BOB, "99")
    assert bad_field.prompt is not None and bad_field.prompt.error
    reply, asked = await drive_to(service, BOB, reply, TRUTHS["software"])
    assert reply.interview_id is not None

    lines = await transcript_of(service, reply.interview_id)
    assert lines is not None
    assert [line.seq for line in lines] == list(range(1, len(lines) + 1))
    assert all(line.at.tzinfo is not None and line.at.utcoffset() == UTC.utcoffset(None) for line in lines)
    assert all(a.at <= b.at for a, b in pairwise(lines))
    assert lines[0].direction == "event" and lines[0].text == "started"

    prompts = [(line.key, line.text) for line in lines if line.direction == "prompt"]
    answers = [line for line in lines if line.direction == "answer"]
    # every question asked (and the consent, the review and the result) was recorded as sent
    assert [key for key, _ in prompts] == ["consent", *asked, "result"]
    assert prompts[:2] == sent
    # every answer received, the rejected ones in their place with the reason
    assert [(a.key, a.text) for a in answers[:4]] == [
        ("consent", "maybe"),
        ("consent", "Yes, start"),
        ("field", "99"),
        ("field", "Software — installation, set-up, maintenance of programs and software products"),
    ]
    assert answers[0].rejected == "Please answer yes or no."
    assert answers[2].rejected == "Please choose one of the offered options."
    assert [a.key for a in answers if a.rejected is None] == ["consent", *[k for k in asked if k != "review"]]
    assert [a.key for a in answers if a.rejected is not None] == ["consent", "field"]
    # the confirmation on the review is an event, followed by the result that was shown
    assert [(x.direction, x.key, x.text) for x in lines[-2:-1]] == [("event", "review", "finish")]
    assert lines[-1].key == "result" and lines[-1].text == reply.prompt.text
    # a prompt always comes before the answer to it
    for index, line in enumerate(lines):
        if line.direction == "answer":
            earlier = [x for x in lines[:index] if x.direction == "prompt"]
            assert earlier and earlier[-1].key == line.key, (line, earlier[-1:])


async def test_a_refused_input_is_kept_clipped_in_the_payload_as_in_the_text(
    service: AssessmentService, uow_factory: UnitOfWorkFactory
) -> None:
    """Was #10: the text was clipped but the payload kept the whole input, so every refused message
    of 4,096 characters was stored twice at full length."""
    reply = await service.start(BOB)
    typed = "x" * 4096  # the longest message Telegram delivers
    forged = [f"option-{n:04d}" for n in range(500)]  # a value no button of ours sends
    for refused in (
        await service.type_text(BOB, typed),
        await service.answer(BOB, forged),
        await service.answer(BOB, ["maybe"]),
    ):
        assert refused.prompt is not None and refused.prompt.error and refused.prompt.key == "consent"
    async with uow_factory() as uow:
        row = await uow.interviews.get(reply.interview_id or 0)
        assert row is not None
        answers = [e for e in await uow.transcripts.for_interview(row) if e.direction == "answer"]
    clipped = "x" * CLIP + "…"
    assert [(a.text, a.payload["value"]) for a in answers[:1]] == [(clipped, clipped)]
    assert answers[0].payload["rejected"] == "Please answer yes or no."
    assert len(answers[1].text) == len(answers[1].payload["value"]) == CLIP + 1
    assert answers[1].payload["value"].startswith("['option-0000', 'option-0001'")
    assert answers[2].payload["value"] == ["maybe"]  # short values are kept as they came


async def test_a_client_language_code_longer_than_the_column_does_not_break_updates(
    service: AssessmentService,
) -> None:
    """Was #10: on PostgreSQL every update of such a person failed (users.language_code is varchar(35))."""
    odd = Identity(telegram_id=4343, display_name="Odd", language_code="ja-JP-x-" + "longsubtag" * 8)
    started = await service.start(odd)
    assert started.prompt is not None and started.prompt.key == "consent"
    assert started.msg.language == "ja"  # read by its first subtag, as any other code
    consent = accepted(await service.answer(odd, "yes", (started.interview_id, started.version)), "consent")
    assert consent.prompt is not None and consent.prompt.key == "field"


async def test_transcript_of_an_unknown_interview_is_none(service: AssessmentService) -> None:
    assert await transcript_of(service, 987654) is None


async def test_a_stale_version_is_refused_and_changes_nothing(
    service: AssessmentService, fresh_service: Fresh
) -> None:
    start = await service.start(ALICE)
    consent = accepted(await service.answer(ALICE, "yes", (start.interview_id, start.version)), "consent")
    assert consent.interview_id is not None and consent.version is not None
    before = await _stored(fresh_service, ALICE)
    transcript_before = await transcript_of(service, consent.interview_id)

    old = (consent.interview_id, consent.version - 1)
    for call in (
        service.answer(ALICE, "hardware", old),
        service.act(ALICE, Choose(0), old),
        service.toggle(ALICE, "x", old),
        service.done(ALICE, old),
        service.back(ALICE, old),
    ):
        reply = await call
        assert reply.stale and reply.notice == "stale"
        assert reply.prompt is not None and reply.prompt.key == "field"  # what to show instead
        assert (reply.interview_id, reply.version) == (consent.interview_id, consent.version)
    assert await _stored(fresh_service, ALICE) == before
    assert await transcript_of(service, consent.interview_id) == transcript_before


async def test_an_expect_naming_another_users_interview_changes_nothing_for_either(
    service: AssessmentService, fresh_service: Fresh
) -> None:
    bob_id = Identity(local_key="terminal:bob", display_name="Bob")
    alice = accepted(await service.answer(ALICE, "yes", _expect(await service.start(ALICE))), "a")
    bob = accepted(await service.answer(bob_id, "yes", _expect(await service.start(bob_id))), "b")
    assert alice.interview_id != bob.interview_id
    before = (await _stored(fresh_service, ALICE), await _stored(fresh_service, bob_id))

    for expect in (_expect(bob), (_expect(bob)[0], 1)):
        for call in (
            service.answer(ALICE, "hardware", expect),
            service.act(ALICE, Choose(0), expect),
            service.back(ALICE, expect),
        ):
            reply = await call
            assert reply.stale and reply.notice == "stale"
            assert reply.interview_id != bob.interview_id and reply.prompt is None
    assert (await _stored(fresh_service, ALICE), await _stored(fresh_service, bob_id)) == before

    # Bob finished: Alice pressing "restart" on Bob's result does not open anything for anyone.
    done = await take_assessment(service, Identity(local_key="terminal:carol"), TRUTHS["software"])
    reply = await service.act(ALICE, Choose(0), _expect(done))
    assert reply.stale and reply.prompt is None
    assert (await _stored(fresh_service, ALICE), await _stored(fresh_service, bob_id)) == before


def _expect(reply: Reply) -> tuple[int, int]:
    assert reply.interview_id is not None and reply.version is not None
    return reply.interview_id, reply.version
