"""Interviews: versioned saves, one active per user, and snapshots that come back exactly as stored."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.storage import (
    ActiveInterviewExistsError,
    Interview,
    InterviewNotActiveError,
    InterviewStatus,
    StaleInterviewError,
    UnitOfWorkFactory,
)


async def _start(uow_factory: UnitOfWorkFactory, snapshot: dict[str, Any] | None = None) -> int:
    async with uow_factory() as uow:
        user = await uow.users.get_or_create_telegram(1, "Alice")
        interview = await uow.interviews.start(user, "q1", snapshot or {"step": 1})
        await uow.commit()
        return interview.id


async def _load(uow_factory: UnitOfWorkFactory, interview_id: int) -> Interview:
    async with uow_factory() as uow:
        interview = await uow.interviews.get(interview_id)
        assert interview is not None
        return interview


async def test_start_and_save_increment_the_version(uow_factory: UnitOfWorkFactory) -> None:
    interview_id = await _start(uow_factory)
    started = await _load(uow_factory, interview_id)
    assert (started.version, started.status, started.state) == (1, InterviewStatus.ACTIVE, "q1")
    assert started.finished_at is None

    for expected_version, state in [(1, "q2"), (2, "q3")]:
        async with uow_factory() as uow:
            interview = await uow.interviews.get(interview_id)
            assert interview is not None
            await uow.interviews.save(interview, state, {"step": expected_version + 1}, expected_version)
            assert interview.version == expected_version + 1
            await uow.commit()

    saved = await _load(uow_factory, interview_id)
    assert (saved.version, saved.state, saved.snapshot) == (3, "q3", {"step": 3})
    assert saved.updated_at >= started.updated_at
    assert saved.started_at == started.started_at


async def test_stale_expected_version_raises_and_changes_nothing(uow_factory: UnitOfWorkFactory) -> None:
    interview_id = await _start(uow_factory)
    async with uow_factory() as uow:
        interview = await uow.interviews.get(interview_id)
        assert interview is not None
        await uow.interviews.save(interview, "q2", {"step": 2}, expected_version=1)
        await uow.commit()

    async with uow_factory() as uow:  # e.g. a click on a button rendered for version 1
        interview = await uow.interviews.get(interview_id)
        assert interview is not None
        with pytest.raises(StaleInterviewError, match="expected version 1, found 2") as caught:
            await uow.interviews.save(interview, "q-old", {"step": "old"}, expected_version=1)
        assert (caught.value.expected_version, caught.value.actual_version) == (1, 2)
        await uow.commit()

    unchanged = await _load(uow_factory, interview_id)
    assert (unchanged.version, unchanged.state, unchanged.snapshot) == (2, "q2", {"step": 2})


async def test_concurrent_write_is_detected_by_the_database(uow_factory: UnitOfWorkFactory) -> None:
    """The loaded object still says version 1, but another writer already moved the row on."""
    interview_id = await _start(uow_factory)
    async with uow_factory() as uow:
        interview = await uow.interviews.get(interview_id)
        assert interview is not None
        await uow.session.execute(
            text("UPDATE interviews SET version = version + 1, state = 'elsewhere' WHERE id = :id"),
            {"id": interview_id},
        )
        with pytest.raises(StaleInterviewError) as caught:
            await uow.interviews.save(interview, "mine", {"step": "mine"}, expected_version=1)
        assert caught.value.actual_version == 2

        # The session survived: reload and retry within the same unit of work.
        await uow.interviews.refresh(interview)
        assert (interview.version, interview.state) == (2, "elsewhere")
        await uow.interviews.save(interview, "retried", {"step": "retried"}, expected_version=2)
        await uow.commit()

    saved = await _load(uow_factory, interview_id)
    assert (saved.version, saved.state) == (3, "retried")


async def test_only_one_active_interview_per_user(uow_factory: UnitOfWorkFactory) -> None:
    first_id = await _start(uow_factory)
    with pytest.raises(ActiveInterviewExistsError) as caught:
        await _start(uow_factory)
    assert caught.value.interview_id == first_id

    async with uow_factory() as uow:
        user = await uow.users.get_or_create_telegram(1)
        first = await uow.interviews.active_for(user)
        assert first is not None
        await uow.interviews.abandon(first)
        second = await uow.interviews.start(user, "q1", {})
        await uow.interviews.finish(second)
        third = await uow.interviews.start(user, "q1", {})
        await uow.commit()

    async with uow_factory() as uow:
        user = await uow.users.get_or_create_telegram(1)
        statuses = [i.status for i in await uow.interviews.list_for_user(user)]
        assert statuses == ["abandoned", "finished", "active"]
        active = await uow.interviews.active_for(user)
        assert active is not None
        assert active.id == third.id


async def test_database_index_enforces_one_active_interview(uow_factory: UnitOfWorkFactory) -> None:
    """The backstop for two starts racing past the repository's check."""
    await _start(uow_factory)
    async with uow_factory() as uow:
        user = await uow.users.get_or_create_telegram(1)
        uow.session.add(Interview(user_id=user.id, state="q1", snapshot={}))
        with pytest.raises(IntegrityError):
            await uow.session.flush()


