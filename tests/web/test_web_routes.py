"""Every route of the web page for every kind of visitor: exactly the allowed ones succeed, the rest
get 401 (no session) or a 403 page that names nothing, counts nothing and confirms no id."""

from __future__ import annotations

import csv
import io
import re

import httpx
import pytest
from web_people import login_token
from web_world import World, settings

from bot.web import create_web_app

NAMES = ("Alice", "Bob", "Carol", "Dave", "Eve", "Alpha", "Beta")
VISITORS = ("nobody", "eve", "lea", "ben", "ada")  # no session, engineer, lead A, lead B, admin


def _pages(world: World) -> dict[str, str]:
    p = world.people
    return {
        "list": "/",
        "transcript_a": f"/interviews/{p.interview['alice']}",
        "transcript_b": f"/interviews/{p.interview['carol']}",
        "transcript_none": f"/interviews/{p.interview['dave']}",  # in no team
        "transcript_unknown": "/interviews/987654",
        "transcript_huge": "/interviews/99999999999999",
        "result_a": f"/results/{p.result['alice']}",
        "result_b": f"/results/{p.result['carol']}",
        "result_unknown": "/results/987654",
        "teams": "/teams",
        "export": "/export.csv",
        "export_team_b": f"/export.csv?team={p.team['B']}",
        "list_team_b": f"/?team={p.team['B']}",
        "audit": "/audit",
    }


ALLOWED = {
    "nobody": set(),
    "eve": set(),
    "lea": {"list", "transcript_a", "result_a", "teams", "export"},
    "ben": {"list", "transcript_b", "result_b", "teams", "export", "export_team_b", "list_team_b"},
    "ada": {
        "list",
        "transcript_a",
        "transcript_b",
        "transcript_none",
        "result_a",
        "result_b",
        "teams",
        "export",
        "export_team_b",
        "list_team_b",
        "audit",
    },
}
ADMIN_NOT_FOUND = {"transcript_unknown", "transcript_huge", "result_unknown"}


@pytest.mark.parametrize("visitor", VISITORS)
async def test_every_page_for_every_visitor(
    world: World, client: httpx.AsyncClient, login, visitor: str
) -> None:
    await login(None if visitor == "nobody" else visitor)
    refusals: dict[str, str] = {}
    for page, url in _pages(world).items():
        response = await client.get(url)
        if visitor == "nobody":
            expected = 401
        elif page in ALLOWED[visitor]:
            expected = 200
        elif visitor == "ada" and page in ADMIN_NOT_FOUND:
            expected = 404
        else:
            expected = 403
        assert response.status_code == expected, (visitor, page, response.status_code)
        if expected in (401, 403):
            refusals[page] = response.text
    # A refusal is one page, whatever was asked: someone else's id and a made-up id look the same.
    assert len(set(refusals.values())) <= 1
    own = world.people.who[visitor].display_name or "" if visitor != "nobody" else ""
    for body in refusals.values():
        assert not any(name in body for name in NAMES if name not in own)
    for page, body in refusals.items():
        text = re.sub(r"<[^>]+>", "", body.split("<main>")[1])
        assert visitor == "nobody" or not re.search(r"\d", text), (page, "a refusal shows no number")


async def test_a_lead_sees_only_the_members_of_their_teams(
    world: World, client: httpx.AsyncClient, login
) -> None:
    await login("lea")
    listing = (await client.get("/")).text
    assert "Alice Anders" in listing and "Bob Brandt" in listing
    assert not any(n in listing for n in ("Carol", "Dave", "Eve", "Beta Crew"))
    teams = (await client.get("/teams")).text
    assert "Alpha Squad" in teams and "Beta Crew" not in teams
    export = list(csv.DictReader(io.StringIO((await client.get("/export.csv")).text)))
    assert [r["name"] for r in export] == ["Alice Anders"]


