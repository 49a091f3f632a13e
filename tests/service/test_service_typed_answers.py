"""A typed answer carries the question it answers: its chat message id, compared with the message
that shows the current question and with the message of the last answer taken."""

from __future__ import annotations

from admin_views import transcript_of
from service_driver import accepted

from bot.service import AssessmentService, Identity, Reply
from dialogs import Choose

ALICE = Identity(telegram_id=4001, display_name="Alice", language_code="en")


async def _at_field(service: AssessmentService, shown_as: int) -> Reply:
    start = await service.start(ALICE)
    assert start.interview_id is not None and start.version is not None
    field = accepted(await service.answer(ALICE, "yes", (start.interview_id, start.version)), "consent")
    await service.swap_live_message(ALICE, shown_as)  # the front sent the field question as this message
    return field


async def _state(service: AssessmentService, reply: Reply) -> tuple[object, ...]:
    current = await service.current(ALICE)
    assert reply.interview_id is not None
    return current.version, current.prompt, await transcript_of(service, reply.interview_id)


async def test_a_text_sent_after_the_question_answers_it(service: AssessmentService) -> None:
    field = await _at_field(service, shown_as=10)
    reply = await service.type_text(ALICE, "1", message_id=11)
    assert reply.notice is None and reply.prompt is not None and reply.prompt.key == "role"
    assert reply.version == (field.version or 0) + 1


async def test_a_late_copy_of_an_answered_text_is_refused_and_changes_nothing(
    service: AssessmentService,
) -> None:
    field = await _at_field(service, shown_as=10)
    accepted(await service.type_text(ALICE, "1", message_id=11), "field")
    before = await _state(service, field)
    # Before the next question was even sent (the same text delivered twice at once) …
    again = await service.type_text(ALICE, "1", message_id=11)
    assert again.notice == "earlier_question" and again.prompt is None
    assert await _state(service, field) == before
    # … and after it was (a late redelivery): "2" would have answered the role question.
    await service.swap_live_message(ALICE, 12)
    late = await service.type_text(ALICE, "2", message_id=11)
    assert late.notice == "earlier_question"
    assert await _state(service, field) == before
    fresh = await service.type_text(ALICE, "2", message_id=13)
    assert fresh.notice is None and fresh.prompt is not None and fresh.prompt.key != "role"


async def test_a_text_typed_before_the_question_was_shown_is_refused(service: AssessmentService) -> None:
    field = await _at_field(service, shown_as=10)
    before = await _state(service, field)
    reply = await service.type_text(ALICE, "1", message_id=9)
    assert reply.notice == "earlier_question"
    assert await _state(service, field) == before


async def test_a_front_without_message_ids_is_unaffected(service: AssessmentService) -> None:
    """The terminal sends no message id: every text answers the question current when it arrives."""
    await _at_field(service, shown_as=10)
    accepted(await service.type_text(ALICE, "1"), "field")
    accepted(await service.type_text(ALICE, "1"), "role")


async def test_a_second_press_on_the_answered_message_is_a_repeat(service: AssessmentService) -> None:
    field = await _at_field(service, shown_as=10)
    assert field.interview_id is not None and field.version is not None
    expect = (field.interview_id, field.version)
    first = await service.act(ALICE, Choose(0), expect, message_id=10)
    assert not first.stale and first.prompt is not None and first.prompt.key == "role"
    await service.swap_live_message(ALICE, 12)  # the role question went out
    again = await service.act(ALICE, Choose(0), expect, message_id=10)
    assert again.stale and again.repeat
    other = await service.act(ALICE, Choose(0), expect, message_id=7)  # an older message: not a repeat
    assert other.stale and not other.repeat and other.prompt is not None
    # An out-of-date button on the message now showing the question (forged, or a client behind):
    # not a repeat either, the question comes again.
    behind = await service.act(ALICE, Choose(0), expect, message_id=12)
    assert behind.stale and not behind.repeat and behind.prompt is not None