async def test_finished_interviews_cannot_be_written(uow_factory: UnitOfWorkFactory) -> None:
    interview_id = await _start(uow_factory)
    async with uow_factory() as uow:
        interview = await uow.interviews.get(interview_id)
        assert interview is not None
        await uow.interviews.finish(interview)
        assert interview.status == InterviewStatus.FINISHED
        assert interview.finished_at is not None
        assert interview.version == 2
        with pytest.raises(InterviewNotActiveError):
            await uow.interviews.save(interview, "q9", {}, expected_version=2)
        with pytest.raises(InterviewNotActiveError):
            await uow.interviews.finish(interview)
        await uow.commit()
    finished = await _load(uow_factory, interview_id)
    assert (finished.status, finished.version) == ("finished", 2)
    assert finished.finished_at == interview.finished_at


NESTED_UNICODE = {
    "имя": "Алёна Сергеевна",
    "emoji": "🧑‍💻 ✅",
    "cjk": "日本語のテキスト",
    "escapes": 'quote " backslash \\ newline \n tab \t nul \x00',
    "numbers": [0, -1, 2**53, 2**63 - 1, 1.5, -0.25, 1e-300],
    "flags": [True, False, None],
    "nested": {"answers": [{"key": "q1", "value": {"choice": ["a", "б"]}}], "empty": {}, "list": []},
}


async def test_snapshot_round_trips_nested_unicode(uow_factory: UnitOfWorkFactory) -> None:
    interview_id = await _start(uow_factory, NESTED_UNICODE)
    assert (await _load(uow_factory, interview_id)).snapshot == NESTED_UNICODE


async def test_stored_snapshot_is_a_copy(uow_factory: UnitOfWorkFactory) -> None:
    """A caller mutating its dict after saving must not change what was (or will be) written."""
    snapshot: dict[str, Any] = {"answers": ["a"]}
    async with uow_factory() as uow:
        user = await uow.users.get_or_create_telegram(1)
        interview = await uow.interviews.start(user, "q1", snapshot)
        snapshot["answers"].append("mutated")
        await uow.commit()
    assert (await _load(uow_factory, interview.id)).snapshot == {"answers": ["a"]}


JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=12,
)
_telegram_ids = itertools.count(1_000)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(snapshot=st.dictionaries(st.text(), JSON_VALUES, max_size=5))
async def test_any_json_snapshot_round_trips(
    uow_factory: UnitOfWorkFactory, snapshot: dict[str, Any]
) -> None:
    async with uow_factory() as uow:
        user = await uow.users.get_or_create_telegram(next(_telegram_ids))
        interview = await uow.interviews.start(user, "q1", snapshot)
        await uow.commit()
    assert (await _load(uow_factory, interview.id)).snapshot == snapshot


async def test_delete_removes_the_interview_with_its_transcript_and_results(
    uow_factory: UnitOfWorkFactory, database_engine
) -> None:
    from backends import count_rows

    interview_id = await _start(uow_factory)
    async with uow_factory() as uow:
        interview = await uow.interviews.get(interview_id)
        assert interview is not None
        await uow.transcripts.append(interview, "prompt", "q1", "Question?")
        await uow.results.add(interview, "hardware", 3, {"field": "hardware"}, {"level": 3})
        await uow.commit()
    async with uow_factory() as uow:
        interview = await uow.interviews.get(interview_id)
        assert interview is not None
        await uow.interviews.delete(interview)
        await uow.commit()
    counts = await count_rows(database_engine)
    assert counts["interviews"] == 0
    assert counts["transcript_entries"] == 0
    assert counts["results"] == 0
    assert counts["users"] == 1  # the person is the caller's decision, not the interview's
