"""Failed invitation attempts per person, so guessing codes is throttled across every bot process.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "invitation_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_invitation_failures_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation_failures")),
    )
    op.create_index(
        "ix_invitation_failures_user_id_failed_at", "invitation_failures", ["user_id", "failed_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_invitation_failures_user_id_failed_at", table_name="invitation_failures")
    op.drop_table("invitation_failures")
