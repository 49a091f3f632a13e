"""The profile: what a practitioner told us, in the project's JSON interchange format.

Parsing is strict on purpose: a profile comes from exports, imports and other programs, and a
silently "fixed" answer would produce a level the person never earned. Every rejection names the
offending key so the sender can correct it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from criteria.standard import COMMON, FIELDS, INVOLVEMENTS, ROLES, FieldSpec, Standard, load_standard

Scope = Literal["part", "whole"]
SCOPES: tuple[str, ...] = ("part", "whole")
#: Far above any real facility; guards against typos and absurd imports, not a rule of the standard.
MAX_COUNT = 10_000_000


class ProfileError(ValueError):
    """A profile that cannot be evaluated as given; ``key`` is the JSON path of the culprit."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


@dataclass(frozen=True, slots=True)
class Facility:
    """The facilities one facility-management project covered; its size rung is derived (R4)."""

    scope: Scope
    rooms: int = 0
    area_m2: int = 0
    sites: int = 0


@dataclass(frozen=True, slots=True)
class Experience:
    """One completed project: its ticked complexity items and its size rung."""

    complexity: frozenset[str]
    size: str
    facility: Facility | None = None


@dataclass(frozen=True, slots=True)
class Profile:
    """Every answer that bears on the level, already validated against the standard."""

    field: str
    role: str
    experiences: tuple[Experience, ...] = ()
    involvement: str = "none"
    common_complexity: frozenset[str] = field(default_factory=frozenset)
    themes: frozenset[str] = field(default_factory=frozenset)
    accomplishments: frozenset[str] = field(default_factory=frozenset)
    mentoring: bool = False


def facility_size(spec: FieldSpec, facility: Facility) -> str:
    """R4 for facility management: the largest rung whose thresholds the facilities reach."""
    if facility.scope == "part":
        return spec.size_ladder[0]
    for rung in reversed(spec.size_ladder[2:]):
        t = spec.facility_thresholds[rung]
        if (facility.rooms >= t["rooms"] and facility.area_m2 >= t["area_m2"]) or facility.sites >= t[
            "sites"
        ]:
            return rung
    return spec.size_ladder[1]


# --- parsing -------------------------------------------------------------------------------------


def _type_name(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false", int: "a number"}.get(
        type(value), type(value).__name__
    )


