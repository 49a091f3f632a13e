"""A lead's review of a result, in words: each claim as a line, the verdicts, and the two levels side
by side ("Self-assessed: level 4 · Confirmed by your lead: level 3").

``criteria.claims`` decides what the claims are and what a questioned one takes away; this module
only words them, in the reader's language, for the lead who reviews and the member who reads the
review. Fronts render the same ``ReviewView``, so Telegram and any later page never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from criteria import Claim
from criteria.claims import (
    ACCOMPLISHMENT,
    COMMON_COMPLEXITY,
    INVOLVEMENT,
    MENTORING,
    PROJECT,
    ROLE,
    THEME,
)
from criteria.standard import COMMON
from dialogs.messages import Messages

if TYPE_CHECKING:
    from dialogs.result import Markup

Verdict = Literal["confirmed", "questioned"]
VERDICTS: tuple[Verdict, ...] = ("confirmed", "questioned")

#: Who reads the two levels: the member ("your lead"), the reviewing lead, or anyone a result is
#: forwarded to (the share text names no lead).
Audience = Literal["member", "lead", "shared"]


@dataclass(frozen=True, slots=True)
class ClaimLine:
    """One claim as its reader sees it, with the verdict on it if there is one."""

    key: str
    text: str
    verdict: Verdict | None = None
    comment: str | None = None
    reviewer: str | None = None  # the reviewer's name; None while unreviewed or once they left
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ReviewView:
    """A result under review: the member, both levels and every claim.

    ``confirmed_level`` is None while no claim has a verdict; unreviewed claims stand as claimed
    (only a questioned claim takes anything away), and a questioned role confirms no level (0).
    """

    result_id: int
    member_name: str
    field: str
    self_level: int
    confirmed_level: int | None
    claims: tuple[ClaimLine, ...]
    reviewed: int
    total: int
    field_name: str = ""
    standard_id: str = ""
    finished_at: datetime | None = None

    @property
    def questioned(self) -> int:
        return sum(1 for c in self.claims if c.verdict == "questioned")

    @property
    def confirmed(self) -> int:
        return sum(1 for c in self.claims if c.verdict == "confirmed")

    def claim(self, key: str) -> ClaimLine:
        return next(c for c in self.claims if c.key == key)

    def render(self, msg: Messages, markup: Markup | None = None, *, audience: Audience = "lead") -> str:
        """The whole review as one message: who and which field, both levels, progress, each claim."""
        text = markup.text if markup is not None else _same
        bold = markup.bold if markup is not None else _same
        lines = [bold(msg("review.heading", name=self.member_name, field_name=self.field_name or self.field))]
        if self.confirmed_level is not None:
            lines.append(text(levels_line(self.self_level, self.confirmed_level, msg, audience)))
        lines.append(text(msg("review.progress", reviewed=self.reviewed, total=self.total)))
        for line in self.claims:
            lines += ["", text(f"{_mark(line.verdict, msg)} {line.text}"), text(verdict_text(line, msg))]
            if line.comment:
                lines.append(text(msg("review.comment", comment=line.comment)))
        return "\n".join(lines)


def _same(value: str) -> str:
    return value


def _mark(verdict: str | None, msg: Messages) -> str:
    if verdict == "confirmed":
        return msg("review.mark.confirmed")
    if verdict == "questioned":
        return msg("review.mark.questioned")
    return msg("review.mark.open")


def _quoted(text: str) -> str:
    """An item of the standard quoted mid-sentence: the sentence around it ends it."""
    return text.rstrip(".。")


def _level(level: int, msg: Messages) -> str:
    return msg("review.level", level=level) if level else msg("review.level.none")


def levels_line(self_level: int, confirmed_level: int, msg: Messages, audience: Audience = "member") -> str:
    """The self-assessed and the lead-confirmed level side by side, for ``audience``."""
    mine, confirmed = _level(self_level, msg), _level(confirmed_level, msg)
    if audience == "lead":
        return msg("review.levels.lead", mine=mine, confirmed=confirmed)
    if audience == "shared":
        return msg("review.levels.shared", mine=mine, confirmed=confirmed)
    return msg("review.levels", mine=mine, confirmed=confirmed)


def verdict_text(line: ClaimLine, msg: Messages) -> str:
    """ "Confirmed by Dana Lead" / "Questioned by …" / "Not reviewed yet"."""
    if line.verdict is None:
        return msg("review.verdict.open")
    reviewer = line.reviewer or msg("review.reviewer.unknown")
    if line.verdict == "confirmed":
        return msg("review.verdict.confirmed", reviewer=reviewer)
    return msg("review.verdict.questioned", reviewer=reviewer)


def claim_text(claim: Claim, msg: Messages) -> str:
    """One claim as a line a lead can vouch for; ``msg`` must speak the result's standard."""
    std = msg.standard
    assert std is not None, "claims are worded against the standard that judged the result"
    if claim.kind == ROLE:
        return msg("review.claim.role", role=msg.std(f"role.{claim.value}.short"))
    if claim.kind == PROJECT:
        return _project_text(claim, msg)
    if claim.kind == INVOLVEMENT:
        what, have = msg.std("involvement.label"), msg.std(f"involvement.{claim.value}.option")
        return msg("review.claim.involvement", what=what, have=have)
    if claim.kind == MENTORING:
        return msg("review.claim.mentoring")
    item_id = claim.item_ids[0]
    item = _quoted(msg.item(item_id))
    if claim.kind == COMMON_COMPLEXITY:
        return msg("review.claim.common_complexity", item=item)
    if claim.kind == THEME:
        if std.items[item_id].field == COMMON:
            return msg("review.claim.common_theme", item=item)
        return msg("review.claim.theme", level=min(std.items[item_id].levels), item=item)
    if claim.kind == ACCOMPLISHMENT:
        area = msg.std(f"field.{std.items[item_id].field}.accomplishment_area")
        return msg("review.claim.accomplishment", area=area, item=item)
    raise ValueError(f"no words for a claim of kind {claim.kind!r}")


def _project_text(claim: Claim, msg: Messages) -> str:
    std = msg.standard
    assert std is not None
    complexity = [i for i in claim.item_ids if std.items[i].kind == "complexity"]
    sizes = [i for i in claim.item_ids if std.items[i].kind == "size"]
    counts = msg("review.project.level", level=claim.level) if claim.level else msg("review.project.none")
    items = (
        msg("review.project.items_separator").join(_quoted(msg.item(i)) for i in complexity)
        if complexity
        else msg("review.project.no_items")
    )
    if sizes:
        size = _quoted(msg.item(sizes[0]))
        return msg("review.claim.project", n=claim.number, counts=counts, items=items, size=size)
    return msg("review.claim.project.sizeless", n=claim.number, counts=counts, items=items)
