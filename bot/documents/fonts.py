"""The one font of the card and the report: Noto Sans CJK JP, from a PyPI package the project
depends on, so Japanese renders the same on any machine with no system fonts installed.

The font file is large (16 MB, 65,535 glyphs, CFF outlines). Pillow reads it directly. A PDF
embeds a subset of the font it is given, and fpdf2 subsetting this file takes over a second per
document; so the report is handed a small TrueType derivative instead, built once per process
(about 1.5 s) for every character levelcheck's words can contain (its catalogues and packaged
standards, Latin, kana and punctuation), which fpdf2 subsets in a few milliseconds. A document with a
character outside that set (a standard loaded from a deployment's own file) gets a derivative
that adds it, so nothing ever falls back to a missing-glyph box.
"""

from __future__ import annotations

import atexit
import hashlib
import shutil
import tempfile
import threading
from collections.abc import Iterable
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont
from PIL import ImageFont

FONT_DISTRIBUTION = "noto-cjk-sans-jp-regular"
FONT_PACKAGE = "noto_cjk_sans_jp_regular"
FONT_FILE = "NotoSansCJKjp-Regular.otf"

#: Marks levelcheck's catalogues use that the font lacks, and the font's look-alike; variation
#: selectors (emoji presentation) are dropped: nothing in a document is an emoji.
SUBSTITUTES = {"✗": "×", "✘": "×", "✕": "×", "✔": "✓", "ℹ": "ⓘ", "\ufe0f": "", "\ufe0e": ""}
#: What stands in for a character the font cannot draw: visible, and never a blank box.
UNKNOWN = "?"

#: Ranges every derivative covers whatever the catalogues say today: Latin, punctuation, arrows,
#: shapes, CJK symbols, kana and full-width forms (numbers and dates formatted by Babel included).
_RANGES = (
    (0x20, 0x7E),
    (0xA0, 0x17F),
    (0x2000, 0x206F),
    (0x2100, 0x21FF),
    (0x2460, 0x24FF),
    (0x25A0, 0x25FF),
    (0x2713, 0x2713),
    (0x3000, 0x30FF),
    (0xFF01, 0xFF9F),
)
#: Curve-to-quadratic tolerance in font units (1/1000 em): far below a printed pixel.
_MAX_ERR = 1.0


class FontMissingError(RuntimeError):
    """The font package is not installed (or was installed without its font file)."""


@cache
def font_path() -> Path:
    """The OpenType file shipped by the font package."""
    try:
        ref = resources.files(FONT_PACKAGE).joinpath(FONT_FILE)
    except ModuleNotFoundError:
        raise FontMissingError(
            f"the font package {FONT_DISTRIBUTION!r} is not installed; "
            f"install levelcheck's dependencies (pip install -e .) or pip install {FONT_DISTRIBUTION}"
        ) from None
    path = Path(str(ref))
    if not path.is_file():
        raise FontMissingError(f"{FONT_DISTRIBUTION!r} is installed but has no {FONT_FILE} at {path}")
    return path


@cache
def card_font(size: int) -> ImageFont.FreeTypeFont:
    """The font at one pixel size for Pillow, loaded once per size (loading is the slow part)."""
    return ImageFont.truetype(str(font_path()), size, layout_engine=ImageFont.Layout.BASIC)


@cache
def covered() -> frozenset[int]:
    """Every code point the font draws."""
    return frozenset(TTFont(str(font_path()), lazy=True).getBestCmap())


def printable(text: str) -> str:
    """``text`` with every character the font can draw: known marks swapped for the font's own,
    anything else it lacks shown as ``UNKNOWN`` rather than as an empty box."""
    have = covered()
    out = []
    for ch in text:
        ch = SUBSTITUTES.get(ch, ch)
        out.append(ch if not ch or ord(ch) in have or ch in "\n\t" else UNKNOWN)
    return "".join(out)


# --- the report's TrueType derivative ------------------------------------------------------------


def _data_texts() -> Iterable[str]:
    """Every word levelcheck ships: all catalogue parts and all packaged standards with translations."""
    for package, folder in (("dialogs", "locales"), ("criteria", "data")):
        for entry in resources.files(package).joinpath(folder).iterdir():
            if entry.name.endswith(".json"):
                yield entry.read_text(encoding="utf-8")


