"""``LOG_FORMAT=json``: one JSON object per line with fixed keys, the token masked in every field, no
attribute smuggled in with ``extra=``, and the setting itself validated like every other."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_harness import REPO_ROOT, TOKEN
from telegram.error import InvalidToken

from bot.config import ConfigError, load_settings
from bot.log_json import ExceptionTypeKeeper, JsonLogFormatter
from bot.log_safety import MASK, install_token_mask

SECRET = TOKEN.split(":", 1)[1]
OTHER = "7012345678:AAH9x-Q2r_sT4uVwX5yZ6aB7cD8eF9gH0iJ"  # token-shaped, never configured


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger of its own with a JSON handler set up as ``configure_logging`` does (keeper, then mask)."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(ExceptionTypeKeeper())
    handler.setFormatter(JsonLogFormatter())
    logger = logging.getLogger(f"levelcheck-json-{id(out)}")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    install_token_mask(TOKEN, logger)
    try:
        yield logger, out
    finally:
        logger.removeHandler(handler)


def _entries(text: str) -> list[dict[str, str]]:
    lines = text.splitlines()
    entries = [json.loads(line) for line in lines]  # every line is a whole object
    assert all(isinstance(entry, dict) for entry in entries)
    return entries


def test_one_object_per_line_with_the_fixed_keys(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, out = captured
    logger.info("started %s replicas", 2)
    logger.warning("a message\nover two lines, ünïcödé and 日本語")
    first, second = _entries(out.getvalue())
    assert set(first) == {"time", "level", "logger", "message"}
    assert first["level"] == "INFO" and first["logger"] == logger.name
    assert first["message"] == "started 2 replicas"
    assert first["time"].endswith("+00:00") and "T" in first["time"]  # ISO 8601, UTC, milliseconds
    assert second["message"] == "a message\nover two lines, ünïcödé and 日本語"
    assert len(out.getvalue().splitlines()) == 2  # the newline inside the message stays escaped


def test_the_token_is_masked_in_message_arguments_and_traceback(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, out = captured
    logger.info(f"calling https://api.telegram.org/bot{TOKEN}/getMe")
    logger.info("Set Bot API URL: %s", f"https://api.telegram.org/bot{TOKEN}")
    logger.warning("someone pasted %s here", OTHER)
    try:
        raise InvalidToken(f"The token `{TOKEN}` was rejected by the server.")
    except InvalidToken:
        logger.exception("start failed")
    text = out.getvalue()
    assert TOKEN not in text and SECRET not in text
    assert OTHER not in text and OTHER.split(":")[1] not in text
    url, api, pasted, failure = _entries(text)
    assert url["message"] == f"calling https://api.telegram.org/bot{MASK}/getMe"
    assert api["message"] == f"Set Bot API URL: https://api.telegram.org/bot{MASK}"
    assert pasted["message"] == f"someone pasted {MASK} here"
    assert failure["message"] == "start failed" and failure["level"] == "ERROR"
    assert failure["exception"] == "telegram.error.InvalidToken"  # the type survives the mask
    assert f"InvalidToken: The token `{MASK}` was rejected" in failure["traceback"]


def test_builtin_exceptions_are_named_as_a_traceback_names_them(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, out = captured
    try:
        int("not a number")
    except ValueError:
        logger.error("parse failed", exc_info=True)
    (entry,) = _entries(out.getvalue())
    assert entry["exception"] == "ValueError"
    assert entry["traceback"].startswith("Traceback (most recent call last)")


def test_extra_attributes_never_become_fields(captured: tuple[logging.Logger, io.StringIO]) -> None:
    """A handler's ``extra=`` could carry a Telegram id or an answer; the text format never showed it."""
    logger, out = captured
    logger.info("answer stored", extra={"telegram_id": 424242424, "answer": "secret answer"})
    (entry,) = _entries(out.getvalue())
    assert set(entry) == {"time", "level", "logger", "message"}
    assert "424242424" not in out.getvalue() and "secret answer" not in out.getvalue()


def test_a_stack_is_kept_masked(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, out = captured
    logger.info("here: %s", TOKEN, stack_info=True)
    (entry,) = _entries(out.getvalue())
    assert entry["stack"].startswith("Stack (most recent call last)")
    assert TOKEN not in out.getvalue()


def test_configure_logging_json_writes_masked_json_to_stderr_for_every_logger() -> None:
    """The real set-up, in a fresh interpreter (pytest's own handlers would make basicConfig a no-op)."""
    script = f"""
import logging
from bot.config import configure_logging
configure_logging("INFO", {TOKEN!r}, "json")
logging.getLogger("telegram.ext.Application").info("token %s", {TOKEN!r})
logging.getLogger("httpx").info("one line per long poll: hidden at INFO")
logging.getLogger("bot.telegram_polling").debug("below the level: hidden")
try:
    raise RuntimeError("wrapped {TOKEN}")
except RuntimeError:
    logging.getLogger("bot").exception("failed")
"""
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=True,
    )
    assert done.stdout == ""
    assert TOKEN not in done.stderr and SECRET not in done.stderr
    token_line, failure = _entries(done.stderr)
    assert token_line == {**token_line, "logger": "telegram.ext.Application", "message": f"token {MASK}"}
    assert failure["logger"] == "bot" and failure["exception"] == "RuntimeError"
    assert f"RuntimeError: wrapped {MASK}" in failure["traceback"]


def test_configure_logging_text_stays_the_default() -> None:
    script = f"""
import logging
from bot.config import configure_logging
configure_logging("INFO", {TOKEN!r})
logging.getLogger("bot").info("hello %s", {TOKEN!r})
"""
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=True,
    )
    assert done.stderr.rstrip().endswith(f"INFO bot: hello {MASK}")
    assert not done.stderr.startswith("{")


# --- the LOG_FORMAT setting -----------------------------------------------------------------------


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    monkeypatch.delenv("log_format", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env file of the developer's


@pytest.mark.usefixtures("clean_environment")
@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "text"), ("", "text"), ("  ", "text"), ("json", "json"), (" JSON ", "json"), ("Text", "text")],
)
def test_log_format_values(monkeypatch: pytest.MonkeyPatch, value: str | None, expected: str) -> None:
    if value is not None:
        monkeypatch.setenv("LOG_FORMAT", value)
    assert load_settings().log_format == expected


@pytest.mark.usefixtures("clean_environment")
@pytest.mark.parametrize("value", ["logfmt", "yaml", "1"])
def test_a_wrong_log_format_is_one_line_naming_it(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("LOG_FORMAT", value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value) == "configuration error: LOG_FORMAT must be one of text, json"
