"""One message catalogue keyed by id, English first, other languages falling back to it.

Every user-facing sentence of the interview comes from here, so a translation is a data file
(``locales/<lang>.json``) and never a code change. The fronts' own sentences live in the same
catalogue under ``bot.`` (Telegram) and ``terminal.`` ids. The standard's own item texts stay in
``criteria``; a locale may override them with keys ``item.<id>``.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from criteria import load_standard

DEFAULT_LOCALE = "en"


@cache
def _catalogue(locale: str) -> dict[str, str]:
    try:
        text = resources.files("dialogs").joinpath(f"locales/{locale}.json").read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    return json.loads(text)


class Messages:
    """Looks up message ids for one locale, with English as the fallback."""

    def __init__(self, locale: str = DEFAULT_LOCALE) -> None:
        self.locale = locale
        self._primary = _catalogue(locale)
        self._fallback = _catalogue(DEFAULT_LOCALE)

    def __call__(self, msg_id: str, **values: Any) -> str:
        template = self._primary.get(msg_id) or self._fallback.get(msg_id)
        if template is None:
            raise KeyError(f"message id {msg_id!r} is missing from the catalogue")
        return template.format(**values) if values else template

    def has(self, msg_id: str) -> bool:
        return msg_id in self._primary or msg_id in self._fallback

    def item(self, item_id: str) -> str:
        """An item of the standard, in the locale's words if it has them, else the seed's."""
        key = f"item.{item_id}"
        return self._primary.get(key) or load_standard().text(item_id)


def catalogue_ids(locale: str = DEFAULT_LOCALE) -> frozenset[str]:
    """For tests: every id a locale defines."""
    return frozenset(_catalogue(locale))
