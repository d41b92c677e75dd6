"""The midnight job: write the day's horoscopes, twelve per language in use, and drop the old
ones.

``generate_daily_horoscopes`` is also what ``/regen`` and ``horoscope-bot generate`` run,
through the same cache service and so the same per-sign locks as on-demand generation. The
languages are ``HoroscopeCacheService.languages_in_use()`` unless the caller names them:
DEFAULT_LANGUAGE plus the languages of users active in the last 30 days, or LANGUAGES.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from services.config import DEFAULT_GENERATION_TIME, DEFAULT_TIMEZONE
from services.horoscope_cache import (
    HoroscopeCacheService,
    Outcome,
    SignResult,
    get_horoscope_cache_service,
)
from services.local_time import next_local_occurrence
from services.zodiac import ZodiacSign

log = structlog.get_logger(__name__)

JOB_ID = "generate_daily_horoscopes"
DEFAULT_DAILY_DELAYS: tuple[float, ...] = (300.0, 600.0, 1800.0)

Progress = Callable[[SignResult], Awaitable[None]]


@dataclass(slots=True)
class DailyReport:
    """One run: a result per (sign, language), in the order they were written."""

    day: date
    languages: tuple[str, ...] = ()
    results: dict[tuple[ZodiacSign, str], SignResult] = field(default_factory=dict)
    deleted: int = 0
    seconds: float = 0.0
    skipped: bool = False  # another replica was running the job

    def with_outcome(self, outcome: Outcome) -> list[SignResult]:
        return [result for result in self.results.values() if result.outcome is outcome]

    @property
    def generated(self) -> list[SignResult]:
        return self.with_outcome(Outcome.GENERATED)

    @property
    def present(self) -> list[SignResult]:
        return self.with_outcome(Outcome.PRESENT)

    @property
    def failed(self) -> list[SignResult]:
        return self.with_outcome(Outcome.FAILED)

    @property
    def signs(self) -> list[ZodiacSign]:
        """The signs of this run, each once."""
        return list(dict.fromkeys(sign for sign, _ in self.results))

    @property
    def complete_signs(self) -> list[ZodiacSign]:
        """The signs stored in every language of the run."""
        failed = {result.sign for result in self.failed}
        return [sign for sign in self.signs if sign not in failed]


ReportListener = Callable[["DailyReport"], Awaitable[None]]


@dataclass(slots=True)
class DailyJobState:
    """The last run of the daily job, for health checks and admin commands, and the
    listeners told when a run ends (e.g. admin alerts)."""

    last_report: DailyReport | None = None
    finished_at: datetime | None = None
    listeners: list[ReportListener] = field(default_factory=list)

    async def record(self, report: DailyReport) -> None:
        self.last_report = report
        self.finished_at = datetime.now(UTC)
        for listener in self.listeners:
            try:
                await listener(report)
            except Exception as error:  # a listener must not fail the job
                log.warning("daily.listener_failed", error=repr(error))


async def generate_daily_horoscopes(
    cache: HoroscopeCacheService | None = None,
    *,
    day: date | None = None,
    signs: Iterable[ZodiacSign] | None = None,
    languages: Iterable[str] | None = None,
    force: bool = False,
    retry_delays: Sequence[float] = DEFAULT_DAILY_DELAYS,
    cleanup: bool = True,
    progress: Progress | None = None,
    on_done: ReportListener | None = None,
    exclusive: bool = True,
    ahead: bool = True,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> DailyReport:
    """Generate every missing (sign, language) for ``day`` (default: today in TIMEZONE);
    ``languages`` default to the ones in use (``cache.languages_in_use()``).

    One pass over all signs, each in every language, one after another (gentle on the LLM's
    rate limits), then, while some failed with a retryable error, wait the next delay and try
    just those again: a failing sign never holds the others back.
    """
    cache = cache or get_horoscope_cache_service()
    day = day or cache.today()
    try:
        async with contextlib.AsyncExitStack() as stack:
            # On PostgreSQL one replica runs the job; the others skip it.
            if exclusive and not await stack.enter_async_context(cache.exclusive_job(JOB_ID, day)):
                log.info("daily.skipped", day=day.isoformat(), reason="another replica runs it")
                return DailyReport(day, skipped=True)
            started = time.perf_counter()
            if languages is None:
                languages = await cache.languages_in_use()
            report = DailyReport(day, tuple(dict.fromkeys(languages)))
            log.info("daily.start", day=day.isoformat(), force=force, languages=report.languages)
            if cleanup:
                try:
                    report.deleted = await cache.delete_before(keep_from(cache, day))
                except Exception as error:
                    log.warning("daily.cleanup_failed", error=repr(error))

            pending = [
                (sign, language)
                for sign in dict.fromkeys(signs or ZodiacSign)
                for language in report.languages
            ]
            for delay in (None, *retry_delays):
                if delay is not None:
                    if not pending:
                        break
                    if _day_over(cache, day):
                        break
                    log.info(
                        "daily.retry_wait",
                        seconds=delay,
                        signs=[f"{sign.value}:{language}" for sign, language in pending],
                    )
                    await sleep(delay)
                    if _day_over(cache, day):  # midnight passed during the wait
                        break
                for key in pending:
                    sign, language = key
                    try:
                        result = await cache.ensure(sign, day, language, force=force)
                    except Exception as error:  # the database, most likely: try again later
                        log.warning(
                            "daily.sign_crashed",
                            sign=sign.value,
                            language=language,
                            error=repr(error),
                        )
                        result = SignResult(sign, Outcome.FAILED, 1, repr(error), language=language)
                    previous = report.results.get(key)
                    attempts = result.attempts + (previous.attempts if previous else 0)
                    report.results[key] = dataclasses.replace(result, attempts=attempts)
                    log.info(
                        "daily.sign",
                        sign=sign.value,
                        language=language,
                        outcome=result.outcome.value,
                    )
                    if progress is not None:
                        await progress(report.results[key])
                pending = [
                    key
                    for key in pending
                    if report.results[key].outcome is Outcome.FAILED
                    and report.results[key].retryable
                ]

            if ahead and signs is None and not force:
                await _write_next_day(cache, day, report.languages)
            report.seconds = time.perf_counter() - started
            log.info(
                "daily.done",
                day=day.isoformat(),
                languages=report.languages,
                generated=len(report.generated),
                present=len(report.present),
                failed=[f"{r.sign.value}:{r.language}" for r in report.failed],
                deleted=report.deleted,
                seconds=round(report.seconds, 3),
            )
            if on_done is not None:
                await on_done(report)
            return report
    except asyncio.CancelledError:
        # A stop (the locks above are released by now): the next start fills the day in.
        log.info("daily.interrupted", day=day.isoformat())
        raise


def keep_from(cache: HoroscopeCacheService, day: date) -> date:
    """The oldest date the cleanup keeps: yesterday in TIMEZONE at least, and the earliest
    local date anywhere on Earth now (UTC-12: a subscriber in the Pacific west of the date
    line is still on it hours after TIMEZONE's midnight), whichever is earlier. The daily
    push delivers each subscriber their own local date's text."""
    earliest_on_earth = (cache.clock.utc_now() - timedelta(hours=12)).date()
    return min(day - timedelta(days=1), earliest_on_earth)


async def _write_next_day(
    cache: HoroscopeCacheService, day: date, languages: Sequence[str]
) -> None:
    """Tomorrow's texts, when a subscriber's zone reaches tomorrow before TIMEZONE does:
    written now, hours before that zone's morning, so its wave never waits on the LLM. No
    retries here: one still missing is written by the first push that needs it."""
    try:
        needed = await cache.needs_next_day(day)
    except Exception as error:
        log.warning("daily.ahead_check_failed", error=repr(error))
        return
    if not needed:
        return
    tomorrow = day + timedelta(days=1)
    written = 0
    for sign in ZodiacSign:
        for language in languages:
            try:
                result = await cache.ensure(sign, tomorrow, language)
            except Exception as error:
                log.warning("daily.ahead_failed", sign=sign.value, error=repr(error))
                continue
            written += result.outcome is Outcome.GENERATED
    log.info("daily.ahead", day=tomorrow.isoformat(), generated=written)


def _day_over(cache: HoroscopeCacheService, day: date) -> bool:
    """Midnight has passed: retries for ``day`` are abandoned, the next day's job takes over."""
    if day < cache.today():
        log.info("daily.retries_abandoned", day=day.isoformat())
        return True
    return False


class DailyTrigger(BaseTrigger):  # type: ignore[misc]  # APScheduler has no types
    """Once a day at ``at`` in ``timezone``: a CronTrigger, held to the rule of
    :mod:`services.local_time` on the days the clock changes.

    On ordinary days the CronTrigger's next fire time is the answer. Where it breaks the rule it
    is replaced: a time the clock jumps over runs at the jump (APScheduler 3.11 skips the day
    when that is midnight, e.g. Havana's 14 March 2027, or fires 30 minutes late); a time that
    happens twice runs at its first occurrence only (APScheduler fires both); and the day after
    a spring-forward day is not skipped (asked right after New York's midnight run on 14 March
    2027, APScheduler answers the 16th).
    """

    __slots__ = ("at", "cron", "timezone")

    def __init__(self, at: time_of_day, timezone: str | ZoneInfo) -> None:
        self.at = at.replace(tzinfo=None, microsecond=0)
        self.timezone = timezone if isinstance(timezone, ZoneInfo) else ZoneInfo(timezone)
        self.cron = CronTrigger(
            hour=at.hour, minute=at.minute, second=at.second, timezone=self.timezone
        )

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        # As CronTrigger reads its arguments: the first fire time at or after ``now``, or
        # right after the previous one if that is earlier.
        after = now - timedelta(microseconds=1)
        if previous_fire_time is not None and now >= previous_fire_time:
            after = previous_fire_time
        due = next_local_occurrence(self.at, self.timezone, after)
        cron: datetime | None = self.cron.get_next_fire_time(previous_fire_time, now)
        if cron == due:
            return cron
        return due.astimezone(self.timezone)

    def __str__(self) -> str:
        return f"daily[{self.at.isoformat()} {self.timezone.key}]"

    def __repr__(self) -> str:
        return f"<DailyTrigger (at={self.at.isoformat()!r}, timezone={self.timezone.key!r})>"


def get_scheduler(
    cache: HoroscopeCacheService | None = None,
    *,
    timezone: str = DEFAULT_TIMEZONE,
    at: time_of_day = DEFAULT_GENERATION_TIME,
    retry_delays: Sequence[float] = DEFAULT_DAILY_DELAYS,
    extra_job_kwargs: dict[str, Any] | None = None,
    run: Callable[..., Awaitable[Any]] = generate_daily_horoscopes,
) -> AsyncIOScheduler:
    """A new (not yet started) scheduler holding the daily job at ``at`` in ``timezone``.

    ``run`` is called with ``generate_daily_horoscopes``'s keyword arguments; the bot passes
    ``Services.run_daily_job``, which runs the job as a task a stop waits for.

    The dispatcher's startup hook starts it on the running loop; the shutdown hook stops it.
    """
    scheduler = AsyncIOScheduler(timezone=timezone)
    scheduler.add_job(
        run,
        DailyTrigger(at, timezone),
        id=JOB_ID,
        name="Generate today's horoscopes, 12 per language in use",
        kwargs={
            "cache": cache or get_horoscope_cache_service(),
            "retry_delays": tuple(retry_delays),
            **(extra_job_kwargs or {}),
        },
        replace_existing=True,
        misfire_grace_time=3600,
        coalesce=True,
        max_instances=1,
    )
    return scheduler
