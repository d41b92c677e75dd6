"""Who the bot talks to: each user's language, detected language and last sign.

The warm path makes no database round trip. Users' states live in a bounded cache of
``USER_CACHE_SIZE`` entries; a user is read from the database once, the first time this
process sees them. The cache is two plain dicts, recent and older: a hit in the older one
moves the user to the recent one, and when the recent one is half the size it becomes the
older one and the previous older one is dropped. That is least-recently-seen eviction by
halves, with no per-entry LRU node (an OrderedDict costs ~60 bytes more a user) and no
reordering on a warm hit. Last-seen times, detected languages and signs are written behind, like
the view counts: one UPSERT per flush for every user with news (``VIEW_FLUSH_SECONDS``),
and once more at shutdown. Explicit acts are written at once: a chosen language must
survive a restart, and /forget must be done when the bot says so.

Several replicas: :meth:`UserService.refresh` (every ``CACHE_REFRESH_SECONDS``) re-reads the
users whose language or sign changed since the last refresh and drops the users forgotten
meanwhile, together with anything still pending for them. A write batched on one replica
before a /forget on another cannot re-create the user: see ``db/repositories.py``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import repositories
from db.repositories import Activity, UserRow
from db.subscriptions import ImportedSubscription, import_subscriptions
from services.batching import PeriodicFlusher
from services.clock import Clock
from services.config import shipped_languages
from services.local_time import next_local_occurrence

log = structlog.get_logger(__name__)

#: How long the note that a user was forgotten is kept: far longer than any write can stay
#: batched or any replica's cache can stay stale, short enough to be no record of the user.
FORGOTTEN_RETENTION = timedelta(hours=24)
#: A refresh re-reads changes from a little before the previous one: a transaction that
#: committed late, or a replica whose clock runs a little behind, is not missed.
REFRESH_OVERLAP = timedelta(seconds=60)


@dataclass(slots=True)
class UserState:
    """What the bot needs to know about a user on every update (three shared strings)."""

    language: str | None = None  # chosen explicitly; wins over the detected one
    detected_language: str | None = None
    sign: str | None = None
    blocked: bool = False  # Telegram answered 403: the user blocked the bot

    @property
    def effective_language(self) -> str | None:
        return self.language or self.detected_language


@dataclass(slots=True)
class _Pending:
    first_seen: datetime
    last_seen: datetime
    detected_language: str | None = None
    sign: str | None = None
    referred_by: int | None = None  # a new user who came through a shared link


def _intern(value: str | None) -> str | None:
    # A handful of distinct codes: one string object each however many users share it.
    return sys.intern(value) if value is not None else None


class UserService(PeriodicFlusher):
    name = "users"

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        *,
        cache_size: int = 100_000,
        interval: float = 5.0,
    ) -> None:
        super().__init__(interval=interval)
        self._sessionmaker = sessionmaker
        self._clock = clock
        self._half = max(1, cache_size // 2)
        self._recent: dict[int, UserState] = {}
        self._older: dict[int, UserState] = {}
        self._pending: dict[int, _Pending] = {}
        # Users read and found missing, not written yet: new users (see :meth:`refer`).
        self._unstored: set[int] = set()
        self._since = self._now()  # the next refresh reads changes after this
        self.reads = 0  # database reads of users this process had not seen
        self.flushed_total = 0

    # -- the hot path ------------------------------------------------------------------

    async def get(self, user_id: int) -> UserState:
        """The user's state: from memory, else (first sight in this process) one read."""
        state = self._recent.get(user_id)
        if state is not None:
            return state
        state = self._older.pop(user_id, None)
        if state is not None:
            self._put(user_id, state)
            return state
        async with self._sessionmaker() as session:
            row = await repositories.get_user(session, user_id)
        self.reads += 1
        state = self._cached(user_id)  # filled by a concurrent get meanwhile
        if state is None:
            if row is None:
                self._unstored.add(user_id)
            state = _state(row) if row is not None else UserState()
            self._put(user_id, state)
        return state

    async def touch(self, user_id: int, detected_language: str | None = None) -> UserState:
        """An update from the user: remember when, and the language their app is in."""
        state = self.seen(user_id, detected_language)
        if state is not None:
            return state
        state = await self.get(user_id)
        if state.blocked:  # they write again: they unblocked the bot
            await self.set_blocked(user_id, False)
        # None only if a /forget dropped the user during the read: then nothing is queued.
        return self.seen(user_id, detected_language) or state

    def seen(self, user_id: int, detected_language: str | None = None) -> UserState | None:
        """:meth:`touch` for a user already in memory, without a coroutine: the state, or
        None when this process has not seen the user yet, or has them as blocked (then
        ``await touch``, which reads them, or writes that they unblocked the bot)."""
        state = self._recent.get(user_id)
        if state is None:
            state = self._older.pop(user_id, None)
            if state is None:
                return None
            self._put(user_id, state)
        if state.blocked:
            return None
        pending = self._pending_for(user_id)
        if detected_language is not None:
            detected = _intern(detected_language)
            state.detected_language = pending.detected_language = detected
        return state

    def peek(self, user_id: int) -> UserState | None:
        """The user's state if this process has it in memory (no I/O, no reordering): the
        push sender prefers it to the stored row, which may lag a batched write."""
        return self._cached(user_id)

    def chosen_language(self, user_id: int) -> str | None:
        """The language the user picked, if this process has them in memory (no I/O)."""
        state = self._cached(user_id)
        return state.language if state is not None else None

    def remember_sign(self, user_id: int, sign: str) -> None:
        """The sign the user just tapped (written with the next flush)."""
        sign = sys.intern(str(sign))
        state = self._cached(user_id)
        if state is not None:
            state.sign = sign
        self._pending_for(user_id).sign = sign

    def refer(self, user_id: int, referrer: int) -> bool:
        """A user's /start came through a link ``referrer`` shared. True (and who referred
        them written with the next flush, once) for a new user: one this process found
        missing from the database and has not written yet; False for anyone else."""
        if user_id not in self._unstored or referrer == user_id:
            return False
        pending = self._pending_for(user_id)
        if pending.referred_by is not None:
            return False  # counted already
        pending.referred_by = referrer
        return True

    def _pending_for(self, user_id: int) -> _Pending:
        now = self._now()
        pending = self._pending.get(user_id)
        if pending is None:
            pending = self._pending[user_id] = _Pending(now, now)
        else:
            pending.last_seen = now
        return pending

    # -- explicit acts, written at once ------------------------------------------------

    async def set_language(self, user_id: int, language: str | None) -> None:
        """The user's choice (None: follow the app again). Written before it is believed."""
        async with self._sessionmaker() as session, session.begin():
            await repositories.set_user_language(session, user_id, language, self._now())
        self._unstored.discard(user_id)  # stored now
        state = self._cached(user_id)
        if state is not None:
            state.language = _intern(language)

    async def set_blocked(self, user_id: int, blocked: bool) -> bool:
        """Telegram's 403 for the user (True), or the user back (False); written at once, for
        a stored user only. True if the stored flag changed."""
        async with self._sessionmaker() as session, session.begin():
            changed = await repositories.set_user_blocked(session, user_id, blocked, self._now())
        state = self._cached(user_id)
        if state is not None:
            state.blocked = blocked
        if changed:
            log.info("users.blocked" if blocked else "users.unblocked")
        return changed

    async def forget(self, user_id: int) -> bool:
        """Delete everything stored about the user, here and in the database, now. True if
        the database had a row."""
        self._drop(user_id)
        async with self._sessionmaker() as session, session.begin():
            existed = await repositories.forget_user(session, user_id, self._now())
        self._drop(user_id)  # a tap that arrived while the delete ran
        log.info("users.forgotten", existed=existed)
        return existed

    def _drop(self, user_id: int) -> None:
        self._recent.pop(user_id, None)
        self._older.pop(user_id, None)
        self._pending.pop(user_id, None)
        self._unstored.discard(user_id)

    # -- writing behind ----------------------------------------------------------------

    @property
    def pending(self) -> int:
        return len(self._pending)

    @property
    def cached(self) -> int:
        return len(self._recent) + len(self._older)

    async def flush(self) -> int:
        """Write every pending user's activity; return how many users were written."""
        if not self._pending:
            return 0
        # Swap before the first await: taps during the write land in the new dict.
        batch, self._pending = self._pending, {}
        # A generator: the rows are built a chunk at a time (a flush of 100,000 users held
        # them all at once, +6 MB of RSS that pymalloc never gave back).
        activities = (
            Activity(user_id, p.first_seen, p.last_seen, p.detected_language, p.sign, p.referred_by)
            for user_id, p in batch.items()
        )
        try:
            async with self._sessionmaker() as session, session.begin():
                await repositories.record_activity(session, activities, self._now())
        except BaseException:
            for user_id, pending in batch.items():
                self._merge_back(user_id, pending)
            raise
        self._unstored.difference_update(batch)
        self.flushed_total += len(batch)
        return len(batch)

    def _merge_back(self, user_id: int, older: _Pending) -> None:
        newer = self._pending.get(user_id)
        if newer is None:
            self._pending[user_id] = older
            return
        newer.first_seen = older.first_seen
        newer.detected_language = newer.detected_language or older.detected_language
        newer.sign = newer.sign or older.sign
        newer.referred_by = newer.referred_by or older.referred_by

    # -- other replicas ----------------------------------------------------------------

    async def refresh(self) -> int:
        """Take in what other processes changed since the last refresh (languages chosen,
        signs, users forgotten); prune old /forget notes. Returns how many cached users
        changed."""
        started = self._now()
        async with self._sessionmaker() as session, session.begin():
            rows, forgotten = await repositories.users_changed_since(
                session, self._since - REFRESH_OVERLAP
            )
            await repositories.prune_forgotten(session, started - FORGOTTEN_RETENTION)
        self._since = started
        changed = 0
        for user_id in forgotten:
            if self._cached(user_id) is not None or user_id in self._pending:
                self._drop(user_id)
                changed += 1
        for row in rows:
            state = self._cached(row.user_id)
            if state is None:
                continue  # not a user of this process: nothing to correct
            fresh = _state(row)
            pending = self._pending.get(row.user_id)
            if pending is not None:  # what this process has not written yet is newer
                fresh.detected_language = pending.detected_language or fresh.detected_language
                fresh.sign = pending.sign or fresh.sign
            if fresh != state:
                state.language = fresh.language
                state.detected_language = fresh.detected_language
                state.sign = fresh.sign
                state.blocked = fresh.blocked
                changed += 1
        if changed:
            log.info("users.refreshed", users=changed)
        return changed

    # -- the cache ---------------------------------------------------------------------

    def _cached(self, user_id: int) -> UserState | None:
        state = self._recent.get(user_id)
        return state if state is not None else self._older.get(user_id)

    def _put(self, user_id: int, state: UserState) -> None:
        self._recent[user_id] = state
        if len(self._recent) >= self._half:  # the older half goes: it is least recently seen
            self._older, self._recent = self._recent, {}

    async def languages_seen_since(self, days: int) -> set[str]:
        """The shipped languages of the users seen in the last ``days`` days (each user's
        chosen language, else the detected one; ``pt-br`` counts as ``pt``): what the daily
        job writes besides DEFAULT_LANGUAGE."""
        since = self._now() - timedelta(days=days)
        async with self._sessionmaker() as session:
            codes = await repositories.languages_seen_since(session, since)
        shipped = frozenset(shipped_languages())
        found = set()
        for code in codes:
            tag = code.lower()
            base = tag.split("-", 1)[0]
            if tag in shipped or base in shipped:
                found.add(tag if tag in shipped else base)
        return found

    def _now(self) -> datetime:
        return self._clock.utc_now()


