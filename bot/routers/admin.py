"""Admin commands: /regen [sign], /stats [7|30], /status, in the admin's private chat only.

An admin elsewhere (a group) gets a hint and nothing that chat should not see; anyone else a
polite refusal and a log line, nothing more: no generation, no query.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import time
from collections.abc import Mapping, Sequence
from datetime import datetime

import structlog
from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.filters import Command, CommandObject, Filter
from aiogram.types import BufferedInputFile, CallbackQuery, InputMediaPhoto, Message
from aiogram_i18n import I18nContext
from babel.dates import format_skeleton
from sqlalchemy.ext.asyncio import AsyncSession

from bot.alerts import failure_reason, languages_line, seconds_text, sign_label
from bot.callbacks import StatsCallback
from bot.i18n import Strings, format_day
from bot.keyboards import stats_keyboard
from bot.replies import answer_callback
from services.alerts import clean_reason
from services.charts import ChartData, DailyBarsData, SeriesData, render_views_chart
from services.horoscope_cache import HoroscopeCacheService, Outcome, SignResult
from services.languages import available_languages
from services.push_stats import SubscriberHistory, load_subscriber_history
from services.runtime import RegenState, Services
from services.scheduler import JOB_ID, generate_daily_horoscopes
from services.secrets import secret_values
from services.shares import Counter, ShareStats, load_share_stats
from services.stats import PERIODS, PeriodStats, load_view_history, period_stats
from services.status import BotStatus, collect_status
from services.users import UserStats, load_user_stats
from services.zodiac import ZODIAC_SIGNS, ZodiacSign, parse_sign

log = structlog.get_logger(__name__)

ADMIN_COMMANDS = ("regen", "stats", "status")
SERIES_MIN_DAYS = 14  # /stats: subscribers over at least the last two weeks
PROGRESS_EDIT_INTERVAL = 1.0  # seconds between progress edits: stay clear of flood limits
SIGN_KEYS = [sign.value for sign in ZodiacSign]


class IsAdmin(Filter):
    async def __call__(self, event: Message | CallbackQuery, admin_ids: frozenset[int]) -> bool:
        return event.from_user is not None and event.from_user.id in admin_ids


# -- /regen -------------------------------------------------------------------------------


class LiveMessage:
    """One status message kept up to date: at most one edit per interval, always showing
    the latest text (intermediate states are skipped, never queued)."""

    def __init__(self, message: Message, interval: float) -> None:
        self._message = message
        self._interval = interval
        self._latest = message.text or ""
        self._shown = self._latest
        self._changed = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name="regen-progress")

    def show(self, text: str) -> None:
        self._latest = text
        self._changed.set()

    def cancel(self) -> None:
        self._task.cancel()

    async def finish(self, text: str) -> None:
        self._task.cancel()
        # The progress edits are best effort: whatever ended them, the summary still goes out.
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._task
        try:
            await self._message.edit_text(text)
        except TelegramAPIError:  # too old to edit, deleted, network…: say it anew
            await self._message.answer(text)

    async def _run(self) -> None:
        while True:
            await self._changed.wait()
            self._changed.clear()
            text = self._latest
            if text != self._shown:
                try:
                    await self._message.edit_text(text)
                    self._shown = text
                except TelegramAPIError as error:  # a progress edit may fail; the next one tries
                    log.info("regen.progress_edit_failed", error=error.message)
            await asyncio.sleep(self._interval)


def progress_line(
    signs: list[ZodiacSign],
    languages: Sequence[str],
    results: Mapping[tuple[ZodiacSign, str], SignResult],
) -> str:
    """``♈✅ ♉✅ ♊⏳ ♋ …``, a sign per glyph whatever the languages: done in every language,
    failed in one (❌), being written (⏳), waiting (the bare glyph)."""
    parts = []
    keys = [(sign, code) for sign in signs for code in languages]
    current = next((sign for sign, code in keys if (sign, code) not in results), None)
    for sign in signs:
        emoji = ZODIAC_SIGNS[sign].emoji
        mine = [results[(sign, code)] for code in languages if (sign, code) in results]
        if any(result.outcome is Outcome.FAILED for result in mine):
            parts.append(emoji + "❌")
        elif len(mine) == len(languages):
            parts.append(emoji + "✅")
        else:
            parts.append(emoji + ("⏳" if sign is current else ""))
    return " ".join(parts)


def parse_regen_args(args: str | None) -> tuple[list[ZodiacSign] | None, list[str] | None, str]:
    """``/regen [sign] [language]`` in any order: (signs or None for all, languages or None
    for those in use, the first word understood as neither, or "")."""
    signs: list[ZodiacSign] | None = None
    languages: list[str] | None = None
    for word in (args or "").split():
        code = word.lower()
        sign = parse_sign(word)
        if sign is not None:
            signs = [*(signs or []), sign]
        elif code in available_languages():
            languages = [*(languages or []), code]
        else:
            return None, None, word
    return signs, languages, ""


async def regen(
    message: Message,
    command: CommandObject,
    cache: HoroscopeCacheService,
    services: Services,
    i18n: I18nContext,
) -> None:
    state = services.regen
    if state.running:  # checked and set with no await in between: one /regen at a time
        await message.answer(
            i18n.get(
                "regen-busy",
                done=state.done,
                count=state.count,
                seconds=f"{time.monotonic() - state.started:.0f}",
            )
        )
        return
    chosen, languages, unknown = parse_regen_args(command.args)
    if unknown:
        await message.answer(i18n.get("regen-unknown-sign", sign=html.escape(unknown[:64])))
        return
    signs = list(dict.fromkeys(chosen or ZodiacSign))
    state.running, state.started, state.done = True, time.monotonic(), 0
    try:
        if languages is None:  # every language in use (a query: the users' languages)
            languages = list(await cache.languages_in_use())
        state.count = len(signs) * len(languages)
        await _regen(
            message,
            cache,
            signs,
            list(dict.fromkeys(languages)),
            state,
            i18n,
            secret_values(services.settings),
        )
    finally:
        state.running = False


async def _regen(
    message: Message,
    cache: HoroscopeCacheService,
    signs: list[ZodiacSign],
    languages: list[str],
    state: RegenState,
    i18n: Strings,
    secrets: list[str],
) -> None:
    day = cache.today()
    when = format_day(day, i18n.locale)
    results: dict[tuple[ZodiacSign, str], SignResult] = {}

    def text() -> str:
        done = sum(
            1
            for sign in signs
            if all(
                (sign, code) in results and results[(sign, code)].outcome is not Outcome.FAILED
                for code in languages
            )
        )
        # "🔄 Regenerating for June 15, 2026: 3/12", "🌐 ru · en · uk", "♈✅ ♉✅ ♊✅ ♋⏳ …"
        return i18n.get(
            "regen-progress",
            date=when,
            done=done,
            count=len(signs),
            signs=languages_line(languages) + "\n" + progress_line(signs, languages, results),
        )

    status = await message.answer(text())
    live = LiveMessage(status, PROGRESS_EDIT_INTERVAL)

    async def progress(result: SignResult) -> None:
        results[(result.sign, result.language)] = result
        state.done = sum(1 for r in results.values() if r.outcome is not Outcome.FAILED)
        live.show(text())

    try:
        report = await generate_daily_horoscopes(
            cache,
            day=day,
            signs=signs,
            languages=languages,
            force=True,
            retry_delays=cache.on_demand_retry_delays,
            cleanup=False,
            exclusive=False,  # an admin's request is not skipped while the job runs elsewhere
            progress=progress,
        )
    except BaseException:  # the error handler apologises; no more edits
        state.running = False
        live.cancel()
        raise
    state.running = False  # generation is over: a new /regen may start while we report
    summary = i18n.get(
        "regen-done",
        seconds=seconds_text(report.seconds),
        generated=len(report.complete_signs),
        count=len(signs),
    )
    summary += "\n" + languages_line(languages)
    summary += "\n" + progress_line(signs, languages, report.results)
    if report.failed:
        names = ", ".join(
            f"{ZODIAC_SIGNS[r.sign].name(i18n.locale)}/{r.language} — "
            + failure_reason(i18n, r.kind, clean_reason(r.error or "", secrets))
            for r in report.failed
        )
        summary += "\n" + i18n.get("regen-failed-line", signs=names)
    await live.finish(summary)


# -- /stats -------------------------------------------------------------------------------


def parse_period(args: str | None) -> int | None:
    """``/stats`` → 1 (today), ``/stats 7`` → 7, ``/stats 30`` → 30; anything else → None."""
    if not args or not args.strip():
        return 1
    value = args.strip().lower().removesuffix("d")
    return int(value) if value.isdigit() and int(value) in PERIODS else None


def _change(stats: PeriodStats) -> str:
    percent = stats.change_percent
    if percent is None:
        return f"{stats.change:+d}"
    return f"{stats.change:+d}, {percent:+.0f}%"


def stats_caption(
    stats: PeriodStats,
    i18n: Strings,
    users: UserStats | None = None,
    shares: ShareStats | None = None,
    subscribers: SubscriberHistory | None = None,
) -> str:
    when = format_day(stats.today, i18n.locale)
    (most, most_views), (least, least_views) = stats.most_and_least(SIGN_KEYS)
    if stats.period == 1:
        lines = [
            i18n.get("stats-title", date=when),
            i18n.get("stats-current-day", total=stats.total, change=_change(stats)),
        ]
    else:
        lines = [
            i18n.get("stats-title-period", days=stats.period, date=when),
            i18n.get(
                "stats-current-period", days=stats.period, total=stats.total, change=_change(stats)
            ),
        ]
    lines += [
        i18n.get(
            "stats-totals", today=stats.today_total, week=stats.week_total, month=stats.month_total
        ),
        i18n.get(
            "stats-extremes",
            most=sign_label(ZodiacSign(most), i18n.locale),
            most_views=most_views,
            least=sign_label(ZodiacSign(least), i18n.locale),
            least_views=least_views,
        ),
    ]
    if stats.by_language:  # 🌐 ru 120 · en 30: the period's views per language
        lines.append(
            "🌐 " + " · ".join(f"{code} {views}" for code, views in stats.by_language.items())
        )
    if shares is not None:  # the period's shares, deep-link starts, users they brought
        shares = shares.last_days(stats.period)
    if shares is not None and not shares.empty:
        lines.append(
            i18n.get(
                "stats-shares",
                chosen=shares.total(Counter.CHOSEN),
                starts=shares.total(Counter.DEEP_LINK),
                referred=shares.total(Counter.REFERRED),
            )
        )
    if users is not None:
        lines += ["", *users_lines(users, i18n)]
    if subscribers is not None and not subscribers.empty:
        lines.append(subscribers_line(subscribers, i18n))
    return "\n".join(lines)


def subscribers_line(history: SubscriberHistory, i18n: Strings) -> str:
    """``🔔 Subscribers: 42 · yesterday 40 · 7 days ago 31`` (``—``: no count that day)."""

    def shown(value: int | None) -> str:
        return "—" if value is None else str(value)

    return i18n.get(
        "stats-subscribers",
        today=str(history.today),
        yesterday=shown(history.days_ago(1)),
        week=shown(history.days_ago(7)),
    )


def series_days(period: int) -> int:
    """Days of subscribers drawn under a period's chart: two weeks at least."""
    return max(SERIES_MIN_DAYS, period)


