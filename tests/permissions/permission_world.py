"""The permission matrix's world: the real bot in-process against the fake Bot API, with two teams.

Team "Alpha Squad" is led by Lea and co-led by Cole; its members are Erin (the engineer of the
matrix) and Alice, both finished, each with a transcript. Uma opened Alpha's link but never consented,
so nobody but an admin may ever see anything of hers. Team "Beta Crew" is led by Ben; Carol is its
finished member. Ada is the admin (``ADMIN_IDS``) and has never written to the bot.

Everything is built through the bot's own commands and buttons (leads invite, members join by the
link and consent, the co-lead accepts a co-lead link), then the members finish through the service.
Each test gets a fresh world, so what one person did cannot change what another one sees.

``conftest.py`` puts ``tests/bot_fuzz`` and ``tests/service`` on ``sys.path``; the harness puts
``tests`` there, so the fake imports as ``fakes.bot_api``.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import logging
import shutil
import socket
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from bot_fuzz_harness import TOKEN, BotUnderTest, Failure
from fakes.bot_api import ApiCall, FakeBotApi, FakeUser, SentFile, inline_buttons
from service_driver import TRUTHS, drive_to
from sqlalchemy import delete, update

from bot.config import Settings
from bot.service import Identity
from bot.storage import User, create_engine_from_url
from bot.storage.models import ProcessedUpdate
from bot.telegram_bot import build_application
from bot.web import create_web_app
from dialogs import Messages

EN = Messages("en")
WEB_SECRET = "permission-matrix-secret-" + "x" * 20
NOT_THERE = 987_654  # an id no row has: refusals must look exactly like those for real ids


@dataclass(frozen=True)
class Person:
    key: str
    telegram_id: int
    first: str
    last: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


PEOPLE = {
    p.key: p
    for p in (
        Person("engineer", 7_100_000_001, "Erin", "Engel"),
        Person("lead_a", 7_100_000_010, "Lea", "Lindqvist"),
        Person("colead_a", 7_100_000_011, "Cole", "Colby"),
        Person("lead_b", 7_100_000_020, "Ben", "Bauer"),
        Person("admin", 7_100_000_099, "Ada", "Admiral"),
        Person("alice", 7_100_000_002, "Alice", "Anders"),  # team A's member whose data is aimed at
        Person("carol", 7_100_000_021, "Carol", "Clark"),  # team B's member
        Person("uma", 7_100_000_003, "Uma", "Unsworth"),  # opened A's link, never consented
    )
}
TEAM_A, TEAM_B = "Alpha Squad", "Beta Crew"


@dataclass
class World:
    h: BotUnderTest
    settings: Settings
    users: dict[str, FakeUser]
    team: dict[str, int]  # "A"/"B" -> team id
    invitation: dict[str, int]  # "A"/"B" -> id of the team's member link
    interview: dict[str, int]  # person -> the interview of theirs (finished, or Uma's unconsented one)
    result: dict[str, int]  # person -> result id
    user_id: dict[str, int]
    _queries: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def runtime(self) -> Any:
        return self.h.app.bot_data.runtime


def who(person: Person) -> Identity:
    return Identity(telegram_id=person.telegram_id, display_name=person.name, language_code="en")


# --- what a person saw -----------------------------------------------------------------------


@dataclass
class Seen:
    """Everything one action showed the person: new and edited messages, the button's toast, files."""

    texts: list[str]
    toast: str | None
    files: list[SentFile]
    photos: int

    @property
    def everything(self) -> str:
        """All the words, including readable files (CSV, TSV, JSON); PDFs and pictures as their captions."""
        parts = [*self.texts, self.toast or ""]
        for f in self.files:
            parts.append(f.caption or "")
            if (f.file_name or "").endswith((".csv", ".tsv", ".json")):
                parts.append(f.data.decode("utf-8"))
        return "\n".join(parts)

    @property
    def reply(self) -> str:
        """What the person reads: the toast and the messages (no file contents)."""
        return "\n".join([*([self.toast] if self.toast else []), *self.texts])


def _said(call: ApiCall) -> list[str]:
    """The words of one Bot API call to the chat: text or caption, and the labels of its buttons."""
    if call.method in ("getUpdates", "answerCallbackQuery"):  # an edit to the same words counts too
        return []
    words = [str(call.params[k]) for k in ("text", "caption") if call.params.get(k)]
    markup = call.params.get("reply_markup")
    if isinstance(markup, dict):
        words += [str(b.get("text", "")) for row in markup.get("inline_keyboard", []) for b in row]
    return words


