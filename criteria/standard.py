"""A skill standard (ITSS V2 Customer Service, or any other of the same shape), built from its data.

The rules live in JSON rather than in code so that an admin can read every item next to the seed's
words, so that the copy slips kept on purpose (R9) are visible as notes instead of being buried in
conditionals, and so that another standard (ITSS V3, another job category) is a data file, not a
fork. Code here knows only the generic reading rules; fields, roles, involvements, levels, size
ladders and size thresholds all come from the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

ItemKind = Literal["complexity", "size", "theme", "accomplishment"]
COMMON = "common"
#: The language of every standard's own words (the seed); translations fall back to it.
SOURCE_LANGUAGE = "en"


class StandardError(ValueError):
    """A standard's data file that cannot be used; ``key`` is the JSON path of the culprit."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key


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
class Rung:
    """One step of a ladder where more satisfies less (R2): roles, involvements."""

    id: str
    label: str


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
    """The criteria of one field-specific level."""

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
    #: The same notes by the criterion they bear on ("projects", "accomplishments", "themes"), so a
    #: result can show a copy slip exactly where the person reads the words it affects.
    criterion_notes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CommonLevel:
    """The criteria of a level shared by every field (R8: levels 1–2 of Customer Service)."""

    level: int
    role: str
    involvement: str
    complexity_min: int
    themes_min: int
    complexity: tuple[str, ...]
    themes: tuple[str, ...]
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Quantity:
    """A counted property of a measured project (rooms, area, sites); ``answer`` names its question."""

    id: str
    answer: str
    maximum: int


@dataclass(frozen=True, slots=True)
class MeasuredSize:
    """Sizes a person does not choose but that follow from a scope and counted quantities (R4).

    A scope with a rung (facility management's "one part of the network") fixes the size; a scope
    without one is measured: the largest rung one of whose alternatives every quantity reaches, else
    ``floor``. Larger quantities satisfy every smaller requirement, so upper bounds never exclude.
    """

    scopes: Mapping[str, str | None]
    quantities: tuple[Quantity, ...]
    floor: str
    thresholds: Mapping[str, tuple[Mapping[str, int], ...]]

    def measured_scopes(self) -> tuple[str, ...]:
        return tuple(s for s, rung in self.scopes.items() if rung is None)

    def rung(self, ladder: tuple[str, ...], scope: str, amounts: Mapping[str, int]) -> str:
        fixed = self.scopes[scope]
        if fixed is not None:
            return fixed
        for rung in reversed(ladder):
            alternatives = self.thresholds.get(rung, ())
            if any(all(amounts.get(q, 0) >= least for q, least in alt.items()) for alt in alternatives):
                return rung
        return self.floor


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """Everything the standard says about one specialty field."""

    field: str
    code: str
    name: str
    levels: tuple[int, ...]
    size_ladder: tuple[str, ...]
    complexity: tuple[str, ...]
    accomplishments: tuple[str, ...]
    specialty_levels: dict[int, SpecialtyLevel]
    role_text: dict[str, str]
    measured_size: MeasuredSize | None = None

    @property
    def top(self) -> int:
        return self.levels[-1]

    def size_rank(self, size_id: str) -> int:
        return self.size_ladder.index(size_id)


@dataclass(frozen=True, slots=True)
class Translation:
    """A standard's words in another language, keyed like the original; marked with who wrote it."""

    language: str
    translator: str
    items: Mapping[str, str]
    texts: Mapping[str, str]
    note: str | None = None
    #: The standard's notes (on items and levels) in this language, keyed by the English note.
    notes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Standard:
    """The whole standard: identity, ladders, items by id, fields, common levels and its words."""

    id: str
    version: str
    title: str
    source: str
    roles: tuple[Rung, ...]
    involvements: tuple[Rung, ...]
    items: dict[str, Item]
    fields: dict[str, FieldSpec]
    common_levels: dict[int, CommonLevel]
    #: The English presentation words the dialogue needs (field descriptions, role options, …).
    texts: Mapping[str, str] = field(default_factory=dict)
    translations: Mapping[str, Translation] = field(default_factory=dict)

    def field(self, name: str) -> FieldSpec:
        return self.fields[name]

    def item(self, item_id: str) -> Item:
        return self.items[item_id]

    def text(self, item_id: str) -> str:
        return self.items[item_id].seed_text

    @property
    def field_ids(self) -> tuple[str, ...]:
        return tuple(self.fields)

    @property
    def role_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.roles)

    @property
    def involvement_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.involvements)

    @property
    def max_projects(self) -> int:
        """The most projects any level of any field asks for: more can never change a level."""
        return max(
            (rule.projects.count for spec in self.fields.values() for rule in spec.specialty_levels.values()),
            default=0,
        )

    @property
    def languages(self) -> tuple[str, ...]:
        return (SOURCE_LANGUAGE, *sorted(self.translations))

    def role(self, role_id: str) -> Rung:
        return next(r for r in self.roles if r.id == role_id)

    def involvement(self, involvement_id: str) -> Rung:
        return next(i for i in self.involvements if i.id == involvement_id)


# --- parsing -------------------------------------------------------------------------------------


def _text(value: str) -> str:
    return " ".join(value.split())


def _item(raw: dict[str, Any]) -> Item:
    return Item(
        id=raw["id"],
        kind=raw["kind"],
        field=raw["field"],
        levels=tuple(raw["levels"]),
        seed_text=_text(raw["seed_text"]),
        note=raw.get("note"),
    )


