"""What an admin sees of the service tests' interviews: transcripts and the results CSV, through the
``AdminService`` the fronts use (the assessment service no longer serves admins itself)."""

from __future__ import annotations

from bot.access import Policy
from bot.administration import AdminService, NotFound, TranscriptLine
from bot.app import RuntimeOptions
from bot.service import AssessmentService, Identity

ADMIN = Identity(telegram_id=9_000_001, display_name="Admin")


def admin_of(service: AssessmentService) -> AdminService:
    options = RuntimeOptions(policy=Policy(frozenset({ADMIN.telegram_id or 0})))
    return AdminService(service._uow, options, service.standards)


async def transcript_of(service: AssessmentService, interview_id: int) -> tuple[TranscriptLine, ...] | None:
    """Every line of the interview, or None if there is no such interview."""
    try:
        return (await admin_of(service).transcript(ADMIN, interview_id)).lines
    except NotFound:
        return None


async def results_csv(service: AssessmentService) -> str:
    return await admin_of(service).results_csv(ADMIN)
