"""A person's answers as the report lists them: the review's labels, the standard's own words.

The report must show what the person told levelcheck, not what levelcheck made of it, so every
row is worded from the profile with the same labels the interview's review uses (``label.*``)
and the standard's words for each ticked item. Items are listed in the standard's order, so two
reports of the same answers read the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from criteria import Experience, FieldSpec, Profile, Standard
from dialogs.messages import Messages


@dataclass(frozen=True, slots=True)
class AnswerRow:
    """One answer: its label and its values (several for a checklist; none when nothing was ticked)."""

    label: str
    values: tuple[str, ...]


def _ordered(ids: frozenset[str], among: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(i for i in among if i in ids)


def _project_rows(n: int, exp: Experience, spec: FieldSpec, msg: Messages) -> list[AnswerRow]:
    rows = [
        AnswerRow(
            msg("label.project.complexity", n=n),
            tuple(msg.item(i) for i in _ordered(exp.complexity, spec.complexity)),
        )
    ]
    floor = min((r.complexity_min for r in spec.specialty_levels.values()), default=0)
    if len(exp.complexity) < floor:
        return rows  # its size cannot change anything, and the interview need not ask it
    measured = spec.measured_size
    if measured is not None and exp.facility is not None:
        scope = msg.std(f"scope.{exp.facility.scope}.option")
        rows.append(AnswerRow(msg.std("scope.label", n=n), (scope,)))
        if exp.facility.scope in measured.measured_scopes():
            rows += [
                AnswerRow(
                    msg.std(f"quantity.{q.answer}.label", n=n), (msg.number(exp.facility.amount(q.id)),)
                )
                for q in measured.quantities
            ]
    rows.append(AnswerRow(msg("label.project.size", n=n), (msg.item(exp.size),)))
    return rows


def answer_rows(profile: Profile, std: Standard, msg: Messages) -> tuple[AnswerRow, ...]:
    """Every answer that bears on the level, in interview order."""
    spec = std.fields[profile.field]
    field_name = msg.field_name(profile.field)
    rows = [
        AnswerRow(msg("label.field"), (field_name,)),
        AnswerRow(msg("label.role"), (msg.std(f"role.{profile.role}.option", field_name=field_name),)),
        AnswerRow(msg("label.project_count"), (msg.number(len(profile.experiences)),)),
    ]
    for n, exp in enumerate(profile.experiences, start=1):
        rows += _project_rows(n, exp, spec, msg)
    for level, rule in sorted(spec.specialty_levels.items()):
        ticked = _ordered(profile.themes, rule.themes)
        rows.append(AnswerRow(msg("label.themes", level=level), tuple(msg.item(i) for i in ticked)))
    if spec.accomplishments:
        ticked = _ordered(profile.accomplishments, spec.accomplishments)
        rows.append(AnswerRow(msg("label.accomplishments"), tuple(msg.item(i) for i in ticked)))
    rows.append(AnswerRow(msg("label.mentoring"), (msg("yes") if profile.mentoring else msg("no"),)))
    if std.common_levels:
        first = std.common_levels[min(std.common_levels)]
        if std.involvements:
            rows.append(
                AnswerRow(
                    msg.std("involvement.label"), (msg.std(f"involvement.{profile.involvement}.option"),)
                )
            )
        systems = _ordered(profile.common_complexity, first.complexity)
        rows.append(AnswerRow(msg("label.common_complexity"), tuple(msg.item(i) for i in systems)))
        themes = _ordered(profile.themes, first.themes)
        rows.append(AnswerRow(msg("label.common_themes"), tuple(msg.item(i) for i in themes)))
    return tuple(rows)
