"""Admin alerts: one per cause per hour, every admin independently, no secrets."""

from __future__ import annotations

from datetime import date

import pytest
from aiogram.exceptions import TelegramForbiddenError
from aiogram.methods import SendMessage

from bot.alerts import job_listener
from bot.i18n import Translator, load_core
from services.alerts import AdminNotifier, AlertLimiter, clean_reason
from services.horoscope_cache import Outcome, SignResult
from services.scheduler import DailyReport
from services.zodiac import ZodiacSign


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_one_alert_per_cause_per_hour() -> None:
    clock = FakeClock()
    limiter = AlertLimiter(clock=clock)
    assert limiter.allow("llm:LLM HTTP 401")
    assert not limiter.allow("llm:LLM HTTP 401")
    assert limiter.allow("missing:leo")  # another cause is not held back
    clock.now += 3599
    assert not limiter.allow("llm:LLM HTTP 401")
    clock.now += 1
    assert limiter.allow("llm:LLM HTTP 401")


async def test_an_admin_who_blocked_the_bot_does_not_stop_the_others() -> None:
    got: list[tuple[int, str]] = []

    async def send(chat_id: int, text: str) -> None:
        if chat_id == 7:
            raise TelegramForbiddenError(
                SendMessage(chat_id=7, text=text), "Forbidden: bot was blocked by the user"
            )
        if chat_id == 8:
            raise RuntimeError("network down")
        got.append((chat_id, text))

    notifier = AdminNotifier([9, 8, 7], send)
    assert await notifier.broadcast("hello") == 1
    assert got == [(9, "hello")]
    assert await notifier.alert("cause", "first")
    assert not await notifier.alert("cause", "second")
    assert got == [(9, "hello"), (9, "first")]


def test_reasons_lose_secrets_and_stack_traces() -> None:
    reason = (
        "LLM HTTP 401: Error code: 401 - {'error': {'message': 'Incorrect API key provided: "
        "sk-proj-abc***wxyz. You can find your API key at https://platform.openai.com'}}\n"
        'Traceback (most recent call last):\n  File "x.py", line 1'
    )
    cleaned = clean_reason(reason, secrets=["hunter2"])
    assert cleaned.startswith("LLM HTTP 401: Error code: 401")
    assert "sk-" not in cleaned and "***" in cleaned and "Traceback" not in cleaned
    assert clean_reason("db password hunter2 refused", ["hunter2"]) == "db password *** refused"
    token = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789"
    assert token not in clean_reason(f"bad {token}")
    assert len(clean_reason("x" * 1000)) == 200


def failed(
    sign: ZodiacSign,
    error: str,
    *,
    alert: bool = False,
    kind: str = "unknown",
    language: str = "en",
) -> SignResult:
    return SignResult(
        sign,
        Outcome.FAILED,
        4,
        error,
        retryable=not alert,
        alert=alert,
        kind=kind,
        language=language,
    )


async def test_the_job_listener_words_one_summary_and_one_alert_per_cause() -> None:
    got: list[str] = []

    async def send(chat_id: int, text: str) -> None:
        got.append(text)

    clock = FakeClock()
    notifier = AdminNotifier([1], send, limiter=AlertLimiter(clock=clock))
    listener = job_listener(notifier, Translator(load_core("en"), "en"))
    report = DailyReport(date(2026, 6, 15), ("en", "uk"), seconds=41.2)
    for sign in ZodiacSign:
        for code in report.languages:
            report.results[(sign, code)] = SignResult(sign, Outcome.GENERATED, 1, language=code)
    report.results[(ZodiacSign.LEO, "uk")] = failed(
        ZodiacSign.LEO, "LLM HTTP 500", kind="server", language="uk"
    )
    for sign in (ZodiacSign.ARIES, ZodiacSign.TAURUS):
        for code in report.languages:
            report.results[(sign, code)] = failed(
                sign, "LLM quota exhausted (429)", alert=True, kind="quota", language=code
            )

    await listener(report)
    # Signs written in every language of the run, out of twelve, then the languages.
    summary = "🌙 Horoscopes for June 15, 2026: 9/12 in 41 s · 🌐 en · uk"
    assert got == [
        summary,
        "🚨 The LLM refuses: the quota is exhausted (LLM quota exhausted (429))\n"
        "Signs: ♈ Aries, ♉ Taurus. Check OPENAI_API_KEY, the quota and OPENAI_MODEL.",
        "⚠️ Still missing after all retries:\n♌ Leo/uk — the LLM failed on its side (LLM HTTP 500)",
    ]
    await listener(report)  # within the hour: the summary only
    assert got[3:] == [summary]
    clock.now += 3600
    await listener(report)
    assert len(got) == 7

    quiet = DailyReport(date(2026, 6, 15))
    quiet.results = {(s, "en"): SignResult(s, Outcome.PRESENT, language="en") for s in ZodiacSign}
    await listener(quiet)  # a restart that found all twelve stored says nothing
    assert len(got) == 7


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ru", "🚨 LLM отказывает: квота исчерпана (LLM quota exhausted (429))"),
        ("en", "🚨 The LLM refuses: the quota is exhausted (LLM quota exhausted (429))"),
    ],
)
async def test_failure_reasons_are_worded_in_the_admins_language(
    language: str, expected: str
) -> None:
    got: list[str] = []

    async def send(chat_id: int, text: str) -> None:
        got.append(text)

    notifier = AdminNotifier([1], send)
    listener = job_listener(notifier, Translator(load_core(language), language))
    report = DailyReport(date(2026, 6, 15), ("en",), seconds=3)
    report.results[(ZodiacSign.LEO, "en")] = failed(
        ZodiacSign.LEO, "LLM quota exhausted (429) <sk-abcdef>", alert=True, kind="quota"
    )
    await listener(report)
    [alert] = [text for text in got if text.startswith("🚨")]
    assert alert.startswith(expected.removesuffix(")"))
    assert "sk-abcdef" not in alert and "&lt;***&gt;" in alert  # scrubbed, then escaped
