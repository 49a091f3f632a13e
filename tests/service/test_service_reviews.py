"""Lead review of claims through ``ReviewService``: who may review whose result, what a verdict
writes (the review, a transcript line, the member's notification, the audit log) and what the member
then reads.

Teams are made by writing their rows directly (the teams' own service is not what is tested here);
members take the assessment for real through ``AssessmentService``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from service_driver import BEGINNER, TRUTHS, take_assessment
from sqlalchemy import func, select

from bot.access import AccessDenied, Policy
from bot.app import RuntimeOptions
from bot.results import open_result
from bot.reviews import COMMENT_LIMIT, ReviewService, ReviewView
from bot.service import AssessmentService, Identity
from bot.storage import UnitOfWorkFactory
from bot.storage.models import AuditEvent, ClaimReview, Notification, Team, TeamLead, TeamMember
from criteria import ClaimError, claims_of, load_standard
from dialogs import Messages

ALICE = Identity(telegram_id=4001, display_name="Alice Member")
BOB = Identity(telegram_id=4002, display_name="Bob Member", language_code="ja")
LEAD = Identity(telegram_id=4010, display_name="Dana Lead")
CO_LEAD = Identity(telegram_id=4011, display_name="Eli Colead")
OTHER_LEAD = Identity(telegram_id=4012, display_name="Fay Otherlead")
ENGINEER = Identity(telegram_id=4013, display_name="Gus Engineer")
ADMIN = Identity(telegram_id=4014, display_name="Hal Admin")
STRANGER = Identity(telegram_id=4099, display_name="Nobody Known")

STD = load_standard()
EN = Messages("en", STD)
L4_THEME = "theme:hw.l4.theme.satisfaction"  # the hardware truth's only level-4 theme


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def reviews(uow_factory: UnitOfWorkFactory, clock: Clock) -> ReviewService:
    policy = Policy(admin_ids=frozenset({ADMIN.telegram_id or 0}))
    return ReviewService(uow_factory, RuntimeOptions(policy=policy, clock=clock), None)


async def _user_id(uow_factory: UnitOfWorkFactory, who: Identity) -> int:
    async with uow_factory() as uow:
        user = await uow.users.get_or_create_telegram(
            who.telegram_id or 0, who.display_name, who.language_code
        )
        await uow.commit()
        return user.id


async def _team(
    uow_factory: UnitOfWorkFactory, name: str, leads: list[Identity], members: list[Identity]
) -> int:
    ids = {who: await _user_id(uow_factory, who) for who in [*leads, *members]}
    async with uow_factory() as uow:
        team = Team(name=name)
        uow.session.add(team)
        await uow.session.flush()
        uow.session.add_all([TeamLead(team_id=team.id, user_id=ids[who]) for who in leads])
        uow.session.add_all([TeamMember(team_id=team.id, user_id=ids[who]) for who in members])
        await uow.commit()
        return team.id


async def _finished(service: AssessmentService, who: Identity, truth: dict[str, object]) -> int:
    reply = await take_assessment(service, who, truth)
    assert reply.result_id is not None
    return reply.result_id


@pytest.fixture
async def alice_result(uow_factory: UnitOfWorkFactory, service: AssessmentService) -> int:
    """Alice's level-4 hardware result; Dana leads her team with Eli; Fay leads another team."""
    result_id = await _finished(service, ALICE, TRUTHS["hardware"])
    await _team(uow_factory, "Support", [LEAD, CO_LEAD], [ALICE])
    await _team(uow_factory, "Elsewhere", [OTHER_LEAD], [ENGINEER])
    await _user_id(uow_factory, ADMIN)
    return result_id


async def _rows(uow_factory: UnitOfWorkFactory, model: type, **where: object) -> list:
    async with uow_factory() as uow:
        statement = select(model).filter_by(**where).order_by(model.id)
        return list(await uow.session.scalars(statement))


async def _profile(uow_factory: UnitOfWorkFactory, result_id: int) -> dict[str, Any]:
    """The profile as the interview stored it (levels it did not need to ask about are left out)."""
    async with uow_factory() as uow:
        result = await uow.reviews.result(result_id)
        assert result is not None
        return dict(result.profile)


