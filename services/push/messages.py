"""What the engine hands the bot to send, and how the bot says how it went.

The engine lives in ``services/``: it knows no aiogram. The bot (``bot/push.py``) renders the
message (the same renderer and keyboard builder as a tap) and sends it; it translates
Telegram's answer into one of these exceptions, or returns normally when it was delivered.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class PushMessage:
    user_id: int  # the private chat
    sign: str
    day: date  # the subscriber's local date
    language: str
    text: str  # the horoscope, raw (the bot escapes and bounds it)


class DeliveryError(Exception):
    """Telegram did not take the message."""

    reason = "error"

    def __init__(self, reason: str | None = None) -> None:
        super().__init__(reason or self.reason)
        if reason:
            self.reason = reason


class RetryAfter(DeliveryError):
    """429: flood control. Every send pauses ``seconds``, then this one is tried again."""

    reason = "flood"

    def __init__(self, seconds: float) -> None:
        super().__init__("flood")
        self.seconds = seconds


class ChatGone(DeliveryError):
    """403 (blocked, deactivated) or 400 "chat not found": the subscription stops."""

    reason = "blocked"


class TransientFailure(DeliveryError):
    """A network error, a 5xx: tried again with backoff for up to PUSH_RETRY_MINUTES."""

    reason = "network"


class PermanentFailure(DeliveryError):
    """Anything else Telegram refuses (a 400 not about the chat): that day is given up."""

    reason = "rejected"


Deliver = Callable[[PushMessage], Awaitable[None]]
