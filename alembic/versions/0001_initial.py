"""Initial schema: horoscope_cache and horoscope_views.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "horoscope_cache",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("zodiac_sign", sa.String(length=16), nullable=False),
        sa.Column("horoscope_date", sa.Date(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_horoscope_cache")),
        sa.UniqueConstraint(
            "zodiac_sign", "horoscope_date", name=op.f("uq_horoscope_cache_zodiac_sign")
        ),
    )
    op.create_index(
        op.f("ix_horoscope_cache_horoscope_date"), "horoscope_cache", ["horoscope_date"]
    )
    op.create_table(
        "horoscope_views",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("zodiac_sign", sa.String(length=16), nullable=False),
        sa.Column("view_date", sa.Date(), nullable=False),
        sa.Column("view_count", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_horoscope_views")),
        sa.UniqueConstraint(
            "zodiac_sign", "view_date", name=op.f("uq_horoscope_views_zodiac_sign")
        ),
    )
    op.create_index(op.f("ix_horoscope_views_view_date"), "horoscope_views", ["view_date"])


def downgrade() -> None:
    op.drop_index(op.f("ix_horoscope_views_view_date"), table_name="horoscope_views")
    op.drop_table("horoscope_views")
    op.drop_index(op.f("ix_horoscope_cache_horoscope_date"), table_name="horoscope_cache")
    op.drop_table("horoscope_cache")
