"""Fixtures of the end-to-end tests: a fake Bot API server per test and bot processes that always end.

``tests/`` goes on ``sys.path`` so the fake imports as ``fakes.bot_api`` (as pytest's prepend mode
imports it for ``tests/fakes``), and ``tests/storage`` so the PostgreSQL schema isolation of
``backends.py`` is reused rather than copied.

Every test gets its own SQLite file and its own bot process(es). At teardown each process is
stopped (SIGTERM, then SIGKILL), and the test fails if the bot logged an error or a traceback, if a
Bot API call of the bot failed, if the fake crashed, or if the log at INFO shows a user id, a name,
the token or anything a user typed. A failed test prints the bot's whole output.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parents[1]
for folder in (TESTS, TESTS / "storage"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from e2e_harness import BOT_USERNAME, TOKEN, BotProcess, bot_errors  # noqa: E402
from fakes.bot_api import FakeBotApi  # noqa: E402

_COMMAND = re.compile(r"^/\w+(?:@\w+)?\s*")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if Path(str(item.path)).resolve().parent == here:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report = yield
    setattr(item, f"e2e_report_{report.when}", report)
    return report


class BotSession:
    """The fake server, the processes started on it, and what must never show up in their logs."""

    def __init__(self, fake: FakeBotApi, tmp_path: Path) -> None:
        self.fake = fake
        self.tmp_path = tmp_path
        self.database_url = f"sqlite:///{tmp_path / 'levelcheck.sqlite3'}"
        self.processes: list[BotProcess] = []
        self.allow_error_log = False
        self.private: set[str] = {TOKEN, TOKEN.split(":", 1)[1]}

    def start_bot(self, *, database_url: str | None = None, **settings: str) -> BotProcess:
        log = self.tmp_path / f"bot-{len(self.processes) + 1}.log"
        process = BotProcess(self.fake, database_url or self.database_url, log, **settings)
        self.processes.append(process)
        return process.start()

    def user(self, user_id: int, first_name: str, **kwargs: Any) -> Any:
        """A fake user whose id and name must never be logged."""
        self.private.update({str(user_id), first_name})
        return self.fake.user(user_id, first_name, **kwargs)

    def typed_texts(self) -> set[str]:
        """Everything users typed (command arguments included), long enough not to match by chance."""
        texts: set[str] = set()
        for view in self.fake._views.values():
            for message in view.history:
                if self.fake._state.is_bot_message(message) or not message.get("text"):
                    continue
                text = _COMMAND.sub("", message["text"]).strip()
                if len(text) >= 4:
                    texts.add(text)
        return texts

    def logs(self) -> str:
        return "\n".join(p.log for p in self.processes)

    def check(self) -> list[str]:
        problems: list[str] = []
        log = self.logs()
        if not self.allow_error_log:
            problems += [f"bot logged: {line}" for line in log.splitlines() if " ERROR " in line]
            if "Traceback" in log:
                problems.append("bot logged a traceback")
        for secret in sorted(self.private | self.typed_texts()):
            if secret in log:
                problems.append(f"bot log contains private text {secret[:40]!r}")
        problems += [f"failed Bot API call: {e}" for e in bot_errors(self.fake)]
        problems += [f"fake Bot API crashed: {e}" for e in self.fake.internal_errors]
        return problems


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN, username=BOT_USERNAME) as api:
        yield api


@pytest.fixture
def session(fake: FakeBotApi, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[BotSession]:
    """Start bots with ``session.start_bot(**settings)``; they are always stopped and checked."""
    s = BotSession(fake, tmp_path)
    try:
        yield s
    finally:
        for process in s.processes:
            process.stop()
        report = getattr(request.node, "e2e_report_call", None)
        problems = s.check()
        if (report is not None and report.failed) or problems:
            for n, process in enumerate(s.processes, start=1):
                print(f"===== output of bot process {n} ({process.log_path}) =====\n{process.log}")
    assert not problems, "\n".join(problems)


@pytest.fixture
def bot(session: BotSession) -> BotProcess:
    """One running bot on a fresh SQLite database."""
    return session.start_bot()
