"""Telling the admins: a broadcast to every admin, and alerts limited to one per cause per hour.

The service knows nothing of Telegram: it is given a ``send(chat_id, text)`` coroutine by the
bot. Sending to each admin is independent: an admin who blocked the bot (403) or any other
failure is logged and the others still get the message; nothing here ever raises into the
daily job or a tap. Reasons are cut to one line and scrubbed of secrets before they are sent.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING

import structlog

if TYPE_CHECKING:
    pass

log = structlog.get_logger(__name__)

Sender = Callable[[int, str], Awaitable[None]]

ALERT_WINDOW_SECONDS = 3600.0
REASON_LIMIT = 200
# API keys the way OpenAI-compatible servers echo them back ("Incorrect API key provided:
# sk-abc***xyz"), bearer tokens, and anything that looks like a Telegram bot token.
_SECRET_PATTERNS = (
    re.compile(r"\bsk-[A-Za-z0-9_*.\-]{3,}"),
    re.compile(r"(?i)\bbearer\s+\S+"),
    re.compile(r"\b\d{3,20}:[A-Za-z0-9_-]{30,}"),
)


def clean_reason(reason: str, secrets: Sequence[str] = ()) -> str:
    """One short line, no stack trace, no secret."""
    line = next((part.strip() for part in reason.splitlines() if part.strip()), "")
    for secret in secrets:
        if secret:
            line = line.replace(secret, "***")
    for pattern in _SECRET_PATTERNS:
        line = pattern.sub("***", line)
    return line if len(line) <= REASON_LIMIT else line[: REASON_LIMIT - 1] + "…"


class AlertLimiter:
    """At most one alert per cause per ``window`` seconds (``clock``: monotonic seconds)."""

    def __init__(
        self,
        window: float = ALERT_WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.window = window
        self.clock = clock
        self._last: dict[str, float] = {}

    def allow(self, cause: str) -> bool:
        now = self.clock()
        last = self._last.get(cause)
        if last is not None and now - last < self.window:
            return False
        self._last[cause] = now
        return True


class AdminNotifier:
    def __init__(
        self,
        admin_ids: Iterable[int],
        send: Sender,
        *,
        limiter: AlertLimiter | None = None,
        secrets: Sequence[str] = (),
    ) -> None:
        self.admin_ids = sorted(admin_ids)
        self._send = send
        self.limiter = limiter or AlertLimiter()
        self._secrets = tuple(secrets)

    def clean(self, reason: str) -> str:
        return clean_reason(reason, self._secrets)

    async def broadcast(self, text: str) -> int:
        """Send ``text`` to every admin; return how many got it."""
        delivered = 0
        for admin_id in self.admin_ids:
            try:
                await self._send(admin_id, text)
            except Exception as error:  # one admin's chat must not stop the others
                log.warning("alerts.send_failed", admin_id=admin_id, error=type(error).__name__)
            else:
                delivered += 1
        return delivered

    async def alert(self, cause: str, text: str) -> bool:
        """Send unless an alert for ``cause`` went out within the window; True if sent."""
        if not self.limiter.allow(cause):
            log.info("alerts.suppressed", cause=cause)
            return False
        log.warning("alerts.sent", cause=cause)
        await self.broadcast(text)
        return True
