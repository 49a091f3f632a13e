"""Skill standards as pure rules: data, profile parsing and evaluation (ITSS V2 Customer Service first).

Standard library only, no I/O beyond the standards' own data files, so every other layer (the
dialogue, the bot, batch tools) can rely on it without dragging in anything else.
"""

from criteria.claims import Claim, ClaimError, claims_of, confirmed_level, find_claim, withdraw
from criteria.evaluate import CriterionResult, Evaluation, LevelResult, evaluate, experience_level
from criteria.profile import Experience, Facility, Profile, ProfileError, parse_profile, profile_to_json
from criteria.registry import (
    DEFAULT_STANDARD,
    StandardSet,
    load_standard,
    load_standard_file,
    packaged_standards,
)
from criteria.standard import (
    SOURCE_LANGUAGE,
    FieldSpec,
    Item,
    Standard,
    StandardError,
    Translation,
)

__all__ = [
    "DEFAULT_STANDARD",
    "SOURCE_LANGUAGE",
    "Claim",
    "ClaimError",
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
    "StandardError",
    "StandardSet",
    "Translation",
    "claims_of",
    "confirmed_level",
    "evaluate",
    "experience_level",
    "find_claim",
    "load_standard",
    "load_standard_file",
    "packaged_standards",
    "parse_profile",
    "profile_to_json",
    "withdraw",
]
