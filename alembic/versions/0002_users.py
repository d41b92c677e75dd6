"""Users: who the bot talks to (language, sign, first and last seen), and /forget notes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("detected_language", sa.String(length=16), nullable=True),
        sa.Column("sign", sa.String(length=16), nullable=True),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked", sa.Boolean(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_users")),
    )
    op.create_index(op.f("ix_users_first_seen"), "users", ["first_seen"])
    op.create_index(op.f("ix_users_last_seen"), "users", ["last_seen"])
    op.create_index(op.f("ix_users_updated_at"), "users", ["updated_at"])
    op.create_table(
        "forgotten_users",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("forgotten_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_forgotten_users")),
    )
    op.create_index(op.f("ix_forgotten_users_forgotten_at"), "forgotten_users", ["forgotten_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_forgotten_users_forgotten_at"), table_name="forgotten_users")
    op.drop_table("forgotten_users")
    op.drop_index(op.f("ix_users_updated_at"), table_name="users")
    op.drop_index(op.f("ix_users_last_seen"), table_name="users")
    op.drop_index(op.f("ix_users_first_seen"), table_name="users")
    op.drop_table("users")
