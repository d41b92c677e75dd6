"""The daily push (subscriptions, one delivery record per user and local date, the sender's
lease), conversation state for the typed steps of /subscribe, per-day counters (shares,
deep-link starts) and who referred a user.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("referred_by", sa.BigInteger(), nullable=True))
    op.create_table(
        "subscriptions",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("sign", sa.String(length=16), nullable=False),
        sa.Column("push_time", sa.Time(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), server_default="active", nullable=False),
        sa.Column("paused_until", sa.Date(), nullable=True),
        sa.Column("stop_reason", sa.String(length=32), nullable=True),
        sa.Column("next_due", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failing_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_subscriptions")),
    )
    op.create_index(op.f("ix_subscriptions_next_due"), "subscriptions", ["next_due"])
    op.create_index(op.f("ix_subscriptions_created_at"), "subscriptions", ["created_at"])
    op.create_table(
        "push_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_deliveries")),
        sa.UniqueConstraint("user_id", "local_date", name=op.f("uq_push_deliveries_user_id")),
    )
    op.create_index(op.f("ix_push_deliveries_finished_at"), "push_deliveries", ["finished_at"])
    op.create_table(
        "leases",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_leases")),
    )
    op.create_table(
        "conversation_states",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("state", sa.String(length=255), nullable=True),
        sa.Column("data", sa.Text(), server_default="{}", nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_conversation_states")),
    )
    op.create_index(
        op.f("ix_conversation_states_updated_at"), "conversation_states", ["updated_at"]
    )
    op.create_table(
        "daily_counters",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("count", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_daily_counters")),
        sa.UniqueConstraint("day", "name", name=op.f("uq_daily_counters_day")),
    )
    op.create_index(op.f("ix_daily_counters_day"), "daily_counters", ["day"])


def downgrade() -> None:
    op.drop_index(op.f("ix_daily_counters_day"), table_name="daily_counters")
    op.drop_table("daily_counters")
    op.drop_index(op.f("ix_conversation_states_updated_at"), table_name="conversation_states")
    op.drop_table("conversation_states")
    op.drop_table("leases")
    op.drop_index(op.f("ix_push_deliveries_finished_at"), table_name="push_deliveries")
    op.drop_table("push_deliveries")
    op.drop_index(op.f("ix_subscriptions_created_at"), table_name="subscriptions")
    op.drop_index(op.f("ix_subscriptions_next_due"), table_name="subscriptions")
    op.drop_table("subscriptions")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("referred_by")
