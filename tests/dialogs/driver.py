"""A scripted interviewee: answers every prompt of an ``Interview`` from a FULL "truth" profile.

The truth is a criteria profile JSON dict describing the person completely (every list filled in as
the person really is, including what the interview may never ask). The driver answers whatever the
interview asks from it and fails loudly on any prompt it does not know, on an answer the interview
refuses, and on a truth value the prompt does not offer.

Projects: ``project_count`` is ``len(experiences)`` capped at three; with more than three the person
describes the three strongest (as the question invites them to), in the truth's order, so with at
most three ``project.2.*`` answers from ``experiences[1]``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from criteria import Evaluation, LevelResult, evaluate, experience_level, load_standard, parse_profile
from dialogs import Context, Interview, Kind, Prompt, Step

CTX = Context.default()

Json = dict[str, Any]
STD = load_standard()
MAX_PROJECTS = 3
#: A generous bound: the longest possible interview is well below it (a loop is a bug).
MAX_STEPS = 200

_PROJECT = re.compile(r"^project\.([1-3])\.(complexity|size|scope|rooms|area|sites)$")
_THEMES = re.compile(r"^themes\.([3-6])$")


class UnexpectedPrompt(AssertionError):
    """The interview asked something the driver has no answer for (or refused a truthful answer)."""


def evaluate_truth(truth: Json) -> Evaluation:
    return evaluate(parse_profile(truth))


def described_experiences(truth: Json) -> list[Json]:
    """The projects the person describes: all of them, or the three strongest when there are more."""
    experiences = list(truth.get("experiences", []))
    if len(experiences) <= MAX_PROJECTS:
        return experiences
    spec = STD.fields[truth["field"]]
    parsed = parse_profile(truth).experiences
    levels = [experience_level(spec, e) for e in parsed]
    strongest = sorted(range(len(experiences)), key=lambda n: -levels[n])[:MAX_PROJECTS]
    return [experiences[n] for n in sorted(strongest)]


def themes_of(truth: Json, owner: str, level: int | None = None) -> list[str]:
    """The truth's themes of one owner field ("common" or the field), optionally of one level."""
    return [
        t
        for t in truth.get("themes", [])
        if STD.items[t].field == owner and (level is None or level in STD.items[t].levels)
    ]


def truth_answer(key: str, truth: Json) -> Any:
    """The truthful answer to question ``key`` in its canonical form; UnexpectedPrompt if unknown."""
    projects = described_experiences(truth)
    if key == "consent":
        return "yes"
    if key in ("field", "role"):
        return truth[key]
    if key == "project_count":
        return str(len(projects))
    if m := _PROJECT.match(key):
        n, what = int(m.group(1)), m.group(2)
        if n > len(projects):
            raise UnexpectedPrompt(f"{key} asked but the truth describes only {len(projects)} projects")
        exp = projects[n - 1]
        if what == "complexity":
            return list(exp.get("complexity", []))
        if what == "area":
            return exp["area_m2"]
        return exp[what]
    if m := _THEMES.match(key):
        return themes_of(truth, truth["field"], int(m.group(1)))
    if key in ("accomplishments", "common_complexity"):
        return list(truth.get(key, []))
    if key == "mentoring":
        return bool(truth.get("mentoring", False))
    if key == "involvement":
        return truth.get("involvement", "none")
    if key == "common_themes":
        return themes_of(truth, "common")
    raise UnexpectedPrompt(f"unexpected prompt {key!r}")


EXPECTED_KIND = {
    "consent": Kind.YESNO,
    "field": Kind.SINGLE,
    "role": Kind.SINGLE,
    "project_count": Kind.SINGLE,
    "complexity": Kind.MULTI,
    "size": Kind.SINGLE,
    "scope": Kind.SINGLE,
    "rooms": Kind.INTEGER,
    "area": Kind.INTEGER,
    "sites": Kind.INTEGER,
    "themes": Kind.MULTI,
    "accomplishments": Kind.MULTI,
    "mentoring": Kind.YESNO,
    "involvement": Kind.SINGLE,
    "common_complexity": Kind.MULTI,
    "common_themes": Kind.MULTI,
    "review": Kind.SINGLE,
    "result": Kind.SINGLE,
}


def kind_name(key: str) -> str:
    if m := _PROJECT.match(key):
        return m.group(2)
    if _THEMES.match(key):
        return "themes"
    return key


def check_prompt_shape(prompt: Prompt) -> None:
    """The prompt has the kind its key implies and unique option ids; no error is shown."""
    name = kind_name(prompt.key)
    if name not in EXPECTED_KIND:
        raise UnexpectedPrompt(f"unexpected prompt {prompt.key!r}")
    assert prompt.kind is EXPECTED_KIND[name], (prompt.key, prompt.kind)
    ids = [o.id for o in prompt.options]
    assert len(ids) == len(set(ids)), f"duplicate option ids at {prompt.key}: {ids}"
    assert prompt.text, f"empty text at {prompt.key}"


class Style:
    """How the next checklist / value is entered: varied so that every input path is exercised."""

    def __init__(self, toggles: bool | None = None) -> None:
        self.toggles = toggles
        self.count = 0

    def use_toggles(self) -> bool:
        self.count += 1
        return self.toggles if self.toggles is not None else self.count % 2 == 0

    def variant(self) -> int:
        self.count += 1
        return self.count % 3


