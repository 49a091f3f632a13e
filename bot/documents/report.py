"""The PDF report of one assessment: what the person answered, every level's criteria met or
missing with the options that would satisfy them, what each project counts for, and the plan to
the next (and the closest) level, dated and tied to the standard's id and version.

Worded from the same ``ResultView`` as the chat message and the card, so the three never disagree,
and from the profile for the answers. A4, in the person's language; Japanese lines break between
characters, English between words (``bot.documents.text``).

The report lays out its own lines and page breaks and hands fpdf2 finished lines: fpdf2's
``multi_cell`` and ``table`` measure a line once per character added to it, which made a long
report take most of a second; placing lines directly keeps every report well under 300 ms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import date

from fpdf import FPDF
from fpdf.enums import TextMode

from bot.documents.answers import AnswerRow, answer_rows
from bot.documents.fonts import pdf_font_file, printable
from bot.documents.text import wrap
from criteria import Profile
from dialogs.messages import Messages
from dialogs.result import CriterionView, ResultView

FAMILY = "noto"
MET_MARK = "✓"
MISSING_MARK = "×"
NOTE_MARK = "ⓘ"
BULLET = "•"

Colour = tuple[int, int, int]
INK: Colour = (28, 32, 40)
MUTED: Colour = (96, 104, 118)
ACCENT: Colour = (21, 101, 192)
MET: Colour = (46, 125, 50)
MISSING: Colour = (198, 40, 40)
RULE: Colour = (200, 205, 214)
SHADE: Colour = (236, 240, 246)

MM = 72 / 25.4  # laid out in points: fpdf2 writes a text outline's width in user units
MARGIN = 18 * MM
TOP = 16 * MM
BOTTOM = 20 * MM  # room kept for the footer
LINE = 1.45  # line height as a multiple of the font size
ASCENT = 0.88  # the font's ascender, as a fraction of its size (places the baseline in a line)
INDENT = 5 * MM
BODY = 10.0
SMALL = 9.0


def _footers(pdf: FPDF, view: ResultView, taken: str, msg: Messages) -> None:
    """levelcheck's footer on every page (the standard, the date, "page 2 of 3"), written once the
    page count is known: fpdf2's page-count alias is not replaced in directly placed text."""
    pdf.set_font(FAMILY, size=8)
    pdf.set_text_color(*MUTED)
    pages = pdf.pages_count
    for page in range(1, pages + 1):
        pdf.page = page
        text = printable(
            msg(
                "document.report.footer",
                id=view.standard_id,
                version=view.standard_version,
                date=taken,
                page=page,
                pages=pages,
            )
        )
        pdf.text((pdf.w - pdf.get_string_width(text)) / 2, pdf.h - 10 * MM, text)


