"""ORM models. Sign keys are stored as their English strings (``aries`` … ``pisces``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Integer, MetaData, String, Text, UniqueConstraint, func
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
