"""Shared fixtures: real SQLite and PostgreSQL databases, the local stand-ins, settings.

Time: a test's "now" is fixed (``fixed_clock``, by default 12:00 on 15 June 2026 in Moscow),
never the host's. A bot started by ``start_bot`` also runs with the process clock pinned
(time-machine, ticking) to its clock's instant, so what reads the clock behind ``Clock``'s back
(APScheduler's next run, the job's ``finished_at``) agrees with it. ``--pin-clock ISO`` (or
``ZODIAC_PIN_CLOCK``) pins the whole test process's clock for the session: ``.ci/run`` runs the
``date_sensitive`` tests so at dates that used to break them.

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
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
import time_machine
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
NOON = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)  # 12:00 on 15 June 2026 in Moscow

PINNED_CLOCK = pytest.StashKey["time_machine.travel"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--pin-clock",
        metavar="ISO",
        default=os.environ.get("ZODIAC_PIN_CLOCK") or None,
        help="run with the process clock pinned at this instant (time-machine, ticking), "
        "e.g. 2026-12-31T23:59:50+03:00; also ZODIAC_PIN_CLOCK",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "date_sensitive: shows or computes a date; also run with --pin-clock at several dates",
    )
    at = config.getoption("--pin-clock")
    if at:
        instant = datetime.fromisoformat(at)
        if instant.tzinfo is None:
            raise pytest.UsageError(f"--pin-clock needs a UTC offset: {at!r}")
        traveller = time_machine.travel(instant, tick=True)
        traveller.start()
        config.stash[PINNED_CLOCK] = traveller


def pytest_unconfigure(config: pytest.Config) -> None:
    traveller = config.stash.get(PINNED_CLOCK, None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config: pytest.Config) -> str | None:
    at = config.getoption("--pin-clock")
    return f"process clock pinned at {at} (time-machine, ticking)" if at else None


def fixed_clock(at: datetime = NOON, timezone: str = "Europe/Moscow") -> Clock:
    """A clock that always says ``at``: "today" in a test never depends on the host."""
    return Clock(timezone, lambda: at)


@contextlib.contextmanager
def host_timezone(name: str) -> Iterator[None]:
    """The process's local time zone (``TZ``, applied with ``time.tzset``) is ``name`` inside
    the block and what it was before after it."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


@pytest.fixture
def utc_host() -> Iterator[None]:
    """The test runs as on a host whose local time zone is UTC."""
    with host_timezone("UTC"):
        yield


def process_env(**settings: str) -> dict[str, str]:
    """The environment of a bot process a test starts: a clean shell (PATH and HOME only, so
    neither the developer's settings nor CI's leak in), English texts, JSON logs we can parse,
    then ``settings``."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp")}
    # Tests tap at machine speed: the anti-flood limit is raised out of their way (the
    # throttling test sets its own).
    env.update(DEFAULT_LANGUAGE="en", LOG_FORMAT="json", THROTTLE_RATE="1000")
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
            "TRUNCATE horoscope_cache, horoscope_views, users, forgotten_users, "
            "subscriptions, push_deliveries, leases RESTART IDENTITY"
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
            "default_language": "en",
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
    """Start the production BotApp in polling mode against the Bot API stand-in.

    Its clock is ``clock`` (default: ``fixed_clock()``), and the process clock is pinned,
    ticking, to that clock's instant while the test runs: the scheduler's next run and the
    job's ``finished_at`` come from it, not from the host's date.
    """
    running: list[tuple[BotApp, asyncio.Task[None]]] = []
    pins: list[time_machine.travel] = []

    async def start(
        clock: Clock | None = None,
        throttle_timer: Callable[[], float] = time.monotonic,
        **overrides: Any,
    ) -> BotApp:
        clock = clock or fixed_clock()
        pin = time_machine.travel(clock.now(), tick=True)
        pin.start()
        pins.append(pin)
        settings = make_settings(telegram_api_url=fake_telegram.base_url, **overrides)
        app = BotApp(settings, clock=clock, throttle_timer=throttle_timer)
        task = asyncio.create_task(app.run(handle_signals=False))
        running.append((app, task))
        await fake_telegram.wait_until_polling()
        return app

    try:
        yield start
        for app, task in running:
            if not task.done():
                # A test may have stopped it already (its shutdown still running): aiogram
                # then says "Polling is not started".
                with contextlib.suppress(RuntimeError):
                    await app.stop()
            await task
    finally:
        for pin in reversed(pins):  # whatever happened, later tests run on the real clock
            pin.stop()
