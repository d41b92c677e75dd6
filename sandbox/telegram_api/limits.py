"""Telegram's broadcast limits and per-chat failures, for tests and benchmarks of the daily
push (off until switched on).

- :meth:`Limits.enforce_limits`: at most ``per_second`` messages a second across all chats
  (default 30, a bucket holding a second's worth) and ``per_chat`` a second to any one chat
  (default 1): past either, 429 ``Too Many Requests: retry after N`` with
  ``parameters.retry_after``, nothing sent. A message sent with ``allow_paid_broadcast``
  skips the global limit (Telegram lets paid broadcasts go up to 1000/s), not the per-chat one.
- :meth:`Limits.inject_flood`: the next ``times`` sends answer 429 with ``retry_after``,
  whatever the rate (a test's "429 mid-run").
- :meth:`Limits.fail_chat`: sends to a chat answer as Telegram does for a chat that is gone
  (403 blocked / deactivated, 400 chat not found) or a server in trouble (5xx).

Counted: sendMessage, sendPhoto, copyMessage, forwardMessage (what a broadcast sends).
``flood_answers`` counts the 429s these limits gave.
"""

from __future__ import annotations

import math

from sandbox.telegram_api.errors import BLOCKED, ApiError
from sandbox.telegram_api.records import Bucket, Params
from sandbox.telegram_api.state import State

SENDS = frozenset({"sendmessage", "sendphoto", "copymessage", "forwardmessage"})

CHAT_FAILURES = {
    "blocked": (403, BLOCKED),
    "deactivated": (403, "Forbidden: user is deactivated"),
    "not_found": (400, "Bad Request: chat not found"),
    "server_error": (502, "Bad Gateway"),
    "internal": (500, "Internal Server Error"),
}


class Limits(State):
    def init_state(self) -> None:
        self.global_per_second: float | None = None
        self.per_chat_per_second: float | None = None
        self._global: Bucket | None = None
        self._chat_last: dict[int, float] = {}
        self._floods: list[int] = []  # retry_after of each injected 429, in order
        self.chat_failures: dict[int, ApiError] = {}
        self.flood_answers = 0
        self.paid_broadcasts = 0

    def enforce_limits(self, per_second: float | None = 30.0, per_chat: float | None = 1.0) -> None:
        """Switch the limits on (None: that one off)."""
        self.global_per_second = per_second
        self.per_chat_per_second = per_chat
        self._global = None
        self._chat_last.clear()

    def inject_flood(self, retry_after: int, *, times: int = 1) -> None:
        self._floods.extend([retry_after] * times)

    def fail_chat(self, chat_id: int, kind: str = "blocked") -> None:
        """Sends to ``chat_id`` fail: ``blocked``, ``deactivated``, ``not_found``,
        ``server_error`` (502) or ``internal`` (500)."""
        code, description = CHAT_FAILURES[kind]
        self.chat_failures[chat_id] = ApiError(code, description)

    def heal_chat(self, chat_id: int) -> None:
        self.chat_failures.pop(chat_id, None)

    def check_limits(self, method: str, params: Params, now: float) -> None:
        if method not in SENDS:
            return
        chat_id = params.get("chat_id")
        failure = self.chat_failures.get(chat_id) if isinstance(chat_id, int) else None
        if failure is not None:
            raise failure
        if self._floods:
            self._too_many(self._floods.pop(0))
        paid = bool(params.get("allow_paid_broadcast"))
        self.paid_broadcasts += paid
        rate = self.global_per_second
        if rate is not None and not paid:
            bucket = self._global
            if bucket is None:
                bucket = self._global = Bucket(rate, now)
            bucket.tokens = min(rate, bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            if bucket.tokens < 1.0:
                self._too_many(max(1, math.ceil((1.0 - bucket.tokens) / rate)))
        per_chat = self.per_chat_per_second
        if per_chat is not None and isinstance(chat_id, int):
            last = self._chat_last.get(chat_id)
            gap = 1.0 / per_chat
            if last is not None and now - last < gap:
                self._too_many(max(1, math.ceil(gap - (now - last))))
            self._chat_last[chat_id] = now
        if rate is not None and not paid and self._global is not None:
            self._global.tokens -= 1.0

    def _too_many(self, retry_after: int) -> None:
        self.flood_answers += 1
        raise ApiError(
            429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
        )