async def test_the_admin_sees_everyone_and_the_audit_log(
    world: World, client: httpx.AsyncClient, login
) -> None:
    await login("ada")
    listing = (await client.get("/")).text
    for name in ("Alice Anders", "Bob Brandt", "Carol Clark", "Dave Dunn"):
        assert name in listing
    assert "Eve Engineer" not in listing  # never past consent: nothing to list
    export = list(csv.DictReader(io.StringIO((await client.get("/export.csv")).text)))
    assert sorted(r["name"] for r in export) == ["Alice Anders", "Carol Clark", "Dave Dunn"]


async def test_filters_narrow_the_list_and_the_export(world: World, client: httpx.AsyncClient, login) -> None:
    await login("ada")
    p = world.people

    def shown(html: str) -> set[str]:
        return {n for n in ("Alice", "Bob", "Carol", "Dave") if f"{n} " in html}

    assert shown((await client.get("/?field=hardware")).text) == {"Alice"}
    assert shown((await client.get("/?finished=no")).text) == {"Bob"}
    assert shown((await client.get("/?finished=yes")).text) == {"Alice", "Carol", "Dave"}
    assert shown((await client.get(f"/?team={p.team['A']}")).text) == {"Alice", "Bob"}
    assert shown((await client.get("/?since=2000-01-01&until=2000-12-31")).text) == set()
    assert shown((await client.get("/?level=abc&field=&since=not-a-date")).text) == {
        "Alice",
        "Bob",
        "Carol",
        "Dave",
    }
    rows = list(csv.DictReader(io.StringIO((await client.get("/export.csv?field=software")).text)))
    assert [r["name"] for r in rows] == ["Carol Clark"]
    page = (await client.get("/?field=software")).text
    assert 'value="software" selected' in page and "export.csv?field=software" in page


async def test_a_transcript_shows_prompts_answers_times_and_refused_answers(
    world: World, client: httpx.AsyncClient, login
) -> None:
    await client.get("/")
    who = world.people.who["bob"]
    refused = await world.assessment.answer(who, "not a field")  # Bob types something the question refuses
    assert refused.prompt is not None and refused.prompt.error
    await login("lea")
    page = (await client.get(f"/interviews/{world.people.interview['bob']}")).text
    assert "Bob Brandt" in page and "not a field" in page
    assert 'class="answer refused"' in page and "Not accepted:" in page
    assert "<time datetime=" in page


async def test_pages_speak_the_viewers_language(world: World, client: httpx.AsyncClient, login) -> None:
    await login("ben")  # his Telegram client is Japanese
    page = (await client.get("/")).text
    assert '<html lang="ja">' in page and "診断一覧" in page
    await login("lea")
    assert '<html lang="en">' in (await client.get("/")).text
    client.cookies.clear()
    assert '<html lang="ja">' in (await client.get("/", headers={"accept-language": "ja-JP,ja;q=0.9"})).text


async def test_views_of_a_persons_data_are_audited(world: World, client: httpx.AsyncClient, login) -> None:
    p = world.people
    await login("lea")
    assert (await client.get(f"/interviews/{p.interview['alice']}")).status_code == 200
    assert (await client.get(f"/results/{p.result['alice']}")).status_code == 200
    assert (await client.get("/export.csv")).status_code == 200
    assert (await client.get(f"/results/{p.result['carol']}")).status_code == 403  # refused: not recorded
    async with world.uow() as uow:
        seen = await uow.audit.for_subject(p.user["alice"])
        assert await uow.audit.for_subject(p.user["carol"]) == []
    got = sorted((e.action, e.channel, e.actor_name, e.actor_role, e.object_id) for e in seen)
    assert got == sorted(
        [
            ("transcript", "web", "Lea Lead", "lead", p.interview["alice"]),
            ("result", "web", "Lea Lead", "lead", p.result["alice"]),
            ("results_csv", "web", "Lea Lead", "lead", None),
        ]
    )
    assert all(e.at == world.clock() for e in seen)
    await login("ada")
    audit = (await client.get("/audit")).text
    assert "Lea Lead" in audit and "Alice Anders" in audit and "Results export (CSV)" in audit