def _state(row: UserRow) -> UserState:
    return UserState(
        _intern(row.language), _intern(row.detected_language), _intern(row.sign), row.blocked
    )


# -- /stats ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UserStats:
    total: int
    new_today: int  # first seen today (in TIMEZONE)
    active_7d: int  # seen in the 7 days ending today, today included
    active_30d: int
    by_language: dict[str | None, int]  # chosen language, else detected; None: unknown


async def load_user_stats(session: AsyncSession, clock: Clock) -> UserStats:
    """Two queries: the counts in one scan, the languages in one GROUP BY."""
    today = clock.today()

    def day_start(days_ago: int) -> datetime:
        return datetime.combine(today - timedelta(days=days_ago), time(), clock.tz).astimezone(UTC)

    total, new, week, month = await repositories.user_counts(
        session, day_start(0), day_start(6), day_start(29)
    )
    by_language = await repositories.users_by_language(session)
    return UserStats(total, new, week, month, by_language)


# -- import and export (the operator's CSV) --------------------------------------------

#: The columns ``users export`` writes and ``users import`` reads (others are ignored; a file
#: without ``push_time``/``timezone`` still imports, its users' subscriptions untouched).
CSV_COLUMNS = ("user_id", "language", "sign", "push_time", "timezone")

_PUSH_TIME = re.compile(r"(\d{1,2}):(\d{2})")


