"""Benchmark 13 — taps keep their speed during a push wave (goal: open-loop 100 taps/s p99
within 2 × a quiet bot's).

One bot process (``python -m bot run`` on PostgreSQL, as benchmark 2 starts it) polls a lean
stand-in with Telegram's limits off (this measures the process sharing its CPU, not the
pacer). Benchmark 2's driver taps at a fixed rate (open loop, ``benchmarks/e2e.py:
run_open``) in three windows of the same process: quiet, during a wave (``--wave`` due
subscriptions written in one transaction; the window starts at the wave's first message),
and quiet again once the wave is over. The two quiet windows are pooled: the background load
of the shared machine drifts, and before/after brackets the wave.

The sender's pace: ``PUSH_RATE`` is shared with the replies (each answered tap takes a token
first), so it is set to the taps' rate plus the pushes' (``--push-rate``, 100: what benchmark
11 found the process sustains on this machine), with ``PUSH_MAX_IN_FLIGHT=20``.

    .venv/bin/python -m benchmarks.push_taps            # 3 runs, 12 s windows, 100 taps/s
    .venv/bin/python -m benchmarks.push_taps --smoke    # 2 s windows, 1 run
"""

from __future__ import annotations

import asyncio
from typing import Any

from benchmarks.botapi import LeanBotAPI, PushLedger, now, spawn, stop, wait_polling
from benchmarks.common import (
    base_parser,
    fresh_database,
    latency_summary,
    machine,
    noise_rows,
    print_table,
    runs,
    write_json,
)
from benchmarks.e2e import run_open, warm_up
from benchmarks.pushdata import delivery_counts, due_minute, seed_due

P99_RATIO_GOAL = 2.0


async def one_run(
    url: str, *, taps: float, push_rate: float, seconds: float, users: int, margin: float
) -> dict[str, Any]:
    api = LeanBotAPI("push-taps")
    ledger = api.ledger = PushLedger(global_limit=None, per_chat_interval=None)
    await api.start()
    target = await spawn(
        "bot",
        api,
        url,
        PUSH_RATE=f"{taps + push_rate:g}",
        PUSH_MAX_IN_FLIGHT="20",
    )
    # Enough pushes to outlast the wave's window (and its warm-up) at the sender's pace.
    wave = int(push_rate * (seconds + margin))
    out: dict[str, Any] = {"wave": wave, "taps_rate": taps, "push_rate": push_rate}
    try:
        await wait_polling(target)
        await warm_up(target, users)
        quiet = [await run_open(target, taps, seconds, 0.5, users)]
        await seed_due(url, wave, due_minute())
        deadline = now() + 30
        while not ledger.accepted and now() < deadline:
            await asyncio.sleep(0.01)
        if not ledger.accepted:  # else the "wave" window would measure a quiet bot
            raise RuntimeError("no push within 30 s of the wave being written")
        before = len(ledger.accepted)
        during = await run_open(target, taps, seconds, 0.5, users)
        pushes_in_window = len(ledger.accepted) - before
        out["pushes_during_window"] = pushes_in_window
        out["push_rate_during"] = pushes_in_window / (during[1] + 0.5)
        out["wave_running_at_end"] = len(ledger.accepted) < wave
        deadline = now() + 3 * wave / push_rate + 30
        while len(ledger.accepted) < wave and now() < deadline:
            await asyncio.sleep(0.05)
        quiet.append(await run_open(target, taps, seconds, 0.5, users))
    finally:
        await stop(target)
        await api.stop()
    out["recorded_sent"] = (await delivery_counts(url)).get("sent", 0)
    out["duplicates"] = ledger.duplicates
    for name, raws in (("quiet", quiet), ("wave", [during])):
        answered = [t for raw in raws for t in raw[0]]
        lat = latency_summary([t.answered - t.handed for t in answered], 1e3)
        elapsed = sum(raw[1] for raw in raws)
        out[f"{name}_taps_per_s"] = len(answered) / elapsed
        out[f"{name}_p50_ms"] = lat["p50"]
        out[f"{name}_p99_ms"] = lat["p99"]
        out[f"{name}_cpu_share"] = sum(raw[2] for raw in raws) / elapsed
    out["p99_ratio"] = out["wave_p99_ms"] / out["quiet_p99_ms"]
    # Held only if the sender was still sending when the window closed (a wave over early
    # would flatter the ratio).
    out["p99_ok"] = out["p99_ratio"] <= P99_RATIO_GOAL and out["wave_running_at_end"]
    return out


def main() -> None:
    parser = base_parser(__doc__ or "")
    parser.add_argument("--taps", type=float, default=100.0, help="open-loop taps/s (100)")
    parser.add_argument("--push-rate", type=float, default=100.0, help="pushes/s (100)")
    parser.add_argument("--seconds", type=float, default=None, help="per window (12)")
    parser.add_argument("--users", type=int, default=None, help="tapping users (200)")
    args = parser.parse_args()
    seconds = args.seconds or (2.0 if args.smoke else 12.0)
    users = args.users or (20 if args.smoke else 200)
    per_run = []
    for _ in range(runs(args)):
        with fresh_database("postgresql") as url:
            per_run.append(
                asyncio.run(
                    one_run(
                        url,
                        taps=args.taps,
                        push_rate=args.push_rate,
                        seconds=seconds,
                        users=users,
                        margin=2.0 if args.smoke else 10.0,
                    )
                )
            )
    rows = [
        {
            "run": i,
            "taps/s quiet": r["quiet_taps_per_s"],
            "taps/s wave": r["wave_taps_per_s"],
            "pushes/s in window": r["push_rate_during"],
            "p50 quiet ms": r["quiet_p50_ms"],
            "p50 wave ms": r["wave_p50_ms"],
            "p99 quiet ms": r["quiet_p99_ms"],
            "p99 wave ms": r["wave_p99_ms"],
            "p99 wave/quiet": r["p99_ratio"],
            f"≤ {P99_RATIO_GOAL:g}": r["p99_ok"],
            "bot CPU quiet": r["quiet_cpu_share"],
            "bot CPU wave": r["wave_cpu_share"],
            "pushes sent": r["recorded_sent"],
            "dups": r["duplicates"],
        }
        for i, r in enumerate(per_run, 1)
    ]
    print_table(
        f"Open loop {args.taps:g} taps/s: quiet vs during a push wave ({seconds:g} s windows)",
        rows,
        list(rows[0]),
    )
    keys = ["quiet_p99_ms", "wave_p99_ms", "p99_ratio", "push_rate_during"]
    print_table("Noise over runs", noise_rows(per_run, keys), ["figure", "min", "median", "max"])
    write_json(
        "push_taps",
        {
            "benchmark": "push_taps",
            "machine": machine(),
            "settings": {"taps": args.taps, "push_rate": args.push_rate, "seconds": seconds},
            "runs": per_run,
            "goals": {
                "p99_ratio_max": P99_RATIO_GOAL,
                "held_in_every_run": all(r["p99_ok"] for r in per_run),
            },
        },
        args.out,
    )


if __name__ == "__main__":
    main()
