"""Teams with leads and members, invitations that expire, lead reviews, notifications, audit, web logins.

Every invitation made before teams existed becomes a team of its own title, led by its maker; the
people who consented through it become that team's members, so no lead loses sight of anyone.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)
_BEFORE_CONSENT = ("consent", "declined")


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("awaiting", sa.String(64), nullable=True))
        batch.add_column(sa.Column("confirmation", sa.String(32), nullable=True))
        batch.add_column(
            sa.Column("reminders_off", sa.Boolean(), nullable=False, server_default=sa.text("false"))
        )
        batch.add_column(sa.Column("may_lead", sa.Boolean(), nullable=False, server_default=sa.text("false")))

    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("notify_on_finish", sa.Boolean(), nullable=False, server_default=sa.text("true")),
        sa.Column("created_at", _TS, nullable=False),
        _fk("teams", "created_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
    )
    op.create_table(
        "team_leads",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_at", _TS, nullable=False),
        _fk("team_leads", "team_id", "teams", "CASCADE"),
        _fk("team_leads", "user_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("team_id", "user_id", name=op.f("pk_team_leads")),
    )
    op.create_index(op.f("ix_team_leads_user_id"), "team_leads", ["user_id"])

    with op.batch_alter_table("invitations") as batch:
        batch.add_column(sa.Column("team_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("expires_at", _TS, nullable=True))
        batch.add_column(sa.Column("max_uses", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("uses", sa.Integer(), nullable=False, server_default=sa.text("0")))
        batch.add_column(sa.Column("grants", sa.String(16), nullable=False, server_default="member"))
        batch.create_foreign_key(
            op.f("fk_invitations_team_id_teams"), "teams", ["team_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_index(op.f("ix_invitations_team_id"), ["team_id"])

    op.create_table(
        "team_members",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=True),
        sa.Column("joined_at", _TS, nullable=False),
        _fk("team_members", "team_id", "teams", "CASCADE"),
        _fk("team_members", "user_id", "users", "CASCADE"),
        _fk("team_members", "invitation_id", "invitations", "SET NULL"),
        sa.PrimaryKeyConstraint("team_id", "user_id", name=op.f("pk_team_members")),
    )
    op.create_index(op.f("ix_team_members_user_id"), "team_members", ["user_id"])

    _teams_for_old_invitations()

    op.create_table(
        "claim_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("claim", sa.String(120), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.CheckConstraint("verdict IN ('confirmed', 'questioned')", name=op.f("ck_claim_reviews_verdict")),
        _fk("claim_reviews", "result_id", "results", "CASCADE"),
        _fk("claim_reviews", "reviewer_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_reviews")),
        sa.UniqueConstraint("result_id", "claim", name=op.f("uq_claim_reviews_result_id_claim")),
    )
    op.create_index(op.f("ix_claim_reviews_result_id"), "claim_reviews", ["result_id"])

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("due_at", _TS, nullable=False),
        sa.Column("sent_at", _TS, nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        _fk("notifications", "user_id", "users", "CASCADE"),
        _fk("notifications", "interview_id", "interviews", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    op.create_index(op.f("ix_notifications_user_id"), "notifications", ["user_id"])
    op.create_index(op.f("ix_notifications_interview_id"), "notifications", ["interview_id"])
    op.create_index("ix_notifications_due", "notifications", ["sent_at", "due_at"])

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(255), nullable=False),
        sa.Column("actor_role", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        _fk("audit_events", "actor_id", "users", "SET NULL"),
        _fk("audit_events", "subject_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_at"), "audit_events", ["at"])
    op.create_index(op.f("ix_audit_events_actor_id"), "audit_events", ["actor_id"])
    op.create_index(op.f("ix_audit_events_subject_id"), "audit_events", ["subject_id"])

    op.create_table(
        "web_logins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.Column("used_at", _TS, nullable=True),
        _fk("web_logins", "user_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_logins")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_logins_token_hash")),
    )
    op.create_index(op.f("ix_web_logins_user_id"), "web_logins", ["user_id"])


def _teams_for_old_invitations() -> None:
    """One team per existing invitation: same name, its maker leads, who consented through it joins."""
    bind = op.get_bind()
    invitations = bind.execute(
        sa.text("SELECT id, lead_user_id, title, created_at FROM invitations ORDER BY id")
    ).all()
    for invitation_id, lead_id, title, created_at in invitations:
        team_id = bind.execute(
            sa.text(
                "INSERT INTO teams (name, created_by, notify_on_finish, created_at) "
                "VALUES (:name, :lead, :notify, :at) RETURNING id"
            ),
            {"name": title, "lead": lead_id, "notify": True, "at": created_at},
        ).scalar_one()
        bind.execute(
            sa.text("INSERT INTO team_leads (team_id, user_id, added_at) VALUES (:team, :lead, :at)"),
            {"team": team_id, "lead": lead_id, "at": created_at},
        )
        bind.execute(
            sa.text("UPDATE invitations SET team_id = :team WHERE id = :id"),
            {"team": team_id, "id": invitation_id},
        )
        joined = bind.execute(
            sa.text(
                "SELECT user_id, min(started_at) FROM interviews "
                "WHERE invitation_id = :id AND state NOT IN :before GROUP BY user_id"
            ).bindparams(sa.bindparam("before", expanding=True)),
            {"id": invitation_id, "before": list(_BEFORE_CONSENT)},
        ).all()
        for user_id, started_at in joined:
            bind.execute(
                sa.text(
                    "INSERT INTO team_members (team_id, user_id, invitation_id, joined_at) "
                    "VALUES (:team, :user, :invitation, :at)"
                ),
                {"team": team_id, "user": user_id, "invitation": invitation_id, "at": started_at},
            )


def downgrade() -> None:
    op.drop_table("web_logins")
    op.drop_table("audit_events")
    op.drop_index("ix_notifications_due", table_name="notifications")
    op.drop_table("notifications")
    op.drop_table("claim_reviews")
    op.drop_table("team_members")
    with op.batch_alter_table("invitations") as batch:
        batch.drop_index(op.f("ix_invitations_team_id"))
        batch.drop_constraint(op.f("fk_invitations_team_id_teams"), type_="foreignkey")
        batch.drop_column("grants")
        batch.drop_column("uses")
        batch.drop_column("max_uses")
        batch.drop_column("expires_at")
        batch.drop_column("team_id")
    op.drop_table("team_leads")
    op.drop_table("teams")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("may_lead")
        batch.drop_column("reminders_off")
        batch.drop_column("confirmation")
        batch.drop_column("awaiting")
