"""The midnight job and its scheduler, on real databases with the LLM stand-in."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import repositories
from db.models import HoroscopeCache
from services.config import Settings
from services.horoscope_cache import Outcome
from services.runtime import create_services
from services.scheduler import JOB_ID, generate_daily_horoscopes, get_scheduler
from services.zodiac import ZodiacSign
from tests.conftest import fixed_clock
from tests.standins.openai_api import OK, FakeOpenAI, Reply, sign_in_prompt


def with_llm(make_settings: Callable[..., Settings], fake_openai: FakeOpenAI) -> Settings:
    return make_settings(openai_api_key="sk-test", openai_base_url=fake_openai.base_url)


async def dates_stored(sessionmaker: async_sessionmaker[AsyncSession]) -> list[date]:
    async with sessionmaker() as session:
        return sorted(set((await session.execute(select(HoroscopeCache.horoscope_date))).scalars()))


def test_scheduler_holds_the_job_at_midnight_moscow() -> None:
    jobs = get_scheduler().get_jobs()
    assert [job.id for job in jobs] == [JOB_ID]
    job = jobs[0]
    assert isinstance(job.trigger, CronTrigger)
    assert str(job.trigger) == "cron[hour='0', minute='0']"
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
        for days_ago in (1, 7):
            await repositories.save_content(
                session, "leo", today - timedelta(days=days_ago), "old", replace=False
            )
    report = await generate_daily_horoscopes(services.cache, retry_delays=())
    assert sorted(report.generated) == sorted(ZodiacSign)
    assert report.deleted == 2
    assert len(fake_openai.calls) == 12
    assert await dates_stored(sessionmaker) == [today]

    # A restart re-runs the job: nothing is generated twice.
    again = await generate_daily_horoscopes(services.cache, retry_delays=())
    assert sorted(again.present) == sorted(ZodiacSign) and again.generated == []
    assert len(fake_openai.calls) == 12
    # And the memory layer is warm: a tap needs no generation.
    assert all(services.cache.is_warm(sign) for sign in ZodiacSign)
    await services.close()


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
        assert len(await services.cache.stored_signs(services.cache.today())) == 11

    report = await generate_daily_horoscopes(
        services.cache, retry_delays=(300, 600, 1800), sleep=sleep
    )
    assert waits == [300, 600, 1800]
    assert report.failed == [ZodiacSign.LEO]
    assert report.results[ZodiacSign.LEO].attempts == 4
    assert fake_openai.calls_for(ZodiacSign.LEO) == 4
    assert len(report.generated) == 11
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
        tapped = asyncio.create_task(services.cache.get_horoscope("aries", session))
        # One turn of the loop (asyncio runs ready tasks in order): the tap's first step runs
        # up to its first wait. Without the job's lock it would now be reading the database,
        # on its way to a second LLM call; with it, it waits for the lock.
        await asyncio.sleep(0)
        assert reads == [] and not tapped.done()
        fake_openai.gate.set()
        report = await job
        text = await tapped
    assert report.results[ZodiacSign.ARIES].outcome is Outcome.GENERATED
    assert len(fake_openai.calls) == 1
    async with sessionmaker() as session:
        assert text == await repositories.get_content(session, "aries", services.cache.today())
    await services.close()


@pytest.mark.date_sensitive
async def test_force_replaces_text_and_memory(
    make_settings: Callable[..., Settings],
    fake_openai: FakeOpenAI,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    services = create_services(with_llm(make_settings, fake_openai), clock=fixed_clock())
    async with sessionmaker() as session:
        before = await services.cache.get_horoscope("gemini", session)
    await generate_daily_horoscopes(services.cache, signs=[ZodiacSign.GEMINI], force=True)
    async with sessionmaker() as session:
        after = await services.cache.get_horoscope("gemini", session)
        stored = await repositories.get_content(session, "gemini", services.cache.today())
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
