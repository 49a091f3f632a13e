"""The result card: one image a person keeps or shares, readable on a phone at a glance.

Everything on it comes from the ``ResultView`` the chat message is worded from, so the card can
never say something the message does not: the headline (field, level, role words), the field's
ladder with the achieved level highlighted, one dot per criterion of each level (filled: met,
ring: missing), what the next level still needs, the date and the standard.

The size is fixed (1200×630, the shape Telegram shows whole in a chat); text that does not fit
is wrapped, then set smaller, and only as a last resort cut with an ellipsis.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from bot.documents.fonts import card_font, printable
from bot.documents.text import wrap
from dialogs.messages import Messages
from dialogs.result import GapView, LevelView, ResultView

WIDTH, HEIGHT = 1200, 630
MARGIN = 60
BOX_HEIGHT = 84
DOT = 20
#: Boxes, the gap to the dots, one row of dots and the count under them.
LADDER_HEIGHT = BOX_HEIGHT + 22 + DOT + 14 + 28

BACKGROUND = (247, 248, 250)
BAND = (31, 42, 68)
BAND_TEXT = (226, 231, 240)
INK = (28, 32, 40)
MUTED = (96, 104, 118)
MET = (46, 125, 50)
ACHIEVED = (21, 101, 192)
HIGHLIGHT = (249, 168, 37)
MISSING = (198, 40, 40)
OUTLINE = (176, 183, 195)
WHITE = (255, 255, 255)

#: A Pillow font wraps one FreeType face, which is not safe to use from two threads at once, and the
#: faces are shared (loading them is the slow part); so cards are drawn one at a time.
_DRAWING = threading.Lock()


@dataclass(frozen=True, slots=True)
class _Fitted:
    font: ImageFont.FreeTypeFont
    lines: tuple[str, ...]
    size: int
    cut: bool = False  # the text did not fit even at the smallest size and ends with "…"


#: Fitting measures each candidate line at each size (200 measurements a card, a third of its drawing
#: time) for texts that repeat from card to card (a field's headlines, the counts, the footer).
_FITS = 1024


@lru_cache(maxsize=_FITS)
def _fit(text: str, width: int, sizes: range, max_lines: int) -> _Fitted:
    """The largest of ``sizes`` at which ``text`` wraps into ``max_lines`` lines of ``width``;
    at the smallest size, the last line that fits is cut with an ellipsis."""
    text = printable(text)
    size = sizes.start
    for size in sizes:
        font = card_font(size)
        lines = wrap(text, width, font.getlength)
        if len(lines) <= max_lines:
            return _Fitted(font, tuple(lines), size)
    font = card_font(size)
    lines = wrap(text, width, font.getlength)[:max_lines]
    last = lines[-1]
    while last and font.getlength(last + "…") > width:
        last = last[:-1]
    lines[-1] = last.rstrip() + "…"
    return _Fitted(font, tuple(lines), size, cut=True)


@lru_cache(maxsize=_FITS)
def _fit_headline(text: str, width: int) -> _Fitted:
    """The headline on one line if it stays large; else on two, broken after its dash ("Hardware,
    level 4 —" / "responsible person …") unless that costs much size, so the role words stay whole."""
    one = _fit(text, width, range(58, 43, -2), 1)
    if not one.cut:
        return one
    two = _fit(text, width, range(58, 31, -2), 2)
    head, dash, tail = printable(text).partition(" — ")
    if dash:
        for size in range(58, max(two.size - 12, 30), -2):
            font = card_font(size)
            lines = (head + dash.rstrip(), tail)
            if all(font.getlength(line) <= width for line in lines):
                return _Fitted(font, lines, size)
    return two


def _text(
    draw: ImageDraw.ImageDraw,
    xy: tuple[int, int],
    fitted: _Fitted,
    fill: tuple[int, int, int],
    *,
    bold: bool = False,
    anchor: str = "la",
    spacing: float = 1.25,
) -> int:
    """Draw fitted lines from ``xy``; returns the y just below the last line. Bold is the regular
    face outlined in its own colour: the font package ships one weight."""
    x, y = xy
    step = round(fitted.size * spacing)
    for line in fitted.lines:
        stroke = max(1, fitted.size // 28) if bold else 0
        draw.text(
            (x, y), line, font=fitted.font, fill=fill, anchor=anchor, stroke_width=stroke, stroke_fill=fill
        )
        y += step
    return y


def _status(view: ResultView, msg: Messages) -> list[str]:
    """What comes next, in one or two short lines: the next level's count of missing things, and
    a closer level above it when there is one; at the top, the field's closing words."""
    if view.closing:
        return [view.closing]
    return [_gap_line(gap, msg) for gap in view.gaps]


def _gap_line(gap: GapView, msg: Messages) -> str:
    count = len(gap.needs)
    if gap.closest:
        if count == 1:
            return msg("document.card.closer.one", level=gap.level)
        return msg("document.card.closer", level=gap.level, count=count)
    if count == 1:
        return msg("document.card.next.one", level=gap.level)
    return msg("document.card.next", level=gap.level, count=count)


def _ladder(draw: ImageDraw.ImageDraw, view: ResultView, msg: Messages, top: int) -> int:
    """One box per level (met: filled, the achieved one ringed), the criteria dots beneath."""
    levels = {lv.level: lv for lv in view.levels}
    steps = view.ladder
    gap = 18
    box_w = (WIDTH - 2 * MARGIN - gap * (len(steps) - 1)) // max(1, len(steps))
    box_h = BOX_HEIGHT
    label = card_font(40)
    bottom = top
    for i, (level, met) in enumerate(steps):
        x = MARGIN + i * (box_w + gap)
        achieved = level == view.level
        fill = ACHIEVED if achieved else MET if met else WHITE
        if achieved:
            draw.rounded_rectangle(
                (x - 6, top - 6, x + box_w + 6, top + box_h + 6), radius=18, outline=HIGHLIGHT, width=6
            )
        draw.rounded_rectangle(
            (x, top, x + box_w, top + box_h), radius=14, fill=fill, outline=fill if met else OUTLINE, width=3
        )
        word = printable(msg("document.step", level=level))
        ink = WHITE if met else MUTED
        draw.text(
            (x + box_w / 2, top + box_h / 2),
            word,
            font=label,
            fill=ink,
            anchor="mm",
            stroke_width=1,
            stroke_fill=ink,
        )
        bottom = max(bottom, _dots(draw, levels.get(level), msg, x, top + box_h + 22, box_w))
    return bottom


def _dots(
    draw: ImageDraw.ImageDraw, level: LevelView | None, msg: Messages, x: int, y: int, width: int
) -> int:
    """A row of dots, one per criterion of the level, and "4 of 6" under it."""
    if level is None or not level.criteria:
        return y
    if level.covered:  # never asked: the level reached above it covers it
        words = _fit(msg("document.card.covered"), width, range(22, 15, -1), 1)
        return _text(draw, (x + width // 2, y), words, MUTED, anchor="ma")
    count = len(level.criteria)
    space = 8
    d = max(8, min(DOT, (width - (count - 1) * space) // count))
    per_row = max(1, (width + space) // (d + space))
    rows = [level.criteria[i : i + per_row] for i in range(0, count, per_row)]
    for r, row in enumerate(rows):
        row_w = len(row) * d + (len(row) - 1) * space
        left = x + (width - row_w) / 2
        for c, criterion in enumerate(row):
            cx = left + c * (d + space)
            cy = y + r * (d + space)
            if criterion.met:
                draw.ellipse((cx, cy, cx + d, cy + d), fill=MET)
            else:
                draw.ellipse((cx, cy, cx + d, cy + d), outline=MISSING, width=3)
    y += len(rows) * (d + space) + 4
    met = sum(1 for c in level.criteria if c.met)
    words = _fit(msg("document.card.count", met=met, total=count), width, range(22, 15, -1), 1)
    return _text(draw, (x + width // 2, y), words, MUTED, anchor="ma")


def _legend(draw: ImageDraw.ImageDraw, msg: Messages, y: int) -> None:
    font = card_font(22)
    d = 16
    x = MARGIN
    for met, word in ((True, msg("document.card.legend.met")), (False, msg("document.card.legend.missing"))):
        box = (x, y + 4, x + d, y + 4 + d)
        if met:
            draw.ellipse(box, fill=MET)
        else:
            draw.ellipse(box, outline=MISSING, width=3)
        x += d + 10
        draw.text((x, y), printable(word), font=font, fill=MUTED)
        x += round(font.getlength(printable(word))) + 32


def render_card(view: ResultView, msg: Messages, *, photo: bool = False) -> bytes:
    """The card (1200×630) in ``msg``'s language: PNG bytes, a file to keep; with ``photo``, JPEG
    bytes for a chat photo.

    Telegram re-encodes every photo as JPEG, so a PNG's lossless pixels never reach anyone there,
    and encoding them is most of a card's cost (measured: PNG 15.6 ms, JPEG 2.6 ms of the 24 ms a
    card took, at ~100 KB either way). Chroma is kept whole (4:4:4) so thin coloured text stays crisp.
    """
    with _DRAWING:
        image = _draw(view, msg)
    out = io.BytesIO()
    if photo:
        image.save(out, format="JPEG", quality=90, subsampling=0)
    else:
        image.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def _draw(view: ResultView, msg: Messages) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    inner = WIDTH - 2 * MARGIN

    draw.rectangle((0, 0, WIDTH, 64), fill=BAND)
    band = _fit(msg("document.card.source", title=msg.standard_title()), inner, range(26, 17, -1), 1)
    _text(draw, (MARGIN, 32), band, BAND_TEXT, anchor="lm")

    headline = _fit_headline(view.headline, inner)
    y = _text(draw, (MARGIN, 92), headline, INK, bold=True, spacing=1.2)
    for line in _status(view, msg):
        status = _fit(line, inner, range(30, 19, -1), 1)
        y = _text(draw, (MARGIN, y + 8), status, MUTED)

    footer_y = HEIGHT - 52
    # The ladder block (boxes, dots, counts) sits in the middle of the room left between the
    # status lines and the footer's rule.
    room_top, room_bottom = y + 24, footer_y - 16
    ladder_top = max(room_top, room_top + (room_bottom - room_top - LADDER_HEIGHT) // 2)
    _ladder(draw, view, msg, ladder_top)

    draw.line((MARGIN, footer_y - 16, WIDTH - MARGIN, footer_y - 16), fill=OUTLINE, width=2)
    _legend(draw, msg, footer_y)
    footer = msg(
        "document.card.footer",
        date=msg.date(view.taken_on or date.today()),
        id=view.standard_id,
        version=view.standard_version,
    )
    right = _fit(footer, inner // 2 + 120, range(22, 15, -1), 1)
    _text(draw, (WIDTH - MARGIN, footer_y), right, MUTED, anchor="ra")
    return image
