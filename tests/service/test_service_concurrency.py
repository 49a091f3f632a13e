"""Two updates of the same person at once (a double tap, two devices, two bot processes).

Each call runs on its own engine, as it would in another process: nothing is shared but the database.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import pytest
from admin_views import transcript_of
from service_driver import Fresh, accepted
from sqlalchemy import update

from bot.service import AssessmentService, Identity, Reply
from bot.storage import Interview as InterviewRow
from bot.storage.repositories import InterviewRepository

ALICE = Identity(telegram_id=2001, display_name="Alice")
WRITERS = 4


async def _services(stack: AsyncExitStack, fresh: Fresh, count: int) -> list[AssessmentService]:
    return [await stack.enter_async_context(fresh()) for _ in range(count)]


async def _at_field(service: AssessmentService) -> Reply:
    start = await service.start(ALICE)
    assert start.interview_id is not None and start.version is not None
    return accepted(await service.answer(ALICE, "yes", (start.interview_id, start.version)), "consent")


async def _check_consistent(service: AssessmentService, interview_id: int) -> tuple[dict, list]:
    """The stored snapshot agrees with the transcript: every accepted answer is there exactly once."""
    current = await service.current(ALICE)
    assert current.interview_id == interview_id and current.prompt is not None
    async with service._uow() as uow:
        row = await uow.interviews.get(interview_id)
        assert row is not None
        snapshot = dict(row.snapshot)
    lines = await transcript_of(service, interview_id)
    assert lines is not None
    assert [x.seq for x in lines] == list(range(1, len(lines) + 1))
    accepted_keys = [x.key for x in lines if x.direction == "answer" and x.rejected is None]
    assert len(accepted_keys) == len(set(accepted_keys)), accepted_keys
    assert snapshot["history"] == [k for k in accepted_keys if k != "consent"]
    assert set(snapshot["answers"]) == set(snapshot["history"])
    return snapshot, lines


async def test_concurrent_answers_with_the_same_version_let_exactly_one_win(
    service: AssessmentService, fresh_service: Fresh
) -> None:
    field = await _at_field(service)
    assert field.interview_id is not None and field.version is not None
    expect = (field.interview_id, field.version)
    values = ["hardware", "software", "facility", "hardware"][:WRITERS]
    async with AsyncExitStack() as stack:
        services = await _services(stack, fresh_service, WRITERS)
        replies = await asyncio.gather(
            *(s.answer(ALICE, v, expect) for s, v in zip(services, values, strict=True))
        )

    winners = [(v, r) for v, r in zip(values, replies, strict=True) if not r.stale]
    assert len(winners) == 1, replies
    value, winner = winners[0]
    assert winner.prompt is not None and winner.prompt.key == "role" and winner.version == field.version + 1
    for reply in replies:
        if reply.stale:
            assert reply.notice == "stale" and reply.version == winner.version
            assert reply.prompt is not None and reply.prompt.key == "role"

    snapshot, lines = await _check_consistent(service, field.interview_id)
    assert snapshot["answers"] == {"field": value}
    assert [x.key for x in lines if x.direction == "answer"] == ["consent", "field"]
    assert (await service.current(ALICE)).version == field.version + 1


async def test_concurrent_answers_without_a_version_are_applied_one_after_the_other(
    service: AssessmentService, fresh_service: Fresh
) -> None:
    """The terminal sends no version: the second answer meets the next question and is judged there."""
    field = await _at_field(service)
    assert field.interview_id is not None and field.version is not None
    async with AsyncExitStack() as stack:
        one, two = await _services(stack, fresh_service, 2)
        replies = await asyncio.gather(one.answer(ALICE, "hardware"), two.answer(ALICE, "software"))

    snapshot, lines = await _check_consistent(service, field.interview_id)
    assert snapshot["answers"]["field"] in ("hardware", "software")
    assert list(snapshot["answers"]) == ["field"]  # neither field value can answer the role question
    refused = [r for r in replies if r.stale or (r.prompt is not None and r.prompt.error)]
    assert len(refused) == 1, replies
    field_answers = [x for x in lines if x.direction == "answer" and x.key == "field"]
    assert len(field_answers) == 1 and field_answers[0].rejected is None


async def test_concurrent_toggles_are_all_kept_or_reported_stale(
    service: AssessmentService, fresh_service: Fresh
) -> None:
    reply = await _at_field(service)
    for value in ("hardware", "responsible", "1"):
        reply = accepted(await service.answer(ALICE, value), value)
    assert reply.prompt is not None and reply.prompt.key == "project.1.complexity"
    options = [o.id for o in reply.prompt.options][:WRITERS]
    async with AsyncExitStack() as stack:
        services = await _services(stack, fresh_service, len(options))
        replies = await asyncio.gather(*(s.toggle(ALICE, o) for s, o in zip(services, options, strict=True)))

    kept = {o for o, r in zip(options, replies, strict=True) if not r.stale}
    assert kept, replies
    current = await service.current(ALICE)
    assert current.prompt is not None and set(current.prompt.selected) == kept
    assert current.version == reply.version + len(kept)  # type: ignore[operator]


async def test_concurrent_starts_open_one_interview(service: AssessmentService, fresh_service: Fresh) -> None:
    async with AsyncExitStack() as stack:
        services = await _services(stack, fresh_service, WRITERS)
        replies = await asyncio.gather(*(s.start(ALICE) for s in services))
    assert len({r.interview_id for r in replies}) == 1, replies
    assert sorted(r.notice or "" for r in replies) == ["", *["resumed"] * (WRITERS - 1)]
    async with service._uow() as uow:
        user = await uow.users.by_telegram_id(ALICE.telegram_id or 0)
        assert user is not None and len(await uow.interviews.list_for_user(user)) == 1


async def test_a_write_that_loses_the_version_race_is_rolled_back_and_reported_stale(
    service: AssessmentService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The conditional UPDATE itself refuses (another writer got in between the read and the write).

    Across processes the user row and the transcript's row lock serialize the calls for one person
    first, so this is forced: the version moves inside the same transaction, just before the save.
    """
    field = await _at_field(service)
    assert field.interview_id is not None
    before = await transcript_of(service, field.interview_id)
    real_save = InterviewRepository.save

    async def save_after_someone_else(self, interview, state, snapshot, expected_version):  # type: ignore[no-untyped-def]
        await self._session.execute(
            update(InterviewRow)
            .where(InterviewRow.id == interview.id)
            .values(version=InterviewRow.version + 1)
        )
        return await real_save(self, interview, state, snapshot, expected_version)

    monkeypatch.setattr(InterviewRepository, "save", save_after_someone_else)
    reply = await service.answer(ALICE, "hardware")
    monkeypatch.undo()

    assert reply.stale and reply.notice == "stale"
    assert (reply.interview_id, reply.version) == (field.interview_id, field.version)
    assert reply.prompt is not None and reply.prompt.key == "field"
    assert await transcript_of(service, field.interview_id) == before
    current = await service.current(ALICE)
    assert (current.version, current.prompt) == (field.version, field.prompt)
