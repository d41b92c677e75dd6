"""What the users' in-memory cache costs: RSS growth for 100,000 distinct users (goal
<= 30 MB), bytes per entry, and the warm tap's price (time, SQL statements: goal 0).

    python -m benchmarks.user_cache            # 100,000 users, 3 runs
    python -m benchmarks.user_cache --smoke    # 2,000 users, one run (no goal judged)

Each run: a fresh SQLite database holding N users (language, detected language, sign), a
:class:`services.users.UserService` with ``USER_CACHE_SIZE`` = 2N (it keeps the most
recently seen half, so all N fit), then every user's first
tap (``touch`` + ``remember_sign``: one read each, as a process sees each user once) and a
flush. The RSS before and after is the cache's growth as the process really pays it
(allocator and all). Then N warm taps of the same users, timed and their statements
counted. Separately, ``tracemalloc`` counts the bytes Python allocates for N entries alone.
"""

from __future__ import annotations

import asyncio
import gc
import os
import random
import time
import tracemalloc
from datetime import UTC, datetime
from typing import Any

from benchmarks.common import (
    StatementCounter,
    base_parser,
    fresh_database,
    machine,
    memory_mb,
    noise_rows,
    print_table,
    quiet_logs,
    runs,
    write_json,
)
from db import repositories
from db.engine import create_engine, create_sessionmaker
from services.clock import Clock
from services.users import UserService, UserState
from services.zodiac import ZodiacSign

GOAL_MB_PER_100K = 30.0
LANGUAGES = ["ru", "en", "uk", "es", "de", "pt"]
SIGNS = [s.value for s in ZodiacSign]
FIRST_ID = 5_000_000_000  # real Telegram ids are past 2**32: ints of the larger size


def rss_mb() -> float:
    gc.collect()
    return memory_mb(os.getpid())["rss_mb"]


async def one_run(database_url: str, users: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    ids = [FIRST_ID + i for i in range(users)]
    engine = create_engine(database_url)
    sessionmaker = create_sessionmaker(engine)
    clock = Clock("Europe/Moscow")
    rows = [(uid, rng.choice([*LANGUAGES, None]), rng.choice(SIGNS)) for uid in ids]
    async with sessionmaker() as session, session.begin():
        await repositories.import_users(session, rows, datetime.now(UTC))
    # The cache holds at most USER_CACHE_SIZE users and always keeps the most recent half:
    # twice N keeps all N (what is measured is the cost of holding N users).
    service = UserService(sessionmaker, clock, cache_size=2 * users, interval=3600)
    # Warm the code paths (SQLAlchemy's statement cache, the pool) on users not measured.
    for uid in range(1, 1001):
        await service.touch(uid, "ru")
    await service.flush()
    before = rss_mb()

    async def first_tap(uid: int) -> None:
        await service.touch(uid, LANGUAGES[uid % len(LANGUAGES)])
        service.remember_sign(uid, SIGNS[uid % 12])

    started = time.perf_counter()
    for start in range(0, users, 50):  # 50 users at once, as concurrent updates arrive
        await asyncio.gather(*(first_tap(uid) for uid in ids[start : start + 50]))
    cold_s = time.perf_counter() - started
    with_pending = rss_mb()
    await service.flush()
    after = rss_mb()
    statements = StatementCounter(engine)
    started = time.perf_counter()
    for uid in ids:
        await service.touch(uid, LANGUAGES[uid % len(LANGUAGES)])
        service.remember_sign(uid, SIGNS[(uid + 1) % 12])
    warm_s = time.perf_counter() - started
    warm_statements = statements.count
    await service.flush()
    await engine.dispose()
    growth = after - before
    return {
        "users": users,
        "cached": service.cached,
        "rss_growth_mb": growth,
        "rss_growth_with_pending_mb": with_pending - before,
        "bytes_per_user_rss": growth * 1024 * 1024 / users,
        "mb_per_100k": growth * 100_000 / users,
        "first_taps_per_s": users / cold_s,
        "warm_tap_us": warm_s / users * 1e6,
        "statements_per_warm_tap": warm_statements / users,
    }


def traced_bytes_per_entry(users: int) -> float:
    """Bytes Python allocates per cache entry (key, state, dict slot), measured alone."""
    service = UserService(None, Clock("UTC"), cache_size=2 * users)  # type: ignore[arg-type]
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    for i in range(users):
        # The structure alone, without the database read.
        service._put(
            FIRST_ID + i, UserState(LANGUAGES[i % 6], LANGUAGES[(i + 1) % 6], SIGNS[i % 12])
        )
    used = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    return used / users


def main() -> None:
    parser = base_parser(__doc__ or "")
    parser.add_argument("--users", type=int, default=None, help="distinct users (100000)")
    args = parser.parse_args()
    quiet_logs()
    users = args.users or (2_000 if args.smoke else 100_000)
    per_run = []
    for run in range(runs(args)):
        with fresh_database("sqlite") as url:
            per_run.append(asyncio.run(one_run(url, users, seed=run)))
    per_entry = traced_bytes_per_entry(users)
    columns = list(per_run[0])
    print_table(f"User cache, {users:,} distinct users (SQLite)", per_run, columns)
    keys = [
        "rss_growth_mb",
        "bytes_per_user_rss",
        "mb_per_100k",
        "warm_tap_us",
        "statements_per_warm_tap",
    ]
    print_table("Noise over runs", noise_rows(per_run, keys), ["figure", "min", "median", "max"])
    mb = sorted(r["mb_per_100k"] for r in per_run)[len(per_run) // 2]
    statements = max(r["statements_per_warm_tap"] for r in per_run)
    goals = {
        "rss_per_100k_users_le_30mb": mb <= GOAL_MB_PER_100K,
        "warm_tap_statements_zero": statements == 0,
    }
    print(f"\ntracemalloc: {per_entry:.0f} bytes per cache entry (key, state, dict slot)")
    print(
        f"goal RSS <= {GOAL_MB_PER_100K:.0f} MB per 100,000 users: {mb:.1f} MB "
        f"({'met' if goals['rss_per_100k_users_le_30mb'] else 'MISSED'})"
        + (" (smoke size: not judged)" if args.smoke else "")
    )
    print(
        f"goal 0 statements per warm tap: {statements} ({'met' if statements == 0 else 'MISSED'})"
    )
    write_json(
        "user_cache",
        {
            "machine": machine(),
            "users": users,
            "runs": per_run,
            "traced_bytes_per_entry": per_entry,
            "goals": goals,
        },
        args.out,
    )


if __name__ == "__main__":
    main()