class _Layout:
    """Lines placed top to bottom, a new page whenever the next line would not fit."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf
        self.left = MARGIN
        self.width = pdf.w - 2 * MARGIN
        self.bottom = pdf.h - BOTTOM
        self.y = TOP

    def new_page(self) -> None:
        self.pdf.add_page()
        self.y = TOP

    def room(self, height: float) -> None:
        """Start a new page unless ``height`` more fits on this one."""
        if self.y + height > self.bottom:
            self.new_page()

    def space(self, mm: float) -> None:
        self.y += mm * MM

    def measure(self, size: float) -> Callable[[str], float]:
        """The width of a line in points, from the font's advance widths (1/1000 em): no shaping or
        kerning happens, so this is exactly what fpdf2 draws, at a fraction of ``get_string_width``'s
        cost (the report measures every piece of every line)."""
        widths = self.pdf.fonts[FAMILY].cw
        scale = size / 1000
        return lambda text: sum(widths[ord(ch)] for ch in text) * scale

    def put(self, x: float, text: str, size: float, color: Colour, *, bold: bool = False) -> None:
        """One line at the current height; bold is the regular face outlined in its own colour,
        as the font package ships one weight."""
        pdf = self.pdf
        pdf.set_font(FAMILY, size=size)
        pdf.set_text_color(*color)
        style: AbstractContextManager[None] = (
            pdf.local_context(text_mode=TextMode.FILL_STROKE, line_width=size * 0.035, draw_color=color)
            if bold
            else nullcontext()
        )
        with style:
            pdf.text(x, self.y + (size * LINE - size) / 2 + size * ASCENT, text)

    def paragraph(
        self,
        text: str,
        size: float = BODY,
        color: Colour = INK,
        *,
        indent: float = 0,
        bold: bool = False,
        after: float = 0.6,
    ) -> None:
        lines = wrap(printable(text), self.width - indent, self.measure(size))
        for line in lines:
            self.room(size * LINE)
            self.put(self.left + indent, line, size, color, bold=bold)
            self.y += size * LINE
        self.space(after)

    def marked(self, mark: str, mark_color: Colour, text: str, size: float = BODY, indent: float = 0) -> None:
        """A line led by a coloured mark, the text's own lines aligned after the mark."""
        lines = wrap(printable(text), self.width - indent - INDENT, self.measure(size))
        self.room(size * LINE * min(2, len(lines)))
        self.put(self.left + indent, mark, size, mark_color)
        for line in lines:
            self.room(size * LINE)
            self.put(self.left + indent + INDENT, line, size, INK)
            self.y += size * LINE
        self.space(0.5)

    def heading(self, text: str, keep: float = 30) -> None:
        """A section heading, moved to the next page unless ``keep`` mm of its section fit under it."""
        if self.y + keep * MM > self.bottom:
            self.new_page()
        else:
            self.space(5)
        self.paragraph(text, size=14, color=ACCENT, bold=True, after=0.6)
        pdf = self.pdf
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.3 * MM)
        pdf.line(self.left, self.y, self.left + self.width, self.y)
        self.space(2.5)

    def need(self, need: CriterionView, indent: float, mark: str, color: Colour) -> None:
        """A criterion, and when it is missing the options that would satisfy it and its note."""
        self.marked(mark, color, need.text, indent=indent)
        for option in need.options:
            self.marked(BULLET, MUTED, option, size=SMALL, indent=indent + INDENT)
        if need.note:
            self.marked(NOTE_MARK, MUTED, need.note, size=8.5, indent=indent + INDENT)

    def table(
        self, headings: Sequence[str], rows: Sequence[Sequence[str]], fractions: Sequence[float]
    ) -> None:
        """Rows of wrapped cells with a rule under each; a row never splits across pages, and the
        headings are repeated at the top of each page the table continues on."""
        size, pad_x, pad_y = 9.5, 1.5 * MM, 1.2 * MM
        widths = [f * self.width for f in fractions]
        measure = self.measure(size)
        line = size * LINE

        def cells(row: Sequence[str]) -> list[list[str]]:
            return [wrap(printable(c), w - 2 * pad_x, measure) for c, w in zip(row, widths, strict=True)]

        def draw(lines: list[list[str]], color: Colour, shade: bool) -> None:
            height = max(len(c) for c in lines) * line + 2 * pad_y
            pdf = self.pdf
            if shade:
                pdf.set_fill_color(*SHADE)
                pdf.rect(self.left, self.y, self.width, height, style="F")
            x = self.left
            for cell, w in zip(lines, widths, strict=True):
                y = self.y
                self.y += pad_y
                for text in cell:
                    self.put(x + pad_x, text, size, color)
                    self.y += line
                self.y = y
                x += w
            self.y += height
            pdf.set_draw_color(*RULE)
            pdf.set_line_width(0.25 * MM)
            pdf.line(self.left, self.y, self.left + self.width, self.y)

        head = cells(headings)
        head_height = max(len(c) for c in head) * line + 2 * pad_y
        self.room(head_height + 2 * line + 2 * pad_y)
        draw(head, MUTED, True)
        for row in rows:
            body = cells(row)
            height = max(len(c) for c in body) * line + 2 * pad_y
            if self.y + height > self.bottom:
                self.new_page()
                draw(head, MUTED, True)
            draw(body, INK, False)


def _strings(view: ResultView, rows: tuple[AnswerRow, ...]) -> Iterator[str]:
    """Every text of the view and the answers (for the font: catalogue words are always in it)."""
    yield view.headline
    yield view.closing or ""
    for row in rows:
        yield row.label
        yield from row.values
    for level in view.levels:
        yield level.title
        for c in level.criteria:
            yield c.text
            yield from c.options
            yield c.note or ""
    for p in view.projects:
        yield p.text
    for gap in view.gaps:
        yield gap.heading
        for c in gap.needs:
            yield c.text
            yield from c.options
            yield c.note or ""


