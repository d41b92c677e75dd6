"""A warm inline query, in process: the bot's own time for ``@bot`` (all twelve signs) and
``@bot leo`` (one): ``InlineHoroscopes.answer`` (memory only) plus the results built
(``bot.routers.inline.inline_results``: the tap's HTML, the deep link, the articles). Goal:
p99 <= 1 ms for the twelve. Telegram's round trip and aiogram's JSON are not in it.

    .venv/bin/python -m benchmarks.inline            # 20,000 queries of each kind, 3 runs
    .venv/bin/python -m benchmarks.inline --smoke    # 500, one run (no goal judged)

Each run: a fresh SQLite database, today's twelve written by the offline generator in
English, then the queries timed one by one (a different sender each, as in production).
"""

from __future__ import annotations

import gc
import time
from functools import partial
from typing import Any

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
from bot.i18n import Translator, load_core
from bot.routers.inline import inline_results
from db.engine import create_engine, create_sessionmaker
from services.ai import AIService
from services.ai.client import OfflineWriter
from services.clock import Clock
from services.horoscope_cache import HoroscopeCacheService
from services.inline import InlineHoroscopes
from services.shares import link_secret
from services.stats import ViewCounter
from services.zodiac import ZodiacSign

GOAL_P99_MS = 1.0
LANGUAGE = "en"


async def one_run(url: str, queries: int) -> dict[str, Any]:
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    cache = HoroscopeCacheService(
        ai=AIService(OfflineWriter(), name="offline"),
        sessionmaker=sessionmaker,
        clock=Clock("Europe/Moscow"),
        language=LANGUAGE,
        views=ViewCounter(sessionmaker, interval=3600),
    )
    for sign in ZodiacSign:
        await cache.ensure(sign, cache.today(), LANGUAGE)
    inline = InlineHoroscopes(cache)
    strings = Translator(load_core(LANGUAGE), LANGUAGE)
    secret = link_secret("123456:bench")
    statements = StatementCounter(engine)
    figures: dict[str, Any] = {}
    for label, query, expected in (("all twelve", "", 12), ("leo", "leo", 1)):
        timings = []
        gc.collect()
        for sender in range(1, queries + 1):
            started = time.perf_counter()
            answer = await inline.answer(query, LANGUAGE, ZodiacSign.LEO)
            results = inline_results(answer, strings, "zodiac_bot", sender, secret)
            timings.append(time.perf_counter() - started)
            assert len(results) == expected
        figures.update(latency_figures(timings, 1e3, prefix=f"{label} ", suffix=" ms"))
    figures["SQL statements"] = statements.count
    await cache.close()
    await engine.dispose()
    return figures


def main() -> None:
    args = base_parser(__doc__ or "").parse_args()
    quiet_logs()
    queries = 500 if args.smoke else 20_000
    measure = partial(one_run, queries=queries)
    per_run = [on_fresh_database("sqlite", measure) for _ in range(runs(args))]
    columns = list(per_run[0])
    print_table(f"A warm inline query, in process ({queries:,} each)", per_run, columns)
    print_noise("Noise over runs", per_run, columns)
    p99 = sorted(r["all twelve p99 ms"] for r in per_run)[len(per_run) // 2]
    goals = {
        "warm_twelve_p99_le_1ms": p99 <= GOAL_P99_MS,
        "no_sql": per_run[0]["SQL statements"] == 0,
    }
    print(
        f"\ngoal p99 <= {GOAL_P99_MS} ms for twelve results: {p99:.3f} ms "
        f"({'met' if goals['warm_twelve_p99_le_1ms'] else 'MISSED'})"
        + (" (smoke size: not judged)" if args.smoke else "")
    )
    write_json(
        "inline",
        {"machine": machine(), "queries": queries, "runs": per_run, "goals": goals},
        args.out,
    )


if __name__ == "__main__":
    main()
