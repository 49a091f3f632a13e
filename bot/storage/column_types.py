"""Column types shared by every table, so both backends store and return the same Python values."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, TypeAlias

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

JsonObject: TypeAlias = dict[str, Any]
"""A JSON object produced by another layer; storage never looks inside."""


def json_text(value: Any) -> str:
    """JSON as every backend stores it. Readable non-ASCII text in the database makes support
    queries on Japanese answers possible."""
    return json.dumps(value, ensure_ascii=False)


def utc_now() -> datetime:
    """The single clock of the storage layer: aware and in UTC, so timestamps compare across backends."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend.

    PostgreSQL keeps the offset (``timestamptz``) but SQLite has no time zone type and would hand back
    naive values; storing naive UTC there and re-attaching UTC on load makes both behave alike.
    Naive input is refused rather than guessed, because a wrong guess silently shifts a transcript.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"refusing to store naive datetime {value!r}: pass an aware datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            # Naive UTC text sorts chronologically, which keeps ORDER BY on timestamps meaningful.
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
