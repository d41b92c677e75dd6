"""Horoscopes and their view counts per language: (sign, date) becomes (sign, date, language).

Rows written before this revision were all in the deployment's one language, and the old
setting's default was ``LANGUAGE=ru``: they get ``'ru'``. A deployment that ran with
``LANGUAGE=en`` should relabel them (``UPDATE horoscope_cache SET language = 'en'``; the same
for ``horoscope_views``), or simply let the horoscopes be written again: they are regenerated
every day anyway.

Downgrade keeps the Russian horoscopes (the others are deleted: the old schema has one text
per sign and day) and adds each (sign, date)'s view counts of every language into one row.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEGACY_LANGUAGE = "ru"  # the default of the old LANGUAGE setting
TABLES = (("horoscope_cache", "horoscope_date"), ("horoscope_views", "view_date"))


def upgrade() -> None:
    for table, day in TABLES:
        # SQLite cannot alter a constraint in place: batch mode copies the table.
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column(
                    "language",
                    sa.String(length=16),
                    nullable=False,
                    server_default=LEGACY_LANGUAGE,
                )
            )
        with op.batch_alter_table(table) as batch:
            batch.alter_column("language", server_default=None, existing_type=sa.String(16))
            batch.drop_constraint(f"uq_{table}_zodiac_sign", type_="unique")
            batch.create_unique_constraint(
                f"uq_{table}_zodiac_sign", ["zodiac_sign", day, "language"]
            )


def downgrade() -> None:
    op.execute(
        sa.text("DELETE FROM horoscope_cache WHERE language <> :language").bindparams(
            language=LEGACY_LANGUAGE
        )
    )
    # One row per (sign, date) holding the sum of every language's count.
    op.execute(
        """
        UPDATE horoscope_views SET view_count = (
            SELECT SUM(other.view_count) FROM horoscope_views AS other
            WHERE other.zodiac_sign = horoscope_views.zodiac_sign
              AND other.view_date = horoscope_views.view_date
        )
        WHERE id IN (SELECT MIN(id) FROM horoscope_views GROUP BY zodiac_sign, view_date)
        """
    )
    op.execute(
        """
        DELETE FROM horoscope_views
        WHERE id NOT IN (SELECT MIN(id) FROM horoscope_views GROUP BY zodiac_sign, view_date)
        """
    )
    for table, day in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"uq_{table}_zodiac_sign", type_="unique")
            batch.create_unique_constraint(f"uq_{table}_zodiac_sign", ["zodiac_sign", day])
            batch.drop_column("language")
