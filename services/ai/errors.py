"""What can go wrong when writing a horoscope, and whether trying again can help."""

from __future__ import annotations

from enum import StrEnum


class FailureKind(StrEnum):
    """Why a generation failed, for people: the bot words each kind in its language
    (``reason-<kind>`` in bot/locales); the provider's own message may follow."""

    AUTH = "auth"
    QUOTA = "quota"
    MODEL = "model"
    RATE_LIMIT = "rate-limit"
    TIMEOUT = "timeout"
    CONNECTION = "connection"
    SERVER = "server"
    BAD_TEXT = "bad-text"
    UNKNOWN = "unknown"


class GenerationError(Exception):
    """A generation attempt failed. ``retryable`` says whether another attempt may succeed."""

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        alert: bool = False,
        kind: FailureKind = FailureKind.UNKNOWN,
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        # The operator must act (bad key, quota exhausted, unknown model): tell the admins.
        self.alert = alert
        self.kind = kind
