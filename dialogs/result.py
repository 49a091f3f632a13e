"""The result as people read it: the level in words a person says, the field's ladder, what each
project counts for, and — only what is missing — the closest levels above.

Built from ``criteria``'s evaluation and advice; only wording happens here, never judging. The
same view feeds the chat message, the card image and the PDF report, so they can never disagree.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from criteria import CriterionResult, LevelResult, Profile, Standard, evaluate
from criteria.advice import Gap, ProjectStanding, SizeRoute, closest_levels, project_standings
from dialogs.messages import Messages
from dialogs.review import levels_line

#: Options beyond this many (or this many characters) are folded behind a button in the chat.
FOLD_OPTIONS = 3
FOLD_CHARS = 240


class Markup(Protocol):
    """How emphasis is written: plain text for the terminal and documents, HTML for Telegram."""

    def text(self, value: str) -> str: ...

    def bold(self, value: str) -> str: ...


class PlainMarkup:
    def text(self, value: str) -> str:
        return value

    def bold(self, value: str) -> str:
        return value


class HtmlMarkup:
    """Telegram's HTML parse mode: everything escaped, emphasis as <b>."""

    def text(self, value: str) -> str:
        return html.escape(value, quote=False)

    def bold(self, value: str) -> str:
        return f"<b>{html.escape(value, quote=False)}</b>"


PLAIN = PlainMarkup()
HTML = HtmlMarkup()


@dataclass(frozen=True, slots=True)
class CriterionView:
    """One criterion of one level, worded; ``options`` are what would satisfy it when it is missing."""

    key: str
    met: bool
    text: str
    options: tuple[str, ...] = ()
    note: str | None = None

    @property
    def folded(self) -> bool:
        """Too long to show inline in a chat message: a button shows the options instead."""
        return len(self.options) > FOLD_OPTIONS or sum(len(o) for o in self.options) > FOLD_CHARS


@dataclass(frozen=True, slots=True)
class LevelView:
    """Every criterion of one level, met or missing (the report's table and the card's dots)."""

    level: int
    met: bool
    title: str
    criteria: tuple[CriterionView, ...]
    #: Below the achieved level and not met on its own: its questions were never asked (the plan
    #: stops at the highest level met), so its criteria say nothing about the person.
    covered: bool = False


@dataclass(frozen=True, slots=True)
class GapView:
    """A level above the achieved one and only what it still needs."""

    level: int
    heading: str
    needs: tuple[CriterionView, ...]
    closest: bool  # the nearest level that is not the next one


@dataclass(frozen=True, slots=True)
class ProjectView:
    number: int
    level: int
    text: str


