"""The permission matrix of issue 9: five people try every Telegram command, every team-scoped button
(forged with team A's ids) and every web page and form; exactly the allowed ones succeed.

Who may do what, from the issue: leads and co-leads see only their teams, admins everything,
engineers only their own data; a lead sees a member only after the member consented; a refusal is
one neutral answer that names no person and no team, counts nothing, and is the same for an id that
exists but is someone else's and for an id that does not exist (only admins, who may see every id,
are told that one does not exist).

The expected outcome of every (person, action) is declared once, in ``TELEGRAM`` and ``WEB`` below;
the tests only check the bot and the page against them. A command or a button verb the bot gains
without a row here fails ``test_the_matrix_covers_every_command_button_and_page``.

Outcomes:
- ``ALLOWED``: it works and shows what it aims at (the marker of the action: team A's member, team A,
  the transcript asked for, …);
- ``OWN``: it works, for the person's own things only: nothing it aims at shows;
- ``REFUSED``: exactly the action's neutral refusal, nothing else sent, nothing changed;
- ``MISSING``: (admins only) the id does not exist, and the admin is told so;
- ``SIGNED_OUT``: (web) no session, 401 — for people who cannot get a sign-in link.

Everyone's every answer is also checked for names they may not see (``VISIBLE``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import httpx
import pytest
from permission_world import EN, NOT_THERE, PEOPLE, TEAM_A, TEAM_B, World, act, web_client, who
from web_people import login_token

from bot import telegram_review, telegram_teams
from bot.config import Settings
from bot.service import Identity
from bot.telegram_bot import build_application
from bot.web import create_web_app

ALLOWED, OWN, REFUSED, MISSING, SIGNED_OUT = "allowed", "own", "refused", "missing", "signed out"
ACTORS = ("engineer", "lead_a", "colead_a", "lead_b", "admin")
ALICE, CAROL, UMA = PEOPLE["alice"].name, PEOPLE["carol"].name, PEOPLE["uma"].name

#: Names each person may ever read: their own, their teams', their teams' leads and (for leads)
#: consented members. Uma never consented: nobody but an admin may see anything of hers.
VISIBLE = {
    "engineer": {"engineer", "lead_a", "colead_a", TEAM_A},
    "lead_a": {"lead_a", "colead_a", "engineer", "alice", TEAM_A},
    "colead_a": {"lead_a", "colead_a", "engineer", "alice", TEAM_A},
    "lead_b": {"lead_b", "carol", TEAM_B},
    "admin": {*PEOPLE, TEAM_A, TEAM_B},
}
SENSITIVE = {**{key: p.name for key, p in PEOPLE.items()}, TEAM_A: TEAM_A, TEAM_B: TEAM_B}

# --- Telegram ----------------------------------------------------------------------------------

# fmt: off
#: person × Telegram action → outcome. Executed top to bottom, so what changes things comes last.
TELEGRAM = {
    # action                    engineer  lead A    co-lead A lead B    admin
    # An admin who never wrote to the bot is an admin all the same: /web comes first.
    "/web":                     (REFUSED, ALLOWED, ALLOWED, ALLOWED, ALLOWED),
    # /team and /team_csv report the teams one leads; admins see every team in /results and on the web.
    "/team":                    (OWN,     ALLOWED, ALLOWED, OWN,     OWN),
    "/team_csv":                (OWN,     ALLOWED, ALLOWED, OWN,     OWN),
    "/results":                 (REFUSED, ALLOWED, ALLOWED, OWN,     ALLOWED),
    "/transcript A":            (REFUSED, ALLOWED, ALLOWED, REFUSED, ALLOWED),
    "/transcript B":            (REFUSED, REFUSED, REFUSED, ALLOWED, ALLOWED),
    "/transcript unconsented":  (REFUSED, REFUSED, REFUSED, REFUSED, ALLOWED),
    "/transcript none":         (REFUSED, REFUSED, REFUSED, REFUSED, MISSING),
    "/transcript huge":         (REFUSED, REFUSED, REFUSED, REFUSED, MISSING),
    "/review":                  (OWN,     ALLOWED, ALLOWED, OWN,     OWN),
    "/invites":                 (OWN,     ALLOWED, ALLOWED, OWN,     OWN),
    "/privacy":                 (OWN,     OWN,     OWN,     OWN,     OWN),
    "/start":                   (OWN,     OWN,     OWN,     OWN,     OWN),
    "/resume":                  (OWN,     OWN,     OWN,     OWN,     OWN),
    "/back":                    (OWN,     OWN,     OWN,     OWN,     OWN),
    "/result":                  (OWN,     OWN,     OWN,     OWN,     OWN),
    "/card":                    (OWN,     OWN,     OWN,     OWN,     OWN),
    "/report":                  (OWN,     OWN,     OWN,     OWN,     OWN),
    "/history":                 (OWN,     OWN,     OWN,     OWN,     OWN),
    "/export":                  (OWN,     OWN,     OWN,     OWN,     OWN),
    "/forget":                  (OWN,     OWN,     OWN,     OWN,     OWN),
    "/language":                (OWN,     OWN,     OWN,     OWN,     OWN),
    "/help":                    (OWN,     OWN,     OWN,     OWN,     OWN),
    "/teams":                   (OWN,     OWN,     OWN,     OWN,     OWN),
    # Anyone may create a team (TEAM_CREATION=anyone): /invite alone asks a name or offers one's teams.
    "/invite":                  (OWN,     OWN,     OWN,     OWN,     OWN),
    "/cancel":                  (OWN,     OWN,     OWN,     OWN,     OWN),
    "/restart":                 (OWN,     OWN,     OWN,     OWN,     OWN),
    # Team A's member link: its leads and admins manage it; "show" is a row of one's own /invites.
    "iv1:A:sh":                 (REFUSED, ALLOWED, ALLOWED, REFUSED, REFUSED),
    "iv1:A:e7":                 (REFUSED, ALLOWED, ALLOWED, REFUSED, ALLOWED),
    "iv1:A:e30":                (REFUSED, ALLOWED, ALLOWED, REFUSED, ALLOWED),
    "iv1:A:e90":                (REFUSED, ALLOWED, ALLOWED, REFUSED, ALLOWED),
    "iv1:A:e0":                 (REFUSED, ALLOWED, ALLOWED, REFUSED, ALLOWED),
    "iv1:A:u10":                (REFUSED, ALLOWED, ALLOWED, REFUSED, ALLOWED),
    "iv1:A:u50":                (REFUSED, ALLOWED, ALLOWED, REFUSED, ALLOWED),
    "iv1:A:u0":                 (REFUSED, ALLOWED, ALLOWED, REFUSED, ALLOWED),
    # Team A's card: report, CSV and new links belong to its leads' /teams card; notifications are
    # a setting of the team, which admins may change too.
    "tm1:A:rep":                (REFUSED, ALLOWED, ALLOWED, REFUSED, REFUSED),
    "tm1:A:csv":                (REFUSED, ALLOWED, ALLOWED, REFUSED, REFUSED),
    "tm1:A:link":               (REFUSED, ALLOWED, ALLOWED, REFUSED, REFUSED),
    "tm1:A:co":                 (REFUSED, ALLOWED, ALLOWED, REFUSED, REFUSED),
    "tm1:A:n0":                 (REFUSED, ALLOWED, ALLOWED, REFUSED, ALLOWED),
    "tm1:A:n1":                 (REFUSED, ALLOWED, ALLOWED, REFUSED, ALLOWED),
    # Leaving is for members; "No, stay" shows the card of one's own team again.
    "tm1:A:lv":                 (ALLOWED, REFUSED, REFUSED, REFUSED, REFUSED),
    "tm1:A:lvn":                (ALLOWED, ALLOWED, ALLOWED, REFUSED, REFUSED),
    # Reviewing a member's result: the leads of a team the member is in, and admins; never the owner.
    "rv1:Alice:o":              (REFUSED, ALLOWED, ALLOWED, REFUSED, ALLOWED),
    "rv1:Alice:s":              (REFUSED, ALLOWED, ALLOWED, REFUSED, ALLOWED),
    "rv1:Alice:b":              (REFUSED, ALLOWED, ALLOWED, REFUSED, ALLOWED),
    "rv1:Alice:c":              (REFUSED, ALLOWED, ALLOWED, REFUSED, ALLOWED),
    "rv1:Alice:q":              (REFUSED, ALLOWED, ALLOWED, REFUSED, ALLOWED),
    "rv1:Alice:m":              (REFUSED, ALLOWED, ALLOWED, REFUSED, ALLOWED),
    "rv1:Erin:o":               (REFUSED, ALLOWED, ALLOWED, REFUSED, ALLOWED),
    # The same buttons at ids that do not exist: the very refusal someone else's id gets.
    **{f"iv1:none:{verb}":      (REFUSED, REFUSED, REFUSED, REFUSED, REFUSED)
       for verb in ("sh", "e7", "e30", "e90", "e0", "u10", "u50", "u0", "rl", "rv")},
    **{f"tm1:none:{verb}":      (REFUSED, REFUSED, REFUSED, REFUSED, REFUSED)
       for verb in ("rep", "csv", "link", "co", "n0", "n1", "lv", "lvn", "lvy")},
    **{f"rv1:none:{verb}":      (REFUSED, REFUSED, REFUSED, REFUSED, REFUSED)
       for verb in ("o", "s", "b", "c", "q", "m")},
    # Last, as they change things: revoking A's link, leaving A, who may create teams.
    "iv1:A:rl":                 (REFUSED, ALLOWED, ALLOWED, REFUSED, ALLOWED),
    "iv1:A:rv":                 (REFUSED, ALLOWED, ALLOWED, REFUSED, ALLOWED),
    "tm1:A:lvy":                (ALLOWED, REFUSED, REFUSED, REFUSED, REFUSED),
    "/grant":                   (REFUSED, REFUSED, REFUSED, REFUSED, ALLOWED),
    "/grant none":              (REFUSED, REFUSED, REFUSED, REFUSED, MISSING),
    "/revoke_lead":             (REFUSED, REFUSED, REFUSED, REFUSED, ALLOWED),
    "/revoke_lead none":        (REFUSED, REFUSED, REFUSED, REFUSED, MISSING),
}
# fmt: on


@dataclass(frozen=True)
class Tg:
    """How an action of ``TELEGRAM`` is tried: a command or forged button data (``{fields}`` of the
    world); ``shows``: what an allowed one shows (in its words, a file's name or contents); the
    catalogue ids of its refusal and of an admin's "no such id"; ``twin``: the same action at an id
    that does not exist, whose refusal must be the very same words."""

    payload: str
    shows: str = ""
    refusal: str = "bot.teams.denied"
    missing: str = ""
    twin: str = ""


def _actions() -> dict[str, Tg]:
    actions = {
        "/web": Tg("/web", "/login/", "bot.web.refused"),
        "/team": Tg("/team", ALICE, ""),
        "/team_csv": Tg("/team_csv", ALICE, ""),
        "/results": Tg("/results", ALICE, "bot.admin_only"),
        "/transcript A": Tg("/transcript {iv_alice}", "transcript-{iv_alice}.tsv", "bot.admin_only"),
        "/transcript B": Tg("/transcript {iv_carol}", "transcript-{iv_carol}.tsv", "bot.admin_only"),
        "/transcript unconsented": Tg("/transcript {iv_uma}", "transcript-{iv_uma}.tsv", "bot.admin_only"),
        "/transcript none": Tg("/transcript {none}", "", "bot.admin_only", "bot.transcript.none"),
        "/transcript huge": Tg("/transcript 99999999999", "", "bot.admin_only", "bot.transcript.none"),
        "/review": Tg("/review", ALICE, ""),
        "/invites": Tg("/invites", TEAM_A, ""),
        "/grant": Tg("/grant {tg_alice}", EN("bot.teams.granted"), twin="/grant none"),
        "/grant none": Tg("/grant {none}", missing="bot.teams.grant_nobody"),
        "/revoke_lead": Tg("/revoke_lead {tg_alice}", EN("bot.teams.ungranted"), twin="/revoke_lead none"),
        "/revoke_lead none": Tg("/revoke_lead {none}", missing="bot.teams.grant_nobody"),
        "rv1:Erin:o": Tg("rv1:{res_engineer}:0:o", PEOPLE["engineer"].name, twin="rv1:none:o"),
    }
    for name in ("/transcript B", "/transcript unconsented", "/transcript huge"):
        actions[name] = replace(actions[name], twin="/transcript none")
    actions["/transcript A"] = replace(actions["/transcript A"], twin="/transcript none")
    for name in TELEGRAM:
        if name.startswith("/") and name not in actions:
            actions[name] = Tg(name, refusal="")  # one's own things: no refusal, nothing aimed at
    ids = {"iv1": "{inv_a}", "tm1": "{team_a}", "rv1": "{res_alice}"}
    for name in TELEGRAM:
        if name[:4] not in ("iv1:", "tm1:", "rv1:") or name in actions:
            continue
        prefix, target, verb = name.split(":")
        position = ":0" if prefix == "rv1" else ""  # a review button names the claim's position too
        where = "{none}" if target == "none" else ids[prefix]
        shows = {"rep": ALICE, "csv": ALICE, "rl": EN("bot.invite.revoked_toast")}.get(verb, TEAM_A)
        if prefix == "rv1":
            shows = EN("bot.review.type_comment", n=1) if verb == "m" else ALICE
        twin = "" if target == "none" else f"{prefix}:none:{verb}"
        actions[name] = Tg(f"{prefix}:{where}{position}:{verb}", shows, twin=twin)
    return actions


ACTIONS = _actions()


def _fields(world: World) -> dict[str, object]:
    return {
        "iv_alice": world.interview["alice"],
        "iv_carol": world.interview["carol"],
        "iv_uma": world.interview["uma"],
        "res_alice": world.result["alice"],
        "res_engineer": world.result["engineer"],
        "inv_a": world.invitation["A"],
        "team_a": world.team["A"],
        "tg_alice": PEOPLE["alice"].telegram_id,
        "none": NOT_THERE,
    }


def _leaks(person: str, text: str) -> list[str]:
    return [name for key, name in SENSITIVE.items() if key not in VISIBLE[person] and name in text]


@pytest.mark.parametrize("person", ACTORS)
def test_telegram_commands_and_buttons(world: World, person: str) -> None:
    actor = PEOPLE[person]
    fields = _fields(world)
    column = ACTORS.index(person)
    act(world, actor, "cmd", "/help")  # a bot message in the chat for the forged buttons to sit on
    seen_by_action = {}
    wrong: list[str] = []
    for name, outcomes in TELEGRAM.items():
        action = ACTIONS[name]
        expected = outcomes[column]
        kind = "button" if not action.payload.startswith("/") else "cmd"
        seen = act(world, actor, kind, action.payload.format(**fields))
        seen_by_action[name] = seen
        everything = seen.everything + "\n" + "\n".join(f.file_name or "" for f in seen.files)
        shows = action.shows.format(**fields)
        if leaked := _leaks(person, everything):
            wrong.append(f"{name}: shows {leaked}")
        if expected == REFUSED:
            refusal = EN(action.refusal)
            if seen.reply != refusal or seen.files or seen.photos:
                wrong.append(f"{name}: expected the refusal {refusal!r}, got {seen.reply[:200]!r}")
            if re.search(r"\d", seen.reply):
                wrong.append(f"{name}: the refusal shows a number")
        elif expected == MISSING:
            if seen.reply != EN(action.missing) or seen.files:
                wrong.append(f"{name}: expected {action.missing}, got {seen.reply[:200]!r}")
        elif expected == ALLOWED:
            if not shows or shows not in everything:
                wrong.append(f"{name}: allowed, but {shows!r} is not shown: {seen.reply[:200]!r}")
            if action.refusal and seen.reply == EN(action.refusal):
                wrong.append(f"{name}: allowed, but refused")
        else:  # OWN
            if not (seen.reply or seen.files or seen.photos):
                wrong.append(f"{name}: no answer at all")
            if action.refusal and seen.reply == EN(action.refusal):
                wrong.append(f"{name}: the person's own, but refused")
            if shows and shows in everything:
                wrong.append(f"{name}: the person's own only, but shows {shows!r}")
    # An id that exists but is someone else's is refused exactly as one that does not exist.
    for name, outcomes in TELEGRAM.items():
        action = ACTIONS[name]
        if outcomes[column] == REFUSED and action.twin:
            assert TELEGRAM[action.twin][column] == REFUSED, (name, action.twin)
            if seen_by_action[name].reply != seen_by_action[action.twin].reply:
                wrong.append(f"{name}: refused unlike {action.twin}")
    assert not wrong, f"{person}:\n" + "\n".join(wrong)


def test_refusals_changed_nothing_and_allowed_changes_happened(world: World) -> None:
    """What a lead of another team and an engineer try on team A changes nothing of it."""
    fields = _fields(world)
    for person in ("lead_b", "engineer"):
        for name in (
            "iv1:A:rv",
            "iv1:A:e0",
            "iv1:A:u10",
            "tm1:A:n0",
            "tm1:A:co",
            "tm1:A:link",
            "rv1:Alice:q",
        ):
            act(world, PEOPLE[person], "button", ACTIONS[name].payload.format(**fields))
        act(world, PEOPLE[person], "cmd", f"/grant {PEOPLE['engineer'].telegram_id}")

    async def check() -> None:
        runtime = world.runtime
        lead = who(PEOPLE["lead_a"])
        invitations = await runtime.teams.invitations(lead)
        assert len(invitations) == 2  # the member link and the co-lead's, no new one
        member_link = next(i for i in invitations if i.id == world.invitation["A"])
        assert member_link.usable and member_link.max_uses is None and member_link.expires_at is not None
        (team,) = await runtime.teams.teams_of(lead)
        assert team.notify_on_finish and team.leads == (PEOPLE["lead_a"].name, PEOPLE["colead_a"].name)
        review = await runtime.reviews.open(lead, world.result["alice"])
        assert review.reviewed == 0
        async with world.h.uow() as uow:
            engineer = await uow.users.by_telegram_id(PEOPLE["engineer"].telegram_id)
            assert engineer is not None and not engineer.may_lead

    world.h.run(check())
    # The same presses by the team's co-lead do change it.
    act(world, PEOPLE["colead_a"], "button", f"iv1:{world.invitation['A']}:rv")
    act(world, PEOPLE["colead_a"], "button", f"tm1:{world.team['A']}:n0")

    async def changed() -> None:
        lead = who(PEOPLE["lead_a"])
        member_link = next(
            i for i in await world.runtime.teams.invitations(lead) if i.id == world.invitation["A"]
        )
        assert member_link.revoked
        assert not (await world.runtime.teams.teams_of(lead))[0].notify_on_finish

    world.h.run(changed())


# --- the web page ------------------------------------------------------------------------------


# fmt: off
#: person × web request → outcome. Nobody gives the engineer a sign-in link: all they get is 401.
WEB = {
    # request                   engineer    lead A   co-lead A lead B   admin
    "GET /":                    (SIGNED_OUT, ALLOWED, ALLOWED, OWN,     ALLOWED),
    "GET /?team=A":             (SIGNED_OUT, ALLOWED, ALLOWED, REFUSED, ALLOWED),
    "GET /?team=none":          (SIGNED_OUT, REFUSED, REFUSED, REFUSED, OWN),
    "GET /interviews/A":        (SIGNED_OUT, ALLOWED, ALLOWED, REFUSED, ALLOWED),
    "GET /interviews/B":        (SIGNED_OUT, REFUSED, REFUSED, ALLOWED, ALLOWED),
    "GET /interviews/Uma":      (SIGNED_OUT, REFUSED, REFUSED, REFUSED, ALLOWED),  # never consented
    "GET /interviews/none":     (SIGNED_OUT, REFUSED, REFUSED, REFUSED, MISSING),
    "GET /results/A":           (SIGNED_OUT, ALLOWED, ALLOWED, REFUSED, ALLOWED),
    "GET /results/B":           (SIGNED_OUT, REFUSED, REFUSED, ALLOWED, ALLOWED),
    "GET /results/none":        (SIGNED_OUT, REFUSED, REFUSED, REFUSED, MISSING),
    "GET /teams":               (SIGNED_OUT, ALLOWED, ALLOWED, OWN,     ALLOWED),
    "GET /export.csv":          (SIGNED_OUT, ALLOWED, ALLOWED, OWN,     ALLOWED),
    "GET /export.csv?team=A":   (SIGNED_OUT, ALLOWED, ALLOWED, REFUSED, ALLOWED),
    "GET /export.csv?team=none": (SIGNED_OUT, REFUSED, REFUSED, REFUSED, OWN),
    "GET /audit":               (SIGNED_OUT, REFUSED, REFUSED, REFUSED, ALLOWED),
    "GET /nowhere":             (SIGNED_OUT, REFUSED, REFUSED, REFUSED, MISSING),
    "POST /logout, no CSRF":    (SIGNED_OUT, REFUSED, REFUSED, REFUSED, REFUSED),
    "POST /logout, bad CSRF":   (SIGNED_OUT, REFUSED, REFUSED, REFUSED, REFUSED),
    "POST /logout":             (SIGNED_OUT, ALLOWED, ALLOWED, ALLOWED, ALLOWED),  # last: then nothing works
}
# fmt: on


@dataclass(frozen=True)
class Web:
    method: str
    path: str
    shows: str = ""  # what an allowed page shows
    form: dict[str, str] = field(default_factory=dict)  # a POST's fields; "{csrf}": the session's token


PAGES = {
    "GET /": Web("GET", "/", ALICE),
    "GET /?team=A": Web("GET", "/?team={team_a}", ALICE),
    "GET /?team=none": Web("GET", "/?team={none}"),
    "GET /interviews/A": Web("GET", "/interviews/{iv_alice}", ALICE),
    "GET /interviews/B": Web("GET", "/interviews/{iv_carol}", CAROL),
    "GET /interviews/Uma": Web("GET", "/interviews/{iv_uma}", UMA),
    "GET /interviews/none": Web("GET", "/interviews/{none}"),
    "GET /results/A": Web("GET", "/results/{res_alice}", ALICE),
    "GET /results/B": Web("GET", "/results/{res_carol}", CAROL),
    "GET /results/none": Web("GET", "/results/{none}"),
    "GET /teams": Web("GET", "/teams", TEAM_A),
    "GET /export.csv": Web("GET", "/export.csv", ALICE),
    "GET /export.csv?team=A": Web("GET", "/export.csv?team={team_a}", ALICE),
    "GET /export.csv?team=none": Web("GET", "/export.csv?team={none}"),
    "GET /audit": Web("GET", "/audit", ALICE),  # after the looks above, the log names whose data was seen
    "GET /nowhere": Web("GET", "/nowhere"),
    "POST /logout, no CSRF": Web("POST", "/logout"),
    "POST /logout, bad CSRF": Web("POST", "/logout", form={"csrf": "not-the-token"}),
    "POST /logout": Web("POST", "/logout", EN("web.signed_out.text"), {"csrf": "{csrf}"}),
}
STATUS = {ALLOWED: 200, OWN: 200, REFUSED: 403, MISSING: 404, SIGNED_OUT: 401}


def _web_fields(world: World) -> dict[str, object]:
    return {**_fields(world), "res_carol": world.result["carol"]}


def _main(body: str) -> str:
    """The page's own words (the header names the signed-in person and holds the CSRF token)."""
    inner = body.split("<main>", 1)[-1].split("</main>", 1)[0]
    return re.sub(r"<[^>]+>", " ", inner)


def _web_link(world: World, person: str) -> str | None:
    """The sign-in token of the link /web sends the person in Telegram, if it sends one."""
    found = re.search(r"/login/(\S+)", act(world, PEOPLE[person], "cmd", "/web").reply)
    return None if found is None else found.group(1)


@pytest.mark.parametrize("person", ACTORS)
def test_web_pages_and_forms(world: World, person: str) -> None:
    fields = _web_fields(world)
    column = ACTORS.index(person)
    token = _web_link(world, person)
    outcomes_seen: dict[str, httpx.Response] = {}

    async def visit() -> list[str]:
        wrong: list[str] = []
        async with web_client(world) as client:
            issued = await world.runtime.web_logins.issue(who(PEOPLE[person]))
            if token is None:
                assert issued is None, "/web refused the person, but the service issues links to them"
                csrf = ""
            else:
                assert issued is not None
                signed_in = await client.get(f"/login/{token}")
                assert signed_in.status_code == 303, signed_in.text
                found = re.search(r'name="csrf" value="([^"]+)"', (await client.get("/")).text)
                assert found is not None
                csrf = found.group(1)
            for name, outcomes in WEB.items():
                page = PAGES[name]
                expected = outcomes[column]
                path = page.path.format(**fields)
                if page.method == "GET":
                    response = await client.get(path)
                else:
                    form = {k: csrf if v == "{csrf}" else v for k, v in page.form.items()}
                    response = await client.post(path, data=form)
                outcomes_seen[name] = response
                body = response.text
                if response.status_code != STATUS[expected]:
                    wrong.append(f"{name}: {response.status_code}, expected {STATUS[expected]} ({expected})")
                    continue
                if leaked := _leaks(person, body):
                    wrong.append(f"{name}: shows {leaked}")
                shows = page.shows.format(**fields)
                if expected == ALLOWED and shows not in body:
                    wrong.append(f"{name}: allowed, but {shows!r} is not shown")
                if expected == OWN and page.shows and shows in body:
                    wrong.append(f"{name}: the person's own only, but shows {shows!r}")
                if expected == REFUSED:
                    words = _main(body)
                    if EN("web.forbidden.text") not in words or re.search(r"\d", words):
                        wrong.append(f"{name}: not the neutral refusal: {words.strip()[:200]!r}")
            if csrf:  # signed out now: the session is gone
                assert (await client.get("/")).status_code == 401
                reused = await client.get(f"/login/{token}")
                assert reused.status_code == 403 and EN("web.login_refused.text") in reused.text
        return wrong

    wrong = world.h.run(visit())
    refused = {n: r.text for n, r in outcomes_seen.items() if r.status_code in (401, 403)}
    # One refusal page, whatever was asked: someone else's id and a made-up id look the same.
    if len(set(refused.values())) > 1:
        wrong.append(f"refusals differ: {sorted(refused)}")
    assert not wrong, f"{person}:\n" + "\n".join(wrong)


def test_an_engineer_with_a_planted_session_still_sees_nothing(world: World) -> None:
    """A sign-in link written for an engineer (as if they had led a team once) opens no page; and a
    stranger who never wrote to the bot gets no link and is not stored for asking."""
    stranger = Identity(telegram_id=7_100_000_777, display_name="Stan Stranger", language_code="en")

    async def no_link() -> None:
        assert await world.runtime.web_logins.issue(stranger) is None
        async with world.h.uow() as uow:
            assert await uow.users.by_telegram_id(7_100_000_777) is None

    world.h.run(no_link())
    fields = _web_fields(world)

    async def visit() -> set[str]:
        async with web_client(world) as client:
            token = await login_token(world.h.uow, world.user_id["engineer"], world.runtime.options.clock())
            assert (await client.get(f"/login/{token}")).status_code == 303
            bodies = set()
            for name, page in PAGES.items():
                if page.method != "GET":
                    continue
                response = await client.get(page.path.format(**fields))
                assert response.status_code == 403, (name, response.status_code)
                assert not _leaks("engineer", response.text), name
                bodies.add(response.text)
            return bodies

    assert len(world.h.run(visit())) == 1


# --- the matrix covers everything --------------------------------------------------------------


def _verbs(pattern: str) -> set[str]:
    """The verbs a callback pattern accepts: its last group, an alternation or a character class."""
    last = re.findall(r"\(([^()]*)\)", pattern)[-1]
    return set(last.strip("[]")) if last.startswith("[") else set(last.split("|"))


def test_the_matrix_covers_every_command_button_and_page() -> None:
    settings = Settings(_env_file=None, BOT_TOKEN="7000000001:matrix-token")  # type: ignore[call-arg]
    app = build_application(settings)
    registered = {
        command for group in app.handlers.values() for h in group for command in getattr(h, "commands", ())
    }
    assert set(ACTIONS) == set(TELEGRAM)
    commands = {a.payload.split()[0][1:] for a in ACTIONS.values() if a.payload.startswith("/")}
    assert commands == registered
    buttons = {a.payload for a in ACTIONS.values() if not a.payload.startswith("/")}
    tried = {
        (p.split(":")[0], p.split(":")[-1])
        for p in buttons
        if "{none}" not in p  # the twins are checked against their originals
    }
    expected = {("iv1", v) for v in _verbs(telegram_teams._INVITATION_CALLBACK.pattern)}
    expected |= {("tm1", v) for v in _verbs(telegram_teams._TEAM_CALLBACK.pattern) - {"new"}}  # names no team
    expected |= {("rv1", v) for v in _verbs(telegram_review._REVIEW_CALLBACK.pattern)}
    assert tried == expected
    for name, outcomes in TELEGRAM.items():
        assert len(outcomes) == len(ACTORS)
        if ACTIONS[name].twin:
            assert ACTIONS[name].twin in TELEGRAM
    web_settings = Settings(_env_file=None, WEB_PORT=8088, WEB_SECRET="s" * 40)  # type: ignore[call-arg]
    app = create_web_app(_NoServices(), web_settings)  # type: ignore[arg-type]
    assert set(PAGES) == set(WEB)
    tried = {(page.method, page.path.split("?")[0].format(**_EXAMPLE)) for page in PAGES.values()}
    for route in app.routes:
        if route.path in ("/static", "/login/{token}"):  # files; the sign-in every web test starts with
            continue
        pattern = re.compile(re.sub(r"\{[^}]+\}", "[0-9]+", route.path) + "$")
        for method in getattr(route, "methods", None) or ():
            if method != "HEAD":
                assert any(m == method and pattern.match(p) for m, p in tried), (method, route.path)


_EXAMPLE = {
    "iv_alice": 1,
    "iv_carol": 2,
    "iv_uma": 3,
    "res_alice": 1,
    "res_carol": 2,
    "res_engineer": 3,
    "inv_a": 1,
    "team_a": 1,
    "tg_alice": 1,
    "none": NOT_THERE,
}


class _NoServices:
    """Enough for ``create_web_app`` to list its routes; no request is made."""

    admin = None
    web_logins = None
