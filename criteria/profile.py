"""The profile: what a practitioner told us, in the project's JSON interchange format.

Parsing is strict on purpose: a profile comes from exports, imports and other programs, and a
silently "fixed" answer would produce a level the person never earned. Every rejection names the
offending key so the sender can correct it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from criteria.registry import load_standard
from criteria.standard import COMMON, FieldSpec, Standard

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
    """What a project of a measured-size field covered (facility management: its scope, rooms, area
    and sites); its size rung is derived from these (R4), never chosen."""

    scope: str
    amounts: tuple[tuple[str, int], ...] = ()

    def amount(self, quantity: str) -> int:
        return dict(self.amounts).get(quantity, 0)


@dataclass(frozen=True, slots=True)
class Experience:
    """One completed project: its ticked complexity items and its size rung.

    ``size`` (and a measured field's ``facility``) is None only for a project with fewer complexity
    items than any level of its field asks for (``least_complexity``): such a project counts at no
    level whatever its size (R3), so the interview does not ask it and the profile may omit it.
    """

    complexity: frozenset[str]
    size: str | None
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


def least_complexity(spec: FieldSpec) -> int:
    """The fewest complexity items with which a project of this field can count at some level (R3).

    Below it a project's size can change nothing, so it may be left out; read from the standard's
    levels, never assumed (ITSS asks for two everywhere, another standard may ask for one).
    A field without specialty levels gives 0: every project then describes its size, as before.
    """
    return min((rule.complexity_min for rule in spec.specialty_levels.values()), default=0)


def facility_size(spec: FieldSpec, facility: Facility) -> str:
    """R4 for a measured field: the largest rung whose thresholds the quantities reach."""
    assert spec.measured_size is not None, "only measured fields describe facilities"
    return spec.measured_size.rung(spec.size_ladder, facility.scope, dict(facility.amounts))


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
    """One project. Its size (a measured field: its scope, and for a measured scope the quantities)
    is required, except for a project too weak to count anywhere, whose size would be asked for
    nothing: there it may be left out entirely, but whatever is given is still checked in full."""
    measured = spec.measured_size
    names = tuple(q.id for q in measured.quantities) if measured is not None else ()
    allowed = ("complexity", "scope", *names) if measured is not None else ("complexity", "size")
    obj = _require_object(raw, key, allowed)
    complexity = _ids(obj.get("complexity", []), f"{key}.complexity", std, (spec.field,), "complexity")
    sizeless = len(complexity) < least_complexity(spec)
    if measured is not None:
        scopes = tuple(measured.scopes)
        if "scope" not in obj:
            if sizeless and not any(k in obj for k in names):
                return Experience(complexity=complexity, size=None)
            why = f"is required ({' or '.join(scopes)})"
            if sizeless:  # numbers without a scope say something that cannot be read
                why += f" when {' or '.join(k for k in names if k in obj)} is given"
            raise ProfileError(f"{key}.scope", why)
        scope = _choice(obj["scope"], f"{key}.scope", scopes)
        if scope in measured.measured_scopes():
            for k in names:
                if k not in obj:
                    raise ProfileError(f"{key}.{k}", f"is required when scope is {scope}")
        fac = Facility(scope=scope, amounts=tuple((k, _count(obj.get(k, 0), f"{key}.{k}")) for k in names))
        return Experience(complexity=complexity, size=facility_size(spec, fac), facility=fac)
    if "size" not in obj:
        if sizeless:
            return Experience(complexity=complexity, size=None)
        least = least_complexity(spec)
        raise ProfileError(f"{key}.size", f"is required (a project with {least} or more complexity items)")
    size = obj["size"]
    if not isinstance(size, str) or size not in spec.size_ladder:
        other = std.items.get(size) if isinstance(size, str) else None
        why = f"belongs to the {other.field} field" if other is not None else "is not a size id"
        raise ProfileError(f"{key}.size", f"{size!r} {why}; expected one of {', '.join(spec.size_ladder)}")
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
        raise ProfileError("field", f"is required (one of {', '.join(std.field_ids)})")
    field_name = _choice(obj["field"], "field", std.field_ids)
    spec = std.fields[field_name]
    if "role" not in obj:
        raise ProfileError("role", f"is required (one of {', '.join(std.role_ids)})")
    role = _choice(obj["role"], "role", std.role_ids)
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
        involvement=_involvement(obj, std),
        common_complexity=_ids(
            obj.get("common_complexity", []), "common_complexity", std, (COMMON,), "complexity"
        ),
        themes=_ids(obj.get("themes", []), "themes", std, (field_name, COMMON), "theme"),
        accomplishments=_ids(
            obj.get("accomplishments", []), "accomplishments", std, (field_name,), "accomplishment"
        ),
        mentoring=mentoring,
    )


def _involvement(obj: dict[str, Any], std: Standard) -> str:
    """Defaults to the lowest rung (nothing done yet); a standard without involvements has none."""
    if not std.involvements:
        if "involvement" in obj:
            raise ProfileError("involvement", "this standard has no involvement criterion")
        return ""
    return _choice(obj.get("involvement", std.involvement_ids[0]), "involvement", std.involvement_ids)


def _ordered(ids: frozenset[str], std: Standard) -> list[str]:
    """Catalogue order, so exports are stable and diffable."""
    return [i for i in std.items if i in ids]


def profile_to_json(profile: Profile, std: Standard | None = None) -> dict[str, Any]:
    """The interchange form; ``parse_profile(profile_to_json(p)) == p`` for every valid profile."""
    std = std or load_standard()
    exps: list[dict[str, Any]] = []
    for e in profile.experiences:
        exp: dict[str, Any] = {"complexity": _ordered(e.complexity, std)}
        if e.facility is not None:
            exp["scope"] = e.facility.scope
            exp.update(e.facility.amounts)
        elif e.size is not None:  # None: a project too weak to count, described by its complexity alone
            exp["size"] = e.size
        exps.append(exp)
    out: dict[str, Any] = {
        "field": profile.field,
        "role": profile.role,
        "experiences": exps,
        "involvement": profile.involvement,
        "common_complexity": _ordered(profile.common_complexity, std),
        "themes": _ordered(profile.themes, std),
        "accomplishments": _ordered(profile.accomplishments, std),
        "mentoring": profile.mentoring,
    }
    if not std.involvements:
        del out["involvement"]
    return out