def act(world: World, person: Person, kind: str, payload: str) -> Seen:
    """Sends a command (``kind`` "cmd") or a button press with forged data ("button") and collects
    what the bot said for it: every message sent or edited (even an edit to the same words), the
    button's toast and the files."""
    user = world.users[person.key]
    if kind != "cmd" and not any(world.h.fake._state.is_bot_message(m) for m in user.messages):
        act(world, person, "cmd", "/help")  # a bot message for the forged press to sit on
    since, files, photos = len(world.h.fake.requests), len(user.documents), len(user.photos)
    toast = None
    if kind == "cmd":
        user.send_text(payload)
        world.h.run(world.h.deliver())
    else:
        query = forge(world, user, payload)
        world.h.run(world.h.deliver())
        answers = [a for a in user.callback_answers if a.query_id == query]
        assert len(answers) == 1, (person.key, payload, "every press gets exactly one answer")
        toast = answers[0].text
    texts = [word for call in world.h.fake.requests[since:] for word in _said(call)]
    return Seen(texts, toast, user.documents[files:], len(user.photos) - photos)


def forge(world: World, user: FakeUser, data: str) -> str:
    """A callback query with any data on the user's newest bot message, as a modified client sends it."""
    state = world.h.fake._state
    with state.cond:
        chat = state.chats[user.chat_id]
        target = max(
            (m for m in chat.messages.values() if state.is_bot_message(m)), key=lambda m: m["message_id"]
        )
        query_id = str(7_300_000_000_000_000_000 + next(world._queries))
        query = {
            "id": query_id,
            "from": user.user,
            "message": copy.deepcopy(target),
            "chat_instance": str(user.chat_id),
            "data": data,
        }
        state.callback_queries[query_id] = query
        state.enqueue("callback_query", query)
    return query_id


def send(world: World, key: str, text: str) -> list[dict[str, Any]]:
    user = world.users[key]
    before = {m["message_id"] for m in user.messages}
    user.send_text(text)
    world.h.run(world.h.deliver())
    return [m for m in user.messages if m["message_id"] not in before]


def press(world: World, key: str, label: str) -> None:
    user = world.users[key]
    target = next(m for m in reversed(user.messages) if any(b["text"] == label for b in inline_buttons(m)))
    user.press(label, target["message_id"])
    world.h.run(world.h.deliver())


def web_client(world: World) -> httpx.AsyncClient:
    """The bot's own web page (the app ``post_init`` serves), in-process on the bot's event loop."""
    app = create_web_app(world.runtime, world.settings)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


# --- building it -----------------------------------------------------------------------------


def _code(messages: list[dict[str, Any]]) -> str:
    found = next(m for m in messages if "/start " in m.get("text", ""))
    return str(found["text"].split("/start ", 1)[1].split()[0])


def _finish(world: World, key: str, truth: str) -> None:
    service = world.runtime.service
    person = PEOPLE[key]

    async def run() -> None:
        await drive_to(service, who(person), await service.current(who(person)), TRUTHS[truth])

    world.h.run(run())


def _join(world: World, key: str, code: str) -> None:
    send(world, key, f"/start {code}")
    press(world, key, EN("consent.yes"))


def populate(world: World) -> None:
    code_a = _code(send(world, "lead_a", f"/invite {TEAM_A}"))
    code_b = _code(send(world, "lead_b", f"/invite {TEAM_B}"))
    send(world, "lead_a", "/teams")
    press(world, "lead_a", EN("bot.teams.add_colead"))
    colead_code = _code(world.users["lead_a"].messages[-1:])
    send(world, "colead_a", f"/start {colead_code}")
    press(world, "colead_a", EN("bot.invite.accept_colead"))
    for key, code, truth in (
        ("engineer", code_a, "software"),
        ("alice", code_a, "hardware"),
        ("carol", code_b, "facility"),
    ):
        _join(world, key, code)
        _finish(world, key, truth)
    send(world, "uma", f"/start {code_a}")  # told which team would see her result; never consents

    async def ids() -> None:
        teams = world.runtime.teams
        for team, lead in (("A", "lead_a"), ("B", "lead_b")):
            (info,) = [t for t in await teams.teams_of(who(PEOPLE[lead])) if t.i_lead]
            world.team[team] = info.id
            links = [i for i in await teams.invitations(who(PEOPLE[lead])) if i.grants == "member"]
            world.invitation[team] = links[0].id
        async with world.h.uow() as uow:
            for key, person in PEOPLE.items():
                user = await uow.users.by_telegram_id(person.telegram_id)
                if user is None:
                    continue
                world.user_id[key] = user.id
                interviews = await uow.interviews.list_for_user(user)
                if interviews:
                    world.interview[key] = interviews[0].id
                history = await uow.results.history_for(user)
                if history:
                    world.result[key] = history[0].id

    world.h.run(ids())
    assert set(world.result) == {"engineer", "alice", "carol"}, world.result
    assert "admin" not in world.user_id, "the admin has never written to the bot"

    async def check() -> None:
        report = await world.runtime.teams.report(who(PEOPLE["lead_a"]), world.team["A"])
        assert sorted(m.name for m in report.members) == [PEOPLE["alice"].name, PEOPLE["engineer"].name]
        (team,) = await world.runtime.teams.teams_of(who(PEOPLE["colead_a"]))
        assert team.i_lead and team.id == world.team["A"]

    world.h.run(check())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Template:
    """The populated database, built once per session and copied for each test, with its ids."""

    database: Path
    team: dict[str, int]
    invitation: dict[str, int]
    interview: dict[str, int]
    result: dict[str, int]
    user_id: dict[str, int]