@cache
def base_charset() -> frozenset[int]:
    """The characters the report's font always has (only those the full font draws)."""
    wanted = {cp for low, high in _RANGES for cp in range(low, high + 1)}
    for text in _data_texts():
        wanted.update(ord(ch) for ch in text)
    return frozenset(wanted) & covered()


def pdf_font_file(text_chars: Iterable[str] = ()) -> Path:
    """A small TrueType font with every character of ``text_chars`` the full font draws; the
    shared derivative unless the text needs more."""
    needed = frozenset(ord(ch) for ch in text_chars) & covered()
    base = base_charset()
    return _derivative(base if needed <= base else base | needed)


@cache
def _folder() -> Path:
    """A private folder for this process's derivatives (fpdf2 reads fonts from files), removed at exit."""
    folder = Path(tempfile.mkdtemp(prefix="levelcheck-fonts-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


#: Reports may be rendered in worker threads; the first ones must not build the same font twice.
_BUILDING = threading.Lock()


@lru_cache(maxsize=8)
def _derivative(charset: frozenset[int]) -> Path:
    digest = hashlib.sha1(",".join(map(str, sorted(charset))).encode()).hexdigest()[:16]
    target = _folder() / f"levelcheck-{digest}.ttf"
    with _BUILDING:
        if not target.exists():
            partial = target.with_suffix(".part")
            _truetype(charset).save(str(partial))
            partial.replace(target)
    return target


def _truetype(charset: frozenset[int]) -> TTFont:
    """The glyphs of ``charset`` redrawn with TrueType outlines (fontTools' otf2ttf way), with the
    source's metrics and its copyright and licence (OFL) in the name table. Built directly rather
    than with fontTools' subsetter, whose CFF pass would take most of the time."""
    source = TTFont(str(font_path()), lazy=True)
    best = source.getBestCmap()
    cmap = {cp: best[cp] for cp in charset if cp in best}
    order = sorted({".notdef", *cmap.values()}, key=source.getGlyphID)
    drawn = source.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        drawn[name].draw(Cu2QuPen(pen, _MAX_ERR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    builder = FontBuilder(source["head"].unitsPerEm, isTTF=True)
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap(cmap)
    builder.setupGlyf(glyphs)
    advances, glyf = source["hmtx"], builder.font["glyf"]
    builder.setupHorizontalMetrics({n: (advances[n][0], getattr(glyf[n], "xMin", 0)) for n in order})
    hhea, os2, names = source["hhea"], source["OS/2"], source["name"]
    builder.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent, lineGap=hhea.lineGap)
    builder.setupNameTable(
        {
            "copyright": names.getDebugName(0) or "",
            "familyName": names.getDebugName(1) or "Noto Sans CJK JP",
            "styleName": names.getDebugName(2) or "Regular",
            "uniqueFontIdentifier": f"levelcheck derivative of {names.getDebugName(3)}",
            "fullName": names.getDebugName(4) or "Noto Sans CJK JP",
            "version": names.getDebugName(5) or "",
            "psName": names.getDebugName(6) or "NotoSansCJKjp-Regular",
            "licenseDescription": names.getDebugName(13) or "",
            "licenseInfoURL": names.getDebugName(14) or "",
        }
    )
    builder.setupOS2(
        sTypoAscender=os2.sTypoAscender,
        sTypoDescender=os2.sTypoDescender,
        sTypoLineGap=os2.sTypoLineGap,
        usWinAscent=os2.usWinAscent,
        usWinDescent=os2.usWinDescent,
        sxHeight=os2.sxHeight,
        sCapHeight=os2.sCapHeight,
        usWeightClass=os2.usWeightClass,
        fsType=os2.fsType,
        achVendID=os2.achVendID,
    )
    builder.setupPost()
    return builder.font


def warm_up() -> None:
    """Do the one-off work now (the report's font, the card's sizes), e.g. in a thread at start-up,
    so that the first person asking for a card or a report does not wait for it."""
    pdf_font_file()
    for size in (22, 30, 40, 58):
        card_font(size)
