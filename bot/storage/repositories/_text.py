"""Text hygiene for strings that come straight from users."""

from __future__ import annotations


def storable_text(value: str) -> str:
    """PostgreSQL text cannot hold NUL; replacing it keeps one odd message from failing a whole save."""
    return value.replace("\x00", "\ufffd")


def storable_optional_text(value: str | None) -> str | None:
    """``storable_text`` for nullable columns."""
    return None if value is None else storable_text(value)
