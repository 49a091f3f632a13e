"""A scripted person who takes the whole assessment through ``AssessmentService`` from a truth profile.

Answers are chosen by the prompt's key (and, for checklists, by the options the prompt offers), so
the driver does not know the plan: whatever the interview asks, it answers truthfully. The way each
answer is given rotates through every path a front can take (typed value, button press with the
version check, checklist toggles then Done), each reply is checked to be accepted and not stale.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from bot.service import AssessmentService, Identity, Reply
from criteria import evaluate, parse_profile
from dialogs import Choose, Done, Kind, Prompt, Toggle

Json = dict[str, Any]
MAX_STEPS = 200
#: The ``fresh_service`` fixture: a service on an engine of its own (as in another process).
Fresh = Callable[[], AbstractAsyncContextManager[AssessmentService]]

TRUTHS: dict[str, Json] = {
    # Level 4 (README's example).
    "hardware": {
        "field": "hardware",
        "role": "responsible",
        "experiences": [
            {"complexity": ["hw.cx.multi_vendor", "hw.cx.nonstop"], "size": "hw.size.specific_industries"},
            {"complexity": ["hw.cx.multi_platform", "hw.cx.critical_mission"], "size": "hw.size.team_member"},
        ],
        "involvement": "carried_out",
        "common_complexity": ["common.cx.single_platform"],
        "themes": ["hw.l4.theme.satisfaction", "hw.l3.theme.inquiries", "common.theme.hardware"],
        "accomplishments": ["hw.acc.instructor"],
        "mentoring": True,
    },
    # Level 3: a member with one level-3 project.
    "software": {
        "field": "software",
        "role": "member",
        "experiences": [
            {"complexity": ["sw.cx.multi_platform", "sw.cx.leading_edge"], "size": "sw.size.team_member"}
        ],
        "involvement": "carried_out",
        "common_complexity": ["common.cx.single_platform"],
        "themes": ["common.theme.installation", "sw.l3.theme.advice", "sw.l4.theme.diagnosis"],
        "accomplishments": ["sw.acc.instructor"],
        "mentoring": True,
    },
    # Level 4 with a whole-facility project (rooms, area and sites are asked as whole numbers).
    "facility": {
        "field": "facility",
        "role": "responsible",
        "experiences": [
            {
                "complexity": ["fm.cx.nonstop", "fm.cx.many_sites"],
                "scope": "whole",
                "rooms": 3,
                "area_m2": 2000,
                "sites": 0,
            },
            {
                "complexity": ["fm.cx.critical_mission", "fm.cx.nonstop", "fm.cx.disaster_crime"],
                "scope": "part",
            },
        ],
        "involvement": "carried_out",
        "common_complexity": ["common.cx.easy_stop"],
        "themes": ["fm.l4.theme.personnel_profit", "fm.l5.theme.strategy", "fm.l3.theme.basics"],
        "accomplishments": ["fm.acc.community", "fm.acc.book"],
        "mentoring": True,
    },
}

#: Level 1: no project, so the level 1-2 questions (involvement, common systems and themes) are asked.
BEGINNER: Json = {
    "field": "hardware",
    "role": "participant",
    "experiences": [],
    "involvement": "participated",
    "common_complexity": ["common.cx.small_impact"],
    "themes": ["common.theme.operation"],
    "accomplishments": [],
    "mentoring": False,
}


def truth_level(truth: Json) -> int:
    return evaluate(parse_profile(truth)).level


def truthful(prompt: Prompt, truth: Json) -> Any:
    """The truthful answer to ``prompt`` in the form the dialogue stores (option ids, numbers, bools)."""
    key = prompt.key
    offered = [o.id for o in prompt.options]
    if key == "consent":
        return "yes"
    if key == "review":
        return "confirm"
    if key in ("field", "role", "involvement"):
        return truth[key]
    if key == "project_count":
        return str(len(truth["experiences"]))
    if key.startswith("project."):
        _, n, what = key.split(".")
        experience = truth["experiences"][int(n) - 1]
        if what == "complexity":
            return [i for i in offered if i in experience["complexity"]]
        return experience["area_m2" if what == "area" else what]
    if key.startswith("themes.") or key == "common_themes":
        return [i for i in offered if i in truth["themes"]]
    if key in ("accomplishments", "common_complexity"):
        return [i for i in offered if i in truth[key]]
    if key == "mentoring":
        return bool(truth["mentoring"])
    raise AssertionError(f"the driver has no answer for prompt {key!r}")


def accepted(reply: Reply, what: str) -> Reply:
    assert not reply.stale, f"{what}: refused as stale ({reply.notice})"
    assert reply.prompt is not None, f"{what}: no prompt ({reply.notice})"
    assert reply.prompt.error is None, f"{what}: refused: {reply.prompt.error}"
    return reply


async def give(service: AssessmentService, who: Identity, reply: Reply, value: Any, way: int) -> Reply:
    """Answer ``reply.prompt`` with ``value``; ``way`` picks the path (0 typed, 1 buttons, 2 no version)."""
    prompt = reply.prompt
    assert prompt is not None and reply.interview_id is not None and reply.version is not None
    expect = (reply.interview_id, reply.version)
    what = f"{prompt.key}={value!r} (way {way})"
    if way == 2:
        return accepted(await service.answer(who, value), what)
    if way == 0 or prompt.kind is Kind.INTEGER:
        return accepted(await service.answer(who, value, expect), what)
    ids = [o.id for o in prompt.options]
    if prompt.kind is Kind.MULTI:
        for index, option in enumerate(prompt.options):
            if option.selected != (option.id in value):
                reply = accepted(await service.act(who, Toggle((index,)), expect), what)
                assert reply.prompt is not None and reply.prompt.key == prompt.key, what
                expect = (reply.interview_id, reply.version)  # type: ignore[assignment]
        return accepted(await service.act(who, Done(), expect), what)
    if prompt.kind is Kind.YESNO:
        value = "yes" if value in (True, "yes") else "no"
    return accepted(await service.act(who, Choose(ids.index(str(value))), expect), what)


async def drive_to(
    service: AssessmentService, who: Identity, reply: Reply, truth: Json, stop: str = "result"
) -> tuple[Reply, list[str]]:
    """Answer truthfully from ``reply`` until the prompt ``stop``; the reply there and the keys answered."""
    asked: list[str] = []
    for step in range(MAX_STEPS):
        prompt = reply.prompt
        assert prompt is not None, reply
        if prompt.key == stop:
            return reply, asked
        assert prompt.key not in ("result", "declined"), f"reached {prompt.key} before {stop}"
        reply = await give(service, who, reply, truthful(prompt, truth), step % 3)
        asked.append(prompt.key)
    raise AssertionError(f"no {stop!r} after {MAX_STEPS} answers: {asked[-10:]}")


async def take_assessment(service: AssessmentService, who: Identity, truth: Json) -> Reply:
    """From the first contact to the result; returns the reply that shows the result."""
    reply, _ = await drive_to(service, who, await service.start(who), truth)
    return reply
