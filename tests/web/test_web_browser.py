"""The web page in a real browser: Debian's Chromium driven by Playwright against the real uvicorn
server on a free loopback port. Sign in with a one-time link, filter, open a transcript and a result,
export CSV, sign out; a reused or expired link is refused. Screenshots of the main pages land in
``test-artifacts/web/`` (git-ignored) for a person to look at.

Playwright's own browser download cannot run here, so the tests use ``/usr/bin/chromium`` (the
``chromium`` package, which ``.ci/run`` installs). Without it they skip with one line, except under
``CI=true``, where a missing browser fails them rather than hiding them.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from web_world import World, settings

from bot.documents.fonts import font_path
from bot.web import WebServer, create_web_app, serve_web

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
PHONE = {"width": 390, "height": 844}


def _browser_or_skip() -> None:
    missing = None
    if not CHROMIUM.exists():
        missing = f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
    else:
        try:
            import playwright.async_api  # noqa: F401
        except ImportError:
            missing = "browser tests need the playwright package (pip install -e '.[dev]')"
    if missing is None:
        return
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"CI=true: {missing}", pytrace=False)
    pytest.skip(missing)


@pytest.fixture
def database_backend() -> str:
    """One backend is enough here: the routes' behaviour on both is covered by test_web_routes."""
    return "sqlite"


@pytest.fixture
async def server(world: World) -> AsyncIterator[WebServer]:
    _browser_or_skip()
    web = await serve_web(create_web_app(world.services, settings()), "127.0.0.1", 0)
    try:
        yield web
    finally:
        await web.stop()
    assert not web.running


def _fonts_with_japanese(folder: Path) -> dict[str, str]:
    """The system's fonts plus the Japanese font levelcheck ships for its PDFs, so screenshots of
    Japanese pages show words, not boxes, on a machine without CJK fonts (as CI's is)."""
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{font_path().parent}</dir>\n  <cachedir>{folder / 'cache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


@pytest.fixture
async def browser(server: WebServer, tmp_path: Path) -> AsyncIterator[object]:
    from playwright.async_api import async_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu"],
            env=_fonts_with_japanese(tmp_path),
        )
        try:
            yield chromium
        finally:
            await chromium.close()


async def test_sign_in_filter_read_and_export_in_a_browser(world: World, server: WebServer, browser) -> None:
    base = f"http://127.0.0.1:{server.port}"
    token = await world.services.web_logins.issue(world.people.who["ada"])
    context = await browser.new_context(viewport=PHONE, accept_downloads=True, locale="en-US")
    page = await context.new_page()

    response = await page.goto(f"{base}/login/{token}")
    assert response is not None and response.status == 200 and page.url == f"{base}/"
    assert await page.locator("h1").inner_text() == "Interviews"
    assert await page.locator("html").get_attribute("lang") == "en"
    await page.screenshot(path=str(ARTIFACTS / "interviews.png"), full_page=True)

    await page.select_option("select[name=field]", "hardware")
    await page.select_option("select[name=finished]", "yes")
    await page.get_by_role("button", name="Apply filters").click()
    await page.wait_for_url("**/?*field=hardware*")
    rows = page.locator("tbody tr")
    assert await rows.count() == 1 and "Alice Anders" in await rows.first.inner_text()
    await page.screenshot(path=str(ARTIFACTS / "interviews-filtered.png"), full_page=True)

    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="Download the matching results (CSV)").click()
    download = await download_info.value
    assert download.suggested_filename == "levelcheck-results.csv"
    text = Path(await download.path()).read_text(encoding="utf-8")
    exported = list(csv.DictReader(io.StringIO(text)))
    assert [(r["name"], r["field"]) for r in exported] == [("Alice Anders", "hardware")]

    await rows.first.get_by_role("link", name="Transcript").click()
    await page.wait_for_url(f"**/interviews/{world.people.interview['alice']}")
    assert "Transcript of interview" in await page.locator("h1").inner_text()
    assert await page.locator("ol.transcript li.answer").count() > 5
    await page.screenshot(path=str(ARTIFACTS / "transcript.png"), full_page=True)

    await page.get_by_role("link", name="Result").click()
    await page.wait_for_url(f"**/results/{world.people.result['alice']}")
    assert "Result of Alice Anders" in await page.locator("h1").inner_text()
    await page.screenshot(path=str(ARTIFACTS / "result.png"), full_page=True)

    await page.get_by_role("link", name="Teams").click()
    assert "Alpha Squad" in await page.locator("main").inner_text()
    await page.screenshot(path=str(ARTIFACTS / "teams.png"), full_page=True)
    await page.get_by_role("link", name="Audit log").click()
    assert "Results export (CSV)" in await page.locator("main").inner_text()
    await page.screenshot(path=str(ARTIFACTS / "audit.png"), full_page=True)

    # The page works as drawn on a phone: nothing wider than the screen but the tables' own scrollers.
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]

    await page.get_by_role("button", name="Sign out").click()
    assert await page.locator("h1").inner_text() == "Signed out"
    again = await page.goto(f"{base}/")
    assert again is not None and again.status == 401
    await context.close()


async def test_a_reused_or_expired_link_is_refused_in_a_browser(
    world: World, server: WebServer, browser
) -> None:
    base = f"http://127.0.0.1:{server.port}"
    used = await world.services.web_logins.issue(world.people.who["lea"])
    expired = await world.services.web_logins.issue(world.people.who["lea"])
    first = await browser.new_context(viewport=PHONE)
    assert (await (await first.new_page()).goto(f"{base}/login/{used}")).status == 200
    await first.close()

    context = await browser.new_context(viewport=PHONE, locale="ja-JP")
    page = await context.new_page()
    reused = await page.goto(f"{base}/login/{used}")
    assert reused is not None and reused.status == 403
    assert "このリンクはもう使えません" in await page.locator("h1").inner_text()  # the browser's language
    await page.screenshot(path=str(ARTIFACTS / "link-refused-ja.png"), full_page=True)
    world.clock.advance(minutes=10, seconds=1)
    late = await page.goto(f"{base}/login/{expired}")
    assert late is not None and late.status == 403
    nobody = await page.goto(f"{base}/")
    assert nobody is not None and nobody.status == 401
    await page.screenshot(path=str(ARTIFACTS / "sign-in-needed-ja.png"), full_page=True)

    # A lead asking for another team's member gets the same neutral page as for a made-up id.
    fresh = await world.services.web_logins.issue(world.people.who["lea"])
    assert (await page.goto(f"{base}/login/{fresh}")).status == 200
    other = await page.goto(f"{base}/results/{world.people.result['carol']}")
    assert other is not None and other.status == 403
    body = await page.locator("main").inner_text()
    made_up = await page.goto(f"{base}/results/987654")
    assert made_up is not None and made_up.status == 403 and await page.locator("main").inner_text() == body
    await page.screenshot(path=str(ARTIFACTS / "forbidden.png"), full_page=True)
    await context.close()
