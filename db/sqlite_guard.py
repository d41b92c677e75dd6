"""SQLite serves one bot process: a second one on the same file is refused at start.

Two processes would each keep their own in-memory cache and locks, so a cold sign could be
generated twice and /regen would reach only one of them. PostgreSQL is the way to run
replicas (advisory locks coordinate them).
"""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url


class DatabaseInUseError(RuntimeError):
    pass


def lock_sqlite_file(database_url: str) -> IO[str] | None:
    """Hold an exclusive lock next to the SQLite file for the life of the returned handle."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    path = Path(url.database).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = (path.parent / f"{path.name}.lock").open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise DatabaseInUseError(
            f"another bot process is already using {path}: SQLite serves one process. "
            "Stop the other one, or use PostgreSQL (DATABASE_URL=postgresql+asyncpg://…) "
            "to run several replicas."
        ) from None
    return handle