def _result(out: _Layout, view: ResultView, msg: Messages) -> None:
    out.heading(msg("document.report.result"))
    out.paragraph(view.headline, size=15, bold=True, after=1.5)
    size = 12
    measure = out.measure(size)
    out.room(size * LINE)
    x = out.left
    for level, met in view.ladder:
        step = f"{msg('document.step', level=level)} {MET_MARK if met else MISSING_MARK}"
        out.put(x, step, size, MET if met else MISSING)
        x += measure(step) + 6 * MM
    out.y += size * LINE
    out.space(1.5)
    if view.closing:
        out.paragraph(view.closing, size=11, color=MET)


def _plan(out: _Layout, view: ResultView, msg: Messages) -> None:
    out.heading(msg("document.report.plan"))
    if not view.gaps:
        out.paragraph(msg("document.report.plan.top"))
        return
    for gap in view.gaps:
        out.space(1)
        out.room(11.5 * LINE * 2)
        out.paragraph(gap.heading, size=11.5, bold=True, color=ACCENT if gap.closest else INK, after=1)
        for need in gap.needs:
            out.need(need, 0, BULLET, MISSING)


def _projects(out: _Layout, view: ResultView, msg: Messages) -> None:
    out.heading(msg("document.report.projects"), keep=45)
    if not view.projects:
        out.paragraph(msg("document.report.projects.none"), color=MUTED)
        return
    headings = (
        msg("document.report.projects.number"),
        msg("document.report.projects.level"),
        msg("document.report.projects.details"),
    )
    rows = [
        (
            msg.number(p.number),
            msg("document.report.projects.counts", level=p.level)
            if p.level
            else msg("document.report.projects.no_level"),
            p.text,
        )
        for p in view.projects
    ]
    out.table(headings, rows, (0.16, 0.16, 0.68))


def _levels(out: _Layout, view: ResultView, msg: Messages) -> None:
    out.heading(msg("document.report.levels"))
    for level in view.levels:
        reached = level.met or level.covered
        if level.covered:
            state = msg("document.report.level.covered", achieved=view.level)
        else:
            state = msg("document.report.level.met") if level.met else msg("document.report.level.missing")
        title = msg("document.report.level", level=level.level, title=level.title, state=state)
        out.space(1.5)
        out.room(11.5 * LINE + BODY * LINE * 2)
        out.marked(MET_MARK if reached else MISSING_MARK, MET if reached else MISSING, title, size=11.5)
        if level.covered:
            continue  # its questions were not asked: listing its criteria as missing would mislead
        for c in level.criteria:
            out.need(c, INDENT, MET_MARK if c.met else MISSING_MARK, MET if c.met else MISSING)


def _answers(out: _Layout, rows: tuple[AnswerRow, ...], msg: Messages) -> None:
    out.heading(msg("document.report.answers"), keep=45)
    none = msg("document.report.none")
    cells = []
    for row in rows:
        values = row.values or (none,)
        cells.append(
            (row.label, values[0] if len(values) == 1 else "\n".join(f"{BULLET} {v}" for v in values))
        )
    headings = (msg("document.report.answers.question"), msg("document.report.answers.answer"))
    out.table(headings, cells, (0.34, 0.66))


def render_report(view: ResultView, profile: Profile, msg: Messages) -> bytes:
    """The report as PDF bytes, in ``msg``'s language (``msg`` speaks the view's standard)."""
    assert msg.standard is not None, "the report words the standard's items"
    rows = answer_rows(profile, msg.standard, msg)
    taken = msg.date(view.taken_on or date.today())
    pdf = FPDF(orientation="P", unit="pt", format="A4")
    pdf.add_font(FAMILY, "", str(pdf_font_file("".join(_strings(view, rows)))))
    # The derivative's bounding box is already right; recomputing it on every save expands and
    # recompiles each embedded glyph, which would triple the time the report takes.
    pdf.fonts[FAMILY].ttfont.recalcBBoxes = False
    title = msg("document.report.title")
    pdf.set_title(printable(title))
    pdf.set_creator("levelcheck")
    pdf.set_lang(msg.language)
    pdf.set_auto_page_break(False)
    pdf.add_page()

    out = _Layout(pdf)
    out.paragraph(title, size=20, bold=True, after=1)
    standard = msg(
        "document.report.standard",
        title=msg.standard_title(),
        version=view.standard_version,
        id=view.standard_id,
    )
    out.paragraph(standard, size=9.5, color=MUTED, after=0.2)
    out.paragraph(msg("document.report.date", date=taken), size=9.5, color=MUTED)

    _result(out, view, msg)
    _plan(out, view, msg)
    _projects(out, view, msg)
    _levels(out, view, msg)
    _answers(out, rows, msg)
    _footers(pdf, view, taken, msg)
    return bytes(pdf.output())