async def _review_events(uow_factory: UnitOfWorkFactory, result_id: int) -> list[str]:
    async with uow_factory() as uow:
        result = await uow.reviews.result(result_id)
        assert result is not None
        interview = await uow.interviews.get(result.interview_id)
        assert interview is not None
        entries = await uow.transcripts.for_interview(interview)
        return [e.text for e in entries if e.direction == "event" and e.text.startswith("review")]


# --- a lead reviews, the member reads -------------------------------------------------------------


async def test_a_lead_confirms_and_questions_and_the_member_reads_the_review(
    reviews: ReviewService, uow_factory: UnitOfWorkFactory, alice_result: int, clock: Clock
) -> None:
    opened = await reviews.open(LEAD, alice_result)
    keys = [c.key for c in claims_of(await _profile(uow_factory, alice_result), STD)]
    assert keys[:3] == ["role", "project:1", "project:2"] and L4_THEME in keys
    assert [c.key for c in opened.claims] == keys
    assert (opened.member_name, opened.field, opened.self_level) == ("Alice Member", "hardware", 4)
    assert opened.confirmed_level is None and (opened.reviewed, opened.total) == (0, len(keys))
    assert opened.claim("role").text == "Role: responsible person of the service"
    assert all(c.verdict is None for c in opened.claims)

    await reviews.set_verdict(LEAD, alice_result, "role", "confirmed")
    clock.now += timedelta(minutes=5)
    view = await reviews.set_verdict(LEAD, alice_result, L4_THEME, "questioned", "  Not seen it yet  ")
    assert view.confirmed_level == 3 and view.self_level == 4
    assert (view.reviewed, view.questioned, view.confirmed) == (2, 1, 1)
    line = view.claim(L4_THEME)
    assert (line.verdict, line.comment, line.reviewer, line.at) == (
        "questioned",
        "Not seen it yet",
        "Dana Lead",
        clock.now,
    )

    mine = await reviews.for_member(ALICE, alice_result)
    assert isinstance(mine, ReviewView)
    assert mine.confirmed_level == 3 and mine.reviewed == 2
    assert mine.claim(L4_THEME).comment == "Not seen it yet"
    assert mine.claim("role").verdict == "confirmed" and mine.claim("mentoring").verdict is None
    assert "Self-assessed: level 4 · Confirmed by your lead: level 3" in mine.render(EN, audience="member")

    # The transcript tells who questioned what, with the comment.
    events = await _review_events(uow_factory, alice_result)
    assert events == [
        f"review of result {alice_result}: role confirmed by Dana Lead",
        f"review of result {alice_result}: {L4_THEME} questioned by Dana Lead: Not seen it yet",
    ]
    # Opening was recorded as a look at Alice's result; the verdicts tell Alice in one message.
    alice_id = await _user_id(uow_factory, ALICE)
    audit = await _rows(uow_factory, AuditEvent, subject_id=alice_id)
    assert [(a.action, a.actor_name, a.actor_role, a.channel, a.object_id) for a in audit] == [
        ("result", "Dana Lead", "lead", "telegram", alice_result)
    ]
    told = await _rows(uow_factory, Notification, user_id=alice_id, kind="review")
    assert [n.payload for n in told] == [
        {"result_id": alice_result, "reviewer_name": "Dana Lead", "questioned": 1, "confirmed": 1}
    ]


async def test_a_co_lead_may_review_and_a_later_verdict_replaces_the_earlier(
    reviews: ReviewService, uow_factory: UnitOfWorkFactory, alice_result: int, clock: Clock
) -> None:
    await reviews.set_verdict(LEAD, alice_result, "mentoring", "questioned", "Whom?")
    clock.now += timedelta(days=1)
    view = await reviews.set_verdict(CO_LEAD, alice_result, "mentoring", "confirmed")
    line = view.claim("mentoring")
    assert (line.verdict, line.comment, line.reviewer, line.at) == (
        "confirmed",
        None,
        "Eli Colead",
        clock.now,
    )
    assert view.confirmed_level == 4 and view.reviewed == 1
    stored = await _rows(uow_factory, ClaimReview, result_id=alice_result)
    assert [(r.claim, r.verdict, r.comment) for r in stored] == [("mentoring", "confirmed", None)]
    assert len(await _review_events(uow_factory, alice_result)) == 2  # the transcript keeps both


