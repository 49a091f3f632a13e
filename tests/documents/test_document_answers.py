"""The report's list of answers: the review's labels, the standard's words, numbers formatted for
the language, and no size for a project whose size cannot matter."""

from __future__ import annotations

from document_cases import profile_json

from bot.documents.answers import answer_rows
from criteria import load_standard, parse_profile
from dialogs.messages import Messages


def _rows(field: str, level: int, language: str) -> dict[str, tuple[str, ...]]:
    std = load_standard()
    profile = parse_profile(profile_json(field, level), std)
    rows = answer_rows(profile, std, Messages(language, std))
    labels = [r.label for r in rows]
    assert len(labels) == len(set(labels)), "each answer once"
    return {r.label: r.values for r in rows}


def test_a_facility_project_lists_its_scope_and_counts() -> None:
    rows = _rows("facility", 6, "en")
    assert rows["Project 1: scope"] == ("Whole facilities",)
    assert rows["Project 1: computer rooms"] == ("5",)
    assert rows["Project 1: floor area (m²)"] == ("5,000",)
    assert rows["Project 1: installation sites"] == ("0",)
    assert len(rows["Project 3: complexity"]) == 2
    assert rows["Developing subordinates"] == ("Yes",)
    assert len(rows["Accomplishments"]) == 4
    assert len(rows["Level 6 themes"]) == 1 and rows["Level 4 themes"] == ()


def test_a_project_with_too_few_complexity_items_has_no_size() -> None:
    rows = _rows("facility", 3, "en")
    assert rows["Project 1: scope"] == ("One part of the network and computer rooms",)
    assert "Project 1: size" in rows
    assert len(rows["Project 2: complexity"]) == 1
    assert not [label for label in rows if label.startswith("Project 2:") and "complexity" not in label]


def test_answers_are_in_japanese_with_the_standards_own_words() -> None:
    std = load_standard()
    rows = _rows("hardware", 1, "ja")
    msg = Messages("ja", std)
    assert rows["専門分野"] == ("ハードウェア",)
    assert rows["後進の育成"] == ("いいえ",)
    assert rows["担当したシステム"] == (msg.item("common.cx.single_platform"),)
    assert rows["プロジェクト数"] == ("0",)
    assert rows[msg.std("involvement.label")] == (msg.std("involvement.participated.option"),)
