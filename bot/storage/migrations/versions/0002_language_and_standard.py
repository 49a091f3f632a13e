"""Each person's chosen language; each result's standard (id and version).

Results from before this revision were all judged against ITSS V2 Customer Service at data version
1.0, which is what the server defaults give them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))
    with op.batch_alter_table("results") as batch:
        batch.add_column(
            sa.Column(
                "standard_id",
                sa.String(length=100),
                nullable=False,
                server_default="itss-v2-customer-service",
            )
        )
        batch.add_column(
            sa.Column("standard_version", sa.String(length=32), nullable=False, server_default="1.0")
        )


def downgrade() -> None:
    with op.batch_alter_table("results") as batch:
        batch.drop_column("standard_version")
        batch.drop_column("standard_id")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("language")
