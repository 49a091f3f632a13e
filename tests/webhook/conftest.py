"""Fixtures of the webhook tests: the storage backends, the fake Bot API, and bot processes in
webhook mode that always end (``webhook_harness.py`` holds what the tests share by name).

``tests``, ``tests/e2e`` and ``tests/storage`` go on ``sys.path`` so the fake, the e2e harness (the
interviewee, ``BotProcess``) and the backends' schema isolation are reused rather than copied.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
for folder in (TESTS, TESTS / "e2e", TESTS / "storage", HERE):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from backends import (  # noqa: E402
    database_backend,
    database_engine,
    database_url,
    migrated_database_url,
    uow_factory,
)
from e2e_harness import BOT_USERNAME, TOKEN  # noqa: E402
from fakes.bot_api import FakeBotApi  # noqa: E402
from webhook_harness import WebhookBots  # noqa: E402

__all__ = ["database_backend", "database_engine", "database_url", "migrated_database_url", "uow_factory"]


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN, username=BOT_USERNAME) as api:
        api.webhook_retry(0.05, 0.3)  # Telegram waits longer; a test has no minutes to spare
        yield api
        assert api.internal_errors == []


@pytest.fixture
def bots(fake: FakeBotApi, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[WebhookBots]:
    """``bots.start(database_url)``: webhook-mode bot processes, stopped and checked at teardown."""
    started = WebhookBots(fake, tmp_path)
    try:
        yield started
    finally:
        started.stop_all()
        problems = started.problems()
        failed = getattr(request.node, "webhook_failed", False)
        if problems or failed:
            for n, process in enumerate(started.processes, start=1):
                print(f"===== output of bot process {n} ({process.log_path}) =====\n{process.log}")
    assert not problems, "\n".join(problems)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    if report.when == "call" and report.failed:
        item.webhook_failed = True  # type: ignore[attr-defined]
    return report
