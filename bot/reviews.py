"""Lead review of claims: a team lead goes through a member's finished assessment claim by claim,
confirming or questioning each, and the member reads the review.

The level stays self-assessed; the review adds a second, lead-confirmed level beside it (the level of
what the lead did not question, ``criteria.claims``). Who may review is decided here: a lead or
co-lead of a team the result's owner is a member of (membership exists only after consent), or an
admin — never the owner themself, so nobody confirms their own word. Anyone else, and any id they
name, gets the same ``AccessDenied``.

Every look at a member's result by a reviewer is written to the audit log; every verdict goes into
the interview's transcript (so a disputed level can be traced to who questioned what) and tells the
member, through the notification the jobs send.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from bot.access import AccessDenied, actor_name, channel_of, find_user
from bot.notifications import notify_member_of_review
from bot.service import Identity
from bot.storage import Result, UnitOfWork, UnitOfWorkFactory, User
from criteria import ClaimError, StandardError, StandardSet, claims_of, confirmed_level
from dialogs import DEFAULT_LANGUAGE, Messages, languages, supported_language
from dialogs.review import VERDICTS, Audience, ClaimLine, ReviewView, Verdict, claim_text

if TYPE_CHECKING:
    from bot.app import RuntimeOptions

__all__ = ["COMMENT_LIMIT", "ClaimLine", "ReviewService", "ReviewView", "Reviewable"]

log = logging.getLogger(__name__)

#: The most characters of a lead's comment that are kept: a remark, not a report.
COMMENT_LIMIT = 1000


class Reviewable(NamedTuple):
    """One member's newest result, as a lead's list of what to review shows it."""

    result_id: int
    member_name: str
    field: str
    level: int
    finished_at: datetime
    reviewed: int
    total: int


class ReviewService:
    def __init__(
        self, uow_factory: UnitOfWorkFactory, options: RuntimeOptions, standards: StandardSet | None = None
    ) -> None:
        self._uow = uow_factory
        self._options = options
        self._standards = standards or StandardSet.from_references(())

    async def reviewable(self, who: Identity) -> list[Reviewable]:
        """The newest result of each member of every team the person leads (empty for anyone else)."""
        async with self._uow() as uow:
            user = await find_user(uow, who)
            rows = [] if user is None else await uow.reviews.latest_of_members(user.id)
            counts = await uow.reviews.counts(r.result.id for r in rows)
            await uow.commit()
        found = []
        for row in rows:
            result = row.result
            try:
                total = len(claims_of(result.profile, self._standards.get(result.standard_id)))
            except StandardError:  # judged by a standard this deployment no longer offers
                continue
            name = actor_name(row.user)
            reviewed = counts.get(result.id, 0)
            found.append(
                Reviewable(result.id, name, result.field, result.level, result.created_at, reviewed, total)
            )
        return found

    async def open(self, who: Identity, result_id: int) -> ReviewView:
        """A member's result with every claim and the verdicts so far, for the reviewer; recorded in
        the audit log as a look at the member's result."""
        async with self._uow() as uow:
            reviewer, result, owner = await self._authorized(uow, who, result_id)
            await self._audit(uow, who, reviewer, result)
            view = await self._view(uow, result, owner, self._language(reviewer, who), "lead")
            await uow.commit()
            return view

    async def set_verdict(
        self,
        who: Identity,
        result_id: int,
        claim_key: str,
        verdict: Verdict | str,
        comment: str | None = None,
    ) -> ReviewView:
        """Confirm or question one claim (a later verdict replaces the earlier one), with an optional
        comment of at most ``COMMENT_LIMIT`` characters; recorded in the transcript, told to the member.

        ``ValueError`` for a verdict other than confirmed/questioned; ``ClaimError`` (a ValueError)
        for a key that names no claim of this result.
        """
        if verdict not in VERDICTS:
            raise ValueError(f"a verdict is one of {', '.join(VERDICTS)}, not {verdict!r}")
        remark = _comment(comment)
        async with self._uow() as uow:
            reviewer, result, owner = await self._authorized(uow, who, result_id)
            std = self._standards.get(result.standard_id)
            if claim_key not in {c.key for c in claims_of(result.profile, std)}:
                raise ClaimError(claim_key)
            now = self._options.clock()
            await uow.reviews.upsert(
                result_id=result.id,
                claim=claim_key,
                reviewer_id=reviewer.id,
                verdict=verdict,
                comment=remark,
                at=now,
            )
            name = actor_name(reviewer)
            await self._record(uow, result, claim_key, verdict, reviewer, name, remark)
            view = await self._view(uow, result, owner, self._language(reviewer, who), "lead")
            payload = {
                "result_id": result.id,
                "reviewer_name": name,
                "questioned": view.questioned,
                "confirmed": view.confirmed,
            }
            await notify_member_of_review(uow, owner.id, payload, now)
            await uow.commit()
            log.info("a claim was reviewed: %s", verdict)
            return view

    async def for_member(self, who: Identity, result_id: int) -> ReviewView | None:
        """The owner's own view of the review of their result; None when it is not theirs, does not
        exist, or has no verdict yet (there is nothing to show until a lead said something)."""
        async with self._uow() as uow:
            user = await find_user(uow, who)
            result = await uow.reviews.result(result_id)
            if user is None or result is None or result.user_id != user.id:
                return None
            view = await self._view(uow, result, user, self._language(user, who), "member")
            await uow.commit()
            return view if view.reviewed else None

    # --- inside a unit of work ---------------------------------------------------------------------

    async def _authorized(self, uow: UnitOfWork, who: Identity, result_id: int) -> tuple[User, Result, User]:
        """(reviewer, result, owner) when ``who`` may review the result, else ``AccessDenied`` — the
        same for an unknown person, an unknown result and someone else's."""
        reviewer = await find_user(uow, who)
        result = await uow.reviews.result(result_id)
        owner = None if result is None else await uow.users.get(result.user_id)
        if reviewer is None or result is None or owner is None or owner.id == reviewer.id:
            raise AccessDenied()
        if not self._options.policy.is_admin(reviewer) and not await uow.reviews.leads_member(
            reviewer.id, owner.id
        ):
            raise AccessDenied()
        return reviewer, result, owner

    async def _audit(self, uow: UnitOfWork, who: Identity, reviewer: User, result: Result) -> None:
        await uow.audit.record(
            actor_id=reviewer.id,
            actor_name=actor_name(reviewer),
            actor_role="admin" if self._options.policy.is_admin(reviewer) else "lead",
            channel=channel_of(who).value,
            action="result",
            subject_id=result.user_id,
            object_id=result.id,
            at=self._options.clock(),
        )

    async def _record(
        self,
        uow: UnitOfWork,
        result: Result,
        claim_key: str,
        verdict: str,
        reviewer: User,
        name: str,
        remark: str | None,
    ) -> None:
        """The verdict as a line of the interview's transcript, in the transcript's own (English,
        machine-like) words for events, so it reads the same whoever opens the transcript."""
        interview = await uow.interviews.get(result.interview_id)
        if interview is None:  # cannot happen while the result exists (it cascades with its interview)
            return
        text = f"review of result {result.id}: {claim_key} {verdict} by {name}"
        if remark:
            text += f": {remark}"
        payload: dict[str, Any] = {
            "review": {
                "result_id": result.id,
                "claim": claim_key,
                "verdict": verdict,
                "reviewer_id": reviewer.id,
            }
        }
        await uow.transcripts.append(interview, "event", None, text, payload)

    async def _view(
        self, uow: UnitOfWork, result: Result, owner: User, language: str, audience: Audience
    ) -> ReviewView:
        std = self._standards.get(result.standard_id)
        msg = Messages(language, std)
        given = {r.review.claim: r for r in await uow.reviews.for_result(result.id)}
        lines: list[ClaimLine] = []
        for claim in claims_of(result.profile, std):
            found = given.get(claim.key)
            if found is None:
                lines.append(ClaimLine(claim.key, claim_text(claim, msg)))
                continue
            review = found.review
            reviewer = actor_name(found.reviewer) if found.reviewer is not None else None
            verdict: Verdict = "confirmed" if review.verdict == "confirmed" else "questioned"
            lines.append(
                ClaimLine(
                    claim.key, claim_text(claim, msg), verdict, review.comment, reviewer, review.updated_at
                )
            )
        reviewed = sum(1 for line in lines if line.verdict is not None)
        questioned = [line.key for line in lines if line.verdict == "questioned"]
        level = confirmed_level(result.profile, questioned, std) if reviewed else None
        return ReviewView(
            result_id=result.id,
            member_name=actor_name(owner),
            field=result.field,
            self_level=result.level,
            confirmed_level=level,
            claims=tuple(lines),
            reviewed=reviewed,
            total=len(lines),
            field_name=msg.field_name(result.field),
            standard_id=result.standard_id,
            finished_at=result.created_at,
        )

    @staticmethod
    def _language(user: User, who: Identity) -> str:
        """The viewer's language: their choice, else their client's, else the default."""
        language = user.language or supported_language(who.language_code) or DEFAULT_LANGUAGE
        return language if language in languages() else DEFAULT_LANGUAGE


def _comment(comment: str | None) -> str | None:
    """A comment as kept: trimmed, empty as none, clipped to ``COMMENT_LIMIT`` characters."""
    if comment is None or not comment.strip():
        return None
    comment = comment.strip()
    return comment if len(comment) <= COMMENT_LIMIT else comment[: COMMENT_LIMIT - 1] + "…"
