"""Telling drawn text from tofu (the empty boxes a font draws for characters it lacks).

A font without a character draws its .notdef glyph for it, the same for every such character. So
text is really drawn when each of its characters has ink, differs from what the font draws for a
code point no font maps, and distinct characters get distinct glyphs; on a rendered image, when
the glyph shapes found in a line of text are many and varied rather than one box repeated.
"""

from __future__ import annotations

import io

from PIL import Image, ImageFont

NOT_A_CHARACTER = "\U0010fffd"  # private use, plane 16: mapped by no font


def _glyph(font: ImageFont.FreeTypeFont | ImageFont.ImageFont, ch: str) -> bytes:
    mask = font.getmask(ch)
    return f"{mask.size}".encode() + bytes(mask)


def draws(font: ImageFont.FreeTypeFont | ImageFont.ImageFont, text: str) -> bool:
    """Whether ``font`` draws every character of ``text`` as its own glyph (no tofu)."""
    chars = sorted(set(text) - set(" \u3000"))
    notdef = _glyph(font, NOT_A_CHARACTER)
    glyphs = [_glyph(font, ch) for ch in chars]
    inked = all(any(font.getmask(ch)) for ch in chars)
    return inked and notdef not in glyphs and len(set(glyphs)) == len(glyphs)


def shapes(png: bytes, box: tuple[int, int, int, int]) -> set[bytes]:
    """The distinct ink shapes in ``box`` of an image of dark text on a light ground: columns of
    ink separated by blank columns, each cropped to its ink."""
    image = Image.open(io.BytesIO(png)).convert("L").crop(box)
    ink = image.point(lambda v: 255 if v < 110 else 0)
    width, height = ink.size
    inked = [ink.crop((x, 0, x + 1, height)).getbbox() is not None for x in range(width)]
    found: set[bytes] = set()
    start = None
    for x, on in enumerate([*inked, False]):
        if on and start is None:
            start = x
        elif not on and start is not None:
            piece = ink.crop((start, 0, x, height))
            bbox = piece.getbbox()
            if bbox is not None:
                trimmed = piece.crop(bbox)
                found.add(f"{trimmed.size}".encode() + trimmed.tobytes())
            start = None
    return found
