"""The ITSS V2 Customer Service standard as pure rules: data, profile parsing and evaluation.

Standard library only, no I/O beyond the package's own data file, so every other layer (the
dialogue, the bot, batch tools) can rely on it without dragging in anything else.
"""

from criteria.evaluate import CriterionResult, Evaluation, LevelResult, evaluate, experience_level
from criteria.profile import Experience, Facility, Profile, ProfileError, parse_profile, profile_to_json
from criteria.standard import FIELDS, INVOLVEMENTS, ROLES, FieldSpec, Item, Standard, load_standard

__all__ = [
    "FIELDS",
    "INVOLVEMENTS",
    "ROLES",
    "CriterionResult",
    "Evaluation",
    "Experience",
    "Facility",
    "FieldSpec",
    "Item",
    "LevelResult",
    "Profile",
    "ProfileError",
    "Standard",
    "evaluate",
    "experience_level",
    "load_standard",
    "parse_profile",
    "profile_to_json",
]
