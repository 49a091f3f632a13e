"""The bot token never reaches a log line: not in messages, arguments, tracebacks or stacks, not
from python-telegram-bot's own DEBUG lines, and not when it is merely shaped like a token."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from e2e_harness import REPO_ROOT, TOKEN
from telegram import Bot
from telegram.error import InvalidToken

from bot.log_safety import MASK, TokenMask, install_token_mask

SECRET = TOKEN.split(":", 1)[1]
OTHER = "7012345678:AAH9x-Q2r_sT4uVwX5yZ6aB7cD8eF9gH0iJ"  # token-shaped, never configured


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger of its own with one masked handler, so pytest's handlers are never touched."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger(f"levelcheck-test-{id(out)}")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    install_token_mask(TOKEN, logger)
    try:
        yield logger, out
    finally:
        logger.removeHandler(handler)


def test_the_token_in_a_message_or_its_arguments_is_masked(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, out = captured
    logger.info(f"calling https://api.telegram.org/bot{TOKEN}/getMe")
    logger.info("Set Bot API URL: %s", f"https://api.telegram.org/bot{TOKEN}")
    logger.info("url-encoded: %s", TOKEN.replace(":", "%3A"))
    logger.info("the secret alone: %s; the bot id alone stays: %s", SECRET, TOKEN.split(":")[0])
    text = out.getvalue()
    assert TOKEN not in text and SECRET not in text
    assert text.count(MASK) == 4
    assert "https://api.telegram.org/bot[bot token]/getMe" in text
    assert TOKEN.split(":")[0] in text  # the bot's public id is not the secret and stays readable


def test_a_token_that_was_never_configured_is_masked_by_its_shape(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, out = captured
    logger.warning("someone pasted %s here", OTHER)
    logger.warning("too short to be a token: 1234567:abc, a time 12:30, an id 7012345678")
    text = out.getvalue()
    assert OTHER not in text and OTHER.split(":")[1] not in text
    assert "someone pasted [bot token] here" in text
    assert "1234567:abc, a time 12:30, an id 7012345678" in text


def test_tracebacks_and_stacks_are_masked(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, out = captured
    try:
        # What python-telegram-bot raises for a token Telegram rejects.
        raise InvalidToken(f"The token `{TOKEN}` was rejected by the server.")
    except InvalidToken:
        logger.exception("start failed")
    logger.info("here: %s", TOKEN, stack_info=True)
    text = out.getvalue()
    assert "Traceback" in text and "InvalidToken: The token `[bot token]` was rejected" in text
    assert "Stack (most recent call last)" in text
    assert TOKEN not in text and SECRET not in text


def test_every_handler_sees_the_masked_record_and_installing_twice_adds_one_filter() -> None:
    logger = logging.getLogger("levelcheck-test-two-handlers")
    logger.propagate = False
    first, second = io.StringIO(), io.StringIO()
    handlers = [logging.StreamHandler(first), logging.StreamHandler(second)]
    for handler in handlers:
        logger.addHandler(handler)
    try:
        mask = install_token_mask(TOKEN, logger)
        assert install_token_mask(None, logger) is mask
        assert all(h.filters == [mask] for h in handlers)
        logger.error("token %s", TOKEN)
        assert first.getvalue() == second.getvalue() == "token [bot token]\n"
    finally:
        for handler in handlers:
            logger.removeHandler(handler)


def test_python_telegram_bots_own_debug_lines_are_masked() -> None:
    """The real library, not a line written to look like it: ``Bot`` names its URL at DEBUG."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(TokenMask([TOKEN]))
    library = logging.getLogger("telegram")
    level = library.level
    library.addHandler(handler)
    library.setLevel(logging.DEBUG)
    try:
        Bot(TOKEN)
    finally:
        library.removeHandler(handler)
        library.setLevel(level)
    text = out.getvalue()
    assert "Set Bot API URL: https://api.telegram.org/bot[bot token]" in text
    assert TOKEN not in text and SECRET not in text


def test_configure_logging_installs_the_mask_for_every_logger() -> None:
    """In a fresh interpreter, as ``python -m bot`` configures it: libraries' loggers included."""
    code = f"""
import logging
from bot.config import configure_logging
configure_logging("DEBUG", {TOKEN!r})
logging.getLogger("telegram.ext.ExtBot").debug("Set Bot API URL: http://x/bot%s", {TOKEN!r})
logging.getLogger("httpx").warning("HTTP Request: POST http://x/bot{TOKEN}/getUpdates")
try:
    raise RuntimeError("token {TOKEN} inside")
except RuntimeError:
    logging.getLogger("anything").exception("failed")
"""
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "LOG_LEVEL")}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert TOKEN not in done.stderr and SECRET not in done.stderr
    assert done.stderr.count(MASK) == 3, done.stderr
    assert "RuntimeError: token [bot token] inside" in done.stderr
