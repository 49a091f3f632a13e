"""AdminService as the Telegram front calls it (an ``Identity``): the same rules as the web page,
recorded as seen "from Telegram"; paging; and the refusals that must not tell ids apart."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest
from web_world import World

from bot.access import AccessDenied, Role
from bot.administration import InterviewFilters, NotFound
from bot.service import Identity


async def test_telegram_views_are_audited_as_telegram(world: World) -> None:
    admin, p = world.services.admin, world.people
    view = await admin.transcript(p.who["lea"], p.interview["alice"])
    assert view.name == "Alice Anders" and view.lines[0].direction == "event"
    assert [x.seq for x in view.lines] == list(range(1, len(view.lines) + 1))
    detail = await admin.result(p.who["lea"], p.result["alice"])
    assert detail.view is not None and detail.view.field == "hardware" and detail.level == detail.view.level
    async with world.uow() as uow:
        seen = await uow.audit.for_subject(p.user["alice"])
    assert {(e.action, e.channel, e.actor_id) for e in seen} == {
        ("transcript", "telegram", p.user["lea"]),
        ("result", "telegram", p.user["lea"]),
    }


@pytest.mark.parametrize("who", ["eve", "alice", "stranger"])
async def test_people_who_lead_nothing_get_the_same_refusal_everywhere(world: World, who: str) -> None:
    admin, p = world.services.admin, world.people
    actor: Identity | int = p.who[who] if who != "stranger" else Identity(telegram_id=777)
    calls = [
        admin.interviews(actor),
        admin.teams(actor),
        admin.transcript(actor, p.interview["alice"]),
        admin.transcript(actor, 987654),
        admin.result(actor, p.result["alice"]),
        admin.results_csv(actor),
        admin.audit_log(actor),
    ]
    for call in calls:
        with pytest.raises(AccessDenied) as refused:
            await call
        assert str(refused.value) == "" and type(refused.value) is AccessDenied
    async with world.uow() as uow:
        assert await uow.audit.listing() == []


async def test_a_lead_cannot_tell_someone_elses_id_from_a_made_up_one(world: World) -> None:
    admin, p = world.services.admin, world.people
    refusals = []
    for interview_id in (p.interview["carol"], p.interview["dave"], 987654, 2**40):
        with pytest.raises(AccessDenied) as refused:
            await admin.transcript(p.user["lea"], interview_id)
        refusals.append((type(refused.value), refused.value.args))
    assert len(set(refusals)) == 1
    with pytest.raises(AccessDenied):
        await admin.interviews(p.user["lea"], InterviewFilters(team_id=p.team["B"]))
    with pytest.raises(AccessDenied):
        await admin.audit_log(p.user["lea"])
    with pytest.raises(NotFound):
        await admin.transcript(p.user["ada"], 987654)


async def test_a_lead_does_not_see_a_members_interview_before_consent(world: World) -> None:
    """Someone who joined a team but whose new interview is still at the consent question."""
    p = world.people
    restarted = await world.assessment.start(p.who["carol"])  # finished before: a fresh interview opens
    assert restarted.prompt is not None and restarted.prompt.key == "consent"
    page = await world.services.admin.interviews(p.user["ben"])
    assert restarted.interview_id not in {r.id for r in page.items}
    with pytest.raises(AccessDenied):
        await world.services.admin.transcript(p.user["ben"], restarted.interview_id or 0)


async def test_paging_and_counts(world: World) -> None:
    admin, p = world.services.admin, world.people
    first = await admin.interviews(p.user["ada"], InterviewFilters(per_page=3))
    assert (first.total, first.pages, len(first.items), first.has_next, first.has_previous) == (
        4,
        2,
        3,
        True,
        False,
    )
    second = await admin.interviews(p.user["ada"], replace(InterviewFilters(per_page=3), page=2))
    assert len(second.items) == 1 and not second.has_next
    assert {r.id for r in first.items} | {r.id for r in second.items} == set(p.interview.values())
    lead = await admin.interviews(p.user["lea"])
    assert {(r.name, r.status, r.teams) for r in lead.items} == {
        ("Alice Anders", "finished", ("Alpha Squad",)),
        ("Bob Brandt", "active", ("Alpha Squad",)),
    }
    teams = await admin.teams(p.user["ada"])
    assert [(t.name, t.leads, t.members, t.finished) for t in teams] == [
        ("Alpha Squad", ("Lea Lead",), 2, 1),
        ("Beta Crew", ("Ben Lead",), 1, 1),
    ]
    viewer = await admin.viewer(p.user["ben"])
    assert viewer is not None and viewer.role is Role.LEAD and viewer.language == "ja"


async def test_the_csv_is_safe_and_an_export_of_nobody_is_still_recorded(world: World) -> None:
    admin, p = world.services.admin, world.people
    async with world.uow() as uow:
        alice = await uow.users.get(p.user["alice"])
        assert alice is not None
        alice.display_name = "=HYPERLINK(1)"
        await uow.commit()
    rows = list(csv.DictReader(io.StringIO(await admin.results_csv(p.user["lea"]))))
    assert [r["name"] for r in rows] == ["'=HYPERLINK(1)"]
    empty = await admin.results_csv(p.user["lea"], InterviewFilters(field="software"))
    assert len(empty.splitlines()) == 1
    async with world.uow() as uow:
        lines = await uow.audit.listing()
    assert [(e.action, e.subject_id) for e in lines] == [
        ("results_csv", None),
        ("results_csv", p.user["alice"]),
    ]


async def test_a_configured_admin_may_export_before_ever_talking_to_the_bot(world: World) -> None:
    from web_world import ADMIN_TG

    async with world.uow() as uow:
        admin_user = await uow.users.by_telegram_id(ADMIN_TG)
        assert admin_user is not None
        await uow.users.delete(admin_user)
        await uow.commit()
    text = await world.services.admin.results_csv(Identity(telegram_id=ADMIN_TG, display_name="Ada"))
    assert len(text.splitlines()) == 4