async def test_logout_needs_the_sessions_csrf_token(world: World, client: httpx.AsyncClient, login) -> None:
    assert (await client.post("/logout", data={"csrf": "x"})).status_code == 401
    await login("lea")
    page = (await client.get("/")).text
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token is not None and len(token.group(1)) >= 40
    assert (await client.post("/logout")).status_code == 403
    assert (await client.post("/logout", data={"csrf": token.group(1) + "x"})).status_code == 403
    assert (await client.get("/")).status_code == 200  # still signed in
    assert (await client.post("/logout", data={"csrf": token.group(1)})).status_code == 200
    assert (await client.get("/")).status_code == 401
    assert (await client.get("/logout")).status_code in (401, 403, 405)


async def test_a_sign_in_link_works_once(world: World, client: httpx.AsyncClient) -> None:
    token = await world.services.web_logins.issue(world.people.who["lea"])
    assert token is not None and len(token) >= 43
    first = await client.get(f"/login/{token}")
    assert first.status_code == 303 and first.headers["location"] == "/"
    client.cookies.clear()
    again = await client.get(f"/login/{token}")
    assert again.status_code == 403 and "does not work any more" in again.text
    assert "set-cookie" not in again.headers
    assert (await client.get("/")).status_code == 401


async def test_a_sign_in_link_expires_after_ten_minutes(world: World, client: httpx.AsyncClient) -> None:
    late = await world.services.web_logins.issue(world.people.who["lea"])
    in_time = await world.services.web_logins.issue(world.people.who["lea"])
    world.clock.advance(minutes=9, seconds=59)
    assert (await client.get(f"/login/{in_time}")).status_code == 303
    client.cookies.clear()
    world.clock.advance(seconds=1)
    assert (await client.get(f"/login/{late}")).status_code == 403
    assert (await client.get("/")).status_code == 401


async def test_sign_in_links_only_for_people_with_something_to_see(world: World) -> None:
    logins = world.services.web_logins
    assert await logins.issue(world.people.who["eve"]) is None  # an engineer
    assert await logins.issue(world.people.who["alice"]) is None  # a member is not a lead
    assert await logins.issue(type(world.people.who["eve"])(telegram_id=42)) is None  # unknown
    assert await logins.issue(world.people.who["ada"]) is not None
    assert await logins.issue(world.people.who["ben"]) is not None
    assert await logins.redeem("") is None and await logins.redeem("x" * 500) is None
    async with world.uow() as uow:
        from sqlalchemy import select

        from bot.storage.models import WebLogin

        stored = list(await uow.session.scalars(select(WebLogin)))
    assert len(stored) == 2 and all(len(w.token_hash) == 64 for w in stored)


async def test_an_engineer_with_an_old_link_sees_nothing(world: World, client: httpx.AsyncClient) -> None:
    token = await login_token(world.uow, world.people.user["eve"], world.clock())
    assert (await client.get(f"/login/{token}")).status_code == 303  # signed in, but...
    for url in _pages(world).values():
        assert (await client.get(url)).status_code == 403


@pytest.mark.parametrize(
    ("base_url", "secure"), [("https://levelcheck.example", True), ("http://10.0.0.1:8088", False)]
)
async def test_the_session_cookie_flags(world: World, base_url: str, secure: bool) -> None:
    app = create_web_app(world.services, settings(base_url))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        token = await world.services.web_logins.issue(world.people.who["lea"])
        response = await client.get(f"/login/{token}")
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith("levelcheck_session=")
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert ("secure" in cookie.split("; ")) is secure
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"


async def test_a_forged_or_tampered_cookie_is_no_session(
    world: World, client: httpx.AsyncClient, login
) -> None:
    await login("ada")
    value = client.cookies.get("levelcheck_session")
    assert value
    client.cookies.clear()
    client.cookies.set("levelcheck_session", value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB"))
    assert (await client.get("/")).status_code == 401


async def test_the_static_stylesheet_and_unknown_addresses(
    world: World, client: httpx.AsyncClient, login
) -> None:
    assert (await client.get("/static/web.css")).status_code == 200
    assert (await client.get("/nowhere")).status_code == 401
    await login("lea")
    assert (await client.get("/nowhere")).status_code == 403
    await login("ada")
    assert (await client.get("/nowhere")).status_code == 404
