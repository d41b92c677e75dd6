"""Telegram's sending budget, shared by the bot's replies and the push sender.

Telegram limits a bot to about 30 messages a second overall and one a second per chat. The
push sender keeps under that with a token bucket of ``PUSH_RATE`` tokens a second and a
per-chat gap of a second. The bucket holds at most ``BURST_SECONDS`` worth of tokens (one at
least): sends are spread evenly, yet a turn that wakes late (a busy event loop oversleeps by
milliseconds) catches up instead of losing its share — with a bucket of one, every oversleep
was lost and a loaded process sent at a fraction of ``PUSH_RATE``. At most
``PUSH_RATE × (1 + BURST_SECONDS)`` in any second (26.25 at the default 25: under 30).

Replies to people come first: every interactive send (a request middleware on the bot's
session, ``bot/push.py``) takes a token *at once*, without waiting, and may leave the bucket
in debt (at most a second's worth); the sender waits for what is left. So taps are never
slowed, and the sender's rate is ``PUSH_RATE`` minus the taps' rate. A 429 seen by anyone
pauses the sender for ``retry_after``.

Time here is the process's monotonic clock (injectable): pacing is about real seconds, not
about which day it is.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

Timer = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

PER_CHAT_INTERVAL = 1.0
BURST_SECONDS = 0.05  # the bucket's size, in seconds of PUSH_RATE (at least one token)
_SWEEP_AT = 4096  # per-chat entries kept before a sweep drops the ones already past


class SendPacer:
    def __init__(
        self,
        rate: float,
        *,
        per_chat_interval: float = PER_CHAT_INTERVAL,
        timer: Timer = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = max(1.0, rate * BURST_SECONDS)
        self.per_chat_interval = per_chat_interval
        self._timer = timer
        self._sleep = sleep
        self._tokens = 1.0
        self._updated = timer()
        self._chat_next: dict[int, float] = {}  # chat -> the earliest next send to it
        self._paused_until = 0.0
        self._lock: asyncio.Lock | None = None
        self.interactive = 0  # sends by the bot's replies seen
        self.pauses = 0  # 429s reported

    # -- the bot's replies: never wait --------------------------------------------------

    def spend(self, chat_id: int | None) -> None:
        """An interactive send is going out now: it takes a token (debt allowed) and the
        chat's second."""
        now = self._timer()
        self._refill(now)
        self._tokens = max(self._tokens - 1.0, -self.rate)
        self.interactive += 1
        if chat_id is not None:
            self._hold_chat(chat_id, now)

    def sent(self, chat_id: int) -> None:
        """An interactive send to ``chat_id`` has been answered: its second counts from
        now (Telegram saw it at some instant up to now, not when it left)."""
        self._hold_chat(chat_id, self._timer())

    def pause(self, seconds: float) -> None:
        """Telegram answered 429 with ``retry_after``: the sender sends nothing until then."""
        self.pauses += 1
        self._paused_until = max(self._paused_until, self._timer() + max(0.0, seconds))

    # -- the sender: waits its turn -----------------------------------------------------

    async def acquire(self, chat_id: int) -> None:
        """Wait until the sender may send one message to ``chat_id``, and take that slot."""
        while True:  # the chat's second first, outside the queue: one slow chat holds nobody
            wait = self._chat_next.get(chat_id, 0.0) - self._timer()
            if wait <= 0:
                break
            await self._sleep(wait)
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:  # then the global budget, first come first served
            while True:
                now = self._timer()
                self._refill(now)
                wait = max(
                    self._paused_until - now,
                    self._chat_next.get(chat_id, 0.0) - now,
                    (1.0 - self._tokens) / self.rate if self._tokens < 1.0 else 0.0,
                )
                if wait <= 0:
                    self._tokens -= 1.0
                    self._hold_chat(chat_id, now)
                    return
                await self._sleep(wait)

    def _refill(self, now: float) -> None:
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    def _hold_chat(self, chat_id: int, now: float) -> None:
        """``chat_id``'s next send is a second from ``now``; the chats whose second has passed
        are dropped now and then (replies add one per chat answered)."""
        self._chat_next[chat_id] = now + self.per_chat_interval
        if len(self._chat_next) > _SWEEP_AT:
            self._chat_next = {chat: at for chat, at in self._chat_next.items() if at > now}
