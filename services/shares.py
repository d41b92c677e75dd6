"""Sharing: the deep links a shared horoscope carries, and the per-day counts of shares.

- :func:`share_parameter` / :func:`parse_start`: the ``start`` parameter of
  ``t.me/<bot>?start=…``. ``leo`` opens Leo's horoscope; ``leo-s<id>-<mac>`` also says who
  shared it. The sharer's id is written in base 36 and followed by 8 characters of an HMAC
  keyed by the bot's token, so a forged or altered link is no referral (it opens the normal
  /start). Telegram allows 64 characters of ``[A-Za-z0-9_-]``; ours are at most 33.
- :class:`ShareCounter`: chosen inline results, deep-link starts and new users who came
  through a shared link, counted in memory per day (in TIMEZONE) and written behind in
  batches into ``daily_counters`` like the view counts; plain totals for /metrics.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import counters
from services.batching import CountsFlusher
from services.clock import Clock
from services.zodiac import ZodiacSign

START_PARAMETER_LIMIT = 64
_START_RE = re.compile(r"([a-z]{3,11})(?:-s([0-9a-z]{1,13})-([A-Za-z0-9_-]{8}))?")
_MAX_USER_ID = 2**63 - 1


@dataclass(frozen=True, slots=True)
class StartLink:
    sign: ZodiacSign
    referrer: int | None = None  # who shared it, when the link says so and is genuine


def _mac(secret: bytes, sign: str, user_id: int) -> str:
    digest = hmac.new(secret, f"{sign}:{user_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:6]).decode()  # 8 characters, no padding


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def link_secret(bot_token: str) -> bytes:
    """The key of the links' MACs: derived from the bot's token, never the token itself."""
    return hashlib.sha256(b"zodiac-share-link:" + bot_token.encode()).digest()


def share_parameter(sign: ZodiacSign, user_id: int, secret: bytes) -> str:
    """``leo-s1a2b3-AbCd_123``: the ``start`` parameter of a horoscope ``user_id`` shares."""
    return f"{sign.value}-s{_base36(user_id)}-{_mac(secret, sign.value, user_id)}"


def parse_start(parameter: str | None, secret: bytes) -> StartLink | None:
    """What a ``/start`` parameter asks for, or None for anything else (too long, an unknown
    sign, a sharer's part that is malformed or whose MAC does not match): then the normal
    /start."""
    if not parameter or len(parameter) > START_PARAMETER_LIMIT:
        return None
    match = _START_RE.fullmatch(parameter)
    if match is None:
        return None
    key, user36, mac = match.groups()
    try:
        sign = ZodiacSign(key)
    except ValueError:
        return None
    if user36 is None:
        return StartLink(sign)
    user_id = int(user36, 36)
    if not 0 < user_id <= _MAX_USER_ID or not hmac.compare_digest(
        mac, _mac(secret, sign.value, user_id)
    ):
        return None
    return StartLink(sign, user_id)


class Counter(StrEnum):
    """The names in ``daily_counters`` this module writes."""

    CHOSEN = "inline_chosen"  # an inline result posted (chosen_inline_result; may be sampled)
    DEEP_LINK = "deep_link_start"  # /start with a sign's parameter
    REFERRED = "referred_user"  # a new user whose first /start came through a shared link


class ShareCounter(CountsFlusher[counters.CounterKey]):
    """Per-day counts in memory, one UPSERT per flush (``VIEW_FLUSH_SECONDS``). Also the
    process's totals for /metrics: inline queries, answers, chosen results, deep-link starts."""

    name = "shares"

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession] | None,
        clock: Clock,
        *,
        interval: float = 5.0,
    ) -> None:
        super().__init__(sessionmaker, interval=interval)
        self._clock = clock
        self.totals: dict[str, int] = {}  # every counter and inline_query, inline_answer

    def count(self, name: Counter) -> None:
        self._add((self._clock.today(), name.value))
        self.seen(name.value)

    def seen(self, name: str) -> None:
        """A metric only (not stored): ``inline_query``, ``inline_answer``…"""
        self.totals[name] = self.totals.get(name, 0) + 1

    async def _write(self, session: AsyncSession, batch: Mapping[counters.CounterKey, int]) -> None:
        await counters.add_counts(session, batch)


@dataclass(frozen=True, slots=True)
class ShareStats:
    """The counters from ``first`` to ``last`` (each day in TIMEZONE)."""

    first: date
    last: date
    by_day: dict[date, dict[str, int]]

    def total(self, name: Counter) -> int:
        return sum(day.get(name.value, 0) for day in self.by_day.values())

    @property
    def days(self) -> list[date]:
        """Every day from ``first`` to ``last``, counted or not."""
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def per_day(self, name: Counter) -> list[int]:
        """The count of ``name`` on each of :attr:`days` (0 where nothing was counted)."""
        return [self.by_day.get(day, {}).get(name.value, 0) for day in self.days]

    def last_days(self, days: int) -> ShareStats:
        """The same counts for the last ``days`` days only."""
        first = max(self.first, self.last - timedelta(days=days - 1))
        kept = {day: counts for day, counts in self.by_day.items() if first <= day <= self.last}
        return ShareStats(first, self.last, kept)

    @property
    def empty(self) -> bool:
        return not any(any(day.values()) for day in self.by_day.values())


async def load_share_stats(session: AsyncSession, last: date, days: int) -> ShareStats:
    first = last - timedelta(days=days - 1)
    rows = await counters.counts_between(session, first, last)
    by_day: dict[date, dict[str, int]] = {}
    shared = {counter.value for counter in Counter}  # the table holds other counts too
    for (day, name), count in rows.items():
        if name in shared:
            by_day.setdefault(day, {})[name] = count
    return ShareStats(first, last, by_day)
