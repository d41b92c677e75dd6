"""ORM models. Sign keys are stored as their English strings (``aries`` … ``pisces``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


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


class ForgottenUser(Base):
    """A short-lived note that a user asked to be forgotten (/forget): the bare id and when.

    A last-seen write another replica batched before the /forget must not re-create the
    user; the batched UPSERT deletes again any row this table says was forgotten after its
    last activity. Pruned after ``FORGOTTEN_RETENTION`` (services/users.py)."""

    __tablename__ = "forgotten_users"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    forgotten_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
