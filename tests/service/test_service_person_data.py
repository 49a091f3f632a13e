"""A person's own data (issue #9): /forget answers only its latest question; /privacy lists who saw what.

The defect: an older /forget confirmation stayed live, so pressing "No" on the newer one and then
"Yes" on the older one deleted everything the person had just chosen to keep.
"""

from __future__ import annotations

from datetime import timedelta

from backends import count_rows
from service_driver import TRUTHS, take_assessment
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.person_data import PersonDataService, SeenBy, new_token
from bot.service import AssessmentService, Identity
from bot.storage import UnitOfWorkFactory, create_engine_from_url, unit_of_work_factory, utc_now
from bot.telegram_view import forget_data, parse_forget

ALICE = Identity(telegram_id=5001, display_name="Alice")
BOB = Identity(telegram_id=5002, display_name="Bob")
TERMINAL = Identity(local_key="terminal:alice", display_name="Alice")


async def someone_with_data(service: AssessmentService, who: Identity = ALICE) -> None:
    await take_assessment(service, who, TRUTHS["software"])


async def test_yes_on_the_latest_question_deletes_everything(
    service: AssessmentService, uow_factory: UnitOfWorkFactory, database_engine: AsyncEngine
) -> None:
    await someone_with_data(service)
    await someone_with_data(service, BOB)
    bob_only = await count_rows(database_engine)
    data = PersonDataService(uow_factory)
    token = await data.ask_forget(ALICE)
    assert await data.forget(ALICE, token) == "deleted"
    left = await count_rows(database_engine)
    assert left["users"] == 1 and left["results"] == 1 and left["interviews"] == 1
    assert left["transcript_entries"] < bob_only["transcript_entries"]
    assert await data.forget(ALICE, token) == "nothing"


async def test_no_on_the_newer_then_yes_on_the_older_deletes_nothing(
    service: AssessmentService, uow_factory: UnitOfWorkFactory, database_engine: AsyncEngine
) -> None:
    await someone_with_data(service)
    before = await count_rows(database_engine)
    data = PersonDataService(uow_factory)
    older = await data.ask_forget(ALICE)
    newer = await data.ask_forget(ALICE)
    assert older != newer
    assert await data.keep(ALICE, newer) is True
    assert await data.forget(ALICE, older) == "expired"
    assert await data.forget(ALICE, newer) == "expired", "an answered question cannot be answered again"
    assert await count_rows(database_engine) == before


async def test_an_older_question_is_dead_once_a_newer_one_is_asked(
    service: AssessmentService, uow_factory: UnitOfWorkFactory, database_engine: AsyncEngine
) -> None:
    await someone_with_data(service)
    before = await count_rows(database_engine)
    data = PersonDataService(uow_factory)
    older = await data.ask_forget(ALICE)
    newer = await data.ask_forget(ALICE)
    assert await data.forget(ALICE, older) == "expired"
    assert await data.keep(ALICE, older) is False, "the older No does not close the newer question"
    assert await count_rows(database_engine) == before
    assert await data.forget(ALICE, newer) == "deleted"
    assert (await count_rows(database_engine))["users"] == 0


async def test_someone_elses_token_and_forged_tokens_do_nothing(
    service: AssessmentService, uow_factory: UnitOfWorkFactory, database_engine: AsyncEngine
) -> None:
    await someone_with_data(service)
    await someone_with_data(service, BOB)
    before = await count_rows(database_engine)
    data = PersonDataService(uow_factory)
    bobs = await data.ask_forget(BOB)
    alices = await data.ask_forget(ALICE)
    off_by_one = alices[:-1] + ("B" if alices[-1] == "A" else "A")
    for token in (bobs, "", new_token(), alices + "x", alices[:-1], off_by_one, alices + "\n"):
        assert await data.forget(ALICE, token) == "expired"
        assert await data.keep(ALICE, token) is False
    assert await count_rows(database_engine) == before
    assert await data.forget(BOB, bobs) == "deleted"
    assert await data.forget(ALICE, alices) == "deleted", "the forgeries did not spend the real one"


async def test_asking_never_stores_an_unknown_person(
    uow_factory: UnitOfWorkFactory, database_engine: AsyncEngine
) -> None:
    data = PersonDataService(uow_factory)
    token = await data.ask_forget(ALICE)
    assert await data.forget(ALICE, token) == "nothing"
    assert await data.keep(TERMINAL, token) is False
    assert await data.who_has_seen(ALICE) == []
    assert all(count == 0 for count in (await count_rows(database_engine)).values())


async def test_the_latest_question_holds_in_another_process(
    service: AssessmentService, uow_factory: UnitOfWorkFactory, migrated_database_url: str
) -> None:
    """The token lives in the database, so a restart or a second bot process honours it too."""
    await someone_with_data(service, TERMINAL)
    older = await PersonDataService(uow_factory).ask_forget(TERMINAL)
    newer = await PersonDataService(uow_factory).ask_forget(TERMINAL)
    engine = create_engine_from_url(migrated_database_url)
    try:
        elsewhere = PersonDataService(unit_of_work_factory(engine))
        assert await elsewhere.forget(TERMINAL, older) == "expired"
        assert await elsewhere.forget(TERMINAL, newer) == "deleted"
    finally:
        await engine.dispose()


def test_the_token_rides_in_a_button_and_is_read_back_exactly() -> None:
    token = new_token()
    yes, no = forget_data(True, token), forget_data(False, token)
    assert len(yes.encode()) <= 64 and len(no.encode()) <= 64
    assert parse_forget(yes) == (True, token) and parse_forget(no) == (False, token)
    for forged in (
        "forget:yes",
        "forget:no",
        "forget:maybe",
        yes + "\n",
        yes + "x",
        yes[:-1],
        "x" + yes,
        None,
    ):
        assert parse_forget(forged) is None


# --- who has seen my data ------------------------------------------------------------------------


async def test_who_has_seen_lists_only_the_views_of_the_persons_own_data(
    service: AssessmentService, uow_factory: UnitOfWorkFactory
) -> None:
    await someone_with_data(service)
    await someone_with_data(service, BOB)
    now = utc_now()
    async with uow_factory() as uow:
        alice = await uow.users.by_telegram_id(ALICE.telegram_id or 0)
        bob = await uow.users.by_telegram_id(BOB.telegram_id or 0)
        assert alice is not None and bob is not None
        events = [
            ("Admin Ada", "admin", "web", "transcript", alice.id, now - timedelta(days=2)),
            ("Lead Lee", "lead", "telegram", "team_report", alice.id, now - timedelta(days=1)),
            ("Lead Lee", "lead", "telegram", "team_report", bob.id, now),
            ("Admin Ada", "admin", "web", "results_csv", None, now),
        ]
        for name, role, channel, action, subject, at in events:
            await uow.audit.record(
                actor_id=None,
                actor_name=name,
                actor_role=role,
                channel=channel,
                action=action,
                subject_id=subject,
                object_id=None,
                at=at,
            )
        await uow.commit()
    data = PersonDataService(uow_factory)
    seen = await data.who_has_seen(ALICE)
    assert [(s.actor_name, s.actor_role, s.action, s.channel) for s in seen] == [
        ("Lead Lee", "lead", "team_report", "telegram"),
        ("Admin Ada", "admin", "transcript", "web"),
    ]
    assert all(isinstance(s, SeenBy) for s in seen)
    assert seen[0].at == now - timedelta(days=1)
    assert [s.action for s in await data.who_has_seen(BOB)] == ["team_report"]
    assert await data.who_has_seen(TERMINAL) == []
