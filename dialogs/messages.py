"""Words for one person: the message catalogue of their language plus their standard's own words.

Every user-facing sentence of the interview and of the fronts comes from a catalogue
(``locales/<lang>.json``; the fronts' sentences under ``bot.`` and ``terminal.`` ids), and every
word of the standard (items, field names, role options, …) from the standard's data and its
translation file. A language is therefore a data file or two, never a code change. Numbers and
dates are formatted for the language with Babel.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from criteria import SOURCE_LANGUAGE, Standard

DEFAULT_LANGUAGE = SOURCE_LANGUAGE
_LANGUAGE_TAG = re.compile(r"^([a-z]{2,3})(?:[-_].*)?$")
_LOCALE_FILE = re.compile(r"^([a-z]{2,3})\.json$")


@cache
def _catalogue(language: str) -> dict[str, str]:
    """One language's catalogue: ``<lang>.json`` plus its parts ``<lang>.<area>.json`` (the result's
    words, the documents' words, …), kept apart so that each area's sentences are read together.
    An id defined twice would make one of the two sentences silently dead, so it is refused."""
    merged: dict[str, str] = {}
    folder = resources.files("dialogs").joinpath("locales")
    names = sorted(
        entry.name
        for entry in folder.iterdir()
        if entry.name.startswith(f"{language}.") and entry.name.endswith(".json")
    )
    for name in names:
        part: dict[str, str] = json.loads(folder.joinpath(name).read_text(encoding="utf-8"))
        twice = set(part) & set(merged)
        if twice:
            raise ValueError(f"locales/{name} defines ids already defined for {language!r}: {sorted(twice)}")
        merged.update(part)
    return merged


def catalogue(language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """A copy of one language's whole catalogue (every part merged), for checks and tests."""
    return dict(_catalogue(language))


@cache
def languages() -> tuple[str, ...]:
    """Every language with a catalogue, the default first."""
    found = [
        m.group(1)
        for entry in resources.files("dialogs").joinpath("locales").iterdir()
        if (m := _LOCALE_FILE.match(entry.name))
    ]
    return (DEFAULT_LANGUAGE, *sorted(set(found) - {DEFAULT_LANGUAGE}))


def supported_language(tag: str | None) -> str | None:
    """The catalogue language for a client's language tag ("ja", "ja-JP", "en_US.UTF-8"), if any."""
    m = _LANGUAGE_TAG.match((tag or "").strip().lower())
    return m.group(1) if m and m.group(1) in languages() else None


class Messages:
    """Looks up message ids for one language, with English as the fallback, and the words of one
    standard (``standard`` may be None before a person has chosen among several)."""

    def __init__(self, language: str = DEFAULT_LANGUAGE, standard: Standard | None = None) -> None:
        self.language = language if language in languages() else DEFAULT_LANGUAGE
        self.standard = standard
        self._primary = _catalogue(self.language)
        self._fallback = _catalogue(DEFAULT_LANGUAGE)
        translation = standard.translations.get(self.language) if standard is not None else None
        self._items = translation.items if translation is not None else {}
        self._texts = translation.texts if translation is not None else {}

    @property
    def locale(self) -> str:
        return self.language

    def __call__(self, msg_id: str, **values: Any) -> str:
        template = self._primary.get(msg_id) or self._fallback.get(msg_id)
        if template is None:
            raise KeyError(f"message id {msg_id!r} is missing from the catalogue")
        return template.format(**values) if values else template

    def has(self, msg_id: str) -> bool:
        return msg_id in self._primary or msg_id in self._fallback

    def for_standard(self, standard: Standard | None) -> Messages:
        return self if standard is self.standard else Messages(self.language, standard)

    def _std(self) -> Standard:
        if self.standard is None:
            raise LookupError("no standard chosen yet")
        return self.standard

    # --- the standard's words ----------------------------------------------------------------

    def item(self, item_id: str) -> str:
        """An item of the standard in this language if translated, else the seed's own words."""
        return self._items.get(item_id) or self._std().text(item_id)

    def std(self, key: str, **values: Any) -> str:
        """One of the standard's presentation texts ("field.hardware.option", …) in this language."""
        template = self._texts.get(key) or self._std().texts.get(key)
        if template is None:
            raise KeyError(f"standard {self._std().id!r} has no text {key!r}")
        return template.format(**values) if values else template

    def note(self, note: str) -> str:
        """One of the standard's notes (a copy slip, a reading rule) in this language if translated."""
        std = self.standard
        translation = std.translations.get(self.language) if std is not None else None
        return (translation.notes.get(note) if translation is not None else None) or note

    def has_std(self, key: str) -> bool:
        return self.standard is not None and (key in self._texts or key in self.standard.texts)

    def field_name(self, field_id: str | None) -> str:
        """A field as people say it ("Facility management", "ファシリティマネジメント")."""
        std = self.standard
        if std is None or field_id not in std.fields:
            return str(field_id)
        return self._texts.get(f"field.{field_id}.name") or std.fields[field_id].name

    def standard_title(self, standard: Standard | None = None) -> str:
        std = standard or self._std()
        translation = std.translations.get(self.language)
        return (translation.texts.get("title") if translation else None) or std.texts.get("title", std.title)

    # --- numbers and dates -------------------------------------------------------------------

    def number(self, value: int) -> str:
        return format_decimal(value, locale=self.language)

    def date(self, value: date | datetime) -> str:
        return format_date(value, format="medium", locale=self.language)

    def datetime(self, value: datetime) -> str:
        return format_datetime(value, format="medium", tzinfo=value.tzinfo, locale=self.language)


def catalogue_ids(language: str = DEFAULT_LANGUAGE) -> frozenset[str]:
    """For tests: every id a language's catalogue defines."""
    return frozenset(_catalogue(language))
