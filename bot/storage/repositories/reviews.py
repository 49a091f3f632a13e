"""Lead reviews of claims: one verdict per claim of a result, and who may give it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import ClaimReview, Result, TeamLead, TeamMember, User
from bot.storage.repositories._text import storable_optional_text
from bot.storage.repositories.results import ResultWithUser

_NEWEST_FIRST = (Result.created_at.desc(), Result.id.desc())
_LARGEST_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL


@dataclass(frozen=True, slots=True)
class ReviewWithReviewer:
    """A verdict and who gave it (``None`` once the reviewer deleted their data)."""

    review: ClaimReview
    reviewer: User | None


class ReviewRepository:
    """Access to ``claim_reviews``, plus the team relations that decide who may review whom.

    The relations are queried here rather than through the teams' repository so that the review's
    authorization reads exactly the two tables it depends on: the reviewer leads a team, the result's
    owner is a member of that same team.
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def result(self, result_id: int) -> Result | None:
        """The result under review (results are read here too, so a review needs no other repository)."""
        if not 0 < result_id <= _LARGEST_ID:  # a forged id: PostgreSQL would refuse it as out of range
            return None
        return await self._session.get(Result, result_id)

    async def upsert(
        self,
        *,
        result_id: int,
        claim: str,
        reviewer_id: int,
        verdict: str,
        comment: str | None,
        at: datetime,
    ) -> ClaimReview:
        """The verdict on one claim of one result; a later verdict (by anyone) replaces the earlier one,
        so a claim always has at most one, the latest."""
        comment = storable_optional_text(comment)
        review = await self._get(result_id, claim)
        if review is None:
            review = ClaimReview(
                result_id=result_id,
                claim=claim,
                reviewer_id=reviewer_id,
                verdict=verdict,
                comment=comment,
                created_at=at,
                updated_at=at,
            )
            try:
                # A savepoint: losing the race against another reviewer of the same claim undoes only this.
                async with self._session.begin_nested():
                    self._session.add(review)
                return review
            except IntegrityError:
                review = await self._get(result_id, claim)
                assert review is not None, "the unique (result_id, claim) row that refused the insert"
        review.reviewer_id = reviewer_id
        review.verdict = verdict
        review.comment = comment
        review.updated_at = at
        await self._session.flush()
        return review

    async def _get(self, result_id: int, claim: str) -> ClaimReview | None:
        return await self._session.scalar(
            select(ClaimReview).where(ClaimReview.result_id == result_id, ClaimReview.claim == claim)
        )

    async def for_result(self, result_id: int) -> list[ReviewWithReviewer]:
        """Every verdict on the result, in the order they were first given."""
        rows = await self._session.execute(
            select(ClaimReview, User)
            .outerjoin(User, User.id == ClaimReview.reviewer_id)
            .where(ClaimReview.result_id == result_id)
            .order_by(ClaimReview.created_at, ClaimReview.id)
        )
        return [ReviewWithReviewer(review, reviewer) for review, reviewer in rows.tuples()]

    async def counts(self, result_ids: Iterable[int]) -> dict[int, int]:
        """How many claims of each result have a verdict (results without any are left out)."""
        ids = list(result_ids)
        if not ids:
            return {}
        rows = await self._session.execute(
            select(ClaimReview.result_id, func.count())
            .where(ClaimReview.result_id.in_(ids))
            .group_by(ClaimReview.result_id)
        )
        return {result_id: count for result_id, count in rows.tuples()}

    async def leads_member(self, lead_user_id: int, member_user_id: int) -> bool:
        """Whether ``lead_user_id`` leads (or co-leads) a team ``member_user_id`` is a member of."""
        found = await self._session.scalar(
            select(TeamLead.team_id)
            .join(TeamMember, TeamMember.team_id == TeamLead.team_id)
            .where(TeamLead.user_id == lead_user_id, TeamMember.user_id == member_user_id)
            .limit(1)
        )
        return found is not None

    async def latest_of_members(self, lead_user_id: int) -> list[ResultWithUser]:
        """The newest result of each member of every team ``lead_user_id`` leads, never the lead's own:
        what a lead may review. Ordered by name, then user id, for a stable list."""
        members = (
            select(TeamMember.user_id)
            .join(TeamLead, TeamLead.team_id == TeamMember.team_id)
            .where(TeamLead.user_id == lead_user_id, TeamMember.user_id != lead_user_id)
        )
        ranked = (
            select(
                Result.id.label("result_id"),
                func.row_number().over(partition_by=Result.user_id, order_by=_NEWEST_FIRST).label("rank"),
            )
            .where(Result.user_id.in_(members))
            .subquery()
        )
        rows = await self._session.execute(
            select(Result, User)
            .join(ranked, (ranked.c.result_id == Result.id) & (ranked.c.rank == 1))
            .join(User, User.id == Result.user_id)
            # Explicit NULL placement: SQLite and PostgreSQL disagree on where NULL names sort.
            .order_by(User.display_name.is_(None), User.display_name, User.id)
        )
        return [ResultWithUser(result=result, user=user) for result, user in rows.tuples()]
