"""Plumbing of the end-to-end tests: the real bot process, a scripted interviewee, and profiles.

``BotProcess`` runs ``python -m bot`` exactly as production does (its own OS process, settings from
the environment, Alembic at start, long polling) against ``tests/fakes/bot_api.FakeBotApi``.

``Interviewee`` is a person in front of Telegram: it reads each question's text, finds its own
answer in a ``Person`` (the full truth about them) and presses the button whose label says so, or
types the number. It never looks at the dialogue's internals: questions are recognised from the
message catalogue (``dialogs/locales/en.json``), options from the numbered list in the message and
item wording from ``criteria/data/standard.json``. What it answered is recorded per question, so a
test can build "the profile I answered" by its own rules and compare the bot's verdict with it.
"""

from __future__ import annotations

import copy
import itertools
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fakes.bot_api import ApiCall, FakeBotApi, FakeUser, inline_buttons

REPO_ROOT = Path(__file__).resolve().parents[2]
TOKEN = "5312906471:AAFe2eTest_Token-notReal-9kQ"
SETTINGS_VARIABLES = (
    "BOT_TOKEN",
    "DATABASE_URL",
    "ADMIN_IDS",
    "BOT_API_BASE_URL",
    "BOT_API_FILE_URL",
    "LOG_LEVEL",
    "LEVELCHECK_CLOCK_OFFSET_FILE",
    "JOBS_INTERVAL_SECONDS",
    "REMINDER_AFTER_HOURS",
)
WAIT = 15.0  # generous: a step takes milliseconds, but CI machines stall
BOT_USERNAME = "levelcheck_test_bot"

Json = dict[str, Any]
STANDARD: Json = json.loads((REPO_ROOT / "criteria/data/standard.json").read_text(encoding="utf-8"))
ITEMS: dict[str, Json] = {item["id"]: item for item in STANDARD["items"]}


def _json(path: str) -> Json:
    return json.loads((REPO_ROOT / path).read_text(encoding="utf-8"))


