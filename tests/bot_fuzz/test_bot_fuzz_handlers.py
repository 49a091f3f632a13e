"""Fuzzing the Telegram handlers: whatever people (or bad clients) send, nothing breaks or leaks.

Each example is a fresh person doing a random sequence of things: typing anything (empty, 5,000
characters, emoji, right-to-left text, control characters, NUL), commands in any order and with any
payload, valid button presses on the newest or an older message, forged callback data (other
interviews and versions, garbage, more than 64 bytes), edited messages, non-text messages and
group chat commands. After every example:

- no exception reached the error handlers and the ``bot`` package logged no ERROR;
- every Bot API call of the bot succeeded (bar real Telegram's harmless "message is not modified"),
  the fake did not crash, and every button press got exactly one answer (no endless spinner);
- what is stored is consistent: at most one active interview per person, every interview restores
  with ``dialogs.Interview.restore`` and renders its prompt, and every stored result is what the
  criteria say about its stored profile.
"""

from __future__ import annotations

import copy
import itertools
import time
from dataclasses import dataclass
from typing import Any

from bot_fuzz_harness import ADMIN_ID, BotUnderTest
from budget import examples
from fakes.bot_api import FakeUser, inline_buttons
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from bot.storage import InterviewStatus
from criteria import evaluate, parse_profile
from dialogs import Context, Interview

CTX = Context.default()

_USER_IDS = itertools.count(6_100_000_100)
_QUERY_IDS = itertools.count(1)
_MESSAGE_IDS = itertools.count(900_000)

# --- what people type ----------------------------------------------------------------------------

SPECIAL_TEXTS = [
    "",
    " ",
    "\x00",
    "3\x00",
    "x" * 5000,
    "🙂" * 1000,
    "👩🏽‍🔧 level?",
    "مرحبا، ما هو مستواي؟",
    "שלום עולם",
    "\u202e3\u202c",
    "\u200b",
    "\r\n\t\x07\x1b[31m",
    "1,000",
    "+5",
    " 12 ",
    "٣",
    "𝟓",
    "²",
    "-1",
    "1e3",
    "0x10",
    "99999999999999999999",
    "NaN",
    "yes",
    "Done ▶️",
    "⬅️ Back",
    "1:1:o0",
    "forget:yes",
]
TEXTS = st.one_of(
    st.sampled_from(SPECIAL_TEXTS),
    st.text(max_size=60),
    st.integers(min_value=-5, max_value=1_200_000).map(str),
)
COMMANDS = [
    "start",
    "resume",
    "back",
    "restart",
    "result",
    "history",
    "export",
    "forget",
    "help",
    "invite",
    "invites",
    "teams",
    "team",
    "team_csv",
    "review",
    "privacy",
    "cancel",
    "grant",
    "revoke_lead",
    "results",
    "transcript",
    "nonsense",
    "START",
    "start@levelcheck_fuzz_bot",
    "start@some_other_bot",
]
PAYLOADS = st.one_of(
    st.just(""),
    st.sampled_from(["abc", "-1", "0", "1", "99999999999999999999", "²", "x" * 300, "a b c", "\x00", "🙂"]),
    st.text(max_size=40),
)


def _forged_data(numbers: st.SearchStrategy[int]) -> st.SearchStrategy[str]:
    action = st.sampled_from(["o", "t", "d", "b", "x", ""])
    index = st.one_of(st.just(""), st.integers(0, 1000).map(str), st.just("-1"))
    valid_looking = st.builds(lambda i, v, a, n: f"{i}:{v}:{a}{n}", numbers, numbers, action, index)
    return st.one_of(
        valid_looking,
        st.text(max_size=80),
        st.binary(min_size=65, max_size=90).map(lambda b: b.hex()),
        st.sampled_from(["", "forget:yes", "forget:no", "forget:maybe", "9" * 64, "💥" * 17]),
        st.builds(
            lambda p, i, v: f"{p}{i}:{v}",
            st.sampled_from(["iv1:", "tm1:", "tj1:", "rv1:", "rv1:1:"]),
            numbers,
            st.sampled_from(
                ["rv", "rl", "sh", "e0", "u10", "rep", "csv", "co", "lvy", "new", "y", "0:c", "c"]
            ),
        ),
    )