@contextmanager
def running_bot(database: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """The real application (``build_application`` and its ``post_init``) on ``database``, with the
    web page enabled; a world without ids yet. Fails if anything went wrong in a handler."""
    fake = FakeBotApi(token=TOKEN, username="levelcheck_matrix_bot").start()
    database_url = f"sqlite+aiosqlite:///{database}"
    monkeypatch.chdir(database.parent)  # Settings also reads ./.env: none here
    for name, value in {
        "BOT_TOKEN": TOKEN,
        "DATABASE_URL": database_url,
        "ADMIN_IDS": str(PEOPLE["admin"].telegram_id),
        "LOG_LEVEL": "INFO",
        "WEB_PORT": str(_free_port()),
        "WEB_SECRET": WEB_SECRET,
        # Each person tries every command in a burst: the flood limit would answer most of them.
        "PERSON_UPDATE_LIMIT": "0",
        **fake.env(),
    }.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    app = build_application(settings)
    loop = asyncio.new_event_loop()
    h = BotUnderTest(app, fake, loop, database_url, create_engine_from_url(database_url))

    async def record(update: object, context: Any) -> None:
        error = context.error
        h.failures.append(Failure(update, error, "".join(traceback.format_exception(error)) if error else ""))

    app.add_error_handler(record)
    logger = logging.getLogger("bot")
    logger.addHandler(h.log)
    try:
        loop.run_until_complete(app.initialize())
        assert app.post_init is not None
        loop.run_until_complete(app.post_init(app))  # initialize() does not run it; run_polling does
        users = {key: fake.user(p.telegram_id, p.first, last_name=p.last) for key, p in PEOPLE.items()}
        yield World(h, settings, users, {}, {}, {}, {}, {})
        assert not h.failures, "\n\n".join(f.trace for f in h.failures)
        assert not h.log.records, [r.getMessage() for r in h.log.records]
        failed = h.failed_calls(0)
        assert not failed, [(c.method, c.status, c.response.get("description")) for c in failed]
    finally:
        logger.removeHandler(h.log)
        try:
            if app.post_shutdown is not None:
                loop.run_until_complete(app.post_shutdown(app))
            loop.run_until_complete(app.shutdown())
        finally:
            loop.run_until_complete(h.reader.dispose())
            fake.stop()
            loop.close()
    assert fake.internal_errors == []


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    database = tmp_path_factory.mktemp("matrix-template") / "matrix.sqlite3"
    with pytest.MonkeyPatch.context() as monkeypatch, running_bot(database, monkeypatch) as built:
        populate(built)

        async def forget_chats() -> None:
            # The questions' messages are in this fake's chats; each copy talks to a new, empty fake.
            async with built.h.uow() as uow:
                await uow.session.execute(update(User).values(live_message_id=None))
                # ...and numbers its updates from 1 again: the template's must not look like duplicates.
                await uow.session.execute(delete(ProcessedUpdate))
                await uow.commit()

        built.h.run(forget_chats())
    return Template(database, built.team, built.invitation, built.interview, built.result, built.user_id)


@pytest.fixture
def world(template: Template, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[World]:
    """A fresh copy of the template's world: what one test did is unknown to the next."""
    database = tmp_path / template.database.name
    for suffix in ("", "-wal", "-shm"):
        source = template.database.with_name(template.database.name + suffix)
        if source.exists():
            shutil.copyfile(source, database.with_name(database.name + suffix))
    with running_bot(database, monkeypatch) as fresh:
        fresh.team.update(template.team)
        fresh.invitation.update(template.invitation)
        fresh.interview.update(template.interview)
        fresh.result.update(template.result)
        fresh.user_id.update(template.user_id)
        yield fresh
