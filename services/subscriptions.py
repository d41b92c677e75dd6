"""A user's subscription to the daily push: what /subscribe, /settings and /stop change.

Every write recomputes ``next_due`` (UTC) from the local time and the IANA zone with the one
DST rule of ``services/local_time.py``. Explicit acts, written at once (a round trip is fine:
these are rare, unlike taps). The sender (``services/push/``) owns delivery.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import subscriptions as repo
from db.subscriptions import SubscriptionRow
from services.clock import Clock
from services.local_time import local_due, next_local_occurrence

log = structlog.get_logger(__name__)

PAUSE_DAYS = (1, 3, 7)  # the pause buttons; None = until resumed


def zone_or_none(name: str) -> ZoneInfo | None:
    """The IANA zone called ``name`` (exactly as tzdata spells it), or None. Offsets and
    abbreviations (``+03:00``, ``MSK``, ``UTC+3``) are not zones here: a zone is stored by
    its IANA name, so a DST rule change in tzdata moves the push with the law."""
    if not name or name != name.strip() or name not in _zone_names():
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


_ZONES: frozenset[str] | None = None


def _zone_names() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


@dataclass(frozen=True, slots=True)
class Subscription:
    user_id: int
    sign: str
    push_time: time
    timezone: str
    state: str  # active | paused | stopped
    paused_until: date | None  # paused: the first local date delivered again (None: until resumed)
    stop_reason: str | None
    next_due: datetime | None  # UTC

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def active(self) -> bool:
        return self.state == "active"

    def next_local(self) -> datetime | None:
        """The next delivery in the subscriber's zone (None while nothing is due)."""
        return self.next_due.astimezone(self.zone) if self.next_due is not None else None


@dataclass(frozen=True, slots=True)
class DueNow:
    """What the sandbox's "due now" control did: the subscription as it is afterwards (None:
    there is none), the local date it made due, and whether that date had been delivered
    already (then nothing changed: one push per local date)."""

    subscription: Subscription | None
    day: date | None = None
    already_delivered: bool = False


def _view(row: SubscriptionRow) -> Subscription:
    return Subscription(
        row.user_id,
        row.sign,
        row.push_time,
        row.timezone,
        row.state,
        row.paused_until,
        row.stop_reason,
        row.next_due,
    )


def first_due_on_or_after(day: date, at: time, zone: ZoneInfo, after: datetime) -> datetime:
    """The first due instant on local date ``day`` or later that is after ``after``."""
    due = local_due(day, at, zone)
    return due if due > after else next_local_occurrence(at, zone, max(after, due))