@dataclass(frozen=True, slots=True)
class ResultView:
    standard_id: str
    standard_version: str
    field: str
    field_name: str
    level: int
    top: int
    headline: str
    role_words: str | None
    ladder: tuple[tuple[int, bool], ...]
    projects: tuple[ProjectView, ...]
    gaps: tuple[GapView, ...]
    levels: tuple[LevelView, ...]
    closing: str | None  # said at the field's top
    taken_on: date | None = None
    #: The level a team lead confirmed after reviewing the claims (None: not reviewed); shown beside
    #: the self-assessed one, never instead of it.
    confirmed_level: int | None = None

    @property
    def next_level(self) -> int | None:
        return self.gaps[0].level if self.gaps else None

    @property
    def missing(self) -> tuple[CriterionView, ...]:
        """What the next level still needs."""
        return self.gaps[0].needs if self.gaps else ()

    def ladder_line(self, msg: Messages) -> str:
        mark = {True: msg("outcome.ladder.met"), False: msg("outcome.ladder.missing")}
        return "  ".join(msg("outcome.ladder.step", level=lv, mark=mark[met]) for lv, met in self.ladder)

    def render(self, msg: Messages, markup: Markup = PLAIN, *, inline_options: bool = True) -> str:
        """The whole result as one message. With ``inline_options`` False, long option lists are
        left out for a front that folds them behind a button (see ``CriterionView.folded``)."""
        lines = [markup.bold(self.headline), markup.text(self.ladder_line(msg))]
        if self.confirmed_level is not None:
            lines.append(markup.text(levels_line(self.level, self.confirmed_level, msg)))
        if self.projects:
            lines += ["", markup.bold(msg("outcome.projects.title"))]
            lines += [markup.text(f"• {p.text}") for p in self.projects]
        for gap in self.gaps:
            lines += ["", markup.bold(gap.heading)]
            for need in gap.needs:
                lines.append(markup.text(f"{msg('outcome.missing')} {need.text}"))
                if need.options and (inline_options or not need.folded):
                    lines += [markup.text(f"    • {o}") for o in need.options]
                if need.note:
                    lines.append(markup.text(f"    ⓘ {need.note}"))
        if self.closing:
            lines += ["", markup.text(self.closing)]
        return "\n".join(lines)

    def folded_needs(self) -> tuple[tuple[int, int, CriterionView], ...]:
        """(gap index, need index, need) of each option list a chat front shows behind a button."""
        return tuple(
            (g, n, need)
            for g, gap in enumerate(self.gaps)
            for n, need in enumerate(gap.needs)
            if need.options and need.folded
        )

    def summary(self, msg: Messages, name: str | None = None) -> str:
        """Three lines to forward: who (name only), the level on the ladder, and the standard; with a
        lead's review, the two levels side by side as a fourth (a shared level says it was self-assessed)."""
        if name:
            first = msg("outcome.share.who", name=name, headline=self.headline)
        else:
            first = msg("outcome.share.anonymous", headline=self.headline)
        lines = [first, self.ladder_line(msg)]
        if self.confirmed_level is not None:
            lines.append(levels_line(self.level, self.confirmed_level, msg, "shared"))
        standard = msg("outcome.share.standard", title=msg.standard_title(), version=self.standard_version)
        return "\n".join([*lines, standard])


# --- wording ---------------------------------------------------------------------------------------


def _criterion_text(c: CriterionResult, std: Standard, field: str, level: int, msg: Messages) -> str:
    """A criterion as a checklist line, reading right whether met or not: "2 (1 needed)"."""
    key = "common_themes" if c.key == "themes" and level in std.common_levels else c.key
    if key == "role":
        have, need = msg.std(f"role.{c.have}.short"), msg.std(f"role.{c.need}.short")
        return (
            msg("outcome.crit.role", have=have)
            if c.met
            else msg("outcome.crit.role.short", have=have, need=need)
        )
    if key == "involvement":
        # The options are the person's own answers ("I participated in …"): quoted as they were on
        # the buttons, they read right inside a sentence in every language.
        have = msg.std(f"involvement.{c.have}.option")
        need = msg.std(f"involvement.{c.need}.option")
        what = msg.std("involvement.label")
        if c.met:
            return msg("outcome.crit.involvement", what=what, have=have)
        return msg("outcome.crit.involvement.short", what=what, have=have, need=need)
    if key == "projects":
        floor = std.fields[field].specialty_levels[level].projects.floor
        return msg("outcome.crit.projects", floor=floor, have=c.have, need=c.need)
    if key == "peak_project":
        return msg("outcome.crit.peak_project", need=c.need, best=_best(c, std, field, msg))
    if key == "mentoring":
        return msg("outcome.crit.mentoring.met" if c.met else "outcome.crit.mentoring")
    if key == "accomplishments":
        area = msg.std(f"field.{field}.accomplishment_area")
        return msg("outcome.crit.accomplishments", area=area, have=c.have, need=c.need)
    if key == "themes":
        return msg("outcome.crit.themes", level=level, have=c.have, need=c.need)
    if key == "common_complexity":
        return msg("outcome.crit.common_complexity", have=c.have, need=c.need)
    return msg("outcome.crit.common_themes", have=c.have, need=c.need)


def _best(c: CriterionResult, std: Standard, field: str, msg: Messages) -> str:
    if c.have:
        return msg("outcome.level", level=c.have)
    return msg("outcome.none_counts")