def subscribers_series(history: SubscriberHistory, i18n: Strings) -> SeriesData:
    return SeriesData(
        title=i18n.get("chart-subscribers", days=len(history.days)),
        labels=[str(format_skeleton("MMMd", day, locale=i18n.locale)) for day in history.days],
        values=history.counts,
    )


def shares_bars(shares: ShareStats, i18n: Strings) -> DailyBarsData:
    """Shares (inline results chosen) and new users through a shared link, per day."""
    return DailyBarsData(
        title=i18n.get("chart-shares", days=len(shares.days)),
        labels=[str(format_skeleton("MMMd", day, locale=i18n.locale)) for day in shares.days],
        bars=[
            (i18n.get("chart-shares-chosen"), shares.per_day(Counter.CHOSEN)),
            (i18n.get("chart-shares-referred"), shares.per_day(Counter.REFERRED)),
        ],
    )


def users_lines(users: UserStats, i18n: Strings) -> list[str]:
    """``👥 10 users · 2 new today`` / ``Active: …`` / ``🌐 ru 6 · en 3 · ? 1`` (the users per
    language, chosen else detected, the most first; ``?``: not known)."""
    lines = [
        i18n.get("stats-users", total=users.total, new=users.new_today),
        i18n.get("stats-users-active", week=users.active_7d, month=users.active_30d),
    ]
    ranked = sorted(users.by_language.items(), key=lambda item: (-item[1], item[0] or "~"))
    if ranked:
        lines.append("🌐 " + " · ".join(f"{code or '?'} {count}" for code, count in ranked))
    return lines


