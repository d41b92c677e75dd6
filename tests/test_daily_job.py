"""The midnight job and its scheduler, on real databases with the LLM stand-in."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg
import pytest
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from structlog.testing import capture_logs

from bot.app import BotApp
from db import repositories
from db.models import HoroscopeCache
from db.repositories import Activity
from services.clock import Clock
from services.config import Settings
from services.horoscope_cache import Outcome, SignResult
from services.runtime import create_services
from services.scheduler import (
    JOB_ID,
    DailyReport,
    DailyTrigger,
    generate_daily_horoscopes,
    get_scheduler,
)
from services.zodiac import ZodiacSign
from tests.conftest import _asyncpg_dsn, fixed_clock
from tests.standins.openai_api import OK, FakeOpenAI, Reply, sign_in_prompt
from tests.standins.telegram import FakeTelegram


def signs(results: list[SignResult]) -> list[ZodiacSign]:
    return [result.sign for result in results]


def with_llm(make_settings: Callable[..., Settings], fake_openai: FakeOpenAI) -> Settings:
    return make_settings(openai_api_key="sk-test", openai_base_url=fake_openai.base_url)


async def dates_stored(sessionmaker: async_sessionmaker[AsyncSession]) -> list[date]:
    async with sessionmaker() as session:
        return sorted(set((await session.execute(select(HoroscopeCache.horoscope_date))).scalars()))


async def held_advisory_locks(database_url: str) -> int:
    """Advisory locks held in the test's PostgreSQL database (by anyone), 0 on SQLite."""
    if not database_url.startswith("postgresql"):
        return 0
    conn = await asyncpg.connect(_asyncpg_dsn(database_url))
    try:
        held = await conn.fetchval(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
    finally:
        await conn.close()
    return int(held)


def test_scheduler_holds_the_job_at_midnight_moscow() -> None:
    jobs = get_scheduler().get_jobs()
    assert [job.id for job in jobs] == [JOB_ID]
    job = jobs[0]
    # A CronTrigger, held to services/local_time.py's rule on the days the clock changes.
    assert isinstance(job.trigger, DailyTrigger) and isinstance(job.trigger.cron, CronTrigger)
    assert str(job.trigger.cron) == "cron[hour='0', minute='0', second='0']"
    assert job.trigger.timezone == ZoneInfo("Europe/Moscow")
    assert job.misfire_grace_time == 3600 and job.coalesce and job.max_instances == 1


@pytest.mark.date_sensitive
async def test_job_generates_all_twelve_and_cleans_up(
    make_settings: Callable[..., Settings],
    fake_openai: FakeOpenAI,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    services = create_services(with_llm(make_settings, fake_openai), clock=fixed_clock())
    today = services.cache.today()
    async with sessionmaker() as session, session.begin():
        for days_ago in (1, 2, 7):
            await repositories.save_content(
                session, "leo", today - timedelta(days=days_ago), "en", "old", replace=False
            )
    report = await generate_daily_horoscopes(services.cache, retry_delays=())
    assert report.languages == ("en",)
    assert sorted(signs(report.generated)) == sorted(ZodiacSign)
    # Yesterday's stays: it is still "today" for subscribers west of TIMEZONE (the daily push).
    assert report.deleted == 2
    assert len(fake_openai.calls) == 12
    assert await dates_stored(sessionmaker) == [today - timedelta(days=1), today]

    # A restart re-runs the job: nothing is generated twice.
    again = await generate_daily_horoscopes(services.cache, retry_delays=())
    assert sorted(signs(again.present)) == sorted(ZodiacSign) and again.generated == []
    assert len(fake_openai.calls) == 12
    # And the memory layer is warm: a tap needs no generation.
    assert all(services.cache.is_warm(sign, "en") for sign in ZodiacSign)
    await services.close()


async def test_the_job_writes_every_language_in_use(
    make_settings: Callable[..., Settings],
    fake_openai: FakeOpenAI,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """DEFAULT_LANGUAGE (en here) plus the languages of users seen in the last 30 days:
    chosen, else detected (``pt-br`` counts as ``pt``); a user gone 40 days counts no more."""
    services = create_services(with_llm(make_settings, fake_openai), clock=fixed_clock())
    now = services.cache.clock.now().astimezone(UTC)
    await services.users.set_language(1, "uk")  # chosen, seen now
    async with sessionmaker() as session, session.begin():
        await repositories.import_users(session, [(2, "de", None)], now - timedelta(days=40))
        await repositories.record_activity(
            session, [Activity(3, now, now, "pt-br", None), Activity(4, now, now, "fr", None)], now
        )
    assert await services.cache.languages_in_use() == ("en", "pt", "uk")

    report = await generate_daily_horoscopes(services.cache, retry_delays=())
    assert report.languages == ("en", "pt", "uk")
    assert len(report.generated) == 36 and len(fake_openai.calls) == 36
    assert sorted(report.complete_signs) == sorted(ZodiacSign)
    for code in report.languages:
        assert fake_openai.calls_for(ZodiacSign.LEO, code) == 1
        assert all(services.cache.is_warm(sign, code) for sign in ZodiacSign)
    today = services.cache.today()
    assert len(await services.cache.stored(today)) == 36

    # One sign in one language, forced (what `/regen leo uk` runs).
    again = await generate_daily_horoscopes(
        services.cache, signs=[ZodiacSign.LEO], languages=["uk"], force=True, exclusive=False
    )
    assert list(again.results) == [(ZodiacSign.LEO, "uk")]
    assert fake_openai.calls_for(ZodiacSign.LEO, "uk") == 2
    await services.close()


async def test_languages_pins_the_list(
    make_settings: Callable[..., Settings], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    services = create_services(make_settings(languages="de, ES"), clock=fixed_clock())
    await services.users.set_language(1, "uk")
    assert await services.cache.languages_in_use() == ("de", "es")
    report = await generate_daily_horoscopes(services.cache, retry_delays=())
    assert report.languages == ("de", "es") and len(report.generated) == 24
    async with sessionmaker() as session:
        pairs = await repositories.stored_on(session, services.cache.today())
    assert {code for _, code in pairs} == {"de", "es"}
    await services.close()


def test_languages_must_be_shipped(make_settings: Callable[..., Settings]) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="'fr' not shipped"):
        make_settings(languages="en,fr")


@pytest.mark.date_sensitive
async def test_a_failing_sign_does_not_hold_back_the_others(
    make_settings: Callable[..., Settings],
    fake_openai: FakeOpenAI,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    services = create_services(with_llm(make_settings, fake_openai), clock=fixed_clock())
    fake_openai.default = lambda body: (
        Reply(status=500) if sign_in_prompt(body) is ZodiacSign.LEO else OK
    )
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        # Every other sign is stored before the first retry wait.
        assert len(await services.cache.stored(services.cache.today())) == 11

    report = await generate_daily_horoscopes(
        services.cache, retry_delays=(300, 600, 1800), sleep=sleep
    )
    assert waits == [300, 600, 1800]
    assert signs(report.failed) == [ZodiacSign.LEO]
    assert report.results[(ZodiacSign.LEO, "en")].attempts == 4
    assert fake_openai.calls_for(ZodiacSign.LEO) == 4
    assert len(report.generated) == 11
    await services.close()


async def test_retries_stop_when_midnight_passes_during_a_wait(
    make_settings: Callable[..., Settings],
    fake_openai: FakeOpenAI,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    moscow = ZoneInfo("Europe/Moscow")
    now = [datetime(2027, 3, 1, 23, 40, tzinfo=moscow)]
    clock = Clock(moscow, now=lambda: now[0])
    services = create_services(with_llm(make_settings, fake_openai), clock=clock)
    fake_openai.default = lambda body: (
        Reply(status=500) if sign_in_prompt(body) is ZodiacSign.LEO else OK
    )
    waits: list[float] = []
    reports: list[DailyReport] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += timedelta(seconds=seconds)  # 23:40 + 30 min: the 2nd of March

    async def on_done(report: DailyReport) -> None:
        reports.append(report)

    report = await generate_daily_horoscopes(
        services.cache, retry_delays=(1800, 1800), sleep=sleep, on_done=on_done
    )
    # No retry for the 1st of March once it is over: no call, no row, the summary at once.
    assert waits == [1800]
    assert fake_openai.calls_for(ZodiacSign.LEO) == 1
    assert report.day == date(2027, 3, 1) and signs(report.failed) == [ZodiacSign.LEO]
    assert reports == [report]
    assert await dates_stored(sessionmaker) == [date(2027, 3, 1)]
    assert ("leo", "en") not in await services.cache.stored(date(2027, 3, 1))
    await services.close()


async def test_a_fatal_error_is_not_retried_by_the_job(
    make_settings: Callable[..., Settings],
    fake_openai: FakeOpenAI,
) -> None:
    services = create_services(with_llm(make_settings, fake_openai), clock=fixed_clock())
    fake_openai.default = Reply(status=401)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    report = await generate_daily_horoscopes(services.cache, retry_delays=(1, 2), sleep=sleep)
    assert len(report.failed) == 12 and waits == []
    assert all(r.alert and not r.retryable for r in report.results.values())
    assert len(fake_openai.calls) == 12
    await services.close()


@pytest.mark.date_sensitive
async def test_tap_during_the_job_waits_for_the_jobs_text(
    make_settings: Callable[..., Settings],
    fake_openai: FakeOpenAI,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    services = create_services(with_llm(make_settings, fake_openai), clock=fixed_clock())
    fake_openai.gate = asyncio.Event()
    job = asyncio.create_task(
        generate_daily_horoscopes(services.cache, signs=[ZodiacSign.ARIES], retry_delays=())
    )
    await fake_openai.wait_calls(1)  # the job is generating aries, holding its lock
    async with sessionmaker() as session:
        reads: list[str] = []  # the statements the tap runs on its session
        event.listen(
            session.sync_session, "do_orm_execute", lambda state: reads.append(str(state.statement))
        )
        tapped = asyncio.create_task(services.cache.get_horoscope("aries", "en", session))
        # One turn of the loop (asyncio runs ready tasks in order): the tap's first step runs
        # up to its first wait. Without the job's lock it would now be reading the database,
        # on its way to a second LLM call; with it, it waits for the lock.
        await asyncio.sleep(0)
        assert reads == [] and not tapped.done()
        fake_openai.gate.set()
        report = await job
        text = await tapped
    assert report.results[(ZodiacSign.ARIES, "en")].outcome is Outcome.GENERATED
    assert len(fake_openai.calls) == 1
    async with sessionmaker() as session:
        assert text == await repositories.get_content(
            session, "aries", services.cache.today(), "en"
        )
    await services.close()


@pytest.mark.date_sensitive
async def test_force_replaces_text_and_memory(
    make_settings: Callable[..., Settings],
    fake_openai: FakeOpenAI,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    services = create_services(with_llm(make_settings, fake_openai), clock=fixed_clock())
    async with sessionmaker() as session:
        before = await services.cache.get_horoscope("gemini", "en", session)
    await generate_daily_horoscopes(services.cache, signs=[ZodiacSign.GEMINI], force=True)
    async with sessionmaker() as session:
        after = await services.cache.get_horoscope("gemini", "en", session)
        stored = await repositories.get_content(session, "gemini", services.cache.today(), "en")
    assert before != after and after == stored
    await services.close()


async def test_the_job_state_records_the_last_run_and_tells_listeners(
    make_settings: Callable[..., Settings],
) -> None:
    from services.scheduler import DailyJobState

    services = create_services(make_settings(), clock=fixed_clock())
    state = DailyJobState()
    heard: list[int] = []

    async def listener(report: object) -> None:
        heard.append(len(getattr(report, "generated", [])))

    async def broken(report: object) -> None:
        raise RuntimeError("a listener failing must not fail the job")

    state.listeners += [broken, listener]
    report = await generate_daily_horoscopes(services.cache, retry_delays=(), on_done=state.record)
    assert state.last_report is report and state.finished_at is not None
    assert heard == [12]
    await services.close()


async def test_a_stop_during_the_scheduled_job_waits_for_it_and_is_no_error(
    make_settings: Callable[..., Settings],
    fake_telegram: FakeTelegram,
    fake_openai: FakeOpenAI,
    database_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [datetime(2027, 3, 1, 9, 0, tzinfo=UTC)]
    settings = with_llm(make_settings, fake_openai).model_copy(
        update={"telegram_api_url": fake_telegram.base_url}
    )
    app = BotApp(settings, clock=Clock(settings.tz, now=lambda: now[0]))
    with capture_logs() as events, caplog.at_level(logging.INFO):
        run = asyncio.create_task(app.run(handle_signals=False))
        await fake_telegram.wait_until_polling()
        fill = [t for t in app.services.background if t.get_name() == "startup-fill"]
        await asyncio.gather(*fill)  # 1 March's twelve
        assert len(fake_openai.calls) == 12

        # 2 March: the scheduler fires the job, which gets stuck in its first LLM call.
        now[0] += timedelta(days=1)
        fake_openai.gate = asyncio.Event()
        assert app.services.scheduler is not None
        app.services.scheduler.modify_job(JOB_ID, next_run_time=datetime.now(UTC))
        await fake_openai.wait_calls(13)
        assert await held_advisory_locks(database_url) in (0, 2)  # PostgreSQL: job + sign

        await app.stop()
        await run  # the stop has returned: the job has cleaned up already
        assert await held_advisory_locks(database_url) == 0
        assert not [t for t in asyncio.all_tasks() if t.get_name() == "daily-job"]
        assert not app.services.background

    assert 'Running job "Generate today' in caplog.text  # the scheduler fired it
    names = [event["event"] for event in events]
    assert "daily.interrupted" in names
    assert names.index("daily.interrupted") < names.index("bot.stopped")
    # A stop is not an error: nothing at ERROR, no CancelledError anywhere in the log.
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    errors += [str(event) for event in events if event.get("log_level") in ("error", "critical")]
    assert errors == []
    assert "CancelledError" not in caplog.text
    assert not [event for event in events if "CancelledError" in str(event)]
    # The interrupted run reported nothing: the last report is still 1 March's.
    assert app.services.daily.last_report is not None
    assert app.services.daily.last_report.day == date(2027, 3, 1)
    assert fake_openai.calls_for(ZodiacSign.ARIES) == 2


async def test_the_scheduler_starts_one_run_at_a_time(
    make_settings: Callable[..., Settings], fake_openai: FakeOpenAI
) -> None:
    services = create_services(with_llm(make_settings, fake_openai))
    fake_openai.gate = asyncio.Event()
    with capture_logs() as events:
        await services.run_daily_job(cache=services.cache, retry_delays=())
        await fake_openai.wait_calls(1)  # the first run is stuck in its first call
        await services.run_daily_job(cache=services.cache, retry_delays=())
        runs = [t for t in services.background if t.get_name() == "daily-job"]
        fake_openai.gate.set()
        reports = await asyncio.gather(*runs)
    assert len(runs) == 1 and len(reports[0].generated) == 12
    assert len(fake_openai.calls) == 12
    assert [e["event"] for e in events].count("daily.still_running") == 1
    await services.close()


async def test_a_stop_waits_for_background_clean_up_no_longer_than_the_grace(
    make_settings: Callable[..., Settings],
) -> None:
    services = create_services(make_settings(shutdown_grace_seconds=0.05))
    never, started = asyncio.Event(), asyncio.Event()

    async def stubborn() -> None:
        started.set()
        try:
            await never.wait()
        except asyncio.CancelledError:
            await never.wait()  # a clean-up that never ends

    task = services.spawn(stubborn(), name="stubborn")
    await started.wait()
    with capture_logs() as events:
        await services.stop_background()
    assert not task.done()
    abandoned = {"event": "background.abandoned", "tasks": ["stubborn"], "log_level": "warning"}
    assert abandoned in events
    never.set()
    await asyncio.wait([task])
    await services.close()
