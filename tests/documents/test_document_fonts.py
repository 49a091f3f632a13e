"""The documents' font comes from a PyPI package, draws every word levelcheck can put in a card or
a report in both languages, and the report's small TrueType derivative draws them the same."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fontTools.ttLib import TTFont
from PIL import ImageFont
from tofu import draws

from bot.documents import fonts
from criteria import packaged_standards
from dialogs.messages import catalogue, languages

JAPANESE = "ハードウェア レベル4 — サービスの責任者。後進の育成：済み（現在：レベル3）"
#: Catalogue ids whose words can reach a card or a report.
DOCUMENT_IDS = ("document.", "outcome.", "label.", "yes", "no")


def _document_words() -> Iterator[str]:
    for language in languages():
        yield from (v for k, v in catalogue(language).items() if k.startswith(DOCUMENT_IDS))
    for std in packaged_standards().values():
        yield std.title
        yield from std.texts.values()
        for item in std.items.values():
            yield item.seed_text
            yield item.note or ""
        for translation in std.translations.values():
            yield from translation.items.values()
            yield from translation.texts.values()
            yield from translation.notes.values()


def test_the_font_is_the_packages_file() -> None:
    path = fonts.font_path()
    assert path.is_file() and path.name == fonts.FONT_FILE
    assert "site-packages" in path.parts or "dist-packages" in path.parts or fonts.FONT_PACKAGE in path.parts


def test_a_missing_font_package_is_named_in_the_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "FONT_PACKAGE", "no_such_font_package")
    fonts.font_path.cache_clear()
    try:
        with pytest.raises(fonts.FontMissingError, match="noto-cjk-sans-jp-regular"):
            fonts.font_path()
    finally:
        fonts.font_path.cache_clear()


def test_every_word_a_document_can_show_is_drawn_by_the_font() -> None:
    covered = fonts.covered()
    missing = {ch for text in _document_words() for ch in fonts.printable(text) if ord(ch) not in covered}
    assert missing == set()
    assert "?" not in fonts.printable("".join(_document_words()).replace("?", ""))


def test_marks_the_font_lacks_are_replaced_by_its_own() -> None:
    assert ord("✗") not in fonts.covered()
    assert fonts.printable("L5 ✗  L4 ✓ ℹ️ ⓘ") == "L5 ×  L4 ✓ ⓘ ⓘ"
    assert fonts.printable("\U0001f4c4 report") == f"{fonts.UNKNOWN} report"


def test_the_card_font_draws_japanese_and_a_latin_only_font_does_not() -> None:
    assert draws(fonts.card_font(40), JAPANESE)
    assert draws(fonts.card_font(40), "Hardware, level 4 — responsible person")
    # The check is real: Pillow's own font has no Japanese and fails it.
    assert not draws(ImageFont.load_default(40), JAPANESE)


def test_the_reports_derivative_draws_what_the_full_font_draws() -> None:
    path = fonts.pdf_font_file(JAPANESE)
    derivative = TTFont(str(path))
    assert "glyf" in derivative and "CFF " not in derivative  # TrueType: cheap for fpdf2 to subset
    cmap = derivative.getBestCmap()
    assert fonts.base_charset() <= set(cmap)
    assert {ord(ch) for ch in JAPANESE} <= set(cmap)
    assert path.stat().st_size < 600_000
    assert draws(ImageFont.truetype(str(path), 40), JAPANESE)
    assert "Open Font License" in (derivative["name"].getDebugName(13) or "")


def test_a_character_outside_the_shared_set_gets_its_own_derivative(monkeypatch: pytest.MonkeyPatch) -> None:
    rare = "鬱"
    assert ord(rare) in fonts.covered() and ord(rare) not in fonts.base_charset()
    # A small shared set keeps this test fast; the rule is the same.
    monkeypatch.setattr(fonts, "base_charset", lambda: frozenset(range(0x20, 0x7F)))
    assert fonts.pdf_font_file("level") == fonts.pdf_font_file()
    path = fonts.pdf_font_file("level " + rare)
    assert path != fonts.pdf_font_file()
    assert ord(rare) in TTFont(str(path)).getBestCmap()
