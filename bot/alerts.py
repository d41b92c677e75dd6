"""Admin messages about generation: the daily job's summary and alerts, worded for Telegram.

The rate limiting and the per-admin error handling live in :mod:`services.alerts`; this
module only words the messages and sends them through the Bot.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable, Sequence
from typing import Any

import structlog
from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError

from bot.i18n import Strings, format_day
from services.ai.errors import FailureKind
from services.alerts import AdminNotifier, Sender
from services.horoscope_cache import SignResult
from services.scheduler import DailyReport, ReportListener
from services.zodiac import ZODIAC_SIGNS, ZodiacSign

log = structlog.get_logger(__name__)


def telegram_sender(bot: Bot) -> Sender:
    async def send(chat_id: int, text: str) -> None:
        try:
            await bot.send_message(chat_id, text)
        except TelegramForbiddenError:  # the admin blocked the bot: not our problem to fix
            log.info("alerts.admin_blocked_bot", admin_id=chat_id)
            raise
        except TelegramAPIError as error:
            log.warning("alerts.telegram_error", admin_id=chat_id, error=error.message)
            raise

    return send


def llm_cause(reason: str) -> str:
    """One cause per kind of fatal LLM error ("LLM HTTP 401", "LLM quota exhausted (429)")."""
    return "llm:" + reason.split(":", 1)[0].strip()


def seconds_text(seconds: float) -> float:
    """Whole seconds from 10 up, tenths below: a number, so Fluent writes it the language's way
    (``4.5`` in English, ``4,5`` in German and Russian)."""
    return round(seconds) if seconds >= 10 else round(seconds, 1)


def languages_line(languages: Sequence[str]) -> str:
    """``🌐 ru · en · uk``: the languages a run writes (codes read the same in every
    language)."""
    return "🌐 " + " · ".join(languages)


def sign_label(sign: ZodiacSign, language: str) -> str:
    info = ZODIAC_SIGNS[sign]
    return f"{info.emoji} {info.name(language)}"


def failure_reason(i18n: Strings, kind: str, detail: str) -> str:
    """Why a generation failed, worded in ``i18n``'s language, then the provider's own message
    (already cut and scrubbed by the caller), escaped: trusted HTML out."""
    known = kind if kind in FailureKind.__members__.values() else FailureKind.UNKNOWN
    reason = i18n.get(f"reason-{known}")
    if not detail:
        return reason
    return i18n.get("failure-reason", reason=reason, detail=html.escape(detail))


def job_listener(notifier: AdminNotifier, i18n: Strings) -> ReportListener:
    """After each run of the daily job: a one-line summary when it wrote or missed something
    (a restart that finds all twelve stored stays quiet), one alert per fatal LLM error, and
    one alert listing the signs still missing after every retry."""

    async def on_report(report: DailyReport) -> None:
        if report.generated or report.failed:
            # Signs stored in every language of the run, then the languages:
            # "12/12 in 41 s · 🌐 ru · en · uk".
            summary = i18n.get(
                "alert-job-done",
                date=format_day(report.day, i18n.locale),
                stored=len(report.complete_signs),
                count=len(report.signs),
                seconds=seconds_text(report.seconds),
            )
            await notifier.broadcast(f"{summary} · {languages_line(report.languages)}")
        fatal: dict[str, list[SignResult]] = {}
        missing: list[SignResult] = []
        for result in report.failed:
            if result.alert:
                fatal.setdefault(notifier.clean(result.error or ""), []).append(result)
            elif notifier.limiter.allow(f"missing:{result.sign.value}:{result.language}"):
                missing.append(result)
        for reason, results in fatal.items():
            signs = list(dict.fromkeys(r.sign for r in results))
            await notifier.alert(
                llm_cause(reason), _fatal_text(i18n, results[0].kind, reason, signs)
            )
        if missing:
            lines = "\n".join(
                f"{sign_label(r.sign, i18n.locale)}/{r.language} — "
                + failure_reason(i18n, r.kind, notifier.clean(r.error or ""))
                for r in missing
            )
            await notifier.broadcast(i18n.get("alert-missing", lines=lines))

    return on_report


def tap_failure_listener(
    notifier: AdminNotifier, i18n: Strings, background: set[asyncio.Task[Any]]
) -> Callable[[SignResult], None]:
    """A tap's generation failed for good: alert the admins if the LLM failed fatally
    (rate-limited per cause). Sending runs in the background: the user's apology never waits."""

    def on_failure(result: SignResult) -> None:
        if not result.alert:
            return
        reason = notifier.clean(result.error or "")
        task = asyncio.create_task(
            notifier.alert(
                llm_cause(reason), _fatal_text(i18n, result.kind, reason, [result.sign])
            ),
            name="admin-alert",
        )
        background.add(task)
        task.add_done_callback(background.discard)

    return on_failure


def _fatal_text(i18n: Strings, kind: str, reason: str, signs: list[ZodiacSign]) -> str:
    names = ", ".join(sign_label(sign, i18n.locale) for sign in signs)
    return i18n.get("alert-llm-fatal", reason=failure_reason(i18n, kind, reason), signs=names)
