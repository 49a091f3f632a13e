"""Which failures a later delivery may cure (answered 500 in webhook mode, a WARNING, not a bug)."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy.exc import DBAPIError, IntegrityError
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.telegram_delivery import curable, database_unavailable


def _wrapped(orig: Exception) -> DBAPIError:
    return DBAPIError("SELECT 1", None, orig)


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.CannotConnectNowError("the database system is starting up"),  # raised unwrapped
        asyncpg.AdminShutdownError("terminating connection due to administrator command"),
        _wrapped(asyncpg.CannotConnectNowError("starting up")),
        ConnectionRefusedError(111, "Connection refused"),
        TimedOut(),
        NetworkError("Bad Gateway"),
    ],
)
def test_outages_are_curable(error: Exception) -> None:
    assert curable(error)


@pytest.mark.parametrize(
    "error",
    [
        IntegrityError("INSERT", None, Exception("duplicate key")),
        BadRequest("Message is not modified"),
        ValueError("a bug"),
        asyncpg.UniqueViolationError("duplicate key"),
    ],
)
def test_bugs_and_refusals_are_not(error: Exception) -> None:
    assert not curable(error)


def test_a_server_away_is_told_by_its_sqlstate() -> None:
    assert database_unavailable(asyncpg.CannotConnectNowError("starting up"))
    assert database_unavailable(_wrapped(asyncpg.ConnectionFailureError("gone")))
    assert not database_unavailable(asyncpg.UniqueViolationError("duplicate key"))
