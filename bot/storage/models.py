"""The tables of the bot, as typed ORM classes.

There are deliberately no ``relationship()``s: lazy loading does not work under asyncio, so the
repositories query explicitly and the foreign keys (with ``ON DELETE`` rules) keep the data consistent.
Constraint names come from a naming convention so migrations can refer to them on both backends.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.storage.column_types import JsonObject, UTCDateTime, utc_now

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

INVITATION_CODE_MAX_LENGTH = 64
"""Telegram accepts at most 64 characters in a ``?start=`` deep-link parameter."""


class InterviewStatus(StrEnum):
    """Where an interview is in its life; only ``ACTIVE`` ones may still change."""

    ACTIVE = "active"
    FINISHED = "finished"
    ABANDONED = "abandoned"


class TranscriptDirection(StrEnum):
    """Who spoke: the bot (``PROMPT``), the user (``ANSWER``), or neither (``EVENT``, e.g. a timeout)."""

    PROMPT = "prompt"
    ANSWER = "answer"
    EVENT = "event"


def _one_of(column: str, values: type[StrEnum]) -> str:
    allowed = ", ".join(f"'{member.value}'" for member in values)
    return f"{column} IN ({allowed})"


_ACTIVE_ONLY = text(f"status = '{InterviewStatus.ACTIVE.value}'")


class Base(DeclarativeBase):
    """Declarative base carrying the naming convention and the UTC timestamp mapping."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}  # noqa: RUF012 - SQLAlchemy reads it as a class attribute


class User(Base):
    """A person talking to the bot, from Telegram (``telegram_id``) or the terminal front (``local_key``)."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("telegram_id IS NOT NULL OR local_key IS NOT NULL", name="has_identity"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    local_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(255))
    language_code: Mapped[str | None] = mapped_column(String(35))
    #: The language the person reads levelcheck in: Telegram's on first contact, then their choice.
    language: Mapped[str | None] = mapped_column(String(8))
    #: The chat message that shows the person's current question with live buttons (Telegram only):
    #: when a new copy is sent, this one loses its buttons, so no two copies can be answered.
    live_message_id: Mapped[int | None] = mapped_column(BigInteger)
    #: What the person's next typed text answers outside the interview (a team's name, a review
    #: comment), e.g. ``"team_name"``; kept here, not in a process, so any replica reads it right.
    awaiting: Mapped[str | None] = mapped_column(String(64))
    #: The one ``/forget`` confirmation that may still be pressed: a newer one replaces it.
    confirmation: Mapped[str | None] = mapped_column(String(32))
    #: The person asked for no reminders about unfinished assessments.
    reminders_off: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    #: An admin allowed this person to create teams (needed only when team creation is restricted).
    may_lead: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    last_seen_at: Mapped[datetime] = mapped_column(default=utc_now)


class Team(Base):
    """A group of engineers whose results its leads see, once each member has agreed to it."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Leads hear when a member finishes unless they turned it off for the team.
    notify_on_finish: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class TeamLead(Base):
    """A person who sees the team's results: its creator and the co-leads they added."""

    __tablename__ = "team_leads"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[datetime] = mapped_column(default=utc_now)


class TeamMember(Base):
    """A person who agreed that the team's leads see their results; leaving deletes the row."""

    __tablename__ = "team_members"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id", ondelete="SET NULL"))
    joined_at: Mapped[datetime] = mapped_column(default=utc_now)


