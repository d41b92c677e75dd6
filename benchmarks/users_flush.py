"""Benchmark 8 — the users' batched write: what one flush costs the event loop.

``UserService.flush`` runs beside live taps every VIEW_FLUSH_SECONDS. This times one flush of N
users who all changed since the last one (their sign and app language), on PostgreSQL: wall
time, and the process's CPU time (what the loop cannot spend on taps). Benchmark 2's open-loop
p99 is where this shows; a flush of 1,000 users used to cost ~200 ms of CPU (one multi-row
VALUES statement through the ORM's bulk layer, compiled anew each time).

    .venv/bin/python -m benchmarks.users_flush            # 1,000 users, 5 flushes, 3 runs
    .venv/bin/python -m benchmarks.users_flush --smoke    # 200 users, 2 flushes, 1 run
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from benchmarks.common import (
    base_parser,
    fresh_database,
    machine,
    noise,
    print_table,
    quiet_logs,
    runs,
    write_json,
)
from db.engine import create_engine, create_sessionmaker
from services.clock import Clock
from services.users import UserService
from services.zodiac import ZodiacSign

SIGNS = list(ZodiacSign)
LANGUAGES = ("ru", "en", "uk", "es", "de", "pt")


async def one_run(url: str, users: int, flushes: int) -> list[tuple[float, float]]:
    """(wall ms, CPU ms) of each flush after the first (which inserts the users)."""
    engine = create_engine(url)
    service = UserService(create_sessionmaker(engine), Clock("Europe/Moscow"), cache_size=2 * users)
    try:
        ids = range(10_000, 10_000 + users)
        for user in ids:
            await service.touch(user, "ru")
        await service.flush()
        timings = []
        for round_ in range(flushes):
            for user in ids:  # every user taps: a new sign and another app language
                service.seen(user, LANGUAGES[(user + round_) % len(LANGUAGES)])
                service.remember_sign(user, SIGNS[(user + round_) % len(SIGNS)].value)
            wall, cpu = time.perf_counter(), time.process_time()
            await service.flush()
            timings.append(
                ((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000)
            )
        return timings
    finally:
        await engine.dispose()


def main() -> None:
    parser = base_parser(__doc__ or "")
    parser.add_argument("--users", type=int, default=None, help="users per flush (1000)")
    args = parser.parse_args()
    quiet_logs()
    users = args.users or (200 if args.smoke else 1000)
    flushes = 2 if args.smoke else 5
    per_run: list[dict[str, Any]] = []
    with fresh_database("postgresql") as url:
        for _ in range(runs(args)):
            timings = asyncio.run(one_run(url, users, flushes))
            per_run.append(
                {
                    "wall_ms": [w for w, _ in timings],
                    "cpu_ms": [c for _, c in timings],
                }
            )
    wall = noise([v for run in per_run for v in run["wall_ms"]])
    cpu = noise([v for run in per_run for v in run["cpu_ms"]])
    rows = [
        {"figure": "wall ms per flush", **wall},
        {"figure": "CPU ms per flush", **cpu},
        {"figure": "CPU µs per user", **{k: v * 1000 / users for k, v in cpu.items()}},
    ]
    print_table(
        f"Users' flush, {users} users changed, {flushes} flushes x {len(per_run)} run(s), "
        "PostgreSQL",
        rows,
        ["figure", "min", "median", "max"],
    )
    write_json(
        "users_flush",
        {"benchmark": "users_flush", "machine": machine(), "users": users, "runs": per_run},
        args.out,
    )


if __name__ == "__main__":
    main()