async def test_a_questioned_role_confirms_no_level(reviews: ReviewService, alice_result: int) -> None:
    view = await reviews.set_verdict(LEAD, alice_result, "role", "questioned")
    assert view.confirmed_level == 0
    assert "Confirmed by your lead: no level" in view.render(EN, audience="member")


async def test_an_admin_may_review_any_result(
    reviews: ReviewService, uow_factory: UnitOfWorkFactory, alice_result: int
) -> None:
    opened = await reviews.open(ADMIN, alice_result)
    assert opened.result_id == alice_result
    view = await reviews.set_verdict(ADMIN, alice_result, "project:1", "questioned")
    assert view.claim("project:1").reviewer == "Hal Admin" and view.confirmed_level == 3
    audit = await _rows(uow_factory, AuditEvent, object_id=alice_result)
    assert [(a.actor_name, a.actor_role) for a in audit] == [("Hal Admin", "admin")]


async def test_a_comment_is_trimmed_clipped_and_stored_without_nul(
    reviews: ReviewService, uow_factory: UnitOfWorkFactory, alice_result: int
) -> None:
    view = await reviews.set_verdict(LEAD, alice_result, "role", "confirmed", "a\x00b" + "x" * 5000)
    comment = view.claim("role").comment
    assert comment is not None and len(comment) == COMMENT_LIMIT and "\x00" not in comment
    assert comment.startswith("a\ufffdb") and comment.endswith("…")
    (stored,) = await _rows(uow_factory, ClaimReview, result_id=alice_result)
    assert stored.comment == comment
    (event,) = await _review_events(uow_factory, alice_result)
    assert "\x00" not in event and len(event) < COMMENT_LIMIT + 100
    blank = await reviews.set_verdict(LEAD, alice_result, "role", "confirmed", "   ")
    assert blank.claim("role").comment is None


async def test_bad_verdicts_and_unknown_claims_are_refused_and_write_nothing(
    reviews: ReviewService, uow_factory: UnitOfWorkFactory, alice_result: int
) -> None:
    with pytest.raises(ValueError):
        await reviews.set_verdict(LEAD, alice_result, "role", "maybe")
    with pytest.raises(ClaimError):
        await reviews.set_verdict(LEAD, alice_result, "project:9", "confirmed")
    assert await _rows(uow_factory, ClaimReview) == []
    assert await _review_events(uow_factory, alice_result) == []
    assert await _rows(uow_factory, Notification, kind="review") == []


# --- who may not -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", [ENGINEER, OTHER_LEAD, STRANGER, ALICE], ids=lambda w: w.display_name)
async def test_anyone_but_a_lead_of_the_members_team_or_an_admin_is_refused(
    reviews: ReviewService, uow_factory: UnitOfWorkFactory, alice_result: int, who: Identity
) -> None:
    with pytest.raises(AccessDenied) as refused:
        await reviews.open(who, alice_result)
    assert str(refused.value) == ""  # names nothing
    with pytest.raises(AccessDenied):
        await reviews.set_verdict(who, alice_result, "role", "questioned", "no")
    assert await _rows(uow_factory, ClaimReview) == []
    assert await _rows(uow_factory, AuditEvent) == []
    assert await _review_events(uow_factory, alice_result) == []
    assert await reviews.reviewable(who) == []


async def test_an_unknown_result_is_refused_like_someone_elses(
    reviews: ReviewService, alice_result: int
) -> None:
    for result_id in (alice_result + 1000, 0, -1, 2**40):
        with pytest.raises(AccessDenied) as refused:
            await reviews.open(LEAD, result_id)
        assert str(refused.value) == ""
        with pytest.raises(AccessDenied):
            await reviews.set_verdict(ADMIN, result_id, "role", "confirmed")
        assert await reviews.for_member(ALICE, result_id) is None


async def test_a_member_who_left_the_team_is_no_longer_reviewable(
    reviews: ReviewService, uow_factory: UnitOfWorkFactory, alice_result: int
) -> None:
    async with uow_factory() as uow:
        alice = await uow.users.by_telegram_id(ALICE.telegram_id or 0)
        assert alice is not None
        for row in await uow.session.scalars(select(TeamMember).where(TeamMember.user_id == alice.id)):
            await uow.session.delete(row)
        await uow.commit()
    with pytest.raises(AccessDenied):
        await reviews.open(LEAD, alice_result)
    assert await reviews.reviewable(LEAD) == []