async def _user_stats(services: Services, session: AsyncSession) -> UserStats:
    await services.users.flush()  # the users seen but not yet written
    return await load_user_stats(session, services.cache.clock)


async def _share_stats(services: Services, session: AsyncSession, period: int) -> ShareStats:
    """Shares, deep-link starts and users they brought, per day, over the days the chart's
    panels show (two weeks at least; the caption sums the period's)."""
    await services.shares.flush()  # the counts not yet written
    return await load_share_stats(session, services.cache.today(), series_days(period))


def stats_chart(
    stats: PeriodStats,
    i18n: Strings,
    subscribers: SubscriberHistory | None = None,
    shares: ShareStats | None = None,
) -> ChartData:
    when = format_day(stats.today, i18n.locale)
    if stats.period == 1:
        title = i18n.get("chart-title-day", date=when)
        current_label, baseline_label = i18n.get("chart-today"), i18n.get("chart-week-average")
    else:
        title = i18n.get("chart-title-period", days=stats.period, date=when)
        current_label = i18n.get("chart-last-days", days=stats.period)
        baseline_label = i18n.get("chart-previous-days", days=stats.period)
    return ChartData(
        title=title,
        labels=[sign_label(sign, i18n.locale) for sign in ZodiacSign],
        current=[stats.current[key] for key in SIGN_KEYS],
        baseline=[stats.baseline[key] for key in SIGN_KEYS],
        current_label=current_label,
        baseline_label=baseline_label,
        axis_label=i18n.get("chart-axis"),
        series=(
            subscribers_series(subscribers, i18n)
            if subscribers is not None and not subscribers.empty
            else None
        ),
        daily=shares_bars(shares, i18n) if shares is not None and not shares.empty else None,
    )


