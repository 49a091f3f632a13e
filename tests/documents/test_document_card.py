"""The result card for every field at levels 0, 1, 3 and the top, in English and Japanese: a PNG of
the fixed size, with ink, the achieved level highlighted, one dot per criterion, and Japanese
drawn as Japanese (not as tofu)."""

from __future__ import annotations

import io

import pytest
from document_cases import CASES, LANGUAGES, rendered
from PIL import Image, ImageChops, ImageFont, ImageStat
from tofu import draws, shapes

from bot.documents import card, fonts
from bot.documents.card import HEIGHT, WIDTH, render_card

HEADLINE_BAND = (card.MARGIN, 88, WIDTH - card.MARGIN, 158)  # the headline's first line


def _image(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return Image.open(io.BytesIO(png)).convert("RGB")


def _forget_fits() -> None:
    card._fit.cache_clear()
    card._fit_headline.cache_clear()


def _count(image: Image.Image, colour: tuple[int, int, int]) -> int:
    return sum(n for n, c in image.getcolors(WIDTH * HEIGHT) or [] if c == colour)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("field", "level"), CASES)
def test_the_card_shows_the_level_on_the_ladder(field: str, level: int, language: str) -> None:
    r = rendered(field, level, language)
    image = _image(r.png)
    assert image.size == (WIDTH, HEIGHT)
    background = _count(image, card.BACKGROUND)
    assert background < 0.9 * WIDTH * HEIGHT, "a card that is nearly all background"
    assert len(image.getcolors(WIDTH * HEIGHT) or []) > 50, "text is antialiased: many shades"
    # The achieved level's box is filled and ringed; at level 0 no box is.
    assert (_count(image, card.ACHIEVED) > 5000) == (level > 0)
    assert (_count(image, card.HIGHLIGHT) > 1000) == (level > 0)
    # Met levels are filled green, the others white; one dot per criterion, met ones filled.
    met_levels = sum(1 for lv, met in r.view.ladder if met and lv != level)
    assert (_count(image, card.MET) > 10_000) == (met_levels > 0)
    missing = sum(1 for lv in r.view.levels if not lv.covered for c in lv.criteria if not c.met)
    above_legend = image.crop((0, 0, WIDTH, HEIGHT - 80))  # the legend shows both kinds of dot
    assert (_count(above_legend, card.MISSING) > 0) == (missing > 0)


@pytest.mark.parametrize(("field", "level"), CASES)
def test_japanese_on_the_card_is_drawn_not_tofu(field: str, level: int) -> None:
    r = rendered(field, level, "ja")
    assert draws(fonts.card_font(40), r.view.headline)
    # On the image itself: the headline's first line holds many different glyph shapes; tofu would
    # be one box repeated.
    assert len(shapes(r.png, HEADLINE_BAND)) >= 8


def test_the_tofu_check_fails_a_card_drawn_with_a_latin_only_font(monkeypatch: pytest.MonkeyPatch) -> None:
    r = rendered("facility", 3, "ja")
    monkeypatch.setattr(card, "card_font", lambda size: ImageFont.load_default(size))
    _forget_fits()  # remembered fits hold the real font
    try:
        latin_only = render_card(r.view, r.msg)
    finally:
        _forget_fits()  # and these ones the latin-only font
    assert len(shapes(latin_only, HEADLINE_BAND)) < 8
    assert not draws(ImageFont.load_default(40), r.view.headline)


def test_english_and_japanese_cards_differ_and_keep_their_size() -> None:
    en, ja = rendered("hardware", 3, "en"), rendered("hardware", 3, "ja")
    assert en.png != ja.png
    assert _image(en.png).size == _image(ja.png).size == (WIDTH, HEIGHT)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_chat_photo_is_the_same_card_as_a_jpeg(language: str) -> None:
    """Telegram gets a JPEG (it re-encodes photos anyway): same size, same picture within JPEG's
    small error, and not the PNG's bytes relabelled."""
    r = rendered("software", 3, language)
    photo = render_card(r.view, r.msg, photo=True)
    assert photo.startswith(b"\xff\xd8")
    jpeg = Image.open(io.BytesIO(photo))
    assert jpeg.format == "JPEG" and jpeg.size == (WIDTH, HEIGHT)
    difference = ImageChops.difference(jpeg.convert("RGB"), _image(r.png))
    mean = sum(ImageStat.Stat(difference).mean) / 3
    assert mean < 2.0, f"the photo strays from the card by {mean:.2f} per channel on average"
    assert len(photo) < 250_000


def test_a_long_headline_is_shrunk_or_cut_never_drawn_off_the_card() -> None:
    fitted = card._fit(
        "Facility management, level 6 — " + "very long role words " * 20, 1080, range(58, 31, -2), 2
    )
    assert len(fitted.lines) == 2 and fitted.cut and fitted.lines[-1].endswith("…")
    assert all(fitted.font.getlength(line) <= 1080 for line in fitted.lines)
    r = rendered("facility", 6, "en")
    headline = card._fit_headline(r.view.headline, 1080)
    assert len(headline.lines) <= 2 and not headline.cut
    assert all(headline.font.getlength(line) <= 1080 for line in headline.lines)


def test_a_second_card_of_the_same_result_measures_no_text_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fitting of repeated texts is remembered; the card drawn from it is the same, pixel for pixel."""
    r = rendered("software", 3, "ja")
    measured: list[str] = []
    real = ImageFont.FreeTypeFont.getlength

    def counting(font: ImageFont.FreeTypeFont, text: str, *args: object, **kwargs: object) -> float:
        measured.append(text)
        return real(font, text, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ImageFont.FreeTypeFont, "getlength", counting)
    again = render_card(r.view, r.msg)
    assert again == r.png
    # Only the legend's two words are measured: they are laid out, not fitted.
    assert len(measured) <= 2, f"measured again: {measured}"