class UserImport(NamedTuple):
    """One good row: the user, and (``push_time`` set) their subscription at that local time
    in ``timezone`` (an IANA name) for ``sign``."""

    user_id: int
    language: str | None
    sign: str | None
    push_time: time | None = None
    timezone: str | None = None


@dataclass(frozen=True, slots=True)
class ImportReport:
    users: int  # rows written to users
    subscriptions: int  # subscriptions written (new or updated)
    kept: int  # rows with a push_time whose subscription the user paused or stopped: left


def parse_push_time(raw: str) -> time | None:
    """``HH:MM`` (or ``H:MM``), 00:00-23:59; None for anything else."""
    match = _PUSH_TIME.fullmatch(raw)
    if match is None:
        return None
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def parse_user_rows(
    rows: Iterable[tuple[int, dict[str, str | None]]],
    *,
    languages: Callable[[], tuple[str, ...]] = shipped_languages,
) -> tuple[list[UserImport], list[tuple[int, str]]]:
    """Check (line number, CSV row) pairs: the good rows, and the bad ones as (line number,
    what is wrong: every bad column of the line, its value and why). A later row for the same
    user wins."""
    from services.subscriptions import zone_or_none
    from services.zodiac import parse_sign

    allowed = languages()
    # A file names a few dozen zones: each is checked once (loading a zone reads tzdata, and
    # zoneinfo keeps only the last 8 loaded alive).
    zones: dict[str, bool] = {}

    def is_zone(name: str) -> bool:
        known = zones.get(name)
        if known is None:
            known = zones[name] = zone_or_none(name) is not None
        return known

    good: dict[int, UserImport] = {}
    errors: list[tuple[int, str]] = []
    for line, row in rows:
        problems: list[str] = []
        raw_id = (row.get("user_id") or "").strip()
        raw_language = (row.get("language") or "").strip().lower()
        raw_sign = (row.get("sign") or "").strip()
        raw_time = (row.get("push_time") or "").strip()
        raw_zone = (row.get("timezone") or "").strip()
        try:
            user_id: int | None = int(raw_id)
        except ValueError:
            user_id = None
        if user_id is None:
            problems.append(f"user_id {raw_id!r} is not an integer")
        elif not 0 < user_id < 2**63:
            problems.append(f"user_id {raw_id!r} is out of range")
        if raw_language and raw_language not in allowed:
            problems.append(
                f"unknown language {raw_language!r} (known: {', '.join(sorted(allowed))})"
            )
        sign = parse_sign(raw_sign) if raw_sign else None
        if raw_sign and sign is None:
            problems.append(f"unknown sign {raw_sign!r}")
        push_time = parse_push_time(raw_time) if raw_time else None
        if raw_time and push_time is None:
            problems.append(f"push_time {raw_time!r} is not a time of day HH:MM (00:00-23:59)")
        if raw_zone and not is_zone(raw_zone):
            problems.append(
                f"timezone {raw_zone!r} is not an IANA time zone name such as Europe/Moscow"
                + (
                    " (offsets are not zones: DST would be wrong)"
                    if _looks_like_offset(raw_zone)
                    else ""
                )
            )
        if raw_time:
            if not raw_zone:
                problems.append("timezone is empty but push_time is set")
            if not raw_sign:
                problems.append("sign is empty but push_time is set (the subscription's sign)")
        if problems:
            errors.append((line, "; ".join(problems)))
            continue
        assert user_id is not None
        good[user_id] = UserImport(
            user_id,
            raw_language or None,
            sign.value if sign else None,
            push_time,
            raw_zone if push_time is not None else None,
        )
    return list(good.values()), errors


