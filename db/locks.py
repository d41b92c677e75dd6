"""Locks across processes. On PostgreSQL: session-level advisory locks, each on a connection
of its own held for the lock's lifetime. On SQLite (one process): always granted."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import AsyncIterator

import structlog
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = structlog.get_logger(__name__)


def lock_key(*parts: object) -> int:
    """A stable signed 64-bit key for ``pg_advisory_lock`` from any parts."""
    digest = hashlib.sha256(":".join(("zodiac", *map(str, parts))).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class AdvisoryLocks:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self.enabled = engine.dialect.name == "postgresql"

    @contextlib.asynccontextmanager
    async def hold(self, key: int, *, wait: bool) -> AsyncIterator[bool]:
        """Hold the lock for the block. ``wait=False``: yield False at once if it is taken.

        The lock lives as long as its connection: a process that dies releases it.
        """
        if not self.enabled:
            yield True
            return
        async with self._engine.connect() as conn:
            acquired = False
            try:
                if wait:
                    await conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
                    acquired = True
                else:
                    result = await conn.execute(
                        text("SELECT pg_try_advisory_lock(:key)"), {"key": key}
                    )
                    acquired = bool(result.scalar())
                await conn.commit()  # end the transaction; the session-level lock stays
            except BaseException:
                # Cancelled or failed half-way: the lock may be held on the server, and the
                # pool's reset (ROLLBACK) does not release it. Closing the connection does.
                await _discard(conn)
                raise
            try:
                yield acquired
            finally:
                if acquired:
                    await _unlock(conn, key)


async def _unlock(conn: AsyncConnection, key: int) -> None:
    """Release on a best-effort basis: the work under the lock is done and must not fail
    because the connection died meanwhile (a dead connection has released the lock)."""
    try:
        await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
        await conn.commit()
    except BaseException as error:
        log.warning("lock.release_failed", key=key, error=repr(error))
        await _discard(conn)
        if not isinstance(error, Exception):
            raise  # a cancellation goes on


async def _discard(conn: AsyncConnection) -> None:
    with contextlib.suppress(Exception):
        await conn.invalidate()
