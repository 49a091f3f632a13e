"""Every language says everything: the catalogues and the standards' translations have the same ids
with the same placeholders as English, so no person ever reads a fallback or a raw "{field_name}"."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

import criteria
import dialogs
from criteria import load_standard_file, packaged_standards
from dialogs import languages
from dialogs.messages import catalogue

ROOT = Path(__file__).resolve().parents[2]
LOCALES = Path(dialogs.__file__).resolve().parent / "locales"
EN: dict[str, str] = catalogue("en")
TRANSLATED = [language for language in languages() if language != "en"]
STANDARDS = [
    *packaged_standards().values(),
    load_standard_file(ROOT / "tests/fixtures/standards/toy-helpdesk.json"),
]


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_there_is_a_language_besides_english() -> None:
    assert "ja" in TRANSLATED


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_exists_in_every_language_with_the_same_placeholders(language: str) -> None:
    other: dict[str, str] = catalogue(language)
    assert set(other) == set(EN)
    differ = {
        k: (placeholders(EN[k]), placeholders(v))
        for k, v in other.items()
        if placeholders(EN[k]) != placeholders(v)
    }
    assert differ == {}
    untranslated = [k for k, v in other.items() if v == EN[k] and any(c.isalpha() and c.isascii() for c in v)]
    # Words that are the same in both (button emoji, "原文 / original") are fine; English sentences are not.
    assert all(len(EN[k].split()) <= 3 for k in untranslated), untranslated


@pytest.mark.parametrize("std", STANDARDS, ids=lambda s: s.id)
@pytest.mark.parametrize("language", TRANSLATED)
def test_every_item_and_text_of_every_standard_is_translated(std: criteria.Standard, language: str) -> None:
    translation = std.translations.get(language)
    assert translation is not None, f"{std.id} has no {language} translation"
    assert translation.translator == "levelcheck"  # marked as ours: the seed's English stays the source
    assert set(translation.items) == set(std.items)
    assert all(text.strip() for text in translation.items.values())
    assert set(std.texts) <= set(translation.texts)
    differ = {k: v for k, v in std.texts.items() if placeholders(v) != placeholders(translation.texts[k])}
    assert differ == {}
    names = {f"field.{f}.name" for f in std.fields}
    assert names <= set(translation.texts), "field names are words people read"


@pytest.mark.parametrize("std", STANDARDS, ids=lambda s: s.id)
def test_every_standard_has_the_texts_the_dialogue_needs(std: criteria.Standard) -> None:
    needed = {
        "title",
        *(f"field.{f}.option" for f in std.fields),
        *(f"field.{f}.accomplishment_area" for f in std.fields),
    }
    needed |= {f"role.{r}.option" for r in std.role_ids} | {f"role.{r}.short" for r in std.role_ids}
    needed |= {f"involvement.{i}.option" for i in std.involvement_ids} | {"projects.what"}
    needed |= {f"themes.depth.{lv}" for spec in std.fields.values() for lv in spec.specialty_levels}
    if std.common_levels:
        needed |= {"involvement.question", "involvement.label"} | {
            f"level.{lv}.title" for lv in std.common_levels
        }
    for spec in std.fields.values():
        if spec.measured_size is not None:
            needed |= {"scope.question", "scope.label"} | {
                f"scope.{s}.option" for s in spec.measured_size.scopes
            }
            for q in spec.measured_size.quantities:
                needed |= {f"quantity.{q.answer}.question", f"quantity.{q.answer}.label"}
    assert needed <= set(std.texts), sorted(needed - set(std.texts))
