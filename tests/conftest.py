"""Shared fixtures: real SQLite and PostgreSQL databases, the local stand-ins, settings.

PostgreSQL: ``TEST_POSTGRES_URL`` (default ``postgresql+asyncpg://postgres@127.0.0.1:5432/postgres``)
is used to create a throw-away database for the session. In CI (``CI=true``) an unreachable
server is an error; elsewhere the PostgreSQL variants are skipped with the reason printed.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import asyncpg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.app import BotApp
from db.engine import create_engine, create_sessionmaker
from db.migrations import upgrade
from services.clock import Clock
from services.config import Settings
from tests.standins.openai_api import FakeOpenAI
from tests.standins.telegram import FakeTelegram

TEST_TOKEN = "123456:TEST-token_abcdefghijklmnopqrstuvwxyz"
PG_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def process_env(**settings: str) -> dict[str, str]:
    """The environment of a bot process a test starts: a clean shell (PATH and HOME only, so
    neither the developer's settings nor CI's leak in), English texts, JSON logs we can parse,
    then ``settings``."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp")}
    # Tests tap at machine speed: the anti-flood limit is raised out of their way (the
    # throttling test sets its own).
    env.update(LANGUAGE="en", LOG_FORMAT="json", THROTTLE_RATE="1000")
    env.update(settings)
    return env


def off_loop(fn: Callable[[], Any]) -> Any:
    """Run blocking set-up (``asyncio.run`` inside, e.g. Alembic) on a thread of its own:
    fixtures may be resolved while the test's event loop is already running."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(fn).result()


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database, migrated to head, dropped at the end of the session."""
    name = f"zodiac_test_{uuid.uuid4().hex[:10]}"
    admin = _asyncpg_dsn(PG_URL)

    async def create() -> None:
        conn = await asyncpg.connect(admin, timeout=5)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    async def drop() -> None:
        conn = await asyncpg.connect(admin, timeout=5)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    try:
        off_loop(lambda: asyncio.run(create()))
    except (OSError, asyncpg.PostgresError) as error:
        message = f"PostgreSQL at {make_url(PG_URL).render_as_string()} unreachable: {error!r}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    off_loop(lambda: upgrade(url))
    yield url
    off_loop(lambda: asyncio.run(drop()))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    off_loop(lambda: upgrade(f"sqlite+aiosqlite:///{path}"))
    return path.read_bytes()


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Any, sqlite_template: bytes
) -> AsyncIterator[str]:
    """Each test runs once on SQLite and once on PostgreSQL, on empty migrated tables."""
    if request.param == "sqlite":
        path = tmp_path / "horoscope.db"
        path.write_bytes(sqlite_template)
        yield f"sqlite+aiosqlite:///{path}"
        return
    url = request.getfixturevalue("pg_database")
    conn = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        await conn.execute(
            "TRUNCATE horoscope_cache, horoscope_views, users, forgotten_users RESTART IDENTITY"
        )
    finally:
        await conn.close()
    yield url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


@pytest.fixture
async def fake_openai() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as server:
        yield server


@pytest.fixture
def make_settings(database_url: str) -> Callable[..., Settings]:
    """Settings as an operator would write them, never read from a developer's .env."""

    def build(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "bot_token": TEST_TOKEN,
            "database_url": database_url,
            "on_demand_retry_delays": "0.05,0.05,0.05",
            "daily_retry_delays": "0.05,0.05,0.05",
            "view_flush_seconds": 0.2,
            "admin_ids": "42",
            "language": "en",
            "throttle_rate": 1000,  # tests tap at machine speed (test_throttle sets its own)
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return build


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(TEST_TOKEN) as server:
        yield server


@pytest.fixture
async def start_bot(
    fake_telegram: FakeTelegram, make_settings: Callable[..., Settings]
) -> AsyncIterator[Callable[..., Awaitable[BotApp]]]:
    """Start the production BotApp in polling mode against the Bot API stand-in."""
    running: list[tuple[BotApp, asyncio.Task[None]]] = []

    async def start(
        clock: Clock | None = None,
        throttle_timer: Callable[[], float] = time.monotonic,
        **overrides: Any,
    ) -> BotApp:
        settings = make_settings(telegram_api_url=fake_telegram.base_url, **overrides)
        app = BotApp(settings, clock=clock, throttle_timer=throttle_timer)
        task = asyncio.create_task(app.run(handle_signals=False))
        running.append((app, task))
        await fake_telegram.wait_until_polling()
        return app

    yield start
    for app, task in running:
        if not task.done():
            # A test may have stopped it already (its shutdown still running): aiogram then
            # says "Polling is not started".
            with contextlib.suppress(RuntimeError):
                await app.stop()
        await task
