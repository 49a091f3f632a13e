"""The web tests' world: two teams, their leads, an admin and an engineer, on both backends.

Team A (led by Lea) has Alice (finished, hardware) and Bob (consented, still answering); team B (led
by Ben) has Carol (finished, software); Dave finished without any team; Eve is an engineer who leads
nothing. The clock is movable so that expiry is tested without waiting. ``conftest.py`` puts
``tests/storage`` and ``tests/service`` on the path and imports the fixtures from here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from service_driver import TRUTHS, accepted, take_assessment
from web_people import People, login_token

from bot.access import Policy
from bot.administration import AdminService
from bot.app import RuntimeOptions
from bot.config import Settings
from bot.service import AssessmentService, Identity
from bot.storage import UnitOfWorkFactory
from bot.storage.models import Team, TeamLead, TeamMember
from bot.web import create_web_app
from bot.web_login import WebLoginService

SECRET = "s" * 40
ADMIN_TG = 5100


@dataclass
class MovableClock:
    now: datetime = field(default_factory=lambda: datetime(2026, 5, 4, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class WebServices:
    admin: AdminService
    web_logins: WebLoginService


@dataclass
class World:
    people: People
    services: WebServices
    clock: MovableClock
    uow: UnitOfWorkFactory
    assessment: AssessmentService


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


async def _add_team(uow_factory: UnitOfWorkFactory, name: str, lead: int, members: list[int]) -> int:
    async with uow_factory() as uow:
        team = Team(name=name, created_by=lead)
        uow.session.add(team)
        await uow.session.flush()
        uow.session.add(TeamLead(team_id=team.id, user_id=lead))
        for member in members:
            uow.session.add(TeamMember(team_id=team.id, user_id=member))
        await uow.commit()
        return team.id


async def _user_id(uow_factory: UnitOfWorkFactory, who: Identity) -> int:
    async with uow_factory() as uow:
        user = await uow.users.by_telegram_id(who.telegram_id or 0)
        assert user is not None
        return user.id


@pytest.fixture
async def world(uow_factory: UnitOfWorkFactory, clock: MovableClock) -> World:
    assessment = AssessmentService(uow_factory)
    ids = {
        "alice": Identity(telegram_id=5001, display_name="Alice Anders", language_code="en"),
        "bob": Identity(telegram_id=5002, display_name="Bob Brandt", language_code="en"),
        "carol": Identity(telegram_id=5003, display_name="Carol Clark", language_code="en"),
        "dave": Identity(telegram_id=5004, display_name="Dave Dunn", language_code="en"),
        "eve": Identity(telegram_id=5005, display_name="Eve Engineer", language_code="en"),
        "lea": Identity(telegram_id=5010, display_name="Lea Lead", language_code="en"),
        "ben": Identity(telegram_id=5011, display_name="Ben Lead", language_code="ja"),
        "ada": Identity(telegram_id=ADMIN_TG, display_name="Ada Admin", language_code="en"),
    }
    interviews: dict[str, int] = {}
    results: dict[str, int] = {}
    for name, truth in (("alice", "hardware"), ("carol", "software"), ("dave", "facility")):
        reply = await take_assessment(assessment, ids[name], TRUTHS[truth])
        assert reply.interview_id is not None and reply.result_id is not None
        interviews[name], results[name] = reply.interview_id, reply.result_id
    started = await assessment.start(ids["bob"])
    consented = accepted(
        await assessment.answer(ids["bob"], "yes", (started.interview_id, started.version)), "c"
    )
    interviews["bob"] = consented.interview_id or 0
    for name in ("eve", "lea", "ben", "ada"):
        await assessment.start(ids[name])  # known to the bot (not past consent: nothing to list)
    user = {name: await _user_id(uow_factory, who) for name, who in ids.items()}
    team_a = await _add_team(uow_factory, "Alpha Squad", user["lea"], [user["alice"], user["bob"]])
    team_b = await _add_team(uow_factory, "Beta Crew", user["ben"], [user["carol"]])
    options = RuntimeOptions(policy=Policy(frozenset({ADMIN_TG})), clock=clock)
    services = WebServices(
        AdminService(uow_factory, options, assessment.standards),
        WebLoginService(uow_factory, options, assessment.standards),
    )
    people = People(ids, user, interviews, results, {"A": team_a, "B": team_b})
    return World(people, services, clock, uow_factory, assessment)


def settings(base_url: str = "http://127.0.0.1:8088") -> Settings:
    return Settings(_env_file=None, WEB_PORT=8088, WEB_SECRET=SECRET, WEB_BASE_URL=base_url)  # type: ignore[call-arg]


@pytest.fixture
async def client(world: World) -> AsyncIterator[httpx.AsyncClient]:
    app = create_web_app(world.services, settings())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def login(world: World, client: httpx.AsyncClient):
    """Sign ``client`` in as a person (``None``: signed out), with a token written as /web would."""

    async def sign_in(name: str | None) -> None:
        client.cookies.clear()
        if name is None:
            return
        token = await login_token(world.uow, world.people.user[name], world.clock())
        response = await client.get(f"/login/{token}")
        assert response.status_code == 303, response.text

    return sign_in
