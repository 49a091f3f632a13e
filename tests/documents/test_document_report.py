"""The PDF report for every field at levels 0, 1, 3 and the top, in English and Japanese, read back
with pypdf: A4 pages, the level, every criterion with what is missing and its options, every
project, the plan, the answers, the standard and the date, all inside the pages' margins."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date
from pathlib import Path

import pytest
from document_cases import CASES, LANGUAGES, rendered
from pypdf import PageObject, PdfReader

from bot.documents.answers import answer_rows
from bot.documents.card import render_card
from bot.documents.fonts import printable
from bot.documents.report import render_report
from criteria import evaluate, load_standard_file, parse_profile
from dialogs.messages import Messages
from dialogs.result import build_result

A4 = (595.28, 841.89)
BOTTOM_OF_BODY = 18 * 72 / 25.4  # the body's lowest baseline sits above this (from the page's foot)


def _compact(text: str) -> str:
    """Without blanks: lines wrap anywhere in Japanese, and extraction joins lines with blanks."""
    return re.sub(r"\s+", "", printable(text))


def _baselines(page: PageObject) -> list[float]:
    """Where each piece of text on the page stands, in points from the page's foot."""
    found: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            found.append(tm[5])

    page.extract_text(visitor_text=visit)
    return found


def _read(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("field", "level"), CASES)
def test_the_report_says_everything_the_result_says(field: str, level: int, language: str) -> None:
    r = rendered(field, level, language)
    reader = _read(r.pdf)
    text = _compact("".join(page.extract_text() for page in reader.pages))
    view, msg = r.view, r.msg

    assert _compact(view.headline) in text
    if level:
        assert _compact(msg("outcome.level", level=level)).lower() in text.lower()
    for lv in view.levels:
        assert _compact(lv.title) in text
        if lv.covered:  # below the level reached and never asked: said so, its criteria not listed
            assert _compact(msg("document.report.level.covered", achieved=level)) in text
            continue
        for c in lv.criteria:
            assert _compact(c.text) in text
            for option in c.options:
                assert _compact(option) in text
    for gap in view.gaps:  # the plan: only what is missing, with its options and notes
        assert _compact(gap.heading) in text
        for need in gap.needs:
            assert _compact(need.text) in text
            assert all(_compact(o) in text for o in need.options)
            assert need.note is None or _compact(need.note) in text
    for project in view.projects:
        assert _compact(project.text) in text
    if view.closing:
        assert _compact(view.closing) in text
    for row in answer_rows(r.profile, r.std, msg):
        assert _compact(row.label) in text
        assert all(_compact(v) in text for v in row.values)
    assert _compact(msg("document.report.date", date=msg.date(view.taken_on))) in text
    assert view.standard_id in text and view.standard_version in text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("field", "level"), CASES)
def test_pages_are_a4_numbered_and_nothing_runs_off_them(field: str, level: int, language: str) -> None:
    r = rendered(field, level, language)
    reader = _read(r.pdf)
    pages = len(reader.pages)
    assert pages >= 2, "every level's criteria and the answers take more than a page"
    for number, page in enumerate(reader.pages, start=1):
        box = page.mediabox
        assert (float(box.width), float(box.height)) == pytest.approx(A4, abs=0.5)
        footer = r.msg(
            "document.report.footer",
            id=r.view.standard_id,
            version=r.view.standard_version,
            date=r.msg.date(r.view.taken_on),
            page=number,
            pages=pages,
        )
        assert _compact(footer) in _compact(page.extract_text())
        heights = _baselines(page)
        body = [y for y in heights if y > 15 * 72 / 25.4]  # above the footer
        assert body, "a page with nothing on it"
        assert min(body) >= BOTTOM_OF_BODY and max(body) <= float(box.height) - 36


def test_japanese_is_in_the_japanese_report_and_the_font_is_embedded() -> None:
    r = rendered("hardware", 3, "ja")
    reader = _read(r.pdf)
    text = "".join(page.extract_text() for page in reader.pages)
    assert "診断レポート" in text and "レベル3" in text
    assert re.search(r"[\u3040-\u30ff]", text) and re.search(r"[\u4e00-\u9fff]", text)
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()  # type: ignore[index, union-attr]
    }
    assert fonts and all("NotoSansCJK" in name for name in fonts)
    descendant = next(iter(reader.pages[0]["/Resources"]["/Font"].values())).get_object()  # type: ignore[index, union-attr]
    descriptor = descendant["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    assert "/FontFile2" in descriptor, "the font is embedded (TrueType outlines), not referenced"


def test_english_report_is_english() -> None:
    text = "".join(p.extract_text() for p in _read(rendered("software", 1, "en").pdf).pages)
    assert "assessment report" in text and "Your plan" in text
    assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text)


def test_a_report_without_a_date_is_dated_today() -> None:
    r = rendered("facility", 1, "en")
    undated = dataclasses.replace(r.view, taken_on=None)
    text = _compact("".join(p.extract_text() for p in _read(render_report(undated, r.profile, r.msg)).pages))
    assert _compact(r.msg.date(date.today())) in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_documents_of_another_standard_use_its_own_words(language: str) -> None:
    """The toy help-desk standard: other fields, levels, roles and a measured size of its own."""
    root = Path(__file__).resolve().parents[2]
    std = load_standard_file(root / "tests/fixtures/standards/toy-helpdesk.json")
    raw = {
        "field": "onsite",
        "role": "agent",
        "experiences": [
            {
                "complexity": ["onsite.cx.hazard", "onsite.cx.night"],
                "scope": "building",
                "desk_count": 250,
                "floors": 6,
            }
        ],
        "themes": ["onsite.l2.theme.cabling"],
    }
    profile = parse_profile(raw, std)
    msg = Messages(language, std)
    view = build_result(profile, std, msg, taken_on=date(2026, 5, 1))
    assert view.level == evaluate(profile, std).level
    text = _compact("".join(p.extract_text() for p in _read(render_report(view, profile, msg)).pages))
    assert _compact(view.headline) in text and "toy-helpdesk" in text and "0.1" in text
    assert _compact(msg.std("quantity.desks.label", n=1)) in text and "250" in text
    assert render_card(view, msg).startswith(b"\x89PNG")
