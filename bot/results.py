"""A person's own results, opened again: worded in their language against the standard that judged
each one, with the previous result beside it for a comparison.

Reading only: a result is never changed once recorded. Every result is looked up among the
person's own, so a forged id can open nothing of anyone else's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.reviews import ReviewService, ReviewView
from bot.service import AssessmentService, Identity, ResultRow
from criteria import Profile, parse_profile
from dialogs import Messages
from dialogs.result import ResultView, build_result, compare_results


@dataclass(frozen=True, slots=True)
class OpenedResult:
    row: ResultRow
    view: ResultView
    profile: Profile
    msg: Messages  # the person's language, speaking the standard that judged this result
    previous: ResultRow | None  # the result before it, if any
    review: ReviewView | None = None  # a lead's review of it, once a lead said something


async def open_result(
    service: AssessmentService,
    who: Identity,
    result_id: int | None = None,
    *,
    reviews: ReviewService | None = None,
) -> OpenedResult | None:
    """The person's result ``result_id`` (their newest if None), or None if they have no such result.

    With ``reviews``, a lead's review of it comes along and the view carries the lead-confirmed level
    beside the self-assessed one."""
    history = await service.history(who)
    position = next((i for i, r in enumerate(history) if result_id is None or r.id == result_id), None)
    if position is None:
        return None
    row = history[position]
    msg = service.words_for(await service.words(who), row.standard_id)
    std = msg.standard
    assert std is not None, "results name a standard the service knows"
    profile = parse_profile(row.profile, std)
    view = build_result(profile, std, msg, row.created_at.date())
    previous = history[position + 1] if position + 1 < len(history) else None
    review = await reviews.for_member(who, row.id) if reviews is not None else None
    if review is not None:
        view = replace(view, confirmed_level=review.confirmed_level)
    return OpenedResult(row, view, profile, msg, previous, review)


def comparison(opened: OpenedResult) -> str | None:
    """How this result differs from the one before: "+1 level since 1 May 2026; newly met: …"."""
    before = opened.previous
    if before is None:
        return None
    msg = opened.msg
    if before.standard_id != opened.row.standard_id:  # other rules: only its field and level compare
        since = msg.date(before.created_at)
        field_name = msg.field_name(before.field)  # another standard's field: its id, still recognisable
        return msg("history.compare.other_field", since=since, field_name=field_name, level=before.level)
    std = msg.standard
    assert std is not None
    earlier = build_result(parse_profile(before.profile, std), std, msg, before.created_at.date())
    return compare_results(opened.view, earlier, msg)