class Invitation(Base):
    """A deep link a team lead hands out so the results of the team's interviews come back to them."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(INVITATION_CODE_MAX_LENGTH), unique=True)
    lead_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    #: The team the link joins; every invitation has one (older ones got a team of their own title).
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    revoked_at: Mapped[datetime | None] = mapped_column()
    expires_at: Mapped[datetime | None] = mapped_column()
    #: How many people may join through the link (``None``: no limit) and how many did.
    max_uses: Mapped[int | None] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    #: ``"member"``: the link joins the team; ``"lead"``: a one-off link a lead hands a co-lead.
    grants: Mapped[str] = mapped_column(String(16), default="member", server_default="member")


class InvitationFailure(Base):
    """One invitation code a person tried that led nowhere (unknown, revoked or malformed).

    Kept only to throttle guessing across every bot process, so it holds no code and lives only as
    long as the throttle's window needs it; the person's ``/forget`` removes it with them.
    """

    __tablename__ = "invitation_failures"
    __table_args__ = (Index("ix_invitation_failures_user_id_failed_at", "user_id", "failed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    failed_at: Mapped[datetime] = mapped_column(default=utc_now)


class Interview(Base):
    """One run of the questionnaire; ``snapshot`` is the dialogue's own serialization, opaque here.

    ``version`` grows by one on every write so two writers cannot silently overwrite each other.
    """

    __tablename__ = "interviews"
    __table_args__ = (
        CheckConstraint(_one_of("status", InterviewStatus), name="status"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index(
            "ix_interviews_one_active_per_user",
            "user_id",
            unique=True,
            sqlite_where=_ACTIVE_ONLY,
            postgresql_where=_ACTIVE_ONLY,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default=InterviewStatus.ACTIVE.value)
    state: Mapped[str] = mapped_column(String(100))
    snapshot: Mapped[JsonObject] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    started_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
    finished_at: Mapped[datetime | None] = mapped_column()
    #: The ``seq`` of the newest transcript line (``TranscriptRepository`` numbers lines from it).
    transcript_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: The chat message the newest answer or event came with, when the front said (a typed answer's
    #: own id, or the message whose button was pressed): tells a repeat or a late text.
    last_message_id: Mapped[int | None] = mapped_column(BigInteger)


class Result(Base):
    """The level an interview concluded, with the profile and evaluation that justify it."""

    __tablename__ = "results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(100))
    level: Mapped[int] = mapped_column(Integer)
    #: Which rules judged it: a later edition of the standard must not silently re-read old results.
    standard_id: Mapped[str] = mapped_column(String(100), server_default="itss-v2-customer-service")
    standard_version: Mapped[str] = mapped_column(String(32), server_default="1.0")
    profile: Mapped[JsonObject] = mapped_column(JSON)
    evaluation: Mapped[JsonObject] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class TranscriptEntry(Base):
    """One line of the conversation, kept so a disputed level can be traced back to the answers."""

    __tablename__ = "transcript_entries"
    __table_args__ = (
        UniqueConstraint("interview_id", "seq"),
        CheckConstraint(_one_of("direction", TranscriptDirection), name="direction"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    direction: Mapped[str] = mapped_column(String(16))
    key: Mapped[str | None] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    # none_as_null: "no payload" must be SQL NULL, not the JSON literal null.
    payload: Mapped[JsonObject | None] = mapped_column(JSON(none_as_null=True))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class ReviewVerdict(StrEnum):
    """A lead's word on one self-claimed criterion."""

    CONFIRMED = "confirmed"
    QUESTIONED = "questioned"


class ClaimReview(Base):
    """A lead's verdict on one claim of a finished assessment (``claim`` names the profile part)."""

    __tablename__ = "claim_reviews"
    __table_args__ = (
        UniqueConstraint("result_id", "claim"),
        CheckConstraint(_one_of("verdict", ReviewVerdict), name="verdict"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("results.id", ondelete="CASCADE"), index=True)
    claim: Mapped[str] = mapped_column(String(120))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verdict: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)


class Notification(Base):
    """A message the bot owes someone at ``due_at``: a lead's "member finished", a member's reminder.

    Written in the transaction that makes it due, sent by a periodic job that marks it sent, so a
    restart neither loses nor repeats one.
    """

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_due", "sent_at", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    #: The interview it is about (a reminder goes when the interview finishes or is deleted).
    interview_id: Mapped[int | None] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    payload: Mapped[JsonObject] = mapped_column(JSON)
    due_at: Mapped[datetime] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class AuditEvent(Base):
    """Someone other than the person looked at the person's data (a transcript, a result, an export)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: The actor's name and role at the time, so the line still reads after they are deleted.
    actor_name: Mapped[str] = mapped_column(String(255))
    actor_role: Mapped[str] = mapped_column(String(16))
    #: The person whose data was seen (``None`` for an export of many); their /forget removes the line.
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int | None] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(16))


class WebLogin(Base):
    """A one-time sign-in link for the web page; only the token's hash is kept."""

    __tablename__ = "web_logins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()


class ProcessedUpdate(Base):
    """An incoming delivery whose handling committed, by its id (Telegram's ``update_id``).

    Inserted in the same transaction as the delivery's changes (``bot.storage.idempotency``): a
    redelivery or a duplicate then violates the key and changes nothing. Kept a week, far longer than
    Telegram retries a delivery (24 hours).
    """

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
