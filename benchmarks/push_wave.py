"""Benchmark 11 — a push wave: N subscriptions due in the same minute, the real bot process
against a Bot API stand-in that enforces Telegram's limits.

The bot (``python -m bot run`` on PostgreSQL, as benchmark 2 starts it) polls a lean stand-in
served by this driver, which refuses with 429 + ``retry_after`` any message beyond
``--limit`` in a sliding second, or a second message to a chat within a second
(``benchmarks/botapi.py: PushLedger``). Once the bot idles (its idle RSS is sampled), N users
and their subscriptions, due in the current minute across twelve IANA zones, are written in
one transaction; the sender finds them within its idle wait (2 s).

Telegram's real pace, ``PUSH_RATE=25`` against 30/s, would take over an hour for 100,000:
the "scaled" wave keeps the ratio ×10 (250 against 300 by default: 100,000 in under 7
minutes) and scales ``PUSH_MAX_IN_FLIGHT`` with the rate (20; the rate is at most in-flight ÷
per-message latency); the "real" wave runs the real numbers and the default 10 on fewer
subscribers.

Measured, between the first and the last message the stand-in accepted: the delivered rate
(goal ≥ 0.95 × PUSH_RATE), per-second counts (min / median over whole seconds), 429s (goal 0),
duplicates (messages beyond the first per chat; goal 0), the bot's RSS sampled every 0.2 s
from /proc (goal: max within 20 MB of idle), the bot's CPU share and CPU per 1,000 messages.

    .venv/bin/python -m benchmarks.push_wave          # 3 runs: 100,000 at 250/300, 2,000 at 25/30
    .venv/bin/python -m benchmarks.push_wave --smoke  # 300 at 100/120, 1 run
    .venv/bin/python -m benchmarks.push_wave --waves scaled --n 20000 --rate 500 --limit 600
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import subprocess
from typing import Any

from benchmarks.botapi import LeanBotAPI, PushLedger, now, spawn, stop, wait_polling
from benchmarks.common import (
    RESULTS,
    base_parser,
    cpu_seconds,
    fresh_database,
    machine,
    memory_mb,
    noise_rows,
    print_table,
    runs,
    write_json,
)
from benchmarks.profile import hottest, print_hottest, start_py_spy
from benchmarks.pushdata import delivery_counts, due_minute, seed_due

RATE_GOAL = 0.95  # × PUSH_RATE
RSS_GOAL_MB = 20.0  # max RSS during the wave − idle RSS
SAMPLE_EVERY = 0.2  # seconds between RSS samples


def driver_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def one_wave(
    url: str,
    *,
    n: int,
    rate: float,
    limit: int | None,
    batch: int,
    in_flight: int,
    idle: float,
    profile: float = 0.0,
) -> dict[str, Any]:
    api = LeanBotAPI("push-wave")
    ledger = api.ledger = PushLedger(global_limit=limit)
    await api.start()
    target = await spawn(
        "bot",
        api,
        url,
        PUSH_RATE=f"{rate:g}",
        PUSH_BATCH_SIZE=str(batch),
        PUSH_MAX_IN_FLIGHT=str(in_flight),
    )
    pid = target.pid
    marks: dict[str, tuple[float, float, float, float]] = {}  # at, bot CPU, driver CPU, RSS
    done = asyncio.Event()

    def mark(name: str) -> None:
        marks[name] = (now(), cpu_seconds(pid), driver_cpu(), memory_mb(pid)["rss_mb"])

    spy: list[subprocess.Popen[bytes] | None] = []
    raw = RESULTS / "profile-push-wave.txt"

    def on_accept(count: int) -> None:
        if count == 1:
            mark("first")
            if profile:
                spy.append(start_py_spy(pid, profile, raw))
        if count >= n and not done.is_set():
            mark("last")
            done.set()

    ledger.on_accept = on_accept
    samples: list[tuple[float, float]] = []

    async def sample() -> None:
        while True:
            samples.append((now(), memory_mb(pid)["rss_mb"]))
            await asyncio.sleep(SAMPLE_EVERY)

    sampler = asyncio.create_task(sample())
    try:
        startup = await wait_polling(target)
        await asyncio.sleep(idle)  # the bot settles; its idle RSS is what is sampled now
        idle_rss = statistics.median(rss for _, rss in samples[len(samples) // 2 :])
        minute = due_minute()
        seeded = now()
        await seed_due(url, n, minute)
        seed_s = now() - seeded
        try:
            await asyncio.wait_for(done.wait(), timeout=60 + 3 * n / rate)
        except TimeoutError:
            raise TimeoutError(
                f"{len(ledger.accepted)}/{n} delivered in time; see {target.log}"
            ) from None
        await asyncio.sleep(1.0)  # anything sent twice would arrive now
        if spy and spy[0] is not None:
            spy[0].wait()
    finally:
        sampler.cancel()
        await stop(target)
        await api.stop()
    counts = await delivery_counts(url)
    frames = hottest(raw) if spy and spy[0] is not None else None
    if frames is not None:
        print_hottest(f"the bot during a wave at {rate:g}/s", frames)

    t0, cpu0, drv0, rss_first = marks["first"]
    t1, cpu1, drv1, rss_last = marks["last"]
    elapsed = t1 - t0
    first = ledger.accepted[0]
    per_second = [0] * int(elapsed)  # whole seconds only: the last partial one is left out
    for at in ledger.accepted[:n]:
        k = int(at - first)
        if k < len(per_second):
            per_second[k] += 1
    during = [rss for at, rss in samples if t0 <= at <= t1] or [rss_first, rss_last]
    delivered_rate = (n - 1) / elapsed if elapsed > 0 else float("nan")
    return {
        "n": n,
        "push_rate": rate,
        "limit": limit,
        "in_flight": in_flight,
        "startup_s": startup,
        "seed_s": seed_s,
        "first_after_s": t0 - seeded,
        "wave_s": elapsed,
        "rate": delivered_rate,
        "rate_ratio": delivered_rate / rate,
        "per_s_min": min(per_second) if per_second else float("nan"),
        "per_s_median": statistics.median(per_second) if per_second else float("nan"),
        "refused_429": ledger.refused,
        "refused_global": ledger.refused_global,
        "refused_chat": ledger.refused_chat,
        "delivered_chats": len(ledger.per_chat),
        "duplicates": ledger.duplicates,
        "recorded_sent": counts.get("sent", 0),
        "idle_rss_mb": idle_rss,
        "rss_first_mb": rss_first,
        "rss_max_mb": max(during),
        "rss_last_mb": rss_last,
        "rss_growth_mb": max(during) - idle_rss,
        # Flatness itself: the first message's RSS (the sender's one-time set-up done: its
        # connections, compiled statements, texts) to the highest sample until the last.
        "rss_wave_growth_mb": max(during) - rss_first,
        "cpu_share": (cpu1 - cpu0) / elapsed,
        "cpu_ms_per_msg": (cpu1 - cpu0) / n * 1e3,
        "driver_cpu_share": (drv1 - drv0) / elapsed,
        "per_second": per_second,
        **({"profile": frames} if frames is not None else {}),
    }


def verdicts(run: dict[str, Any]) -> dict[str, Any]:
    return {
        "rate_ok": run["rate_ratio"] >= RATE_GOAL,
        "no_429": run["refused_429"] == 0,
        "no_duplicates": run["duplicates"] == 0 and run["delivered_chats"] == run["n"],
        "rss_ok": run["rss_growth_mb"] <= RSS_GOAL_MB,
    }


def main() -> None:
    parser = base_parser(__doc__ or "")
    parser.add_argument(
        "--waves", default=None, help="which waves, comma-separated: scaled,real (default both)"
    )
    parser.add_argument("--n", type=int, default=None, help="scaled wave size (100000)")
    parser.add_argument("--rate", type=float, default=None, help="scaled PUSH_RATE (250)")
    parser.add_argument("--limit", type=int, default=None, help="scaled stand-in limit (300)")
    parser.add_argument("--real-n", type=int, default=2000, help="real wave size (2000)")
    parser.add_argument("--batch", type=int, default=100, help="PUSH_BATCH_SIZE (100)")
    parser.add_argument("--in-flight", type=int, default=20, help="scaled PUSH_MAX_IN_FLIGHT (20)")
    parser.add_argument(
        "--profile",
        type=float,
        default=0.0,
        help="py-spy the bot for SECONDS from the first message",
    )
    args = parser.parse_args()
    if args.smoke:
        waves = {"scaled": (args.n or 300, args.rate or 100.0, args.limit or 120, 20)}
    else:
        waves = {
            "scaled": (args.n or 100_000, args.rate or 250.0, args.limit or 300, args.in_flight),
            "real": (args.real_n, 25.0, 30, 10),
        }
    if args.waves:
        waves = {k: v for k, v in waves.items() if k in args.waves.split(",")}
    payload: dict[str, Any] = {
        "benchmark": "push_wave",
        "machine": machine(),
        "settings": {"waves": waves, "batch": args.batch, "database": "postgresql"},
        "runs": {},
    }
    for name, (n, rate, limit, in_flight) in waves.items():
        for _ in range(runs(args)):
            with fresh_database("postgresql") as url:
                result = asyncio.run(
                    one_wave(
                        url,
                        n=n,
                        rate=rate,
                        limit=limit,
                        batch=args.batch,
                        in_flight=in_flight,
                        idle=1.0 if args.smoke else 3.0,
                        profile=args.profile,
                    )
                )
            result["verdicts"] = verdicts(result)
            payload["runs"].setdefault(name, []).append(result)

    rows = [
        {
            "wave": name,
            "run": i,
            "N": r["n"],
            "RATE / limit / in flight": f"{r['push_rate']:g} / {r['limit']} / {r['in_flight']}",
            "wave s": r["wave_s"],
            "msg/s": r["rate"],
            "× RATE": r["rate_ratio"],
            "per-s min": r["per_s_min"],
            "per-s median": r["per_s_median"],
            "429s": r["refused_429"],
            "dups": r["duplicates"],
            "recorded": r["recorded_sent"],
            "idle RSS": r["idle_rss_mb"],
            "max RSS": r["rss_max_mb"],
            "RSS growth": r["rss_growth_mb"],
            "first→max": r["rss_wave_growth_mb"],
            "bot CPU": r["cpu_share"],
            "CPU ms/msg": r["cpu_ms_per_msg"],
            "driver CPU": r["driver_cpu_share"],
        }
        for name, per_run in payload["runs"].items()
        for i, r in enumerate(per_run, 1)
    ]
    print_table("Push waves, per run (RSS in MB, CPU as a share of one core)", rows, list(rows[0]))
    for name, per_run in payload["runs"].items():
        keys = [
            "rate",
            "rate_ratio",
            "per_s_min",
            "per_s_median",
            "refused_429",
            "duplicates",
            "rss_growth_mb",
            "rss_wave_growth_mb",
            "cpu_share",
            "cpu_ms_per_msg",
        ]
        print_table(
            f"{name}: noise over runs",
            noise_rows(per_run, keys),
            ["figure", "min", "median", "max"],
        )
        vrows = [{"run": i, **r["verdicts"]} for i, r in enumerate(per_run, 1)]
        print_table(f"{name}: goals", vrows, list(vrows[0]))
    payload["goals"] = {
        "rate_ratio_min": RATE_GOAL,
        "refused_429": 0,
        "duplicates": 0,
        "rss_growth_mb_max": RSS_GOAL_MB,
        "held_in_every_run": all(
            all(r["verdicts"].values()) for per_run in payload["runs"].values() for r in per_run
        ),
    }
    write_json("push_wave", payload, args.out)


if __name__ == "__main__":
    main()
