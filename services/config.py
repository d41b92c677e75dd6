"""Typed settings, built once in ``main()`` and passed down.

Nothing here reads the environment at import time: ``Settings()`` reads it when called.
``DatabaseSettings`` is the part Alembic needs, so migrations run without a bot token.
"""

from __future__ import annotations

import functools
import re
from datetime import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from services.languages import available_languages

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/horoscope.db"
DEFAULT_TIMEZONE = "Europe/Moscow"
DEFAULT_GENERATION_TIME = time(0, 0)

# Telegram bot tokens look like "123456789:AAE…" (digits, a colon, 30+ url-safe characters).
_TOKEN_RE = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{30,}$")
# What Telegram accepts as a webhook secret_token.
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


# One directory per shipped language, each with the bot's strings as Fluent files: adding a
# language is adding a directory (bot/i18n.py loads them).
LOCALES_DIR = Path(__file__).resolve().parent.parent / "bot" / "locales"
_LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{1,8})*$")


@functools.cache
def shipped_languages() -> tuple[str, ...]:
    """The languages the bot speaks, the one list every layer uses: a language ships when
    both its files do — the sign names and phrase bank (``services/languages/<code>.json``)
    and the bot's strings (``bot/locales/<code>/*.ftl``). Read once per process."""
    return tuple(
        code
        for code in available_languages()
        if _LANGUAGE_RE.match(code) and any((LOCALES_DIR / code).glob("*.ftl"))
    )


class BotMode(StrEnum):
    POLLING = "polling"
    WEBHOOK = "webhook"


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


SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")


