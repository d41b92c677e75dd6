"""Engine and sessionmaker factories. Nothing connects until a session is used."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def create_engine(
    database_url: str, *, idle_transaction_seconds: float | None = None, **kwargs: Any
) -> AsyncEngine:
    """``idle_transaction_seconds`` (PostgreSQL): the server ends a session whose transaction
    has waited that long for its next statement, releasing its row locks. For the push
    sender, whose transactions are all short: when its host vanishes (or the process is
    frozen) with a transaction open, the connection stays up and nothing else would ever
    release the lease row or the rows it was writing."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    # asyncpg waits 60 s for a connection by default: fail faster while the server is down.
    connect_args: dict[str, Any] = {"timeout": 5}
    if idle_transaction_seconds is not None:
        timeout_ms = str(max(1, round(idle_transaction_seconds * 1000)))
        connect_args["server_settings"] = {"idle_in_transaction_session_timeout": timeout_ms}
    kwargs.setdefault("connect_args", connect_args)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    return create_async_engine(url, **kwargs)


class StatementCount:
    """Statements the engine has sent, for ``/metrics`` (``zodiac_db_statements``): an operator
    (and benchmarks/e2e.py) sees database round trips per update without a profiler. A warm tap
    sends none."""

    __slots__ = ("total",)

    def __init__(self) -> None:
        self.total = 0

    def attach(self, engine: AsyncEngine) -> StatementCount:
        event.listen(engine.sync_engine, "before_cursor_execute", self._count)
        return self

    def _count(self, *_: Any) -> None:
        self.total += 1


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside the writer; busy_timeout waits out a short write lock
    # instead of failing with "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def safe_url(database_url: str) -> str:
    """The URL with its password masked, for logs."""
    return make_url(database_url).render_as_string(hide_password=True)