# --- actions ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Type:
    text: str


@dataclass(frozen=True)
class Command:
    name: str
    payload: str


@dataclass(frozen=True)
class Press:
    """The n-th button of the k-th newest message that still has buttons (k=0: the current one)."""

    age: int
    button: int


@dataclass(frozen=True)
class Answer:
    """A plausible answer to the current question: a number when one is asked, Done on a checklist
    every other time, else the n-th offered option (never Back), so runs get to the result."""

    n: int


@dataclass(frozen=True)
class Forge:
    data: str


@dataclass(frozen=True)
class ForgeNear:
    """Valid-looking data around the person's real interview id and version."""

    id_delta: int
    version_delta: int
    action: str
    index: int


@dataclass(frozen=True)
class Edit:
    text: str


@dataclass(frozen=True)
class NotText:
    kind: str


@dataclass(frozen=True)
class Group:
    text: str


@dataclass(frozen=True)
class Admin:
    command: str
    payload: str


ACTIONS = st.one_of(
    st.builds(Answer, st.integers(0, 5)),
    st.builds(Answer, st.integers(0, 5)),
    st.builds(Press, st.just(0), st.integers(0, 8)),
    st.builds(Press, st.integers(1, 5), st.integers(0, 8)),
    st.builds(Type, TEXTS),
    st.builds(Type, st.integers(0, 400).map(str)),
    st.builds(Command, st.sampled_from(COMMANDS), PAYLOADS),
    st.builds(Forge, _forged_data(st.integers(0, 10**12))),
    st.builds(
        ForgeNear,
        st.integers(-2, 2),
        st.integers(-3, 3),
        st.sampled_from(["o", "t", "d", "b"]),
        st.integers(0, 12),
    ),
    st.builds(Edit, TEXTS),
    st.builds(NotText, st.sampled_from(["location", "contact", "sticker"])),
    st.builds(Group, st.sampled_from(["/start", "/forget", "/export", "hello", "/help@levelcheck_fuzz_bot"])),
    st.builds(Admin, st.sampled_from(["results", "transcript"]), PAYLOADS),
)