async def _period_report(
    cache: HoroscopeCacheService, session: AsyncSession, period: int, i18n: Strings
) -> PeriodStats | str:
    """The period's numbers, or the text to say instead when there is nothing to draw."""
    await cache.views.flush()  # include the taps not yet written
    history = await load_view_history(session, cache.today())
    if history.empty:
        return i18n.get("stats-empty")
    report = period_stats(history, period, SIGN_KEYS)
    return i18n.get("stats-empty-period") if report.empty else report


async def _subscribers(services: Services, session: AsyncSession, period: int) -> SubscriberHistory:
    return await load_subscriber_history(session, services.cache.clock, series_days(period))


async def _chart_file(
    report: PeriodStats,
    i18n: Strings,
    subscribers: SubscriberHistory | None = None,
    shares: ShareStats | None = None,
) -> BufferedInputFile:
    # Rendering takes ~100 ms of CPU: a worker thread, not the event loop.
    chart = stats_chart(report, i18n, subscribers, shares)
    png = await asyncio.to_thread(render_views_chart, chart)
    name = f"stats-{report.today.isoformat()}-{report.period}d.png"
    return BufferedInputFile(png, filename=name)


async def stats(
    message: Message,
    command: CommandObject,
    cache: HoroscopeCacheService,
    services: Services,
    session: AsyncSession,
    i18n: I18nContext,
) -> None:
    period = parse_period(command.args)
    if period is None:
        await message.answer(i18n.get("stats-usage"))
        return
    report = await _period_report(cache, session, period, i18n)
    if isinstance(report, str):
        await message.answer(report)
        return
    users = await _user_stats(services, session)
    shares = await _share_stats(services, session, period)
    subscribers = await _subscribers(services, session, period)
    await message.answer_photo(
        await _chart_file(report, i18n, subscribers, shares),
        caption=stats_caption(report, i18n, users, shares, subscribers),
        reply_markup=stats_keyboard(i18n, period),
    )


async def stats_period(
    query: CallbackQuery,
    callback_data: StatsCallback,
    cache: HoroscopeCacheService,
    services: Services,
    session: AsyncSession,
    i18n: I18nContext,
) -> None:
    """A period button under the chart: the same message shows the other period."""
    period = callback_data.period
    if period not in PERIODS:  # forged: no such button was ever sent
        await answer_callback(query, i18n.get("stats-usage"))
        return
    report = await _period_report(cache, session, period, i18n)
    if isinstance(report, str):  # nothing to draw: say so, keep the chart that is there
        await answer_callback(query, report)
        return
    await answer_callback(query)
    users = await _user_stats(services, session)
    shares = await _share_stats(services, session, period)
    subscribers = await _subscribers(services, session, period)
    media = InputMediaPhoto(
        media=await _chart_file(report, i18n, subscribers, shares),
        caption=stats_caption(report, i18n, users, shares, subscribers),
    )
    markup = stats_keyboard(i18n, period)
    if isinstance(query.message, Message):
        try:
            await query.message.edit_media(media, reply_markup=markup)
            return
        except TelegramBadRequest as error:  # too old, deleted…: send it anew
            log.info("stats.edit_failed", error=error.message)
    if query.bot is not None:
        await query.bot.send_photo(
            query.from_user.id, media.media, caption=media.caption, reply_markup=markup
        )