def _require_object(value: object, key: str, allowed: Iterable[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ProfileError(key, f"must be an object, got {_type_name(value)}")
    allowed = tuple(allowed)
    for k in value:
        if k not in allowed:
            raise ProfileError(
                f"{key}.{k}" if key != "$" else str(k), f"unknown key (allowed: {', '.join(allowed)})"
            )
    return value


def _choice(value: object, key: str, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ProfileError(key, f"must be one of {', '.join(choices)}, got {value!r}")
    return value


def _count(value: object, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProfileError(key, f"must be a whole number, got {_type_name(value)}")
    if value < 0:
        raise ProfileError(key, f"must not be negative, got {value}")
    if value > MAX_COUNT:
        raise ProfileError(key, f"must be at most {MAX_COUNT}, got {value}")
    return value


def _ids(
    value: object, key: str, std: Standard, allowed_fields: tuple[str, ...], kind: str
) -> frozenset[str]:
    if not isinstance(value, list):
        raise ProfileError(key, f"must be a list of ids, got {_type_name(value)}")
    seen: set[str] = set()
    for n, item_id in enumerate(value):
        item_key = f"{key}[{n}]"
        if not isinstance(item_id, str):
            raise ProfileError(item_key, f"must be an id string, got {_type_name(item_id)}")
        item = std.items.get(item_id)
        if item is None:
            raise ProfileError(item_key, f"unknown id {item_id!r}")
        if item.kind != kind:
            raise ProfileError(item_key, f"{item_id!r} is a {item.kind} item, not a {kind} item")
        if item.field not in allowed_fields:
            raise ProfileError(
                item_key, f"{item_id!r} belongs to the {item.field} field, not {allowed_fields[0]}"
            )
        if item_id in seen:
            raise ProfileError(item_key, f"{item_id!r} is listed twice")
        seen.add(item_id)
    return frozenset(seen)


def _experience(raw: object, key: str, spec: FieldSpec, std: Standard) -> Experience:
    if spec.field == "facility":
        obj = _require_object(raw, key, ("complexity", "scope", "rooms", "area_m2", "sites"))
        if "scope" not in obj:
            raise ProfileError(f"{key}.scope", "is required (part or whole)")
        scope = _choice(obj["scope"], f"{key}.scope", SCOPES)
        if scope == "whole":
            for k in ("rooms", "area_m2", "sites"):
                if k not in obj:
                    raise ProfileError(f"{key}.{k}", "is required when scope is whole")
        fac = Facility(
            scope=scope,  # type: ignore[arg-type]
            rooms=_count(obj.get("rooms", 0), f"{key}.rooms"),
            area_m2=_count(obj.get("area_m2", 0), f"{key}.area_m2"),
            sites=_count(obj.get("sites", 0), f"{key}.sites"),
        )
        complexity = _ids(obj.get("complexity", []), f"{key}.complexity", std, (spec.field,), "complexity")
        return Experience(complexity=complexity, size=facility_size(spec, fac), facility=fac)
    obj = _require_object(raw, key, ("complexity", "size"))
    if "size" not in obj:
        raise ProfileError(f"{key}.size", "is required")
    size = obj["size"]
    if not isinstance(size, str) or size not in spec.size_ladder:
        other = std.items.get(size) if isinstance(size, str) else None
        why = f"belongs to the {other.field} field" if other is not None else "is not a size id"
        raise ProfileError(f"{key}.size", f"{size!r} {why}; expected one of {', '.join(spec.size_ladder)}")
    complexity = _ids(obj.get("complexity", []), f"{key}.complexity", std, (spec.field,), "complexity")
    return Experience(complexity=complexity, size=size)


PROFILE_KEYS = (
    "field",
    "role",
    "experiences",
    "involvement",
    "common_complexity",
    "themes",
    "accomplishments",
    "mentoring",
)


def parse_profile(raw: object, std: Standard | None = None) -> Profile:
    """Validate a decoded JSON profile; only ``field`` and ``role`` are required, lists default to empty."""
    std = std or load_standard()
    obj = _require_object(raw, "$", PROFILE_KEYS)
    if "field" not in obj:
        raise ProfileError("field", f"is required (one of {', '.join(FIELDS)})")
    field_name = _choice(obj["field"], "field", FIELDS)
    spec = std.fields[field_name]
    if "role" not in obj:
        raise ProfileError("role", f"is required (one of {', '.join(ROLES)})")
    role = _choice(obj["role"], "role", ROLES)
    raw_exps = obj.get("experiences", [])
    if not isinstance(raw_exps, list):
        raise ProfileError("experiences", f"must be a list, got {_type_name(raw_exps)}")
    experiences = tuple(_experience(e, f"experiences[{n}]", spec, std) for n, e in enumerate(raw_exps))
    mentoring = obj.get("mentoring", False)
    if not isinstance(mentoring, bool):
        raise ProfileError("mentoring", f"must be true or false, got {_type_name(mentoring)}")
    return Profile(
        field=field_name,
        role=role,
        experiences=experiences,
        involvement=_choice(obj.get("involvement", "none"), "involvement", INVOLVEMENTS),
        common_complexity=_ids(
            obj.get("common_complexity", []), "common_complexity", std, (COMMON,), "complexity"
        ),
        themes=_ids(obj.get("themes", []), "themes", std, (field_name, COMMON), "theme"),
        accomplishments=_ids(
            obj.get("accomplishments", []), "accomplishments", std, (field_name,), "accomplishment"
        ),
        mentoring=mentoring,
    )


def _ordered(ids: frozenset[str], std: Standard) -> list[str]:
    """Catalogue order, so exports are stable and diffable."""
    return [i for i in std.items if i in ids]


def profile_to_json(profile: Profile, std: Standard | None = None) -> dict[str, Any]:
    """The interchange form; ``parse_profile(profile_to_json(p)) == p`` for every valid profile."""
    std = std or load_standard()
    exps: list[dict[str, Any]] = []
    for e in profile.experiences:
        out: dict[str, Any] = {"complexity": _ordered(e.complexity, std)}
        if e.facility is not None:
            out.update(
                scope=e.facility.scope,
                rooms=e.facility.rooms,
                area_m2=e.facility.area_m2,
                sites=e.facility.sites,
            )
        else:
            out["size"] = e.size
        exps.append(out)
    return {
        "field": profile.field,
        "role": profile.role,
        "experiences": exps,
        "involvement": profile.involvement,
        "common_complexity": _ordered(profile.common_complexity, std),
        "themes": _ordered(profile.themes, std),
        "accomplishments": _ordered(profile.accomplishments, std),
        "mentoring": profile.mentoring,
    }
