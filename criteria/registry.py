"""Where standards come from: the package's own data files, or any file a deployment names.

A standard is a file ``<name>.json``; its translations sit beside it as ``<name>.<language>.json``.
The package ships ITSS V2 Customer Service; a deployment (or a test) can offer more by naming
their files, and no code anywhere needs to know them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from criteria.standard import Standard, StandardError, Translation, parse_standard, parse_translation

#: The standard levelcheck was built for, and the one used when nothing else is named.
DEFAULT_STANDARD = "itss-v2-customer-service"
_TRANSLATION = re.compile(r"^(?P<stem>[^.]+)\.(?P<language>[a-z]{2,3})\.json$")
_STANDARD = re.compile(r"^[^.]+\.json$")


def _read(entry: Traversable) -> dict[str, object]:
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise StandardError(entry.name, f"not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise StandardError(entry.name, "must hold a JSON object")
    return data


def _load(entry: Traversable, siblings: Iterable[Traversable]) -> Standard:
    stem = entry.name.removesuffix(".json")
    translations: dict[str, Translation] = {}
    for other in siblings:
        m = _TRANSLATION.match(other.name)
        if m and m["stem"] == stem:
            translation = parse_translation(_read(other))  # type: ignore[arg-type]
            translations[translation.language] = translation
    return parse_standard(_read(entry), translations)  # type: ignore[arg-type]


def load_standard_file(path: str | Path) -> Standard:
    """One standard from a file, with the translations beside it."""
    file = Path(path)
    if not file.is_file():
        raise StandardError(str(path), "no such file")
    return _load(file, file.parent.iterdir())


@cache
def packaged_standards() -> dict[str, Standard]:
    """Every standard the package ships, by id; parsed once per process (evaluation is hot)."""
    folder = resources.files("criteria").joinpath("data")
    entries = list(folder.iterdir())
    found: dict[str, Standard] = {}
    for entry in sorted(entries, key=lambda e: e.name):
        if _STANDARD.match(entry.name):
            std = _load(entry, entries)
            found[std.id] = std
    return found


def load_standard(reference: str | None = None) -> Standard:
    """A standard by packaged id or by file path; the default standard when ``reference`` is None.

    For the CLI, tests and batch tools. The dialogue never calls this: it is handed its standard.
    """
    if reference is None:
        return packaged_standards()[DEFAULT_STANDARD]
    packaged = packaged_standards()
    if reference in packaged:
        return packaged[reference]
    if reference.endswith(".json") or "/" in reference:
        return _cached_file(str(Path(reference).resolve()))
    raise StandardError(reference, f"unknown standard (packaged: {', '.join(packaged)})")


@cache
def _cached_file(path: str) -> Standard:
    return load_standard_file(path)


class StandardSet:
    """The standards a deployment offers for new assessments (the first is the default), plus every
    standard an older interview may still name."""

    def __init__(self, offered: Sequence[Standard]) -> None:
        if not offered:
            raise ValueError("at least one standard must be offered")
        self.offered: tuple[Standard, ...] = tuple(offered)
        self._known = {**packaged_standards(), **{s.id: s for s in offered}}

    @classmethod
    def from_references(cls, references: Sequence[str]) -> StandardSet:
        return cls([load_standard(r) for r in references] or [load_standard()])

    @property
    def default(self) -> Standard:
        return self.offered[0]

    def get(self, standard_id: str | None) -> Standard:
        """The standard an interview was started with; the default for ones from before ids existed."""
        if standard_id is None:
            return self.default
        try:
            return self._known[standard_id]
        except KeyError:
            raise StandardError(standard_id, "this deployment does not know that standard") from None

    def __contains__(self, standard_id: object) -> bool:
        return standard_id in self._known
