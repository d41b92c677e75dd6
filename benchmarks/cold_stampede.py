"""Benchmark 3 — a cold stampede: 1000 concurrent taps over the 12 signs on an empty cache,
with a slow OpenAI-compatible stand-in (1 s a call). Goals: exactly 12 LLM calls, every tap
answered; reported: time to the last answer.

Two variants, both on PostgreSQL:

* ``bot``: the real bot process (``python -m bot run``) started on an empty database, the 1000
  taps queued before its first ``getUpdates``. Its start-up fill of the day runs at the same
  time and shares the per-sign locks with the taps: whoever takes a sign's lock first generates
  it, everyone else waits for that text.
* ``service``: in process, 1000 concurrent ``get_horoscope`` calls, no start-up fill: the taps
  alone decide who generates.

    .venv/bin/python -m benchmarks.cold_stampede            # 3 runs, 1000 taps, 1 s latency
    .venv/bin/python -m benchmarks.cold_stampede --smoke    # 100 taps, 0.2 s latency
"""

from __future__ import annotations

import asyncio
import time
from functools import partial
from typing import Any

from benchmarks.botapi import LeanBotAPI, now, spawn, stop, wait_polling
from benchmarks.common import (
    base_parser,
    latency_figures,
    machine,
    on_fresh_database,
    print_noise,
    print_table,
    quiet_logs,
    runs,
    stand_in_settings,
    write_json,
)
from db.engine import create_sessionmaker
from services.runtime import create_services
from services.zodiac import ZodiacSign
from tests.standins.openai_api import FakeOpenAI

SIGNS = [s.value for s in ZodiacSign]


async def through_the_bot(database_url: str, taps: int, latency: float) -> dict[str, Any]:
    async with FakeOpenAI() as llm:
        llm.delay = latency
        api = LeanBotAPI("stampede-bot")
        await api.start()
        queued = [api.tap(100_000 + i, SIGNS[i % 12]) for i in range(taps)]
        target = await spawn(
            "bot",
            api,
            database_url,
            OPENAI_API_KEY="sk-bench",
            OPENAI_BASE_URL=llm.base_url,
        )
        try:
            startup = await wait_polling(target)
            deadline = now() + 120
            while any(t.answered == 0.0 for t in queued):
                if now() > deadline or target.process.poll() is not None:
                    break
                await asyncio.sleep(0.01)
            await asyncio.sleep(max(0.5, latency))  # any late, extra LLM call would show now
            answered = [t for t in queued if t.answered]
            first = min(t.handed for t in queued if t.handed) if answered else float("nan")
            last = max(t.answered for t in answered) if answered else float("nan")
            return {
                "taps": taps,
                "answered": len(answered),
                "llm_calls": len(llm.calls),
                "preparing_shown": api.stats.preparing,
                "last_answer_s": last - first,
                **latency_figures([t.answered - t.handed for t in answered], suffix="_s"),
                "startup_s": startup,
            }
        finally:
            await stop(target)
            await api.stop()


async def in_the_service(database_url: str, taps: int, latency: float) -> dict[str, Any]:
    async with FakeOpenAI() as llm:
        llm.delay = latency
        services = create_services(stand_in_settings(database_url, llm.base_url))
        try:
            done: list[float] = []
            started = time.perf_counter()

            sessionmaker = create_sessionmaker(services.engine)

            async def tap(i: int) -> str | None:
                async with sessionmaker() as session:  # what the middleware gives a handler
                    text = await services.cache.get_horoscope(
                        SIGNS[i % 12], services.cache.language, session
                    )
                done.append(time.perf_counter() - started)
                return text

            texts = await asyncio.gather(*(tap(i) for i in range(taps)))
        finally:
            await services.close()
        return {
            "taps": taps,
            "answered": sum(1 for t in texts if t),
            "llm_calls": len(llm.calls),
            "last_answer_s": max(done),
            **latency_figures(done, suffix="_s", keys=("p50",)),
        }


def main() -> None:
    parser = base_parser(__doc__ or "")
    parser.add_argument("--taps", type=int, default=None, help="concurrent taps (1000)")
    parser.add_argument("--latency", type=float, default=None, help="seconds per LLM call (1)")
    args = parser.parse_args()
    quiet_logs()
    taps = args.taps or (100 if args.smoke else 1000)
    latency = args.latency or (0.2 if args.smoke else 1.0)
    payload: dict[str, Any] = {
        "benchmark": "cold_stampede",
        "machine": machine(),
        "taps": taps,
        "latency_s": latency,
        "runs": [],
    }
    rows = []
    for i in range(runs(args)):
        for variant, fn in (("bot", through_the_bot), ("service", in_the_service)):
            result = on_fresh_database("postgresql", partial(fn, taps=taps, latency=latency))
            ok = result["llm_calls"] == 12 and result["answered"] == taps
            rows.append({"run": i + 1, "variant": variant, **result, "goal held": ok})
            payload["runs"].append({"variant": variant, **result})
    columns = ["run", "variant", "taps", "answered", "llm_calls", "last_answer_s", "p50_s"]
    columns += ["preparing_shown", "goal held"]
    print_table(f"Cold stampede: {taps} taps, LLM latency {latency} s", rows, columns)
    for variant in ("bot", "service"):
        mine = [r for r in rows if r["variant"] == variant]
        print_noise(
            f"{variant}: noise over {len(mine)} run(s)",
            mine,
            ["last_answer_s", "p50_s", "llm_calls"],
        )
    payload["goals"] = {
        "llm_calls": 12,
        "every_tap_answered": True,
        "held_in_every_run": all(r["goal held"] for r in rows),
    }
    write_json("cold_stampede", payload, args.out)


if __name__ == "__main__":
    main()
