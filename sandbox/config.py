"""The sandbox's own settings (``SANDBOX_*``), read from the environment and ``.env``.

The bot's settings (``services.config.Settings``) are read as usual; the sandbox only
replaces ``BOT_TOKEN`` and ``TELEGRAM_API_URL`` and adds its admin to ``ADMIN_IDS``.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.config import SettingsError, describe_validation_error

# A syntactically valid token that only the local Bot API server accepts.
SANDBOX_TOKEN = "123456789:SANDBOX-local-only_not-a-telegram-token"
# The built-in admin's user id, added to ADMIN_IDS when ADMIN_IDS is empty.
SANDBOX_ADMIN_ID = 777000001


class SandboxSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        env_prefix="SANDBOX_",
    )

    # A database of its own: the sandbox must never write into the real bot's (its Admin can
    # /regen, its users add views), whatever DATABASE_URL says.
    database_url: str = "sqlite+aiosqlite:///./data/sandbox.db"
    host: str = "127.0.0.1"
    port: int = Field(8081, ge=0, le=65535)
    open_browser: bool = True
    # Flood control per chat, like Telegram's: RATE messages or edits a second with BURST at
    # once; more answers 429 with retry_after (the bot waits and retries). RATE=0 turns it off.
    rate_limit: float = Field(1.0, ge=0)
    rate_burst: int = Field(20, ge=1)


class TokenProbe(BaseSettings):
    """Just ``BOT_TOKEN``, to decide between the real bot and the sandbox."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    bot_token: str = ""


def bot_token_configured() -> bool:
    """Is ``BOT_TOKEN`` set to something (environment or ``.env``)?"""
    return bool(TokenProbe().bot_token.strip())


def load_sandbox_settings(**overrides: Any) -> SandboxSettings:
    """``SANDBOX_*`` settings; raise SettingsError naming the bad one."""
    try:
        return SandboxSettings(**overrides)
    except ValidationError as error:
        reasons = describe_validation_error(error).split("; ")
        raise SettingsError("; ".join(f"SANDBOX_{reason}" for reason in reasons)) from None