# -- /status ------------------------------------------------------------------------------


def _when(moment: datetime, language: str) -> str:
    return f"{format_day(moment.date(), language)} {moment:%H:%M:%S}"


def status_text(info: BotStatus, i18n: Strings) -> str:
    if info.llm_model is None:
        llm = i18n.get("status-offline")
    else:
        llm = i18n.get(
            "status-llm", model=html.escape(info.llm_model), host=html.escape(info.llm_host or "?")
        )
    report = info.last_report
    if report is None or info.last_finished is None:
        last = i18n.get("status-never")
    else:
        last = i18n.get(
            "status-last-run",
            when=_when(info.last_finished, i18n.locale),
            stored=len(report.generated) + len(report.present),
            count=len(report.results),
            seconds=seconds_text(report.seconds),
        )
        if report.failed:
            last += i18n.get(
                "status-failed",
                signs=", ".join(
                    f"{sign_label(r.sign, i18n.locale)}/{r.language}" for r in report.failed
                ),
            )
    if info.next_run is None:
        next_run = i18n.get("status-next-none")
    else:
        next_run = f"{_when(info.next_run, i18n.locale)} ({info.timezone})"
    return "\n".join(
        (_bot_status(info, i18n, llm, last, next_run), "", push_status_text(info, i18n))
    )


def _bot_status(info: BotStatus, i18n: Strings, llm: str, last: str, next_run: str) -> str:
    return i18n.get(
        "status",
        llm=llm,
        date=format_day(info.day, i18n.locale),
        stored=info.stored_today,
        count=info.sign_count,
        last=last,
        next=next_run,
        pending=info.pending_views,
        database=html.escape(info.database),
        version=html.escape(info.version),
    )


async def status(
    message: Message,
    services: Services,
    session: AsyncSession,
    i18n: I18nContext,
) -> None:
    scheduler = services.scheduler
    job = scheduler.get_job(JOB_ID) if scheduler is not None else None
    info = await collect_status(services, session, job.next_run_time if job is not None else None)
    await message.answer(status_text(info, i18n))


def push_status_text(info: BotStatus, i18n: Strings) -> str:
    """The daily push's lines of /status: subscribers, today's deliveries, the next wave."""
    push = info.push
    if push.next_wave is None:
        wave = i18n.get("status-push-wave-none")
    else:
        wave = i18n.get(
            "status-push-wave",
            when=f"{format_day(push.next_wave.date(), i18n.locale)} {push.next_wave:%H:%M}",
            timezone=info.timezone,
            count=push.next_wave_count,
        )
    return i18n.get(
        "status-push",
        active=push.active,
        paused=push.paused,
        sent=push.sent_today,
        due=push.due_today,
        failed=push.failed_today,
        blocked_today=push.blocked_today,
        blocked_total=push.blocked_users,
        next=wave,
    )


# -- everyone else ------------------------------------------------------------------------


async def not_admin(message: Message, i18n: Strings, command: CommandObject) -> None:
    user_id = message.from_user.id if message.from_user else None
    log.info("admin.refused", command=command.command, user_id=user_id)
    await message.answer(i18n.get("admin-only"))


async def admin_elsewhere(message: Message, i18n: Strings, command: CommandObject) -> None:
    """An admin's command in a group: a hint, nothing revealed (no host, no figures)."""
    log.info("admin.not_private", command=command.command, chat_type=message.chat.type)
    await message.answer(i18n.get("admin-private-only"))


async def not_admin_button(query: CallbackQuery, i18n: Strings) -> None:
    log.info("admin.refused", command="stats-button", user_id=query.from_user.id)
    await answer_callback(query, i18n.get("admin-only"))


def create_router() -> Router:
    """A new router each time: an aiogram router can belong to one dispatcher only."""
    router = Router(name="admin")
    private = F.chat.type == ChatType.PRIVATE
    router.message.register(regen, Command("regen"), IsAdmin(), private)
    router.message.register(stats, Command("stats"), IsAdmin(), private)
    router.message.register(status, Command("status"), IsAdmin(), private)
    router.message.register(admin_elsewhere, Command(*ADMIN_COMMANDS), IsAdmin())
    router.message.register(not_admin, Command(*ADMIN_COMMANDS))
    router.callback_query.register(
        stats_period, StatsCallback.filter(), IsAdmin(), F.message.chat.type == ChatType.PRIVATE
    )
    router.callback_query.register(not_admin_button, StatsCallback.filter())
    return router
