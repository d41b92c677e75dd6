"""Benchmark 1 — the service hot path, in process, on SQLite and PostgreSQL.

``HoroscopeCacheService.get_horoscope`` on a warm cache: latency p50/p99 over many calls and the
SQL statements issued per call (a ``before_cursor_execute`` listener on the engine counts them;
the view counter's flush loop runs at its production interval and its final flush is counted
too, so the flush is amortised honestly). The same figures for a deliberately naive variant —
lock → SELECT → UPSERT of the view per call, as the original plan literally reads — show the
ratio.

    .venv/bin/python -m benchmarks.service_hot_path            # full: 100k warm calls, 3 runs
    .venv/bin/python -m benchmarks.service_hot_path --smoke    # seconds
"""

from __future__ import annotations

import asyncio
import gc
import time
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from benchmarks.common import (
    StatementCounter,
    base_parser,
    latency_figures,
    machine,
    on_fresh_database,
    print_noise,
    print_table,
    quiet_logs,
    runs,
    write_json,
)
from db.engine import create_engine, create_sessionmaker
from db.models import HoroscopeCache, HoroscopeView
from db.repositories import _insert
from services.ai import AIService
from services.ai.client import OfflineWriter
from services.horoscope_cache import HoroscopeCacheService
from services.stats import ViewCounter
from services.zodiac import ZodiacSign

SIGNS = [s.value for s in ZodiacSign]
LANGUAGES = ("ru", "en", "uk")  # taps in a mix of languages: the key is (sign, language)
GOAL_P99_US = 50.0
GOAL_STATEMENTS = 0.001


class NaiveService:
    """The plan read literally: per call, under the sign's lock, SELECT the text and UPSERT
    one view (``view_count = view_count + 1``), in a transaction of its own."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], day: date) -> None:
        self._sessionmaker = sessionmaker
        self._locks = {sign: asyncio.Lock() for sign in SIGNS}
        self._day = day

    async def get_horoscope(self, sign: str, language: str) -> str | None:
        async with self._locks[sign], self._sessionmaker() as session:
            text = (
                await session.execute(
                    select(HoroscopeCache.content).where(
                        HoroscopeCache.zodiac_sign == sign,
                        HoroscopeCache.horoscope_date == self._day,
                        HoroscopeCache.language == language,
                    )
                )
            ).scalar_one_or_none()
            stmt = _insert(session, HoroscopeView).values(
                zodiac_sign=sign, view_date=self._day, language=language, view_count=1
            )
            stmt = stmt.on_conflict_do_update(
                index_elements=[
                    HoroscopeView.zodiac_sign,
                    HoroscopeView.view_date,
                    HoroscopeView.language,
                ],
                set_={"view_count": HoroscopeView.view_count + 1},
            )
            await session.execute(stmt)
            await session.commit()
            return text


def figures(
    calls: int, latencies_ns: list[float], elapsed: float, statements: int
) -> dict[str, Any]:
    """One variant's row: latency in µs, throughput, SQL statements in all and per call."""
    return {
        "calls": calls,
        **latency_figures(latencies_ns, 1e-3, suffix="_us", keys=("p50", "p99", "max")),
        "calls_per_s": calls / elapsed,
        "statements": statements,
        "statements_per_call": statements / calls,
    }


