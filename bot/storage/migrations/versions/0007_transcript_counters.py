"""Each interview counts its transcript lines and remembers the chat message of its last answer.

A transcript line's ``seq`` used to be found with ``SELECT max(seq)`` (after locking the interview)
for every line, and the chat message of the last answer by reading the newest line back: four
statements per button press that the interview's own row can answer. ``transcript_seq`` is the
``seq`` of its newest line; ``last_message_id`` the chat message its newest answer or event came with.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ACTS = ("answer", "event")


def upgrade() -> None:
    with op.batch_alter_table("interviews") as batch:
        batch.add_column(sa.Column("transcript_seq", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("last_message_id", sa.BigInteger(), nullable=True))
    op.execute(
        "UPDATE interviews SET transcript_seq = COALESCE("
        "(SELECT max(t.seq) FROM transcript_entries t WHERE t.interview_id = interviews.id), 0)"
    )
    _remember_last_messages()


def _remember_last_messages() -> None:
    """The message of each active interview's newest answer or event, read from its payload (JSON
    is spelled differently on each database, so Python reads it; only active interviews need it)."""
    bind = op.get_bind()
    interviews = sa.table("interviews", sa.column("id"), sa.column("status"), sa.column("last_message_id"))
    entries = sa.table(
        "transcript_entries",
        sa.column("interview_id"),
        sa.column("seq"),
        sa.column("direction"),
        sa.column("payload", sa.JSON()),
    )
    active = bind.execute(sa.select(interviews.c.id).where(interviews.c.status == "active")).scalars()
    for interview_id in list(active):
        payload = bind.execute(
            sa.select(entries.c.payload)
            .where(entries.c.interview_id == interview_id, entries.c.direction.in_(_ACTS))
            .order_by(entries.c.seq.desc())
            .limit(1)
        ).scalar()
        message = payload.get("message") if isinstance(payload, dict) else None
        if isinstance(message, int) and not isinstance(message, bool):
            bind.execute(
                interviews.update().where(interviews.c.id == interview_id).values(last_message_id=message)
            )


def downgrade() -> None:
    with op.batch_alter_table("interviews") as batch:
        batch.drop_column("last_message_id")
        batch.drop_column("transcript_seq")
