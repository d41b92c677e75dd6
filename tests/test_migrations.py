"""Alembic stairway: every revision upgrades, downgrades and upgrades again, on both databases."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from db.engine import create_engine
from db.migrations import alembic_config, downgrade, upgrade
from tests.conftest import off_loop


async def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    await engine.dispose()
    return names - {"alembic_version"}


async def test_stairway(database_url: str) -> None:
    script = ScriptDirectory.from_config(alembic_config(database_url))
    revisions = list(reversed(list(script.walk_revisions())))
    assert revisions, "no migrations found"
    off_loop(lambda: downgrade(database_url, "base"))
    assert await table_names(database_url) == set()
    for revision in revisions:
        down = revision.down_revision or "base"
        off_loop(lambda r=revision.revision: upgrade(database_url, r))
        off_loop(lambda d=down: downgrade(database_url, str(d)))
        off_loop(lambda r=revision.revision: upgrade(database_url, r))
    assert await table_names(database_url) == {
        "horoscope_cache",
        "horoscope_views",
        "users",
        "forgotten_users",
        "subscriptions",
        "push_deliveries",
        "leases",
        "conversation_states",
        "daily_counters",
    }


async def test_models_match_migrations(database_url: str) -> None:
    """Autogenerate finds nothing to do: the ORM and the revisions agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from db.models import Base

    engine = create_engine(database_url)
    async with engine.connect() as conn:
        diff = await conn.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
        )
    await engine.dispose()
    assert diff == []


async def test_rows_from_before_languages_become_russian(database_url: str) -> None:
    """0003: rows written with one language for all (the old LANGUAGE default, ru) get 'ru';
    the downgrade keeps the Russian texts and adds the languages' view counts up."""
    from sqlalchemy import text

    off_loop(lambda: downgrade(database_url, "base"))
    off_loop(lambda: upgrade(database_url, "0002"))
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO horoscope_cache (zodiac_sign, horoscope_date, content)"
                " VALUES ('leo', '2026-06-15', 'old text')"
            )
        )
        await conn.execute(
            text(
                "INSERT INTO horoscope_views (zodiac_sign, view_date, view_count)"
                " VALUES ('leo', '2026-06-15', 7)"
            )
        )
    off_loop(lambda: upgrade(database_url, "head"))
    async with engine.begin() as conn:
        cache = (await conn.execute(text("SELECT language, content FROM horoscope_cache"))).all()
        assert [tuple(row) for row in cache] == [("ru", "old text")]
        await conn.execute(
            text(
                "INSERT INTO horoscope_cache (zodiac_sign, horoscope_date, language, content)"
                " VALUES ('leo', '2026-06-15', 'en', 'new text')"
            )
        )
        await conn.execute(
            text(
                "INSERT INTO horoscope_views (zodiac_sign, view_date, language, view_count)"
                " VALUES ('leo', '2026-06-15', 'en', 5)"
            )
        )
    off_loop(lambda: downgrade(database_url, "0002"))
    async with engine.connect() as conn:
        cache = (await conn.execute(text("SELECT content FROM horoscope_cache"))).all()
        views = (await conn.execute(text("SELECT view_count FROM horoscope_views"))).all()
    await engine.dispose()
    off_loop(lambda: upgrade(database_url, "head"))
    assert [row[0] for row in cache] == ["old text"]
    assert [row[0] for row in views] == [12]
