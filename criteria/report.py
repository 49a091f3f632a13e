"""Plain-text rendering of an evaluation, for the command line and for people reading a log."""

from __future__ import annotations

from criteria.evaluate import Evaluation, LevelResult
from criteria.registry import load_standard
from criteria.standard import Standard


def _criteria_lines(result: LevelResult, std: Standard, with_options: bool) -> list[str]:
    lines: list[str] = []
    for c in result.criteria:
        lines.append(f"  {'[x]' if c.met else '[ ]'} {c.text}")
        if with_options and not c.met:
            lines.extend(f"        - {std.text(o)}" for o in c.options)
    return lines


def render_report(evaluation: Evaluation, std: Standard | None = None) -> str:
    """The level first, then each level's checklist, then the plan for the next level."""
    std = std or load_standard()
    name = std.fields[evaluation.field].name
    lines = [f"{name}: level {evaluation.level}" if evaluation.level else f"{name}: not yet level 1"]
    if evaluation.experience_levels:
        lowest = min(std.fields[evaluation.field].specialty_levels, default=1)
        eq = ", ".join(str(lv) if lv else f"below {lowest}" for lv in evaluation.experience_levels)
        lines.append(f"Projects, by level equivalent: {eq}")
    for result in evaluation.levels:
        lines.append(f"Level {result.level}: {'met' if result.met else 'not met'}")
        lines.extend(_criteria_lines(result, std, with_options=False))
    nxt = evaluation.next
    if nxt is None:
        lines.append(f"This is the top level of {name}.")
    else:
        lines.append(f"To reach {name} level {nxt.level} you still need (any one of a listed option counts):")
        lines.extend(_criteria_lines(LevelResult(nxt.level, nxt.missing), std, with_options=True))
    return "\n".join(lines)
