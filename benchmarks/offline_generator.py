"""Benchmark 6 — the offline horoscope generator, in every shipped language.

Writes a whole leap year of texts (12 signs x 366 days) per language with
``generate_offline_horoscope``, the call the bot makes when no LLM key is configured, and
reports texts per second (goal: at least 1,000/s in every language). The languages take turns
within each run, so a neighbour's burst on the shared machine hits them alike. Also reported:
what reading and checking one language file costs on first use (no goal).

    .venv/bin/python -m benchmarks.offline_generator            # 3 runs, a year per language
    .venv/bin/python -m benchmarks.offline_generator --smoke    # 1 run, one month per language
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

from benchmarks.common import base_parser, machine, noise, print_table, runs, write_json
from services.ai.offline import generate_offline_horoscope
from services.languages import available_languages, language
from services.zodiac import ZodiacSign

GOAL_TEXTS_PER_S = 1000.0
YEAR = 2028  # leap: 366 days


def texts_per_second(code: str, days: list[date]) -> float:
    started = time.perf_counter()
    for day in days:
        for sign in ZodiacSign:
            generate_offline_horoscope(sign, day, code)
    return len(days) * len(ZodiacSign) / (time.perf_counter() - started)


def first_use_ms(code: str) -> float:
    """Reading and checking ``<code>.json``, as the first request in a process pays it."""
    language.cache_clear()
    started = time.perf_counter()
    language(code)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = base_parser(__doc__ or "")
    args = parser.parse_args()
    codes = available_languages()
    start = date(YEAR, 1, 1)
    days = [start + timedelta(days=n) for n in range(31 if args.smoke else 366)]
    load_ms = {code: first_use_ms(code) for code in codes}
    for code in codes:  # warm-up: every file loaded, the generator's code paths hot
        texts_per_second(code, days[:7])

    per_run: list[dict[str, float]] = []
    for _ in range(runs(args)):
        per_run.append({code: texts_per_second(code, days) for code in codes})

    rows: list[dict[str, Any]] = []
    for code in codes:
        rate = noise([run[code] for run in per_run])
        rows.append(
            {
                "language": code,
                "texts": len(days) * len(ZodiacSign),
                "texts/s min": rate["min"],
                "texts/s median": rate["median"],
                "texts/s max": rate["max"],
                "µs per text (median)": 1e6 / rate["median"],
                "file first use ms": load_ms[code],
                f"≥ {GOAL_TEXTS_PER_S:.0f}/s": rate["min"] >= GOAL_TEXTS_PER_S,
            }
        )
    print_table(
        f"Offline generator, {len(days)} days x 12 signs per language, {len(per_run)} run(s)",
        rows,
        list(rows[0]),
    )
    write_json(
        "offline_generator",
        {
            "benchmark": "offline_generator",
            "machine": machine(),
            "days": len(days),
            "runs": per_run,
            "file_first_use_ms": load_ms,
            "summary": rows,
            "goals": {
                "texts_per_s_min": GOAL_TEXTS_PER_S,
                "held_in_every_run_and_language": all(
                    r[f"≥ {GOAL_TEXTS_PER_S:.0f}/s"] for r in rows
                ),
            },
        },
        args.out,
    )


if __name__ == "__main__":
    main()