# --- the member's side and the lead's list ----------------------------------------------------------


async def test_only_the_owner_reads_their_review_and_only_once_there_is_one(
    reviews: ReviewService, alice_result: int
) -> None:
    assert await reviews.for_member(ALICE, alice_result) is None  # nothing said yet
    await reviews.set_verdict(LEAD, alice_result, "mentoring", "confirmed")
    assert await reviews.for_member(ALICE, alice_result) is not None
    for other in (LEAD, ADMIN, ENGINEER, STRANGER):
        assert await reviews.for_member(other, alice_result) is None


async def test_a_lead_lists_each_members_newest_result_with_its_progress(
    reviews: ReviewService,
    service: AssessmentService,
    uow_factory: UnitOfWorkFactory,
    alice_result: int,
) -> None:
    bob_result = await _finished(service, BOB, BEGINNER)
    team = await _team(uow_factory, "Juniors", [LEAD], [])
    async with uow_factory() as uow:
        bob = await uow.users.by_telegram_id(BOB.telegram_id or 0)
        assert bob is not None
        uow.session.add(TeamMember(team_id=team, user_id=bob.id))
        await uow.commit()
    await reviews.set_verdict(LEAD, alice_result, "role", "confirmed")
    listed = await reviews.reviewable(LEAD)
    total_alice = len(claims_of(await _profile(uow_factory, alice_result), STD))
    total_bob = len(claims_of(await _profile(uow_factory, bob_result), STD))
    assert [(r.result_id, r.member_name, r.field, r.level, r.reviewed, r.total) for r in listed] == [
        (alice_result, "Alice Member", "hardware", 4, 1, total_alice),
        (bob_result, "Bob Member", "hardware", 1, 0, total_bob),
    ]
    assert await reviews.reviewable(CO_LEAD) == [r for r in listed if r.result_id == alice_result]
    assert await reviews.reviewable(OTHER_LEAD) == []


async def test_claims_are_worded_in_the_viewers_language(
    reviews: ReviewService, service: AssessmentService, uow_factory: UnitOfWorkFactory
) -> None:
    bob_result = await _finished(service, BOB, BEGINNER)  # Bob's Telegram speaks Japanese
    await _team(uow_factory, "Juniors", [LEAD], [BOB])
    lead_view = await reviews.set_verdict(LEAD, bob_result, "role", "questioned", "要確認")
    assert lead_view.claim("role").text.startswith("Role: ")
    bobs = await reviews.for_member(BOB, bob_result)
    assert bobs is not None and bobs.claim("role").text.startswith("役割：")
    assert bobs.claim("role").comment == "要確認" and bobs.confirmed_level == 0


async def test_the_member_pending_notification_counts_the_whole_review(
    reviews: ReviewService, uow_factory: UnitOfWorkFactory, alice_result: int
) -> None:
    for key in ("role", "project:1", "project:2"):
        await reviews.set_verdict(LEAD, alice_result, key, "confirmed")
    await reviews.set_verdict(LEAD, alice_result, "project:2", "questioned")
    async with uow_factory() as uow:
        pending = await uow.session.scalar(
            select(func.count()).select_from(Notification).where(Notification.kind == "review")
        )
    assert pending == 1
    (told,) = await _rows(uow_factory, Notification, kind="review")
    assert (told.payload["confirmed"], told.payload["questioned"]) == (2, 1)


async def test_the_members_result_shows_both_levels_once_reviewed(
    reviews: ReviewService, service: AssessmentService, alice_result: int
) -> None:
    before = await open_result(service, ALICE, alice_result, reviews=reviews)
    assert before is not None and before.review is None and before.view.confirmed_level is None
    await reviews.set_verdict(LEAD, alice_result, L4_THEME, "questioned")
    opened = await open_result(service, ALICE, alice_result, reviews=reviews)
    assert opened is not None and opened.review is not None
    assert opened.view.confirmed_level == 3
    assert "Self-assessed: level 4 · Confirmed by your lead: level 3" in opened.view.render(opened.msg)
    plain = await open_result(service, ALICE, alice_result)  # a front that does not ask for it
    assert plain is not None and plain.view.confirmed_level is None
