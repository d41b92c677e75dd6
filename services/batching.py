"""The write-behind loop shared by everything that batches writes in memory (view counts,
share counts, users' last-seen): flush every ``interval`` seconds, and once more, retried, at
shutdown. :class:`CountsFlusher` is that loop for plain counts per key."""

from __future__ import annotations

import asyncio
import contextlib
import time
from abc import ABC, abstractmethod
from collections.abc import Hashable, Mapping
from typing import Generic, TypeVar

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

log = structlog.get_logger(__name__)

K = TypeVar("K", bound=Hashable)


class PeriodicFlusher(ABC):
    """Subclasses say how to :meth:`flush` (swap what is pending before the first await, put
    it back if the write fails) and how much is :attr:`pending`; this class runs the loop."""

    #: the prefix of this writer's log events, e.g. ``views`` -> ``views.flush_failed``
    name = "batch"

    def __init__(self, *, interval: float) -> None:
        self._interval = interval
        self._task: asyncio.Task[None] | None = None
        self._flushing: asyncio.Task[int] | None = None
        self._round: asyncio.Future[None] | None = None

    @abstractmethod
    async def flush(self) -> int:
        """Write what has accumulated; return how much was written."""

    @property
    @abstractmethod
    def pending(self) -> int:
        """How much waits to be written."""

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name=f"{self.name}-flush")

    async def stop(self) -> None:
        """Stop the loop and write everything that is left (retrying briefly)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._flushing is not None:  # a periodic write was under way: let it land
            with contextlib.suppress(Exception):
                await self._flushing
        for attempt in range(3):
            try:
                await self.flush()
                return
            except Exception as error:
                log.warning(
                    f"{self.name}.final_flush_failed", attempt=attempt + 1, error=repr(error)
                )
        if self.pending:
            log.error(f"{self.name}.lost_at_shutdown", pending=self.pending)

    async def next_round(self) -> None:
        """Wait until the loop has finished its next periodic flush (for tests, status)."""
        if self._round is None or self._round.done():
            self._round = asyncio.get_running_loop().create_future()
        await asyncio.shield(self._round)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            # Shielded: cancelling the loop must not cut a write in half (it could commit
            # and still put its batch back, writing it twice).
            self._flushing = asyncio.ensure_future(self.flush())
            try:
                written = await asyncio.shield(self._flushing)
            except Exception as error:
                log.warning(f"{self.name}.flush_failed", pending=self.pending, error=repr(error))
            else:
                if written:
                    log.debug(f"{self.name}.flushed", count=written)
            if self._round is not None and not self._round.done():
                self._round.set_result(None)


class CountsFlusher(PeriodicFlusher, Generic[K]):
    """Counts per key in memory (no I/O, no await to count), all written in one transaction
    per :meth:`flush`. Subclasses say how to count (the key's shape) and :meth:`_write` a
    batch (the repository's UPSERT)."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession] | None,
        *,
        interval: float,
    ) -> None:
        super().__init__(interval=interval)
        self._sessionmaker = sessionmaker
        self._pending: dict[K, int] = {}
        self.flushed_total = 0
        self.last_flush_ok = time.monotonic()
        self._writing = asyncio.Lock()

    @abstractmethod
    async def _write(self, session: AsyncSession, batch: Mapping[K, int]) -> None:
        """Add ``batch`` to the table, inside the transaction :meth:`flush` opened."""

    def _add(self, key: K) -> None:
        self._pending[key] = self._pending.get(key, 0) + 1

    @property
    def pending(self) -> int:
        return sum(self._pending.values())

    @property
    def flush_lag(self) -> float:
        """Seconds the oldest unwritten count may have waited (0 when nothing is pending)."""
        return time.monotonic() - self.last_flush_ok if self._pending else 0.0

    async def flush(self) -> int:
        """Write what has accumulated; return how much was written. One write at a time: a
        flush asked for while the loop's is under way returns once that one is committed
        too (/stats reads the table right after)."""
        async with self._writing:
            if not self._pending:
                self.last_flush_ok = time.monotonic()
                return 0
            if self._sessionmaker is None:
                raise RuntimeError(f"{type(self).__name__} has no database to flush to")
            # Swap before the first await: counts added during the write land in the new dict.
            batch, self._pending = self._pending, {}
            try:
                async with self._sessionmaker() as session, session.begin():
                    await self._write(session, batch)
            except BaseException:
                for key, count in batch.items():  # put back, added to what came in meanwhile
                    self._pending[key] = self._pending.get(key, 0) + count
                raise
            written = sum(batch.values())
            self.flushed_total += written
            self.last_flush_ok = time.monotonic()
            return written