async def measure(database_url: str, calls: int, naive_calls: int) -> dict[str, Any]:
    engine = create_engine(database_url)
    sessionmaker = create_sessionmaker(engine)
    views = ViewCounter(sessionmaker, interval=5.0)  # the production VIEW_FLUSH_SECONDS
    cache = HoroscopeCacheService(
        ai=AIService(OfflineWriter(), name="offline"), sessionmaker=sessionmaker, views=views
    )
    async with sessionmaker() as session:
        for sign in SIGNS:  # warm: generate (offline) and store all twelve in each language
            for language in LANGUAGES:
                assert await cache.get_horoscope(sign, language, session) is not None
    await views.flush()
    counter = StatementCounter(engine)
    timer = time.perf_counter_ns
    # The cost of reading the clock twice, to subtract nothing but to show it is negligible.
    t0 = timer()
    for _ in range(10_000):
        timer()
    timer_ns = (timer() - t0) / 10_000

    results: dict[str, Any] = {"timer_overhead_us": timer_ns / 1e3}
    views.start()
    latencies = [0.0] * calls
    gc.collect()
    started = time.perf_counter()
    async with sessionmaker() as session:  # what DbSessionMiddleware hands the handler
        get = cache.get_horoscope
        for i in range(calls):
            sign, language = SIGNS[i % 12], LANGUAGES[i % len(LANGUAGES)]
            t = timer()
            await get(sign, language, session)
            latencies[i] = timer() - t
    elapsed = time.perf_counter() - started
    await views.stop()  # the final flush belongs to these calls
    results["warm"] = {
        **figures(calls, latencies, elapsed, counter.count),
        "views_written": views.flushed_total - 12,
    }

    naive = NaiveService(sessionmaker, cache.today())
    counter.count = 0
    latencies = [0.0] * naive_calls
    started = time.perf_counter()
    for i in range(naive_calls):
        t = timer()
        await naive.get_horoscope(SIGNS[i % 12], LANGUAGES[i % len(LANGUAGES)])
        latencies[i] = timer() - t
    elapsed = time.perf_counter() - started
    results["naive"] = figures(naive_calls, latencies, elapsed, counter.count)
    await engine.dispose()
    return results


def main() -> None:
    parser = base_parser(__doc__ or "")
    parser.add_argument("--calls", type=int, default=None, help="warm calls (default 100000)")
    parser.add_argument("--naive-calls", type=int, default=None, help="naive calls (default 5000)")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    quiet_logs()
    calls = args.calls or (2_000 if args.smoke else 100_000)
    naive_calls = args.naive_calls or (200 if args.smoke else 5_000)
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]

    payload: dict[str, Any] = {"benchmark": "service_hot_path", "machine": machine(), "db": {}}
    summary_rows = []
    for kind in kinds:
        per_run = [
            on_fresh_database(kind, partial(measure, calls=calls, naive_calls=naive_calls))
            for _ in range(runs(args))
        ]
        flat = [
            {
                **{f"warm_{k}": v for k, v in r["warm"].items()},
                **{f"naive_{k}": v for k, v in r["naive"].items()},
            }
            for r in per_run
        ]
        payload["db"][kind] = {"runs": per_run}
        keys = ["warm_p50_us", "warm_p99_us", "warm_statements_per_call", "warm_calls_per_s"]
        keys += ["naive_p50_us", "naive_p99_us", "naive_statements_per_call"]
        print_noise(f"{kind}: noise over {len(per_run)} run(s)", flat, keys)
        for i, r in enumerate(per_run, 1):
            warm, slow = r["warm"], r["naive"]
            summary_rows.append(
                {
                    "db": kind,
                    "run": i,
                    "warm p50 µs": warm["p50_us"],
                    "warm p99 µs": warm["p99_us"],
                    "warm stmts/call": warm["statements_per_call"],
                    "naive p50 µs": slow["p50_us"],
                    "naive p99 µs": slow["p99_us"],
                    "naive stmts/call": slow["statements_per_call"],
                    "p99 naive/warm": slow["p99_us"] / warm["p99_us"],
                    "p99 ≤ 50 µs": warm["p99_us"] <= GOAL_P99_US,
                    "stmts ≤ 0.001": warm["statements_per_call"] <= GOAL_STATEMENTS,
                }
            )
    print_table(
        f"get_horoscope, warm ({calls} calls) vs naive ({naive_calls} calls), per run",
        summary_rows,
        list(summary_rows[0]),
    )
    payload["summary"] = summary_rows
    payload["goals"] = {
        "p99_us_max": GOAL_P99_US,
        "statements_per_call_max": GOAL_STATEMENTS,
        "held_in_every_run": all(r["p99 ≤ 50 µs"] and r["stmts ≤ 0.001"] for r in summary_rows),
    }
    write_json("service_hot_path", payload, args.out)


if __name__ == "__main__":
    main()