class DatabaseSettings(_Base):
    """What `horoscope-bot migrate` needs: the database, and how to log."""

    database_url: str = Field(DEFAULT_DATABASE_URL, min_length=1)
    log_format: LogFormat = LogFormat.CONSOLE
    log_level: str = "INFO"
    auto_migrate: bool = True

    @field_validator("log_level")
    @classmethod
    def _check_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        try:
            driver = make_url(value).drivername
        except ArgumentError:
            raise ValueError("is not a database URL, e.g. " + DEFAULT_DATABASE_URL) from None
        if driver not in SUPPORTED_DRIVERS:
            raise ValueError(
                f"uses {driver!r}; supported: sqlite+aiosqlite:///path or "
                "postgresql+asyncpg://user:password@host:5432/db"
            )
        return value


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
    default_language: str = "ru"
    language: str | None = None  # the old name of DEFAULT_LANGUAGE, still accepted
    # Pinned languages the daily job writes (empty: DEFAULT_LANGUAGE + users' languages).
    languages: Annotated[tuple[str, ...], NoDecode] = ()
    max_concurrent_updates: int = Field(100, ge=1)
    max_cold_taps: int = Field(1000, ge=1)
    bot_mode: BotMode = BotMode.POLLING
    webhook_url: str | None = None
    webhook_path: str = "/webhook"
    webhook_secret: SecretStr | None = None
    web_host: str = "0.0.0.0"
    web_port: int | None = Field(None, ge=1, le=65535)
    cache_refresh_seconds: float = Field(15.0, gt=0)
    user_cache_size: int = Field(100_000, ge=1)
    throttle_rate: float = Field(5.0, gt=0)
    shutdown_grace_seconds: float = Field(10.0, ge=0)
    # The daily push (services/push/): the sender's global pace, how long a delivery that
    # fails on the network or a 5xx is retried before that day is given up for that user,
    # Telegram's paid broadcasts (allow_paid_broadcast; costs Stars, see README), how many
    # due rows one claim takes, how many messages are in flight at once. The lease is
    # renewed every quarter of PUSH_LEASE_SECONDS (another replica takes over within 1.25x);
    # after PUSH_STALE_SECONDS the rows a dead sender claimed and the sends it had in flight
    # are taken over (a push request times out after a third of it, so a live sender's
    # request is never still running then).
    push_enabled: bool = True
    push_rate: float = Field(25.0, gt=0)
    push_retry_minutes: float = Field(60.0, gt=0)
    push_paid_broadcast: bool = False
    push_batch_size: int = Field(100, ge=1, le=10_000)
    push_lease_seconds: float = Field(20.0, ge=2)
    push_stale_seconds: float = Field(30.0, ge=3)
    # Messages between "turn taken" and "recorded" at once: what a hard kill can make the
    # next sender send twice, and what the rate can reach (rate ≈ in flight / per-message
    # latency, ~50-100 ms with two database round trips).
    push_max_in_flight: int = Field(10, ge=1, le=1_000)
    event_loop: EventLoop = EventLoop.AUTO

    @field_validator("bot_token")
    @classmethod
    def _check_token(cls, value: SecretStr) -> SecretStr:
        if not _TOKEN_RE.match(value.get_secret_value()):
            raise ValueError("does not look like a bot token from @BotFather (<digits>:<secret>)")
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _check_api_url(cls, value: str) -> str:
        parsed = urlsplit(value)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError(
                "must be an http(s) URL of a Bot API server, e.g. https://api.telegram.org"
            )
        return value.rstrip("/")

    @field_validator("webhook_path")
    @classmethod
    def _check_path(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError("must start with '/', e.g. /webhook")
        return value

    @field_validator("default_language", "language")
    @classmethod
    def _check_language(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = value.strip().lower()
        shipped = shipped_languages()
        if code not in shipped:
            raise ValueError(f"{value!r} is not a shipped language; one of: {', '.join(shipped)}")
        return code

    @model_validator(mode="after")
    def _legacy_language(self) -> Settings:
        if self.language is not None and "default_language" not in self.model_fields_set:
            self.default_language = self.language
        return self

    @property
    def legacy_language_used(self) -> bool:
        """LANGUAGE was set (the old name): the bot logs a deprecation line at start."""
        return self.language is not None

    @model_validator(mode="after")
    def _check_webhook(self) -> Settings:
        if self.bot_mode is BotMode.WEBHOOK:
            if not self.webhook_url or not self.webhook_url.startswith(("https://", "http://")):
                raise ValueError(
                    "WEBHOOK_URL is required in webhook mode: the public base URL, "
                    "e.g. https://bot.example.com"
                )
            secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
            if not _SECRET_RE.match(secret):
                raise ValueError(
                    "WEBHOOK_SECRET is required in webhook mode: 1-256 characters of "
                    "A-Z a-z 0-9 _ -"
                )
            if self.bot_token.get_secret_value() in self.webhook_url + self.webhook_path:
                raise ValueError("WEBHOOK_URL and WEBHOOK_PATH must not contain the bot token")
        return self

    @property
    def webhook_endpoint(self) -> str:
        return (self.webhook_url or "").rstrip("/") + self.webhook_path

    @property
    def web_port_effective(self) -> int | None:
        """The port of the web server (webhook, /healthz, /metrics), or None for none."""
        if self.bot_mode is BotMode.WEBHOOK:
            return self.web_port or 8080
        return self.web_port

    @field_validator(
        "openai_api_key",
        "openai_base_url",
        "webhook_url",
        "webhook_secret",
        "web_port",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_admin_ids(cls, value: Any) -> Any:
        return _split_csv(value)

    @field_validator("languages", mode="before")
    @classmethod
    def _parse_languages(cls, value: Any) -> Any:
        return _split_csv(value)

    @field_validator("languages")
    @classmethod
    def _check_languages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        shipped = available_languages()
        codes = tuple(dict.fromkeys(code.lower() for code in value))
        unknown = [code for code in codes if code not in shipped]
        if unknown:
            raise ValueError(
                f"{', '.join(map(repr, unknown))} not shipped; choose from {', '.join(shipped)}"
            )
        return codes

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
        if not item["loc"]:  # a check across settings names them in its message
            lines.append(str(item["msg"]).removeprefix("Value error, "))
            continue
        if item["type"] == "missing":
            lines.append(f"{name} is required but not set (see .env.example)")
        else:
            message = str(item["msg"]).removeprefix("Value error, ")
            lines.append(f"{name} is invalid: {message}")
    return "; ".join(dict.fromkeys(lines))


def load_database_settings() -> DatabaseSettings:
    try:
        return DatabaseSettings()
    except ValidationError as error:
        raise SettingsError(describe_validation_error(error)) from None


def load_settings(**overrides: Any) -> Settings:
    """Read settings from the environment and ``.env``; raise SettingsError naming the setting."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise SettingsError(describe_validation_error(error)) from None