def _need_text(
    c: CriterionResult, level_result: LevelResult, std: Standard, field: str, msg: Messages
) -> str:
    """A missing criterion as a thing to do; a peak project that the missing projects will bring
    anyway is folded into the projects line, so one cause is said once."""
    if c.key == "projects":
        rule = std.fields[field].specialty_levels[level_result.level].projects
        peak = level_result.criterion("peak_project")
        if not peak.met and rule.peak > rule.floor:
            return msg(
                "outcome.need.projects_peak", floor=rule.floor, peak=rule.peak, have=c.have, need=c.need
            )
    return _criterion_text(c, std, field, level_result.level, msg)


def _note(c: CriterionResult, std: Standard, field: str, level: int, msg: Messages) -> str | None:
    """A copy slip or reading note of the data that bears on the words this criterion shows.

    The level's own note on the criterion comes first and stands alone: its items' notes tell the
    same slip again in other words (Software's "hardware technology succession" is noted on the
    level and on each of its seven accomplishment kinds), and a person should read it once.
    """
    spec = std.fields[field]
    if level in spec.specialty_levels:
        own = spec.specialty_levels[level].criterion_notes.get(c.key)
        if own:
            return msg.note(own)
    notes: list[str] = []
    for option in c.options:
        note = std.items[option].note if option in std.items else None
        if note and note not in notes:
            notes.append(note)
    return " ".join(msg.note(n) for n in notes) or None


def _criterion(
    c: CriterionResult, std: Standard, field: str, level: LevelResult, msg: Messages
) -> CriterionView:
    text = _criterion_text(c, std, field, level.level, msg)
    options = () if c.met else tuple(msg.item(o) for o in c.options)
    return CriterionView(c.key, c.met, text, options, _note(c, std, field, level.level, msg))


def _gap(
    g: Gap,
    evaluation_levels: dict[int, LevelResult],
    std: Standard,
    field: str,
    msg: Messages,
    *,
    closest: bool,
) -> GapView:
    level_result = evaluation_levels[g.level]
    needs = tuple(
        CriterionView(
            c.key,
            False,
            _need_text(c, level_result, std, field, msg),
            tuple(msg.item(o) for o in c.options),
            _note(c, std, field, g.level, msg),
        )
        for c in g.missing
        if not (c.key == "peak_project" and not level_result.criterion("projects").met)
    )
    if not closest:
        heading = msg("outcome.next", level=g.level)
    elif g.steps == 1:
        heading = msg("outcome.closest.one", level=g.level)  # may tie with the next level: no "closer"
    else:
        heading = msg("outcome.closest", level=g.level)
    return GapView(g.level, heading, needs, closest)


def _route(route: SizeRoute, msg: Messages) -> str:
    size = msg.item(route.option.size).rstrip(".。")  # quoted mid-sentence: the sentence ends it
    if route.size_short and route.more_complexity:
        if route.more_complexity == 1:
            return msg("outcome.route.both.one", more=1, size=size)
        return msg("outcome.route.both", more=route.more_complexity, size=size)
    if route.size_short:
        return msg("outcome.route.size", size=size)
    if route.more_complexity == 1:
        return msg("outcome.route.complexity.one", more=1)
    return msg("outcome.route.complexity", more=route.more_complexity)


def _project(p: ProjectStanding, field: str, msg: Messages) -> ProjectView:
    if p.too_few_items:
        if p.complexity == 1:
            text = msg("outcome.project.too_few.one", n=p.number, have=1, need=p.complexity_min)
        else:
            text = msg("outcome.project.too_few", n=p.number, have=p.complexity, need=p.complexity_min)
        return ProjectView(p.number, 0, text)
    routes = [r for r in p.routes if r.size_short or r.more_complexity]
    ways = msg("outcome.route.or").join(_route(r, msg) for r in routes) if p.target else ""
    if p.level == 0:
        return ProjectView(p.number, 0, msg("outcome.project.short", n=p.number, level=p.target, ways=ways))
    if p.target is None:
        text = msg("outcome.project.counts.top", n=p.number, level=p.level, items=p.complexity)
        return ProjectView(p.number, p.level, text)
    text = msg(
        "outcome.project.counts.next",
        n=p.number,
        level=p.level,
        items=p.complexity,
        target=p.target,
        ways=ways,
    )
    return ProjectView(p.number, p.level, text)


