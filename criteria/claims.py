"""What a person claimed about themselves, as units a team lead can confirm or question one by one.

A level is self-assessed: every answer is the person's own word. A lead who knows their work can
vouch for each part of it, or question it; the level the lead can confirm is then the level of the
profile with the questioned parts taken out. Cutting the profile into claims is a question of the
rules, not of words or storage, so it lives here, next to the evaluation, and stays pure.

Which parts are claims: everything the evaluation counts that the person said *yes* to —

- the **role** (every level asks for one);
- each **project**, its complexity items and its size together: the reading rules judge a project
  as a whole (R3), so questioning one of its ticks alone would leave a project nobody described
  (one that counts at no level is listed too: the person described it, and the lead may see why);
- the **involvement** in installation/maintenance, when above the lowest rung (the lowest says
  "not yet": nothing to vouch for);
- each **system trait** (common complexity item), each **theme** and each **accomplishment** kind,
  one by one, as the person ticked them;
- **mentoring**, when the person said they develop subordinates.

A "no" (no mentoring, no involvement yet, an unticked item) claims nothing, so it is not listed.

Keys are stable for a stored profile: ``role``, ``involvement``, ``mentoring``, ``project:<n>``
(1-based, as the person numbered their projects) and ``<kind>:<item id>`` for the checklists. They
are what a review is stored under, so they never depend on a language or on the order of a list
other than the person's own.

A questioned **role** means no level can be confirmed at all: every level asks for a role, and
which lower role the person holds instead is not something the lead said. ``withdraw`` then keeps
nothing but the lowest role, and ``confirmed_level`` says 0 outright, whatever a standard's lowest
level would ask.

The lead-confirmed level reads lower levels the way the result does (``confirmed_level``): reaching
a level covers the ones below it, whose own questions the interview never asked.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from criteria.evaluate import LevelResult, evaluate, experience_level
from criteria.profile import Profile, parse_profile, profile_to_json
from criteria.standard import Standard

ROLE = "role"
PROJECT = "project"
INVOLVEMENT = "involvement"
COMMON_COMPLEXITY = "common_complexity"
THEME = "theme"
ACCOMPLISHMENT = "accomplishment"
MENTORING = "mentoring"

#: Every kind of claim, in the order the interview asks about them (and a review lists them).
KINDS = (ROLE, PROJECT, INVOLVEMENT, COMMON_COMPLEXITY, THEME, ACCOMPLISHMENT, MENTORING)
_ITEM_KINDS = (COMMON_COMPLEXITY, THEME, ACCOMPLISHMENT)


class ClaimError(ValueError):
    """A claim key that names nothing the profile claims (forged, or meant for another profile)."""

    def __init__(self, key: str) -> None:
        super().__init__(f"{key!r} is not a claim of this profile")
        self.key = key


@dataclass(frozen=True, slots=True)
class Claim:
    """One reviewable part of a profile.

    ``item_ids`` are the standard's items the claim stands on (a project's complexity items then
    its size; the one theme, trait or accomplishment); ``value`` the rung of a role or involvement;
    ``number`` and ``level`` a project's number and the level it counts as on its own (R3, 0: none).
    """

    key: str
    kind: str
    item_ids: tuple[str, ...] = ()
    value: str | None = None
    number: int | None = None
    level: int | None = None


def _profile(profile: dict[str, Any] | Profile, std: Standard) -> Profile:
    return profile if isinstance(profile, Profile) else parse_profile(profile, std)


def _ordered(ids: frozenset[str], std: Standard) -> tuple[str, ...]:
    """Catalogue order: the same claims always list the same way, whatever order they were ticked in."""
    return tuple(i for i in std.items if i in ids)


def claims_of(profile: dict[str, Any] | Profile, std: Standard) -> list[Claim]:
    """Every claim of a valid profile, in interview order; keys are unique."""
    p = _profile(profile, std)
    spec = std.fields[p.field]
    claims = [Claim(ROLE, ROLE, value=p.role)]
    for number, exp in enumerate(p.experiences, start=1):
        items = _ordered(exp.complexity, std) + ((exp.size,) if exp.size is not None else ())
        level = experience_level(spec, exp)
        claims.append(Claim(f"{PROJECT}:{number}", PROJECT, items, number=number, level=level))
    if std.involvements and p.involvement != std.involvement_ids[0]:
        claims.append(Claim(INVOLVEMENT, INVOLVEMENT, value=p.involvement))
    for kind, ids in (
        (COMMON_COMPLEXITY, p.common_complexity),
        (THEME, p.themes),
        (ACCOMPLISHMENT, p.accomplishments),
    ):
        claims += [Claim(f"{kind}:{i}", kind, (i,)) for i in _ordered(ids, std)]
    if p.mentoring:
        claims.append(Claim(MENTORING, MENTORING))
    return claims


def find_claim(profile: dict[str, Any] | Profile, key: str, std: Standard) -> Claim:
    """The claim ``key`` names; ``ClaimError`` when the profile claims no such thing."""
    found = next((c for c in claims_of(profile, std) if c.key == key), None)
    if found is None:
        raise ClaimError(key)
    return found


def withdraw(profile: dict[str, Any] | Profile, keys: Iterable[str], std: Standard) -> dict[str, Any]:
    """The profile as the lead can confirm it: the claims ``keys`` names taken out (interchange form).

    Every key must be a claim of the profile (``ClaimError`` otherwise): a stray key would otherwise
    confirm a level silently. A withdrawn project leaves the others' order; a withdrawn involvement
    falls to the lowest rung. A withdrawn role withdraws everything (see the module's note).
    """
    if isinstance(keys, str):  # one key passed bare would read as its characters
        raise TypeError("keys must be an iterable of claim keys, not one string")
    p = _profile(profile, std)
    gone = set(keys)
    unknown = sorted(gone - {c.key for c in claims_of(p, std)})
    if unknown:
        raise ClaimError(unknown[0])
    lowest = std.involvement_ids[0] if std.involvements else ""
    if ROLE in gone:
        return profile_to_json(Profile(field=p.field, role=std.role_ids[0], involvement=lowest), std)
    kept = tuple(e for n, e in enumerate(p.experiences, start=1) if f"{PROJECT}:{n}" not in gone)

    def keep(kind: str, ids: frozenset[str]) -> frozenset[str]:
        return frozenset(i for i in ids if f"{kind}:{i}" not in gone)

    confirmed = dataclasses.replace(
        p,
        experiences=kept,
        involvement=lowest if INVOLVEMENT in gone else p.involvement,
        common_complexity=keep(COMMON_COMPLEXITY, p.common_complexity),
        themes=keep(THEME, p.themes),
        accomplishments=keep(ACCOMPLISHMENT, p.accomplishments),
        mentoring=p.mentoring and MENTORING not in gone,
    )
    return profile_to_json(confirmed, std)


def confirmed_level(profile: dict[str, Any] | Profile, questioned: Iterable[str], std: Standard) -> int:
    """The level of what the lead did not question: the highest level, up to the self-assessed one,
    none of whose criteria a questioned claim took away; 0 outright when the role is questioned.

    A level below the self-assessed one counts as reached (the result's ladder shows it ✓) even
    where it is not met on its own, because the interview stops asking once a level is met: a
    level-4 engineer is never asked for level-3 themes. Judging the withdrawn profile by R1 alone
    would hold those unasked questions against the person, and questioning their one level-4 theme
    would confirm no level at all. So a lower level's criterion that was unmet already in the
    self-assessment is left out of its judgement, and only what the questioned claims took away
    counts. The result is never above the self-assessed level, never below the R1 level of the
    withdrawn profile, and never rises when more is questioned.
    """
    if isinstance(questioned, str):
        raise TypeError("questioned must be an iterable of claim keys, not one string")
    questioned = set(questioned)
    remaining = withdraw(profile, questioned, std)  # validates every key, the role's too
    if ROLE in questioned:
        return 0
    claimed = evaluate(_profile(profile, std), std)
    confirmed = evaluate(parse_profile(remaining, std), std)

    def stands(before: LevelResult, after: LevelResult) -> bool:
        covered = before.level < claimed.level
        return all(
            a.met or (covered and not b.met) for b, a in zip(before.criteria, after.criteria, strict=True)
        )

    return max(
        (
            after.level
            for before, after in zip(claimed.levels, confirmed.levels, strict=True)
            if after.level <= claimed.level and stands(before, after)
        ),
        default=0,
    )