class SubscriptionService:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessionmaker = sessionmaker
        self._clock = clock

    async def get(self, user_id: int) -> Subscription | None:
        async with self._sessionmaker() as session:
            row = await repo.get_subscription(session, user_id)
        return _view(row) if row is not None else None

    async def subscribe(self, user_id: int, sign: str, at: time, timezone: str) -> Subscription:
        """Subscribe, or change a whole subscription: active, next due at the first ``at``
        in ``timezone`` after now. A local date already delivered is not delivered again (the
        sender's delivery record says so), whatever the new time."""
        zone = _zone(timezone)
        at = at.replace(second=0, microsecond=0, tzinfo=None)
        now = self._clock.utc_now()
        async with self._sessionmaker() as session, session.begin():
            await repo.upsert_subscription(
                session,
                user_id,
                sign=sign,
                push_time=at,
                timezone=timezone,
                next_due=next_local_occurrence(at, zone, now),
                now=now,
            )
            row = await repo.get_subscription(session, user_id)
        assert row is not None
        log.info("push.subscribed", sign=sign, timezone=timezone, at=at.isoformat("minutes"))
        return _view(row)

    async def change(
        self,
        user_id: int,
        *,
        sign: str | None = None,
        at: time | None = None,
        timezone: str | None = None,
    ) -> Subscription | None:
        """Change one part of an existing subscription, keeping its state (a paused one stays
        paused until the same date). None if the user has no subscription."""
        current = await self.get(user_id)
        if current is None:
            return None
        new_sign = sign or current.sign
        new_at = (at or current.push_time).replace(second=0, microsecond=0, tzinfo=None)
        new_zone = timezone or current.timezone
        _zone(new_zone)
        return await self._write(
            current,
            sign=new_sign,
            push_time=new_at,
            timezone=new_zone,
            state=current.state,
            paused_until=current.paused_until,
        )

    async def pause(self, user_id: int, days: int | None) -> Subscription | None:
        """Skip the next ``days`` deliveries (``None``: until resumed)."""
        current = await self.get(user_id)
        if current is None or current.state == "stopped":
            return current
        until: date | None = None
        if days is not None:
            next_local = current.next_local() or self._clock.utc_now().astimezone(current.zone)
            until = next_local.date() + timedelta(days=days)
        return await self._write(current, state="paused", paused_until=until)

    async def resume(self, user_id: int) -> Subscription | None:
        current = await self.get(user_id)
        if current is None:
            return None
        return await self._write(current, state="active", paused_until=None, stop_reason=None)

    async def stop(self, user_id: int, reason: str = "user") -> bool:
        """Unsubscribe (/stop, the settings button) or Telegram said the chat is gone: nothing
        more is sent. The row stays (stopped), so admins can count and the user resubscribe.
        True if there was an active or paused subscription."""
        now = self._clock.utc_now()
        current = await self.get(user_id)
        if current is None or current.state == "stopped":
            return False
        async with self._sessionmaker() as session, session.begin():
            await repo.update_subscription(
                session,
                user_id,
                now,
                state="stopped",
                stop_reason=reason,
                next_due=None,
                paused_until=None,
                claimed_by=None,
                claimed_until=None,
            )
        log.info("push.stopped", reason=reason)
        return True

    async def make_due_now(self, user_id: int) -> DueNow:
        """The sandbox's control (never the bot's): an active subscription is due at once, for
        the latest local date whose time has come (today's, or yesterday's before today's
        time): the instant the sender's plan recomputes from the zone's rules, so it delivers
        that date now. A date already delivered is not sent again: then nothing changes, and
        the answer says so. Paused or stopped: unchanged."""
        now = self._clock.utc_now()
        current = await self.get(user_id)
        if current is None or not current.active:
            return DueNow(current)
        zone = current.zone
        day = now.astimezone(zone).date()
        due = local_due(day, current.push_time, zone)
        if due > now:
            day -= timedelta(days=1)
            due = local_due(day, current.push_time, zone)
        async with self._sessionmaker() as session, session.begin():
            if await repo.has_delivery(session, user_id, day):
                return DueNow(current, day, already_delivered=True)
            await repo.make_due_now(session, user_id, due, now)
            row = await repo.get_subscription(session, user_id)
        return DueNow(_view(row) if row is not None else None, day)

    async def _write(self, current: Subscription, **values: object) -> Subscription:
        merged = {
            "sign": current.sign,
            "push_time": current.push_time,
            "timezone": current.timezone,
            "state": current.state,
            "paused_until": current.paused_until,
            "stop_reason": current.stop_reason,
        }
        merged.update(values)
        merged["next_due"] = self.due_for(
            merged["push_time"],  # type: ignore[arg-type]
            merged["timezone"],  # type: ignore[arg-type]
            merged["state"],  # type: ignore[arg-type]
            merged["paused_until"],  # type: ignore[arg-type]
        )
        now = self._clock.utc_now()
        async with self._sessionmaker() as session, session.begin():
            await repo.update_subscription(
                session, current.user_id, now, claimed_by=None, claimed_until=None, **merged
            )
            row = await repo.get_subscription(session, current.user_id)
        assert row is not None
        return _view(row)

    def due_for(
        self, at: time, timezone: str, state: str, paused_until: date | None
    ) -> datetime | None:
        """When the next push is due for a subscription in this state (None: nothing due)."""
        zone = _zone(timezone)
        now = self._clock.utc_now()
        if state == "active":
            return next_local_occurrence(at, zone, now)
        if state == "paused" and paused_until is not None:
            return first_due_on_or_after(paused_until, at, zone, now)
        return None


def _zone(name: str) -> ZoneInfo:
    zone = zone_or_none(name)
    if zone is None:
        raise ValueError(f"{name!r} is not an IANA time zone")
    return zone
