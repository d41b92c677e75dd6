"""ORM models. Sign keys are stored as their English strings (``aries`` … ``pisces``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    func,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC instant on both databases: SQLite stores no offset and hands back naive
    datetimes, which would not compare with the aware ones the Clock gives."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given for an aware column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class HoroscopeCache(Base):
    __tablename__ = "horoscope_cache"
    __table_args__ = (UniqueConstraint("zodiac_sign", "horoscope_date", "language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    zodiac_sign: Mapped[str] = mapped_column(String(16))
    horoscope_date: Mapped[date] = mapped_column(Date, index=True)
    language: Mapped[str] = mapped_column(String(16))  # services/languages/<code>.json
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class HoroscopeView(Base):
    __tablename__ = "horoscope_views"
    __table_args__ = (UniqueConstraint("zodiac_sign", "view_date", "language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    zodiac_sign: Mapped[str] = mapped_column(String(16))
    view_date: Mapped[date] = mapped_column(Date, index=True)
    language: Mapped[str] = mapped_column(String(16))  # the language the text was shown in
    view_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class User(Base):
    """One Telegram user the bot has talked to. Timestamps are UTC and come from the
    process's Clock (never the database's ``now()``), so tests and replicas agree.

    ``updated_at`` moves when something another replica must see changes (the chosen
    language, the sign, the detected language), not on every tap: a replica's refresh
    re-reads only those rows."""

    __tablename__ = "users"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    language: Mapped[str | None] = mapped_column(String(16))  # chosen with /language
    detected_language: Mapped[str | None] = mapped_column(String(16))  # from the app, last seen
    sign: Mapped[str | None] = mapped_column(String(16))  # the last sign tapped
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    blocked: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # Who shared the link this user first came through (``?start=leo-s<id>``), set once.
    referred_by: Mapped[int | None] = mapped_column(BigInteger)


class ForgottenUser(Base):
    """A short-lived note that a user asked to be forgotten (/forget): the bare id and when.

    A last-seen write another replica batched before the /forget must not re-create the
    user; the batched UPSERT deletes again any row this table says was forgotten after its
    last activity. Pruned after ``FORGOTTEN_RETENTION`` (services/users.py)."""

    __tablename__ = "forgotten_users"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    forgotten_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class Subscription(Base):
    """A user's daily push: one per user, its own sign (not the last one tapped).

    ``push_time`` is local wall-clock time in ``timezone`` (an IANA name, never an offset).
    ``next_due`` is the UTC instant of the next delivery, computed with zoneinfo from those two
    (services/local_time.py) and recomputed in the transaction that records a send; it is NULL
    while nothing is due (stopped, or paused until resumed), so the claim's index holds only
    deliverable rows' instants. ``claimed_by``/``claimed_until`` are a sender's lease on a
    claimed row: a row whose lease ran out is claimable again."""

    __tablename__ = "subscriptions"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    sign: Mapped[str] = mapped_column(String(16))
    push_time: Mapped[time] = mapped_column(Time)
    timezone: Mapped[str] = mapped_column(String(64))
    # active | paused | stopped (by /stop, unsubscribe, or Telegram saying the chat is gone)
    state: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    paused_until: Mapped[date | None] = mapped_column(Date)  # first local date delivered again
    stop_reason: Mapped[str | None] = mapped_column(String(32))
    next_due: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The first failed attempt of the current delivery (network/5xx): retried until
    # PUSH_RETRY_MINUTES after it, then that local date is given up.
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PushDelivery(Base):
    """One row per (user, local date) the push was sent, given up or found impossible on:
    the unique key is what makes "at most one push per local day" hold across restarts,
    retries and replicas. Pruned after 30 days."""

    __tablename__ = "push_deliveries"
    __table_args__ = (UniqueConstraint("user_id", "local_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    local_date: Mapped[date] = mapped_column(Date)
    # sending (reserved, in flight) | sent | failed (given up) | blocked (403 / chat gone)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(32))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class Lease(Base):
    """A named lease one process holds for a while and renews (the push sender: one replica
    sends at a time, since Telegram's limit is per bot). Expired = free to take."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ConversationState(Base):
    """aiogram FSM state and data per storage key (the typed steps of /subscribe), in the
    database so every replica sees the step a user is on."""

    __tablename__ = "conversation_states"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(255))
    data: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")  # JSON
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class DailyCounter(Base):
    """A named count per day (a date in TIMEZONE): inline results chosen, deep-link starts,
    new users who came through a shared link, subscribers at the day's end."""

    __tablename__ = "daily_counters"
    __table_args__ = (UniqueConstraint("day", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    name: Mapped[str] = mapped_column(String(32))
    count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