def _looks_like_offset(value: str) -> bool:
    return bool(re.fullmatch(r"(UTC|GMT)?\s*[+-]\d{1,2}(:?\d{2})?", value, re.IGNORECASE))


async def import_users(
    sessionmaker: async_sessionmaker[AsyncSession],
    rows: Sequence[UserImport],
    clock: Clock,
) -> ImportReport:
    """All the good rows in one transaction, nothing half-written: the users, then the
    subscriptions of the rows with a push_time, each first due at its next local time after
    the import's clock (a time already past today in the user's zone: tomorrow)."""
    now = clock.utc_now()
    zones: dict[str, ZoneInfo] = {}
    subscriptions = [
        ImportedSubscription(
            row.user_id,
            row.sign,
            row.push_time,
            row.timezone,
            next_local_occurrence(
                row.push_time, zones.setdefault(row.timezone, ZoneInfo(row.timezone)), now
            ),
        )
        for row in rows
        if row.push_time is not None and row.timezone is not None and row.sign is not None
    ]
    async with sessionmaker() as session, session.begin():
        await repositories.import_users(
            session, [(row.user_id, row.language, row.sign) for row in rows], now
        )
        written = await import_subscriptions(session, subscriptions, now)
    return ImportReport(len(rows), written, len(subscriptions) - written)
