"""Typed settings, built once in ``main()`` and passed down.

Nothing here reads the environment at import time: ``Settings()`` reads it when called.
``DatabaseSettings`` is the part Alembic needs, so migrations run without a bot token.
"""

from __future__ import annotations

import re
from datetime import time
from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/horoscope.db"
DEFAULT_TIMEZONE = "Europe/Moscow"
DEFAULT_GENERATION_TIME = time(0, 0)

# Telegram bot tokens look like "123456789:AAE…" (digits, a colon, 30+ url-safe characters).
_TOKEN_RE = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{30,}$")


class Language(StrEnum):
    RU = "ru"
    EN = "en"


class EventLoop(StrEnum):
    AUTO = "auto"  # uvloop when it is installed (pip install '.[fast]'), else asyncio's
    ASYNCIO = "asyncio"
    UVLOOP = "uvloop"


class LogFormat(StrEnum):
    CONSOLE = "console"
    JSON = "json"


class _Base(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )


class DatabaseSettings(_Base):
    database_url: str = Field(DEFAULT_DATABASE_URL, min_length=1)


def _split_csv(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(DatabaseSettings):
    bot_token: SecretStr
    telegram_api_url: str = "https://api.telegram.org"
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    timezone: str = DEFAULT_TIMEZONE
    generation_time: time = DEFAULT_GENERATION_TIME
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    openai_model: str = "gpt-4o-mini"
    openai_timeout: float = Field(60.0, gt=0)
    on_demand_retry_delays: Annotated[tuple[float, ...], NoDecode] = (5.0, 10.0, 30.0)
    daily_retry_delays: Annotated[tuple[float, ...], NoDecode] = (300.0, 600.0, 1800.0)
    view_flush_seconds: float = Field(5.0, gt=0)
    language: Language = Language.RU
    log_format: LogFormat = LogFormat.CONSOLE
    log_level: str = "INFO"
    auto_migrate: bool = True
    max_concurrent_updates: int = Field(100, ge=1)
    event_loop: EventLoop = EventLoop.AUTO

    @field_validator("bot_token")
    @classmethod
    def _check_token(cls, value: SecretStr) -> SecretStr:
        if not _TOKEN_RE.match(value.get_secret_value()):
            raise ValueError("does not look like a bot token from @BotFather (<digits>:<secret>)")
        return value

    @field_validator("openai_api_key", "openai_base_url", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_admin_ids(cls, value: Any) -> Any:
        return _split_csv(value)

    @field_validator("on_demand_retry_delays", "daily_retry_delays", mode="before")
    @classmethod
    def _parse_delays(cls, value: Any) -> Any:
        return _split_csv(value)

    @field_validator("on_demand_retry_delays", "daily_retry_delays")
    @classmethod
    def _check_delays(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if any(delay < 0 for delay in value):
            raise ValueError("delays must be zero or positive seconds")
        return value

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            message = f"unknown timezone {value!r} (use an IANA name like Europe/Moscow)"
            raise ValueError(message) from None
        return value

    @field_validator("generation_time", mode="before")
    @classmethod
    def _parse_time(cls, value: Any) -> Any:
        if isinstance(value, str):
            match = re.fullmatch(r"(\d{1,2}):(\d{2})", value.strip())
            if not match or int(match[1]) > 23 or int(match[2]) > 59:
                raise ValueError(f"{value!r} is not a time of day as HH:MM (00:00–23:59)")
            return time(int(match[1]), int(match[2]))
        return value

    @field_validator("log_level")
    @classmethod
    def _check_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


class SettingsError(Exception):
    """A configuration problem, worded for the operator: one line per bad setting."""


def describe_validation_error(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        name = "_".join(str(part) for part in item["loc"][:1]).upper() or "settings"
        if item["type"] == "missing":
            lines.append(f"{name} is required but not set (see .env.example)")
        else:
            message = str(item["msg"]).removeprefix("Value error, ")
            lines.append(f"{name} is invalid: {message}")
    return "; ".join(dict.fromkeys(lines))


def load_settings(**overrides: Any) -> Settings:
    """Read settings from the environment and ``.env``; raise SettingsError naming the setting."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise SettingsError(describe_validation_error(error)) from None
