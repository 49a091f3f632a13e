"""The ITSS V2 Customer Service standard, loaded from the package's own data file.

The rules live in ``data/standard.json`` rather than in code so that an admin can read every
item next to the seed's words, and so that the copy slips kept on purpose (R9) are visible as
notes instead of being buried in conditionals.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

Field = Literal["hardware", "software", "facility"]
ItemKind = Literal["complexity", "size", "theme", "accomplishment"]

FIELDS: tuple[Field, ...] = ("hardware", "software", "facility")
ROLES: tuple[str, ...] = ("participant", "member", "responsible", "leader")
INVOLVEMENTS: tuple[str, ...] = ("none", "participated", "carried_out")
COMMON = "common"
#: The levels that every field shares ("Common to Customer Service").
COMMON_LEVELS: tuple[int, ...] = (1, 2)


@dataclass(frozen=True, slots=True)
class Item:
    """One tickable line of the standard, with the seed's own words."""

    id: str
    kind: ItemKind
    field: str
    levels: tuple[int, ...]
    seed_text: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class SizeOption:
    """One size alternative of a level; ``min_complexity`` > 0 for the seed's "in case of …" options."""

    size: str
    min_complexity: int
    seed_text: str


@dataclass(frozen=True, slots=True)
class ProjectRule:
    """R3: ``count`` experiences at ``floor`` or above, one of them at ``peak`` or above."""

    count: int
    floor: int
    peak: int


@dataclass(frozen=True, slots=True)
class SpecialtyLevel:
    """The criteria of one field-specific level (3 and up)."""

    level: int
    role: str
    complexity_min: int
    projects: ProjectRule
    size_options: tuple[SizeOption, ...]
    themes: tuple[str, ...]
    accomplishments: int
    mentoring: bool
    accomplishment_area: str | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CommonLevel:
    """The criteria of levels 1–2, shared by every field (R8)."""

    level: int
    involvement: str
    complexity_min: int
    themes_min: int
    complexity: tuple[str, ...]
    themes: tuple[str, ...]
    note: str | None = None


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """Everything the standard says about one specialty field."""

    field: Field
    code: str
    name: str
    levels: tuple[int, ...]
    size_ladder: tuple[str, ...]
    complexity: tuple[str, ...]
    accomplishments: tuple[str, ...]
    specialty_levels: dict[int, SpecialtyLevel]
    role_text: dict[str, str]
    #: For facility management: per size rung, the minimum rooms+area or sites that reach it.
    facility_thresholds: dict[str, dict[str, int]]

    @property
    def top(self) -> int:
        return self.levels[-1]

    def size_rank(self, size_id: str) -> int:
        return self.size_ladder.index(size_id)


@dataclass(frozen=True, slots=True)
class Standard:
    """The whole standard: items by id, fields, and the common levels."""

    source: str
    items: dict[str, Item]
    fields: dict[str, FieldSpec]
    common_levels: dict[int, CommonLevel]

    def field(self, name: str) -> FieldSpec:
        return self.fields[name]

    def item(self, item_id: str) -> Item:
        return self.items[item_id]

    def text(self, item_id: str) -> str:
        return self.items[item_id].seed_text


def _item(raw: dict) -> Item:
    return Item(
        id=raw["id"],
        kind=raw["kind"],
        field=raw["field"],
        levels=tuple(raw["levels"]),
        seed_text=" ".join(raw["seed_text"].split()),
        note=raw.get("note"),
    )


def _ids(items: dict[str, Item], field: str, kind: str, level: int | None = None) -> tuple[str, ...]:
    return tuple(
        i.id
        for i in items.values()
        if i.field == field and i.kind == kind and (level is None or level in i.levels)
    )


def _specialty_level(level: int, raw: dict, items: dict[str, Item], field: str) -> SpecialtyLevel:
    notes = tuple(raw[key] for key in ("projects_note", "accomplishment_note", "themes_note") if key in raw)
    return SpecialtyLevel(
        level=level,
        role=raw["role"],
        complexity_min=raw["complexity_min"],
        projects=ProjectRule(**raw["projects"]),
        size_options=tuple(
            SizeOption(o["size"], o["min_complexity"], " ".join(o["seed_text"].split()))
            for o in raw["size_options"]
        ),
        themes=_ids(items, field, "theme", level),
        accomplishments=raw["accomplishments"],
        mentoring=raw["mentoring"],
        accomplishment_area=raw.get("accomplishment_area"),
        notes=notes,
    )


def parse_standard(raw: dict) -> Standard:
    """Build the typed standard from its JSON form; kept separate from I/O so tests can feed variants."""
    items = {i.id: i for i in map(_item, raw["items"])}
    fields: dict[str, FieldSpec] = {}
    for name, f in raw["fields"].items():
        fields[name] = FieldSpec(
            field=name,
            code=f["code"],
            name=f["name"],
            levels=tuple(f["levels"]),
            size_ladder=tuple(f["size_ladder"]),
            complexity=_ids(items, name, "complexity"),
            accomplishments=_ids(items, name, "accomplishment"),
            specialty_levels={
                int(lv): _specialty_level(int(lv), r, items, name) for lv, r in raw["levels"][name].items()
            },
            role_text={**raw["common_role_text"], **f["role_text"]},
            facility_thresholds=f.get("facility_thresholds", {}),
        )
    common_levels = {
        int(lv): CommonLevel(
            level=int(lv),
            involvement=r["involvement"],
            complexity_min=r["complexity_min"],
            themes_min=r["themes_min"],
            complexity=_ids(items, COMMON, "complexity"),
            themes=_ids(items, COMMON, "theme"),
            note=r.get("note"),
        )
        for lv, r in raw["levels"][COMMON].items()
    }
    return Standard(source=raw["source"], items=items, fields=fields, common_levels=common_levels)


@cache
def load_standard() -> Standard:
    """The packaged standard, parsed once per process: evaluation is hot, the file never changes."""
    text = resources.files("criteria").joinpath("data/standard.json").read_text(encoding="utf-8")
    return parse_standard(json.loads(text))