def _level_title(std: Standard, field: str, level: int, msg: Messages) -> str:
    if level in std.common_levels:
        return msg.std(f"role.{std.common_levels[level].role}.short")
    return msg.std(f"role.{std.fields[field].specialty_levels[level].role}.short")


def build_result(profile: Profile, std: Standard, msg: Messages, taken_on: date | None = None) -> ResultView:
    """Word one person's result; ``msg`` must speak ``std`` (``msg.for_standard(std)``)."""
    evaluation = evaluate(profile, std)
    field = evaluation.field
    name = msg.field_name(field)
    by_level = {r.level: r for r in evaluation.levels}
    role_words = _level_title(std, field, evaluation.level, msg) if evaluation.level else None
    if evaluation.level:
        headline = msg("outcome.headline", field_name=name, level=evaluation.level, role_words=role_words)
    else:
        headline = msg("outcome.headline0", field_name=name, level=min(by_level, default=1))
    gaps = closest_levels(evaluation)
    levels = tuple(
        LevelView(
            r.level,
            r.met,
            _level_title(std, field, r.level, msg),
            tuple(_criterion(c, std, field, r, msg) for c in r.criteria),
            covered=r.level < evaluation.level and not r.met,
        )
        for r in evaluation.levels
    )
    return ResultView(
        standard_id=std.id,
        standard_version=std.version,
        field=field,
        field_name=name,
        level=evaluation.level,
        top=evaluation.top,
        headline=headline,
        role_words=role_words,
        # Reaching a level covers the ones below it: a level-4 engineer reads L1–L4 ✓, not the
        # verdicts of lower levels whose questions were never asked.
        ladder=tuple((r.level, r.met or r.level < evaluation.level) for r in evaluation.levels),
        projects=tuple(_project(p, field, msg) for p in project_standings(profile, std)),
        gaps=tuple(_gap(g, by_level, std, field, msg, closest=i > 0) for i, g in enumerate(gaps)),
        levels=levels,
        closing=msg("outcome.top", field_name=name) if evaluation.next is None else None,
        taken_on=taken_on,
    )


def compare_results(now: ResultView, before: ResultView, msg: Messages) -> str:
    """What changed since an earlier result of the same standard: the level's move, the levels newly
    reached, and the criteria newly met at the level the person aims for now."""
    since = msg.date(before.taken_on) if before.taken_on is not None else ""
    if before.field != now.field:
        return msg(
            "history.compare.other_field", since=since, field_name=before.field_name, level=before.level
        )
    delta = now.level - before.level
    if delta > 0:
        change = msg(
            "history.compare.up.one" if delta == 1 else "history.compare.up", delta=delta, since=since
        )
    elif delta < 0:
        down = -delta
        change = msg(
            "history.compare.down.one" if down == 1 else "history.compare.down", delta=down, since=since
        )
    else:
        change = msg("history.compare.same", since=since)
    focus = now.next_level if now.next_level is not None else now.level
    was_met = {(lv.level, c.key) for lv in before.levels for c in lv.criteria if c.met}
    newly = [
        c.text
        for lv in now.levels
        if lv.level == focus
        for c in lv.criteria
        if c.met and (lv.level, c.key) not in was_met
    ]
    before_met = {lv.level for lv in before.levels if lv.met}
    levels = [lv.level for lv in now.levels if lv.met and lv.level not in before_met]
    parts = [change]
    if levels:
        parts.append(msg("history.compare.levels", levels=", ".join(str(lv) for lv in levels)))
    if newly:
        parts.append(msg("history.compare.newly", what="; ".join(newly)))
    return "\n".join(parts)