def _catalogue_files(language: str) -> dict[str, str]:
    """A language's catalogue as the files hold it: ``<lang>.json`` and its ``<lang>.<area>.json`` parts."""
    merged: dict[str, str] = {}
    for path in sorted((REPO_ROOT / "dialogs/locales").glob(f"{language}.*json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


@dataclass(frozen=True)
class Words:
    """What a person reading one language sees: the catalogue, and the standard's words (its
    translation over the English original), read from the data files, never from the bot's code."""

    language: str
    catalogue: dict[str, str]
    texts: dict[str, str]
    items: dict[str, str]

    @classmethod
    def of(cls, language: str) -> Words:
        catalogue = _catalogue_files("en")
        texts = dict(STANDARD["texts"])
        items = {i: str(item["seed_text"]) for i, item in ITEMS.items()}
        for f in ("hardware", "software", "facility"):
            texts[f"field.{f}.name"] = STANDARD["fields"][f]["name"]
        if language != "en":
            catalogue.update(_catalogue_files(language))
            translation = _json(f"criteria/data/standard.{language}.json")
            texts.update(translation["texts"])
            items.update(translation["items"])
        return cls(language, catalogue, texts, items)


EN = Words.of("en")
CATALOGUE = EN.catalogue
FIELD_NAMES = {f: EN.texts[f"field.{f}.name"] for f in ("hardware", "software", "facility")}


# --------------------------------------------------------------------------------------------
# The bot process
# --------------------------------------------------------------------------------------------


def bot_environment(fake: FakeBotApi | None, **settings: str) -> dict[str, str]:
    """The parent's environment without any levelcheck setting, plus ``settings`` and the fake's URLs."""
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env["PYTHONUNBUFFERED"] = "1"
    if fake is not None:
        env.update(fake.env())
    env.update(settings)
    return env


class BotProcess:
    """One ``python -m bot`` process; output (stdout and stderr) goes to ``log_path``."""

    def __init__(self, fake: FakeBotApi, database_url: str, log_path: Path, **settings: str) -> None:
        self.fake = fake
        self.env = bot_environment(
            fake, BOT_TOKEN=TOKEN, DATABASE_URL=database_url, LOG_LEVEL="INFO", **settings
        )
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self, timeout: float = 60.0) -> BotProcess:
        """Starts the process and returns once it has set its commands (migrations done, polling next)."""
        assert self.proc is None or self.proc.poll() is not None, "already running"
        since = len(self.fake.requests)
        with self.log_path.open("ab") as log:
            log.write(f"----- start #{self.starts + 1} -----\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot"],
                cwd=REPO_ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.starts += 1
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"the bot exited with {self.proc.returncode} at start:\n{self.log}")
            try:
                self.fake.wait_for_call("setMyCommands", timeout=0.2, since=since)
                break
            except AssertionError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"the bot did not start within {timeout}s:\n{self.log}") from None
        # PTB logs this once polling is set up; stopping the bot earlier makes PTB log errors.
        while self.log.count("telegram.ext.Application: Application started") < self.starts:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the bot did not start polling:\n{self.log}")
            time.sleep(0.02)
        # Updates sent from now on wait in the fake until the bot's first getUpdates takes them.
        return self

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM (PTB's graceful stop), then SIGKILL if it hangs; always waits for the process."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout)
        return self.proc.returncode

    def kill(self) -> None:
        """A crash: SIGKILL, no chance to flush or close anything."""
        assert self.proc is not None and self.proc.poll() is None, "not running"
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(WAIT)

    def wait_for_log(self, substring: str, timeout: float = WAIT) -> str:
        deadline = time.monotonic() + timeout
        while substring not in self.log:
            if time.monotonic() > deadline:
                raise AssertionError(f"{substring!r} never showed up in the bot's log:\n{self.log}")
            time.sleep(0.05)
        return self.log

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""


def sqlite_path(database_url: str) -> Path:
    return Path(database_url.split(":///", 1)[1])


def query_db(database_url: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Reads the bot's SQLite database directly (read-only), to see what really is stored."""
    uri = f"file:{sqlite_path(database_url)}?mode=ro"
    with sqlite3.connect(uri, uri=True, timeout=10) as connection:
        return list(connection.execute(sql, params))


def stored_interviews(database_url: str, telegram_id: int) -> list[Json]:
    rows = query_db(
        database_url,
        "SELECT i.id, i.status, i.version, i.snapshot FROM interviews i JOIN users u ON u.id = i.user_id "
        "WHERE u.telegram_id = ? ORDER BY i.id",
        telegram_id,
    )
    return [{"id": r[0], "status": r[1], "version": r[2], "snapshot": json.loads(r[3])} for r in rows]


def active_interview(database_url: str, telegram_id: int) -> Json | None:
    return next((r for r in stored_interviews(database_url, telegram_id) if r["status"] == "active"), None)


# --------------------------------------------------------------------------------------------
# Forged button presses (a bad client can put anything into callback data)
# --------------------------------------------------------------------------------------------

_FORGED_IDS = itertools.count(1)


def forge_press(fake: FakeBotApi, user: FakeUser, data: str, message: Json | int | None = None) -> str:
    """Delivers a callback query with arbitrary ``data`` on ``message`` (default: the newest bot message).

    The Bot API docs warn that "a bad client can send arbitrary data in this field"; the fake only
    presses buttons that exist, so this builds the query the way ``FakeBotApi._press`` does, through
    the fake's (private) state, and registers it so ``answerCallbackQuery`` is accepted.
    """
    state = fake._state
    with state.cond:
        chat = state.chats[user.chat_id]
        if message is None:
            target = max(
                (m for m in chat.messages.values() if state.is_bot_message(m)), key=lambda m: m["message_id"]
            )
        else:
            target = chat.messages[message if isinstance(message, int) else int(message["message_id"])]
        user._cursor = len(chat.events)
        query_id = str(5_000_000_000_000_000_000 + next(_FORGED_IDS))
        query = {
            "id": query_id,
            "from": user.user,
            "message": copy.deepcopy(target),
            "chat_instance": str((user.chat_id * 1_000_003 + state.bot_user["id"]) % 2**63),
            "data": data,
        }
        state.callback_queries[query_id] = query
        state.enqueue("callback_query", query)
        user._last_query_id = query_id
        return query_id


def bot_errors(fake: FakeBotApi, allowed: Callable[[ApiCall], bool] = lambda call: False) -> list[str]:
    """Failed Bot API calls (the bot's bugs show up as 400s) that are not ``allowed``."""
    return [
        f"{c.method} {c.status} {c.response.get('description')}"
        for c in fake.requests
        if not c.ok and c.method != "getUpdates" and not allowed(c)
    ]


# --------------------------------------------------------------------------------------------
# Reading the chat like a person
# --------------------------------------------------------------------------------------------


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    numbers = ("n", "count", "level")
    pattern = "".join(
        re.escape(p) if i % 2 == 0 else rf"(?P<{p}>\d+)" if p in numbers else f"(?P<{p}>.+?)"
        for i, p in enumerate(parts)
    )
    return re.compile(pattern, re.DOTALL)


def _questions(w: Words) -> list[tuple[str, re.Pattern[str]]]:
    from_catalogue = (
        "q.field",
        "q.role",
        "q.project_count",
        "q.project.complexity",
        "q.project.size",
        "q.themes",
        "q.accomplishments",
        "q.mentoring",
        "q.common_complexity",
        "q.common_themes",
    )
    from_standard = {
        "q.project.scope": "scope.question",
        "q.project.rooms": "quantity.rooms.question",
        "q.project.area": "quantity.area.question",
        "q.project.sites": "quantity.sites.question",
        "q.involvement": "involvement.question",
    }
    found = [(key, _template_regex(w.catalogue[key])) for key in from_catalogue]
    return found + [(key, _template_regex(w.texts[text])) for key, text in from_standard.items()]


def _review_labels(w: Words) -> list[tuple[str, re.Pattern[str]]]:
    labels = {k.removeprefix("label."): v for k, v in w.catalogue.items() if k.startswith("label.")}
    labels["project.scope"] = w.texts["scope.label"]
    labels["involvement"] = w.texts["involvement.label"]
    for quantity in ("rooms", "area", "sites"):
        labels[f"project.{quantity}"] = w.texts[f"quantity.{quantity}.label"]
    # Each review line reads "<label><separator><answer>": ": " in English, "：" in Japanese.
    separator = w.catalogue["review.line"].split("{question}", 1)[1].split("{answer}", 1)[0]
    return [
        (what, re.compile("^" + _template_regex(t).pattern + re.escape(separator)))
        for what, t in labels.items()
    ]


_QUESTIONS = {w.language: _questions(w) for w in (EN, Words.of("ja"))}
_LABELS = {w.language: _review_labels(w) for w in (EN, Words.of("ja"))}
# A checklist's boxes, or the mark of a single choice's earlier answer (after back or an edit).
_OPTION_LINE = re.compile(r"^(?:[✅⬜▶] )?(\d+)\. (.+)$", re.MULTILINE)
_MARKED_LINE = re.compile(r"^▶ (\d+)\. ", re.MULTILINE)
_TICKED_LINE = re.compile(r"^✅ (\d+)\. ", re.MULTILINE)


def _results(w: Words) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The result's headline: "<field>, level <n> — <role words>", or level 1 not reached yet."""
    return _template_regex(w.catalogue["outcome.headline"].split(" — ")[0]), _template_regex(
        w.catalogue["outcome.headline0"]
    )


def review_keys(text: str, w: Words = EN) -> set[str]:
    """The questions the review lists (each line reads "<label>: <answer>"): what the result counts."""
    keys: set[str] = set()
    for line in text.split("\n\n", 1)[1].splitlines():
        for what, regex in _LABELS[w.language]:
            if m := regex.match(line):
                if what.startswith("project."):
                    keys.add(f"project.{m.group('n')}.{what.removeprefix('project.')}")
                elif what == "themes":
                    keys.add(f"themes.{m.group('level')}")
                else:
                    keys.add(what)
                break
        else:
            raise AssertionError(f"a review line with no known label: {line!r}")
    return keys


def question_key(text: str, w: Words = EN) -> str:
    """Which question a prompt message asks, in the dialogue's key format ("project.2.size", ...)."""
    if _template_regex(w.catalogue["consent.text"]).search(text):
        return "consent"
    if text.startswith(w.catalogue["review.text"]) or f"\n{w.catalogue['review.text']}" in text:
        return "review"
    level, level0 = _results(w)
    if level.match(text) or level0.match(text):
        return "result"
    for msg_id, regex in _QUESTIONS[w.language]:
        if m := regex.search(text):
            what = msg_id.removeprefix("q.")
            if what.startswith("project."):
                return f"project.{m.group('n')}.{what.removeprefix('project.')}"
            if what == "themes":
                return f"themes.{m.group('level')}"
            return what
    raise AssertionError(f"cannot tell which question this is:\n{text}")


def result_level(text: str, w: Words = EN) -> int:
    level, level0 = _results(w)
    if m := level.match(text):
        return int(m.group("level"))
    if level0.match(text):
        return 0
    raise AssertionError(f"not a result message:\n{text}")


def numbered_options(text: str) -> dict[str, int]:
    """The prompt's numbered option list: label -> number."""
    return {m.group(2): int(m.group(1)) for m in _OPTION_LINE.finditer(text)}


def ticked_numbers(text: str) -> set[int]:
    return {int(m.group(1)) for m in _TICKED_LINE.finditer(text)}


def marked_numbers(text: str) -> set[int]:
    """The single choice's earlier answer, marked in the text."""
    return {int(m.group(1)) for m in _MARKED_LINE.finditer(text)}


def button_texts(message: Json) -> list[str]:
    return [b["text"] for b in inline_buttons(message)]


def is_new_prompt(message: Json) -> bool:
    """A freshly sent message with buttons (edits of old prompts carry ``edit_date``)."""
    return "reply_markup" in message and "edit_date" not in message


def item_label(item_id: str) -> str:
    return str(ITEMS[item_id]["seed_text"])


def item_levels(item_id: str) -> list[int]:
    return list(ITEMS[item_id]["levels"])


# --------------------------------------------------------------------------------------------
# The person and the profile they answered
# --------------------------------------------------------------------------------------------


@dataclass
class Person:
    """Everything true about one engineer; the interview asks only part of it."""

    field: str
    role: str
    projects: list[Json]  # {"complexity": [...], "size": id} or {"complexity", "scope", "rooms", ...}
    themes: set[str] = field(default_factory=set)  # specialty themes of any level
    accomplishments: list[str] = field(default_factory=list)
    mentoring: bool = False
    involvement: str = "none"
    common_complexity: list[str] = field(default_factory=list)
    common_themes: list[str] = field(default_factory=list)
    project_count: int | None = None  # how many they choose to describe (default: all)

    def answer(self, key: str) -> Any:
        """The truthful answer to question ``key``, in the dialogue's answer format."""
        if key in ("field", "role", "mentoring", "involvement", "accomplishments"):
            return getattr(self, key)
        if key == "project_count":
            return len(self.projects) if self.project_count is None else self.project_count
        if key in ("common_complexity", "common_themes"):
            return list(getattr(self, key))
        if m := re.fullmatch(r"project\.(\d)\.(\w+)", key):
            project = self.projects[int(m.group(1)) - 1]
            return project["area_m2" if m.group(2) == "area" else m.group(2)]
        if m := re.fullmatch(r"themes\.(\d)", key):
            level = int(m.group(1))
            return sorted(t for t in self.themes if level in item_levels(t))
        raise AssertionError(f"the person has no answer to {key!r}")


def profile_from_answers(answers: dict[str, Any]) -> Json:
    """The README's profile format, from the answers given in the chat (the test's own reading).

    Projects count only when fully described (a half-described one adds nothing); themes are
    every level's ticked themes plus the basic ones.
    """
    field_id = answers["field"]
    experiences = []
    for n in range(1, answers.get("project_count", 0) + 1):
        p = {k.split(".", 2)[2]: v for k, v in answers.items() if k.startswith(f"project.{n}.")}
        if field_id == "facility":
            if "complexity" not in p or "scope" not in p:
                continue
            exp: Json = {"complexity": p["complexity"], "scope": p["scope"]}
            if p["scope"] == "whole":
                if not {"rooms", "area", "sites"} <= set(p):
                    continue
                exp.update(rooms=p["rooms"], area_m2=p["area"], sites=p["sites"])
        else:
            if "complexity" not in p or "size" not in p:
                continue
            exp = {"complexity": p["complexity"], "size": p["size"]}
        experiences.append(exp)
    themes = [t for k, v in answers.items() if k.startswith("themes.") for t in v]
    return {
        "field": field_id,
        "role": answers["role"],
        "experiences": experiences,
        "involvement": answers.get("involvement", "none"),
        "common_complexity": list(answers.get("common_complexity", [])),
        "themes": themes + list(answers.get("common_themes", [])),
        "accomplishments": list(answers.get("accomplishments", [])),
        "mentoring": answers.get("mentoring", False),
    }


def normalized(profile: Json) -> Json:
    """Order-free lists (a checklist is a set) so two spellings of one profile compare equal."""
    out = copy.deepcopy(profile)
    for key in ("common_complexity", "themes", "accomplishments"):
        out[key] = sorted(out.get(key, []))
    out["involvement"] = out.get("involvement", "none")
    out["mentoring"] = out.get("mentoring", False)
    for exp in out.get("experiences", []):
        exp["complexity"] = sorted(exp["complexity"])
    return out


# --------------------------------------------------------------------------------------------
# The interviewee
# --------------------------------------------------------------------------------------------


class Interviewee:
    """Answers the bot's questions from a ``Person`` by pressing buttons and typing numbers."""

    def __init__(self, user: FakeUser, person: Person, timeout: float = WAIT, words: Words = EN) -> None:
        self.user = user
        self.person = person
        self.words = words
        self.timeout = timeout
        self.answers: dict[str, Any] = {}
        self.prompt: Json | None = None
        self.asked: list[str] = []
        self.reviewed: set[str] | None = None  # the questions of the latest review

    # -- reading ------------------------------------------------------------------------------

    @property
    def key(self) -> str:
        assert self.prompt is not None, "no prompt yet"
        return question_key(self.prompt["text"], self.words)

    def wait_prompt(self) -> Json:
        """The next freshly sent message with buttons: the bot's next question (or review/result)."""
        self.prompt = self.user.wait_for_message(is_new_prompt, self.timeout)
        key = question_key(self.prompt["text"], self.words)
        if key == "review":
            self.reviewed = review_keys(self.prompt["text"], self.words)
        if not self.asked or self.asked[-1] != key:
            self.asked.append(key)
        return self.prompt

    def send(self, text: str) -> Json:
        self.user.send_text(text)
        return self.wait_prompt()

    def _button(self, pattern: str, message: Json | None = None) -> str:
        message = message or self.prompt
        assert message is not None
        found = [t for t in button_texts(message) if re.match(pattern, t)]
        assert len(found) == 1, f"expected one button matching {pattern!r}, got {button_texts(message)}"
        return found[0]

    def press(self, text_or_pattern: str, *, exact: bool = True) -> str:
        """Presses a button of the current prompt; returns the query id."""
        assert self.prompt is not None
        text = text_or_pattern if exact else self._button(text_or_pattern)
        return self.user.press(text, self.prompt["message_id"])

    def press_and_wait(self, text: str, *, exact: bool = True) -> Json:
        self.press(text, exact=exact)
        return self.wait_prompt()

    def option_number(self, label: str) -> int:
        assert self.prompt is not None
        options = numbered_options(self.prompt["text"])
        assert label in options, f"option {label!r} is not offered: {list(options)}"
        return options[label]

    # -- answering ----------------------------------------------------------------------------

    def label_of(self, key: str, value: Any) -> str:
        """How the option ``value`` of question ``key`` reads in the message."""
        w = self.words
        if key == "field":
            return w.texts[f"field.{value}.option"]
        if key == "role":
            return w.texts[f"role.{value}.option"].format(
                field_name=w.texts[f"field.{self.answers['field']}.name"]
            )
        if key == "project_count":
            return w.catalogue[f"project_count.{value}"]
        if key.endswith(".scope"):
            return w.texts[f"scope.{value}.option"]
        if key == "involvement":
            return w.texts[f"involvement.{value}.option"]
        return w.items[value]

    def choose(self, key: str, value: Any) -> None:
        """Presses the numbered button whose label is ``value``'s (does not wait)."""
        number = self.option_number(self.label_of(key, value))
        self.press(rf"^(?:✓ )?{number}\. ", exact=False)  # ✓: the earlier answer

    def tick(self, key: str, wanted: Iterable[str]) -> None:
        """Toggles the checklist until exactly ``wanted`` is ticked, waiting for each edit."""
        assert self.prompt is not None
        wanted_numbers = {self.option_number(self.label_of(key, v)) for v in wanted}
        for number in sorted(wanted_numbers ^ ticked_numbers(self.prompt["text"])):
            message_id = self.prompt["message_id"]
            before = number in ticked_numbers(self.prompt["text"])
            self.press(rf"^[✅⬜] {number}\. ", exact=False)
            edited = self.user.wait_for_message(
                lambda m, mid=message_id: m["message_id"] == mid and "edit_date" in m, self.timeout
            )
            assert (number in ticked_numbers(edited["text"])) != before, edited["text"]
            self.prompt = edited
        assert ticked_numbers(self.prompt["text"]) == wanted_numbers

    def answer(self, value: Any = None) -> Json:
        """Answers the current question (with the person's truth unless ``value``) and waits for the next."""
        key = self.key
        value = self.person.answer(key) if value is None else value
        assert self.prompt is not None
        w = self.words
        done = w.catalogue["bot.button.done"]
        if key == "consent":
            self.press(w.catalogue["consent.yes"] if value else w.catalogue["consent.no"])
        elif key == "mentoring":
            self.press(w.catalogue["yes"] if value else w.catalogue["no"])
        elif key.endswith((".rooms", ".area", ".sites")):
            self.user.send_text(str(value))
        elif done in button_texts(self.prompt):
            self.tick(key, value)
            self.press(done)
        else:
            self.choose(key, value)
        if key != "consent":
            self._record(key, value)
        return self.wait_prompt()

    def _record(self, key: str, value: Any) -> None:
        if key == "field" and self.answers.get("field") not in (None, value):
            # A new field makes the field-specific answers meaningless (and the bot drops them).
            for k in [k for k in self.answers if k.startswith(("project.", "themes.", "accomplishments"))]:
                del self.answers[k]
        if key == "project_count":
            value = int(value)
        self.answers[key] = value

    def run(
        self, until: Callable[[str], bool] = lambda key: key in ("review", "result"), limit: int = 60
    ) -> Json:
        """Answers question after question until ``until(key)`` holds for the current prompt."""
        for _ in range(limit):
            if until(self.key):
                assert self.prompt is not None
                return self.prompt
            if self.key in ("review", "result"):
                raise AssertionError(f"reached {self.key} before the expected stop:\n{self.prompt}")
            self.answer()
        raise AssertionError(f"no stop after {limit} answers; asked: {self.asked}")

    def begin(self, command: str = "/start") -> Json:
        self.user.send_text(command)
        return self.wait_prompt()

    def confirm(self) -> Json:
        assert self.key == "review", self.key
        return self.press_and_wait(self.words.catalogue["review.confirm"])

    def profile(self) -> Json:
        """The profile of what was answered; once reviewed, of the answers the review listed (an
        answer to a question the interview no longer asks, e.g. after a change, does not count)."""
        if self.reviewed is None:
            return profile_from_answers(self.answers)
        return profile_from_answers({k: v for k, v in self.answers.items() if k in self.reviewed})


# --------------------------------------------------------------------------------------------
# Commands with a document or a one-off reply
# --------------------------------------------------------------------------------------------


def export(user: FakeUser, timeout: float = WAIT) -> Json:
    """Sends /export and returns the profile of the JSON document the bot sent back."""
    document = export_document(user, timeout)
    assert document["standard"] == "itss-v2-customer-service" and document["standard_version"], document
    return dict(document["profile"])


def export_document(user: FakeUser, timeout: float = WAIT) -> Json:
    """Sends /export and returns the JSON document the bot sent back (standard, level, profile)."""
    count = len(user.documents)
    user.send_text("/export")
    message = user.wait_for_message(lambda m: "document" in m, timeout)
    assert len(user.documents) == count + 1
    document = user.documents[-1]
    assert document.file_name == "levelcheck-profile.json", document
    assert message["document"]["file_name"] == document.file_name
    return json.loads(document.data.decode("utf-8"))


def command_reply(user: FakeUser, command: str, expected: str, timeout: float = WAIT) -> str:
    """Sends ``command`` and returns the text of the bot's reply containing ``expected``."""
    user.send_text(command)
    # Text only: a card photo whose caption matches (sent after a result) is not the reply.
    return str(user.wait_for_message(lambda m: expected in m.get("text", ""), timeout)["text"])
