"""Line breaking for the card and the report: words stay whole in English, Japanese breaks between
characters but never before a closing mark, and no line is wider than asked."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.documents.text import tokens, wrap

SAMPLES = [
    "Hardware, level 4 — responsible person of the service",
    "ハードウェア レベル4 — サービスの責任者（現在：レベル3）です。",
    "To reach level 5: 「広域のサービスエリア」を統括し、特定業種にサービスを提供する役割を担当。",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_tokens_give_the_text_back(text: str) -> None:
    assert "".join(tokens(text)) == text


def test_english_breaks_between_words() -> None:
    assert wrap(SAMPLES[0], 20, len) == ["Hardware, level 4 —", "responsible person", "of the service"]


def test_japanese_breaks_between_characters_but_not_before_closing_marks() -> None:
    lines = wrap(SAMPLES[1], 8, len)
    assert "".join(lines).replace(" ", "") == SAMPLES[1].replace(" ", "")
    assert all(len(line) <= 8 for line in lines)
    assert not any(line[0] in "、。）」ー：" for line in lines)
    assert not any(line[-1] in "（「" for line in lines)


def test_a_word_longer_than_a_line_is_cut_rather_than_overflowing() -> None:
    assert wrap("a Supercalifragilistic word", 10, len) == ["a", "Supercalif", "ragilistic", "word"]


def test_newlines_start_new_lines() -> None:
    assert wrap("one\ntwo three four", 9, len) == ["one", "two three", "four"]


@given(
    st.text(alphabet=st.sampled_from("ab cdeあいう、。（）「」ー—x"), max_size=80),
    st.integers(min_value=1, max_value=30),
)
def test_no_line_is_wider_than_asked_and_nothing_is_lost(text: str, width: int) -> None:
    lines = wrap(text, width, len)
    assert all(len(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