def _ids(items: dict[str, Item], field: str, kind: str, level: int | None = None) -> tuple[str, ...]:
    return tuple(
        i.id
        for i in items.values()
        if i.field == field and i.kind == kind and (level is None or level in i.levels)
    )


def _specialty_level(level: int, raw: dict[str, Any], items: dict[str, Item], field: str) -> SpecialtyLevel:
    keys = {"projects": "projects_note", "accomplishments": "accomplishment_note", "themes": "themes_note"}
    criterion_notes = {criterion: raw[key] for criterion, key in keys.items() if key in raw}
    notes = tuple(criterion_notes.values())
    return SpecialtyLevel(
        level=level,
        role=raw["role"],
        complexity_min=raw["complexity_min"],
        projects=ProjectRule(**raw["projects"]),
        size_options=tuple(
            SizeOption(o["size"], o["min_complexity"], _text(o["seed_text"])) for o in raw["size_options"]
        ),
        themes=_ids(items, field, "theme", level),
        accomplishments=raw["accomplishments"],
        mentoring=raw["mentoring"],
        accomplishment_area=raw.get("accomplishment_area"),
        notes=notes,
        criterion_notes=criterion_notes,
    )


def _measured(raw: dict[str, Any] | None) -> MeasuredSize | None:
    if raw is None:
        return None
    return MeasuredSize(
        scopes=dict(raw["scopes"]),
        quantities=tuple(
            Quantity(q["id"], q.get("answer", q["id"]), q["maximum"]) for q in raw["quantities"]
        ),
        floor=raw["floor"],
        thresholds={rung: tuple(dict(a) for a in alts) for rung, alts in raw["thresholds"].items()},
    )


def _rungs(raw: list[dict[str, str]]) -> tuple[Rung, ...]:
    return tuple(Rung(r["id"], r["label"]) for r in raw)


def parse_standard(raw: dict[str, Any], translations: Mapping[str, Translation] | None = None) -> Standard:
    """Build the typed standard from its JSON form; kept separate from I/O so tests can feed variants."""
    try:
        std = _parse(raw, translations or {})
    except KeyError as exc:
        raise StandardError(str(exc.args[0]), "is required") from None
    _check(std)
    return std


def _parse(raw: dict[str, Any], translations: Mapping[str, Translation]) -> Standard:
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
            role_text={**raw.get("common_role_text", {}), **f["role_text"]},
            measured_size=_measured(f.get("measured_size")),
        )
    common_levels = {
        int(lv): CommonLevel(
            level=int(lv),
            role=r["role"],
            involvement=r["involvement"],
            complexity_min=r["complexity_min"],
            themes_min=r["themes_min"],
            complexity=_ids(items, COMMON, "complexity"),
            themes=_ids(items, COMMON, "theme"),
            note=r.get("note"),
        )
        for lv, r in raw["levels"].get(COMMON, {}).items()
    }
    return Standard(
        id=raw["id"],
        version=str(raw["version"]),
        title=raw["title"],
        source=raw["source"],
        roles=_rungs(raw["roles"]),
        involvements=_rungs(raw.get("involvements", [])),
        items=items,
        fields=fields,
        common_levels=common_levels,
        texts=dict(raw.get("texts", {})),
        translations=dict(translations),
    )


def _check(std: Standard) -> None:
    """Cross-references a typo would break at evaluation time, reported when the file is loaded."""
    roles = set(std.role_ids)
    for name, spec in std.fields.items():
        for level in spec.levels:
            if level not in spec.specialty_levels and level not in std.common_levels:
                raise StandardError(f"fields.{name}.levels", f"level {level} has no rules")
        for level, rule in spec.specialty_levels.items():
            key = f"levels.{name}.{level}"
            if rule.role not in roles:
                raise StandardError(f"{key}.role", f"unknown role {rule.role!r}")
            for option in rule.size_options:
                if option.size not in spec.size_ladder:
                    raise StandardError(f"{key}.size_options", f"{option.size!r} is not on the size ladder")
        if spec.measured_size is not None:
            rungs = {r for r in spec.measured_size.scopes.values() if r is not None}
            rungs |= {spec.measured_size.floor, *spec.measured_size.thresholds}
            if not rungs <= set(spec.size_ladder):
                raise StandardError(f"fields.{name}.measured_size", "names a size that is not on the ladder")
    for level, common in std.common_levels.items():
        if common.role not in roles:
            raise StandardError(f"levels.common.{level}.role", f"unknown role {common.role!r}")
        if common.involvement not in std.involvement_ids:
            raise StandardError(f"levels.common.{level}.involvement", f"unknown {common.involvement!r}")
    for language, translation in std.translations.items():
        unknown = set(translation.items) - set(std.items)
        if unknown:
            raise StandardError(f"translations.{language}.items", f"unknown ids {sorted(unknown)}")
        known_notes = {i.note for i in std.items.values() if i.note}
        rules = [r for spec in std.fields.values() for r in spec.specialty_levels.values()]
        known_notes |= {n for r in rules for n in r.notes}
        known_notes |= {c.note for c in std.common_levels.values() if c.note}
        stray = set(translation.notes) - known_notes
        if stray:
            where = f"translations.{language}.notes"
            raise StandardError(where, f"translate no note of the standard: {sorted(stray)}")


def parse_translation(raw: dict[str, Any]) -> Translation:
    return Translation(
        language=raw["language"],
        translator=raw["translation"],
        items={k: _text(v) for k, v in raw.get("items", {}).items()},
        texts=dict(raw.get("texts", {})),
        note=raw.get("note"),
        notes=dict(raw.get("notes", {})),
    )
