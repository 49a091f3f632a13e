"""Hypothesis strategies shared by the criteria tests: valid profiles in their JSON form.

Profiles are generated as JSON dicts (what callers of ``parse_profile`` send), not as ``Profile``
objects, so every property also exercises parsing. Ids come from the packaged standard's catalogue
(a data lookup only). Values are biased towards the interesting places: the standard's own size
rungs, the facility-management thresholds (2/3/4/5 rooms, 1,999/2,000/4,999/5,000 m², 99/100/299/300
sites) and enough ticks to reach the upper levels now and then.
"""

from __future__ import annotations

from typing import Any

from budget import examples
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from criteria import load_standard

STD = load_standard()
FIELDS = STD.field_ids
ROLES = STD.role_ids
INVOLVEMENTS = STD.involvement_ids

#: Moderate and deadline-free: the whole tests/criteria suite must stay well under ~20 s.
SETTINGS = settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])

ROOMS = st.one_of(st.sampled_from([0, 1, 2, 3, 4, 5, 6]), st.integers(0, 12))
AREAS = st.one_of(st.sampled_from([0, 500, 1999, 2000, 4999, 5000, 8000]), st.integers(0, 10_000))
SITES = st.one_of(st.sampled_from([0, 9, 10, 99, 100, 299, 300, 500]), st.integers(0, 1_000))


def ids_of(field: str, kind: str, level: int | None = None) -> list[str]:
    """Catalogue ids of one field and kind (optionally only those listed at ``level``)."""
    return [
        i.id
        for i in STD.items.values()
        if i.field == field and i.kind == kind and (level is None or level in i.levels)
    ]


def theme_ids(field: str) -> list[str]:
    """Every theme a profile of ``field`` may tick: its own per-level lists plus the common one."""
    return ids_of(field, "theme") + ids_of("common", "theme")


def subset(ids: list[str], min_size: int = 0) -> st.SearchStrategy[list[str]]:
    """A duplicate-free selection of ``ids`` in arbitrary order."""
    return st.lists(st.sampled_from(ids), unique=True, min_size=min_size, max_size=len(ids))


def experience_json(field: str) -> st.SearchStrategy[dict[str, Any]]:
    complexity = subset(ids_of(field, "complexity"))
    # A project below every level's complexity minimum (2 here) may leave its size out entirely.
    sizeless = st.fixed_dictionaries({"complexity": subset(ids_of(field, "complexity")).map(lambda c: c[:1])})
    if field != "facility":
        sized = st.fixed_dictionaries(
            {"complexity": complexity, "size": st.sampled_from(STD.fields[field].size_ladder)}
        )
        return st.one_of(sized, sizeless)
    whole = st.fixed_dictionaries(
        {
            "complexity": complexity,
            "scope": st.just("whole"),
            "rooms": ROOMS,
            "area_m2": AREAS,
            "sites": SITES,
        }
    )
    # scope "part": the numbers are optional and, per R4, irrelevant.
    part = st.fixed_dictionaries(
        {"complexity": complexity, "scope": st.just("part")},
        optional={"rooms": ROOMS, "area_m2": AREAS, "sites": SITES},
    )
    return st.one_of(whole, part, sizeless)


@st.composite
def profile_json(draw: st.DrawFn, field: str | None = None, full: bool | None = None) -> dict[str, Any]:
    """A valid profile JSON. ``full`` (drawn when None) writes every optional key out explicitly."""
    field = field or draw(st.sampled_from(FIELDS))
    full = draw(st.booleans()) if full is None else full
    out: dict[str, Any] = {"field": field, "role": draw(st.sampled_from(ROLES))}
    optional = {
        "experiences": st.lists(experience_json(field), max_size=5),
        "involvement": st.sampled_from(INVOLVEMENTS),
        "common_complexity": subset(ids_of("common", "complexity")),
        "themes": subset(theme_ids(field)),
        "accomplishments": subset(ids_of(field, "accomplishment")),
        "mentoring": st.booleans(),
    }
    for key, strategy in optional.items():
        if full or draw(st.booleans()):
            out[key] = draw(strategy)
    return out


@st.composite
def rich_profile_json(draw: st.DrawFn, field: str | None = None) -> dict[str, Any]:
    """A valid profile biased towards the upper levels (and their near misses): senior roles, several
    projects with many ticks and large sizes, some theme of most levels, many accomplishment kinds."""
    field = field or draw(st.sampled_from(FIELDS))
    spec = STD.fields[field]
    cx = ids_of(field, "complexity")

    def experience() -> dict[str, Any]:
        ticks = draw(st.permutations(cx))[: draw(st.sampled_from([1, 2, 2, 3, 3, 4, 4, len(cx)]))]
        if field != "facility":
            return {
                "complexity": ticks,
                "size": draw(st.sampled_from(spec.size_ladder[1:] + spec.size_ladder[2:])),
            }
        rung = draw(st.sampled_from(["part", "small", "medium", "large", "large"]))
        numbers = {
            "small": {"rooms": 2, "area_m2": 1999, "sites": 99},
            "medium": {"rooms": 3, "area_m2": 2000, "sites": 299},
            "large": {"rooms": 5, "area_m2": 5000, "sites": 300},
        }
        if rung == "part":
            return {"complexity": ticks, "scope": "part"}
        return {"complexity": ticks, "scope": "whole", **numbers[rung]}

    themes = []
    for level in (1, 3, 4, 5, 6):
        options = ids_of("common" if level == 1 else field, "theme", level)
        if options and draw(st.sampled_from([True, True, True, False])):
            themes.append(draw(st.sampled_from(options)))
    accomplishments = draw(st.permutations(ids_of(field, "accomplishment")))[: draw(st.integers(0, 7))]
    return {
        "field": field,
        "role": draw(st.sampled_from(["member", "responsible", "leader", "leader"])),
        "experiences": [experience() for _ in range(draw(st.integers(0, 5)))],
        "involvement": draw(st.sampled_from(INVOLVEMENTS)),
        "common_complexity": draw(subset(ids_of("common", "complexity"))),
        "themes": themes,
        "accomplishments": accomplishments,
        "mentoring": draw(st.sampled_from([True, True, True, False])),
    }


def any_profile_json() -> st.SearchStrategy[dict[str, Any]]:
    """Plain and rich profiles, so properties see every level of every field."""
    return st.one_of(profile_json(), rich_profile_json())
