"""How long the /stats chart takes to render (target: under 300 ms per chart).

    python -m benchmarks.chart            # 3 runs of 20 charts each, after a warm-up
    python -m benchmarks.chart --smoke    # one short run: it still works (no time asserted)

Each chart is the full /stats picture: 12 signs x 2 series, value labels, Cyrillic and zodiac
glyphs, rendered by :func:`services.charts.render_views_chart` to PNG bytes, exactly what the
bot runs in its worker thread. Prints a table and writes JSON to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from services.charts import ChartData, render_views_chart
from services.zodiac import ZODIAC_SIGNS

TARGET_MS = 300.0
RESULTS = Path(__file__).resolve().parent / "results"


def sample_chart(seed: int, language: str) -> ChartData:
    """A realistic chart: a few thousand views a day, unevenly spread over the signs."""
    rng = random.Random(seed)
    current = [float(rng.randint(0, 4000)) for _ in ZODIAC_SIGNS]
    baseline = [round(rng.uniform(0, 4000), 1) for _ in ZODIAC_SIGNS]
    return ChartData(
        title="Просмотры за 15 июня 2026" if language == "ru" else "Views on June 15, 2026",
        labels=[f"{info.emoji} {info.name(language)}" for info in ZODIAC_SIGNS.values()],
        current=current,
        baseline=baseline,
        current_label="Today",
        baseline_label="Daily average, previous 7 days",
        axis_label="Views",
    )


def run(charts: int, seed: int) -> list[float]:
    """Milliseconds per chart for ``charts`` renders."""
    timings = []
    for i in range(charts):
        data = sample_chart(seed + i, "ru" if i % 2 else "en")
        started = time.perf_counter()
        png = render_views_chart(data)
        timings.append((time.perf_counter() - started) * 1000)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return timings


async def loop_lag(charts: int, *, render: bool = True) -> float:
    """The event loop's worst lateness (ms) on a 1 ms ticker while ``charts`` charts render
    one after another in a worker thread, as the bot does (``asyncio.to_thread``). With
    ``render=False`` the thread sleeps as long instead: the machine's own noise."""
    worst = 0.0
    done = False

    async def ticker() -> None:
        nonlocal worst
        while not done:
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            worst = max(worst, (time.perf_counter() - before) * 1000 - 1.0)

    task = asyncio.create_task(ticker())
    for i in range(charts):
        if render:
            await asyncio.to_thread(render_views_chart, sample_chart(i, "en"))
        else:
            await asyncio.to_thread(time.sleep, 0.12)
    done = True
    await task
    return worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.chart", description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--charts", type=int, default=20, help="charts per run")
    parser.add_argument("--smoke", action="store_true", help="1 run of 3 charts")
    args = parser.parse_args(argv)
    runs, charts = (1, 3) if args.smoke else (args.runs, args.charts)

    started = time.perf_counter()
    run(1, seed=0)  # warm-up: font loading and caches, paid once per process
    first_ms = (time.perf_counter() - started) * 1000

    per_run = []
    for number in range(runs):
        timings = run(charts, seed=1000 * (number + 1))
        per_run.append(
            {
                "run": number + 1,
                "charts": charts,
                "median_ms": statistics.median(timings),
                "p95_ms": sorted(timings)[max(0, round(0.95 * len(timings)) - 1)],
                "max_ms": max(timings),
            }
        )
    lag_ms = asyncio.run(loop_lag(charts))
    idle_lag_ms = asyncio.run(loop_lag(charts, render=False))
    medians = [r["median_ms"] for r in per_run]
    summary = {
        "benchmark": "chart",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "first_chart_ms": first_ms,
        "runs": per_run,
        "median_of_run_medians_ms": {
            "min": min(medians),
            "median": statistics.median(medians),
            "max": max(medians),
        },
        "target_ms": TARGET_MS,
        "event_loop_worst_lag_ms": lag_ms,
        "event_loop_worst_lag_without_charts_ms": idle_lag_ms,
    }

    print(f"chart render, {runs} run(s) x {charts} charts, Python {summary['python']}, "
          f"{summary['cpus']} CPU(s); first chart in the process {first_ms:.0f} ms")  # fmt: skip
    print(f"{'run':>4} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}")
    for r in per_run:
        print(f"{r['run']:>4} {r['median_ms']:>10.1f} {r['p95_ms']:>8.1f} {r['max_ms']:>8.1f}")
    m = summary["median_of_run_medians_ms"]
    print(f"median per chart over runs: min {m['min']:.1f} / median {m['median']:.1f} / "
          f"max {m['max']:.1f} ms (target < {TARGET_MS:.0f} ms)")  # fmt: skip
    print(
        f"event loop, 1 ms ticker: worst lag {lag_ms:.1f} ms while charts render in a thread, "
        f"{idle_lag_ms:.1f} ms with the thread only sleeping (the machine's noise)"
    )

    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "chart-smoke.json" if args.smoke else f"chart-{summary['at'][:19].replace(':', '')}.json"
    (RESULTS / name).write_text(json.dumps(summary, indent=2) + "\n")
    # Judged on the typical chart (the median), not the tail: on a shared 2-core machine
    # a neighbour's burst can double any single render. The smoke run (CI) asserts no time
    # at all: it only shows the benchmark still runs.
    if not args.smoke and m["median"] >= TARGET_MS:
        print(f"chart: median {m['median']:.0f} ms is over {TARGET_MS:.0f} ms", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
