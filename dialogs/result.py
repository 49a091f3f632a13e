"""The result as people read it: the level in the seed's words, each criterion, and a plan.

Built from ``criteria``'s evaluation; only wording happens here, never judging.
"""

from __future__ import annotations

from dataclasses import dataclass

from criteria import CriterionResult, Evaluation, LevelResult, Standard
from dialogs.messages import Messages


@dataclass(frozen=True, slots=True)
class CriterionView:
    key: str
    met: bool
    text: str
    options: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ResultView:
    field: str
    level: int
    headline: str
    achieved: tuple[CriterionView, ...]
    next_level: int | None
    next_title: str
    next_criteria: tuple[CriterionView, ...]

    @property
    def missing(self) -> tuple[CriterionView, ...]:
        return tuple(c for c in self.next_criteria if not c.met)

    def render(self, msg: Messages) -> str:
        lines = [self.headline]
        if self.achieved:
            lines.append("")
            lines.extend(f"{msg('result.met')} {c.text}" for c in self.achieved)
        if self.next_level is None:
            lines += ["", self.next_title]
            return "\n".join(lines)
        lines += ["", self.next_title]
        for c in self.next_criteria:
            lines.append(f"{msg('result.met') if c.met else msg('result.missing')} {c.text}")
            if not c.met and c.options:
                lines.extend(f"    • {o}" for o in c.options)
        return "\n".join(lines)


def _criterion(c: CriterionResult, std: Standard, field: str, level: int, msg: Messages) -> CriterionView:
    key = "common_themes" if c.key == "themes" and level in std.common_levels else c.key
    values: dict[str, object] = {"have": c.have, "need": c.need, "level": level}
    if key == "role":
        values.update(have_role=msg.std(f"role.{c.have}.short"), need_role=msg.std(f"role.{c.need}.short"))
    elif key == "involvement":
        values.update(
            have_involvement=msg.std(f"involvement.{c.have}.option"),
            need_involvement=msg.std(f"involvement.{c.need}.option"),
        )
    elif key == "projects":
        values.update(floor=std.fields[field].specialty_levels[level].projects.floor)
    elif key == "peak_project":
        lowest = min(std.fields[field].specialty_levels, default=1)
        values.update(have_level=c.have if c.have else msg("level_below", level=lowest))
    elif key == "common_complexity":
        low, high = min(std.common_levels), max(std.common_levels)
        values.update(levels=str(low) if low == high else f"{low}–{high}")
    options = tuple(msg.item(o) for o in c.options)
    # A met role or involvement needs no "(needed: …)": repeating the same words reads as an error.
    if c.met and key in ("role", "involvement"):
        text = msg(f"crit.{key}.met", **values)
    else:
        text = msg(f"crit.{key}", **values)
    return CriterionView(c.key, c.met, text, options)


def _level_words(std: Standard, field: str, level: int, msg: Messages) -> str:
    if level in std.common_levels:
        return msg.std(f"level.{level}.title")
    role = std.fields[field].specialty_levels[level].role
    key = f"field.{field}.role_text.{role}"
    return msg.std(key) if msg.has_std(key) else std.fields[field].role_text[role].rstrip(".")


def build_result(evaluation: Evaluation, std: Standard, msg: Messages) -> ResultView:
    name = msg.field_name(evaluation.field)
    if evaluation.level:
        headline = msg(
            "result.level",
            field_name=name,
            level=evaluation.level,
            role_words=_level_words(std, evaluation.field, evaluation.level, msg),
        )
        achieved_result: LevelResult | None = evaluation.at(evaluation.level)
    else:
        headline = msg("result.level0", field_name=name)
        achieved_result = None
    achieved = (
        tuple(_criterion(c, std, evaluation.field, evaluation.level, msg) for c in achieved_result.criteria)
        if achieved_result
        else ()
    )
    nxt = evaluation.next
    if nxt is None:
        return ResultView(
            evaluation.field,
            evaluation.level,
            headline,
            achieved,
            None,
            msg("result.top", field_name=name),
            (),
        )
    return ResultView(
        evaluation.field,
        evaluation.level,
        headline,
        achieved,
        nxt.level,
        msg("result.plan", field_name=name, level=nxt.level),
        tuple(_criterion(c, std, evaluation.field, nxt.level, msg) for c in nxt.criteria),
    )