def pressable(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The buttons that send the bot something (a Share button opens a URL instead)."""
    return [b for b in inline_buttons(message) if "callback_data" in b]


class Person:
    """One fuzzed person and their private chat; remembers every button press to check the answers."""

    def __init__(self, h: BotUnderTest, user: FakeUser) -> None:
        self.h = h
        self.user = user
        self.queries: list[str] = []
        self.last_text: dict[str, Any] | None = None

    async def act(self, action: Any) -> None:
        h, user = self.h, self.user
        if isinstance(action, Type):
            self.last_text = user.send_text(action.text)
        elif isinstance(action, Command):
            self.last_text = user.send_text(f"/{action.name} {action.payload}".rstrip(" "))
        elif isinstance(action, Press):
            keyboards = [m for m in reversed(user.messages) if pressable(m)]
            if not keyboards:
                user.send_text("/start")
            else:
                message = keyboards[min(action.age, len(keyboards) - 1)]
                buttons = pressable(message)
                button = buttons[action.button % len(buttons)]
                self.queries.append(user.press(button["callback_data"], message["message_id"]))
        elif isinstance(action, Answer):
            self.answer(action.n)
        elif isinstance(action, Forge):
            self.forge(action.data)
        elif isinstance(action, ForgeNear):
            real = await self.latest_interview()
            interview_id, version = real if real else (1, 1)
            index = "" if action.action in "db" else str(action.index)
            data = f"{max(0, interview_id + action.id_delta)}:{max(0, version + action.version_delta)}:"
            self.forge(f"{data}{action.action}{index}")
        elif isinstance(action, Edit):
            await self.edit(action.text)
        elif isinstance(action, NotText):
            await self.not_text(action.kind)
        elif isinstance(action, Group):
            group = h.fake.group(-1_006_100_000_001, "Fuzz group")
            group.send_text(user, action.text)
        elif isinstance(action, Admin):
            admin = h.fake.user(ADMIN_ID, "Admin")
            payload = action.payload
            if action.command == "transcript" and payload == "" and (real := await self.latest_interview()):
                payload = str(real[0])
            admin.send_text(f"/{action.command} {payload}".rstrip(" "))
        await h.deliver()

    def answer(self, n: int) -> None:
        user = self.user
        keyboards = [m for m in reversed(user.messages) if pressable(m)]
        if not keyboards:
            user.send_text("/start")
            return
        message = keyboards[0]
        if "Type a whole number" in message["text"]:
            user.send_text(str(n * 7))
            return
        buttons = [b for b in pressable(message) if not b["text"].startswith("⬅️")]
        done = [b for b in buttons if b["text"].startswith("Done")]
        button = done[0] if done and n % 2 == 0 else buttons[n % len(buttons)]
        self.queries.append(user.press(button["callback_data"], message["message_id"]))

    def forge(self, data: str) -> None:
        """What a bad client can do: a callback query with any data on a bot message of the chat."""
        state = self.h.fake._state
        with state.cond:
            chat = state.chats[self.user.chat_id]
            messages = [m for m in chat.messages.values() if state.is_bot_message(m)]
            if not messages:
                return
            target = max(messages, key=lambda m: m["message_id"])
            query_id = str(6_000_000_000_000_000_000 + next(_QUERY_IDS))
            query = {
                "id": query_id,
                "from": self.user.user,
                "message": copy.deepcopy(target),
                "chat_instance": "6100000001",
                "data": data,
            }
            state.callback_queries[query_id] = query
            state.enqueue("callback_query", query)
        self.queries.append(query_id)

    async def edit(self, text: str) -> None:
        """The person edits an earlier message of theirs (Telegram sends ``edited_message``)."""
        if self.last_text is None:
            return
        edited = {**self.last_text, "text": text, "edit_date": int(time.time())}
        edited.pop("entities", None)
        if text.startswith("/"):
            edited["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        await self.h.process({"update_id": 10**9 + next(_MESSAGE_IDS), "edited_message": edited})

    async def not_text(self, kind: str) -> None:
        content = {
            "location": {"location": {"latitude": 35.68, "longitude": 139.76}},
            "contact": {"contact": {"phone_number": "+10000000000", "first_name": "X"}},
            "sticker": {
                "sticker": {
                    "file_id": "s1",
                    "file_unique_id": "u1",
                    "type": "regular",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                }
            },
        }[kind]
        state = self.h.fake._state
        with state.cond:  # writing to a bot opens the chat, whatever is sent
            state.chats[self.user.chat_id].started = True
        message = {
            "message_id": next(_MESSAGE_IDS),
            "from": self.user.user,
            "chat": self.user.chat,
            "date": int(time.time()),
            **content,
        }
        await self.h.process({"update_id": 10**9 + next(_MESSAGE_IDS), "message": message})

    async def latest_interview(self) -> tuple[int, int] | None:
        async with self.h.uow() as uow:
            user = await uow.users.by_telegram_id(self.user.user_id)
            rows = await uow.interviews.list_for_user(user) if user else []
            return (rows[-1].id, rows[-1].version) if rows else None


STATE_DEPTH = {
    name: depth
    for depth, name in enumerate(
        [
            "nothing stored",
            "consent",
            "field",
            "role",
            "project_count",
            "project_complexity",
            "project_size",
            "project_scope",
            "project_rooms",
            "project_area",
            "project_sites",
            "involvement",
            "common_complexity",
            "common_themes",
            "themes",
            "accomplishments",
            "mentoring",
            "review",
            "result",
        ]
    )
}


async def check_storage(h: BotUnderTest, telegram_id: int) -> None:
    async with h.uow() as uow:
        user = await uow.users.by_telegram_id(telegram_id)
        if user is None:
            return
        rows = await uow.interviews.list_for_user(user)
        # How deep the example got (see --hypothesis-show-statistics).
        event(f"reached: {max((r.state for r in rows), key=STATE_DEPTH.get, default='nothing stored')}")
        active = [r for r in rows if r.status == InterviewStatus.ACTIVE.value]
        assert len(active) <= 1, [(r.id, r.status) for r in rows]
        for row in rows:
            with Interview.restore(row.snapshot, CTX) as iv:
                prompt = iv.prompt()
                assert prompt.text
                assert iv.state == row.state, (iv.state, row.state)
                iv.plan()
                if row.status == InterviewStatus.FINISHED.value:
                    assert iv.finished
        for result in await uow.results.history_for(user):
            evaluation = evaluate(parse_profile(result.profile))
            assert (evaluation.field, evaluation.level) == (result.field, result.level)
            finished = await uow.interviews.get(result.interview_id)
            assert finished is not None and finished.status == InterviewStatus.FINISHED.value


def run_example(h: BotUnderTest, name: str, actions: list[Any]) -> None:
    since_calls, since_failures, since_logs = len(h.fake.requests), len(h.failures), len(h.log.records)
    user = h.fake.user(next(_USER_IDS), name or "?")
    person = Person(h, user)

    async def scenario() -> None:
        for action in actions:
            await person.act(action)
        await check_storage(h, user.user_id)

    h.run(scenario())
    failures = h.failures[since_failures:]
    assert not failures, "\n\n".join(f.trace for f in failures)
    errors = h.log.records[since_logs:]
    assert not errors, [r.getMessage() for r in errors]
    failed = h.failed_calls(since_calls)
    assert not failed, [(c.method, c.status, c.response.get("description")) for c in failed]
    assert h.fake.internal_errors == []
    answered = [a.query_id for a in user.callback_answers]
    assert sorted(answered) == sorted(person.queries), "every press gets exactly one answer"
    for answer in user.callback_answers:
        assert answer.text is None or 0 < len(answer.text) <= 200


FUZZ = settings(
    max_examples=examples(100),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NAMES = st.one_of(st.sampled_from(["Aiko", "محمد", "👩🏽‍🔧", "A" * 64, "\u202eevil"]), st.text(max_size=20))


@FUZZ
@given(name=NAMES, actions=st.lists(ACTIONS, min_size=1, max_size=30))
def test_random_updates_break_nothing(bot_under_test: BotUnderTest, name: str, actions: list[Any]) -> None:
    run_example(bot_under_test, name, actions)


# A run that mostly answers (so interviews get deep: checklists, numbers, review, result), junk in between.
MOSTLY_ANSWERS = st.lists(
    st.one_of(
        st.builds(Answer, st.integers(0, 5)),
        st.builds(Answer, st.integers(0, 5)),
        st.builds(Answer, st.integers(0, 5)),
        st.builds(Answer, st.integers(0, 5)),
        st.builds(Answer, st.integers(0, 5)),
        st.builds(Press, st.integers(0, 3), st.integers(0, 8)),
        st.builds(Type, st.integers(0, 30).map(str)),
        st.builds(Command, st.sampled_from(["back", "resume", "export", "start", "result"]), st.just("")),
        st.builds(Forge, _forged_data(st.integers(0, 50))),
        st.builds(Edit, st.integers(0, 30).map(str)),
    ),
    min_size=20,
    max_size=50,
)


# Its examples take a second each, so shrinking a failure could outlast pytest's timeout: the
# failing example is printed (and saved for the next run) as found.
@settings(FUZZ, max_examples=examples(30), phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(actions=MOSTLY_ANSWERS)
def test_long_mostly_valid_runs_stay_consistent(bot_under_test: BotUnderTest, actions: list[Any]) -> None:
    run_example(bot_under_test, "Runner", [Command("start", ""), Press(0, 0), *actions])
