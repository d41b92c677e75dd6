"""Per-user rate limiting in memory: a token bucket per user, bounded and self-pruning.

Each user may send ``rate`` updates a second, in bursts of up to ``rate``; past that,
:meth:`RateLimiter.allow` says no until the bucket refills. A bucket left alone long enough
to refill completely is the same as no bucket, so it is dropped: the table holds only users
active in the last ``rate``-worth of seconds (about one second), and never more than
``max_users`` (the least recently created go first). No database, nothing shared between
replicas: flood control is per process, as Telegram spreads one user's updates unevenly
anyway.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class RateLimiter:
    def __init__(
        self,
        rate: float,
        *,
        timer: Callable[[], float] = time.monotonic,
        notice_every: float = 60.0,
        max_users: int = 100_000,
    ) -> None:
        self.rate = rate
        self.capacity = max(1.0, rate)
        self._timer = timer
        self._notice_every = notice_every
        self._max_users = max_users
        self._buckets: dict[int, tuple[float, float]] = {}  # user -> (tokens, when)
        self._noticed: dict[int, float] = {}  # user -> when last told to slow down
        self._refill_seconds = self.capacity / rate
        self._next_prune = timer() + self._refill_seconds
        self.throttled = 0

    def allow(self, user_id: int) -> bool:
        """Take one token from the user's bucket; False when it is empty."""
        now = self._timer()
        if now >= self._next_prune:
            self._prune(now)
        tokens, when = self._buckets.get(user_id, (self.capacity, now))
        tokens = min(self.capacity, tokens + max(0.0, now - when) * self.rate)
        allowed = tokens >= 1.0
        if allowed:
            tokens -= 1.0
        else:
            self.throttled += 1
        self._buckets[user_id] = (tokens, now)
        if len(self._buckets) > self._max_users:
            del self._buckets[next(iter(self._buckets))]
        return allowed

    def should_notice(self, user_id: int) -> bool:
        """At most once every ``notice_every`` seconds per user: tell them to slow down."""
        now = self._timer()
        last = self._noticed.get(user_id)
        if last is not None and now - last < self._notice_every:
            return False
        self._noticed[user_id] = now
        if len(self._noticed) > self._max_users:
            del self._noticed[next(iter(self._noticed))]
        return True

    @property
    def tracked(self) -> int:
        return len(self._buckets) + len(self._noticed)

    def _prune(self, now: float) -> None:
        self._next_prune = now + self._refill_seconds
        self._buckets = {
            user: (tokens, when)
            for user, (tokens, when) in self._buckets.items()
            if tokens + (now - when) * self.rate < self.capacity
        }
        if self._noticed:
            self._noticed = {
                user: when
                for user, when in self._noticed.items()
                if now - when < self._notice_every
            }