def _must_move(iv: Interview, step: Step, key: str, value: Any) -> Step:
    if not step.changed or step.prompt.error:
        raise UnexpectedPrompt(f"answer {value!r} to {key!r} refused: {step.prompt.error!r}")
    return step


def tick_and_done(iv: Interview, wanted: Iterable[str]) -> Step:
    """Answer the current checklist by toggling the difference to ``wanted`` and pressing Done."""
    prompt = iv.prompt()
    key = prompt.key
    wanted = set(wanted)
    for option in prompt.options:
        if option.selected != (option.id in wanted):
            step = iv.toggle(option.id)
            assert step.changed and step.event == "toggle" and step.prompt.key == key, step
            assert step.prompt.option(option.id).selected == (option.id in wanted)
    assert set(iv.prompt().selected) == wanted
    return _must_move(iv, iv.done(), key, sorted(wanted))


def answer_current(iv: Interview, truth: Json, style: Style | None = None) -> Step:
    """Give the truthful answer to the prompt shown now (a question or consent; not review/result)."""
    style = style or Style()
    prompt = iv.prompt()
    check_prompt_shape(prompt)
    key = prompt.key
    if key in ("review", "result"):
        raise UnexpectedPrompt(f"answer_current at {key!r}")
    value = truth_answer(key, truth)
    if prompt.kind is Kind.MULTI:
        offered = {o.id for o in prompt.options}
        if not set(value) <= offered:
            raise UnexpectedPrompt(f"{key}: truth {sorted(set(value) - offered)} not offered")
        if style.use_toggles():
            return tick_and_done(iv, value)
        return _must_move(iv, iv.answer(list(value)), key, value)
    if prompt.kind is Kind.SINGLE and str(value) not in {o.id for o in prompt.options}:
        raise UnexpectedPrompt(f"{key}: truth {value!r} not offered")
    if prompt.kind is Kind.INTEGER:
        variant = style.variant()
        value = value if variant == 0 else f"{value:,}" if variant == 1 else f" {value} "
    elif prompt.kind is Kind.YESNO and key != "consent":
        value = value if style.variant() else ("yes" if value else "no")
    elif key == "project_count" and style.variant() == 0:
        value = int(value)
    return _must_move(iv, iv.answer(value), key, value)


def answer_until(
    iv: Interview, truth: Json, stop: Callable[[Prompt], bool], style: Style | None = None
) -> list[str]:
    """Answer truthfully until ``stop(prompt)``; returns the keys answered, in order."""
    style = style or Style()
    asked: list[str] = []
    for _ in range(MAX_STEPS):
        prompt = iv.prompt()
        if stop(prompt):
            return asked
        if prompt.key in ("review", "result", "declined"):
            raise UnexpectedPrompt(f"reached {prompt.key!r} before the stop condition")
        answer_current(iv, truth, style)
        asked.append(prompt.key)
    raise UnexpectedPrompt(f"no stop after {MAX_STEPS} answers: {asked[-10:]}")


def at(key: str) -> Callable[[Prompt], bool]:
    return lambda prompt: prompt.key == key


def answer_to_review(iv: Interview, truth: Json, style: Style | None = None) -> list[str]:
    return answer_until(iv, truth, at("review"), style)


def confirm(iv: Interview) -> Step:
    assert iv.prompt().key == "review"
    step = iv.answer("confirm")
    assert step.changed and step.event == "finish" and step.prompt.key == "result", step
    return step


def run_interview(truth: Json, *, toggles: bool | None = None) -> Interview:
    """A whole interview from consent to the result; the caller closes the returned interview."""
    iv = Interview(CTX)
    try:
        drive_to_result(iv, truth, toggles=toggles)
    except BaseException:
        iv.close()
        raise
    return iv


def drive_to_result(iv: Interview, truth: Json, *, toggles: bool | None = None) -> list[str]:
    """From wherever ``iv`` is (consent, a question or the review) to the result; keys answered."""
    asked = answer_to_review(iv, truth, Style(toggles))
    confirm(iv)
    return asked


def gap(ev: Evaluation, described_only: bool = False) -> Json | None:
    """The next level's whole checklist (met and missing), as criteria reports it.

    ``described_only``: the truth has more projects than the interview asks about; its count of
    projects is then what three of them give (the text, which quotes the count, is left out).
    """
    nxt = ev.next
    return None if nxt is None else {"level": nxt.level, **_level_json(nxt, described_only)}


def _level_json(result: LevelResult, described_only: bool) -> Json:
    out = result.to_json()
    if described_only:
        for part in ("missing", "criteria"):
            for c in out[part]:
                if c["criterion"] == "projects":
                    c["have"] = min(c["have"], MAX_PROJECTS)
                    c["text"] = None
    return out


def assert_same_outcome(iv: Interview, truth: Json, level: int | None = None) -> None:
    """The interview's level and next-level gap are those of the truth (and ``level`` if given)."""
    got, want = iv.evaluation(), evaluate_truth(truth)
    assert got is not None
    assert got.level == want.level, (got.level, want.level, iv.answers)
    if level is not None:
        assert want.level == level
    capped = len(truth.get("experiences", [])) > MAX_PROJECTS
    assert gap(got, capped) == gap(want, capped), iv.answers
    if got.level:
        assert _level_json(got.at(got.level), capped) == _level_json(want.at(want.level), capped)
