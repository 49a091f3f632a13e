"""One repository per aggregate; they flush when they need ids but never commit (the unit of work does)."""

from bot.storage.repositories.audit import AuditRepository
from bot.storage.repositories.interviews import InterviewRepository
from bot.storage.repositories.invitations import InvitationFailureRepository, InvitationRepository
from bot.storage.repositories.notifications import NotificationRepository
from bot.storage.repositories.results import ResultRepository, ResultWithUser
from bot.storage.repositories.reviews import ReviewRepository, ReviewWithReviewer
from bot.storage.repositories.teams import Membership, TeamRepository
from bot.storage.repositories.transcripts import TranscriptRepository
from bot.storage.repositories.users import UserRepository

__all__ = [
    "AuditRepository",
    "InterviewRepository",
    "InvitationFailureRepository",
    "InvitationRepository",
    "Membership",
    "NotificationRepository",
    "ResultRepository",
    "ResultWithUser",
    "ReviewRepository",
    "ReviewWithReviewer",
    "TeamRepository",
    "TranscriptRepository",
    "UserRepository",
]
