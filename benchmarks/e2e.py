"""Benchmark 2 — end to end over real HTTP: the production bot vs the framework floor.

Two processes poll two lean Bot API stand-ins served by this driver: the real bot
(``python -m bot run`` on PostgreSQL, offline writer, LOG_LEVEL=WARNING) and the floor
(``benchmarks/floor_bot.py``, bare aiogram). The cache is warmed first (every sign tapped once),
then, in the same run, each scenario runs on the floor and then on the bot:

* closed loop: USERS users, each tapping again as soon as the answer arrives;
* open loop: taps at a fixed rate (100/s and 200/s), whatever the answers do;
* inline (the bot only: the floor has no inline mode): the same closed loop of the same users,
  once tapping and once typing ``@bot <sign>`` (an inline query, answered with
  answerInlineQuery), slices taking turns; the goal (issue 12) is inline answers/s ≥ 0.9× taps/s.

Reported per target: taps/s, latency p50/p95/p99 (getUpdates hand-out → answer), CPU seconds
per 1000 taps, peak RSS (VmHWM) — and the driver's own CPU per 1000 taps. On 2 cores the driver
and PostgreSQL compete with the process under test: the ratios are what is comparable.

    .venv/bin/python -m benchmarks.e2e            # full: 3 runs, 12 s per scenario
    .venv/bin/python -m benchmarks.e2e --smoke    # seconds
"""

from __future__ import annotations

import asyncio
import importlib.util
import resource
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from benchmarks.botapi import (
    APP_LANGUAGES,
    LeanBotAPI,
    Tap,
    Target,
    now,
    spawn,
    stop,
    wait_polling,
)
from benchmarks.common import (
    RESULTS,
    base_parser,
    cpu_seconds,
    fresh_database,
    latency_summary,
    machine,
    memory_mb,
    noise_rows,
    print_table,
    runs,
    write_json,
)
from benchmarks.profile import hottest, print_hottest, start_py_spy
from services.zodiac import ZodiacSign

SIGNS = [s.value for s in ZodiacSign]
THROUGHPUT_RATIO_GOAL = 1.0  # issue 10: with users and six languages, at the floor
P99_RATIO_GOAL = 2.0
RSS_EXTRA_GOAL_MB = 40.0
STATEMENTS_PER_TAP_GOAL = 0.001  # warm taps of known users: no database round trip
INLINE_RATIO_GOAL = 0.9  # issue 12: inline answers/s at least 0.9x taps/s, same users


def driver_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


USER_BASE = 10_000  # the simulated users are USER_BASE + 0 … USER_BASE + users - 1


async def warm_up(target: Target, users: int) -> None:
    """Tap every sign once in every app language (the horoscope cache is then warm in all of
    them: user 900_000 + 6k + j has the j-th of APP_LANGUAGES), then have each simulated user
    tap once, and wait for all the answers. A user's first update in a process reads them
    from the database once (``UserService.get``); the scenarios measure the known users'
    taps, which read nothing."""
    api = target.api
    taps = [
        api.tap(900_000 + 6 * (j * len(SIGNS) + i) + j, sign)
        for j in range(len(APP_LANGUAGES))
        for i, sign in enumerate(SIGNS)
    ]
    await _answered(target, taps)
    await _answered(target, [api.tap(USER_BASE + u, SIGNS[u % 12]) for u in range(users)])


async def _answered(target: Target, taps: list[Tap]) -> None:
    deadline = now() + 60
    while any(t.answered == 0.0 for t in taps):
        if now() > deadline:
            raise TimeoutError(f"{target.name}: warm-up taps unanswered; see {target.log}")
        await asyncio.sleep(0.01)


async def _measure(
    target: Target, seconds: float, tick: Any = None
) -> tuple[list[Tap], float, float, float, dict[str, Any]]:
    """Reset the stats, let the load run ``seconds``, return what was answered in the window."""
    api = target.api
    api.reset()
    cpu0, drv0, t0 = cpu_seconds(target.pid), driver_cpu(), now()
    if tick is not None:
        await tick(t0 + seconds)
    else:
        await asyncio.sleep(seconds)
    t1 = now()
    cpu1, drv1 = cpu_seconds(target.pid), driver_cpu()
    stats = api.reset()
    extra = {"get_updates": stats.get_updates, "preparing": stats.preparing}
    return stats.answered, t1 - t0, cpu1 - cpu0, drv1 - drv0, extra


def _result(
    target: Target, answered: list[Tap], elapsed: float, cpu: float, drv: float, extra: Any
) -> dict[str, Any]:
    n = len(answered)
    lat = latency_summary([t.answered - t.handed for t in answered], 1e3)
    from_tap = latency_summary([t.answered - t.created for t in answered], 1e3)
    mem = memory_mb(target.pid)
    return {
        "taps": n,
        "taps_per_s": n / elapsed,
        "p50_ms": lat["p50"],
        "p95_ms": lat["p95"],
        "p99_ms": lat["p99"],
        "tap_to_answer_p99_ms": from_tap["p99"],
        "cpu_s_per_1000": cpu / n * 1000 if n else float("nan"),
        "driver_cpu_s_per_1000": drv / n * 1000 if n else float("nan"),
        "cpu_share": cpu / elapsed,
        "taps_per_cpu_s": n / cpu if cpu else float("nan"),
        "driver_cpu_share": drv / elapsed,
        "peak_rss_mb": mem["peak_rss_mb"],
        "rss_mb": mem["rss_mb"],
        **extra,
    }


Raw = tuple[list[Tap], float, float, float, dict[str, Any]]


Probe = Callable[[], Awaitable[int]]


async def run_closed(
    target: Target,
    users: int,
    seconds: float,
    warmup: float,
    profile: bool = False,
    statements: Probe | None = None,
    *,
    inline: bool = False,
) -> Raw:
    """Each user acts again the moment they are answered: a tap on a sign or, ``inline``,
    an inline query for it (``@bot leo``: the share button's query)."""
    api = target.api
    state = {"running": True, "n": 0}
    act = api.inline if inline else api.tap

    def again(tap: Tap) -> None:
        if state["running"]:
            state["n"] += 1
            act(tap.user, SIGNS[state["n"] % 12])

    api.on_answer = again
    for user in range(users):
        act(USER_BASE + user, SIGNS[user % 12])
    await asyncio.sleep(warmup)
    spy = None
    if profile:
        raw = RESULTS / f"profile-{target.name}.txt"
        spy = start_py_spy(target.pid, seconds, raw)
    before = await statements() if statements is not None else 0
    answered, elapsed, cpu, drv, extra = await _measure(target, seconds)
    if statements is not None:  # the users are known by now: their taps should send none
        extra["statements"] = await statements() - before
    if spy is not None:
        spy.wait()
        frames = hottest(raw)
        print_hottest(target.name, frames)
        extra["profile"] = frames
    state["running"] = False
    await _drain(target)
    api.on_answer = None
    return answered, elapsed, cpu, drv, extra


async def run_open(target: Target, rate: float, seconds: float, warmup: float, users: int) -> Raw:
    api = target.api
    interval = 1.0 / rate
    state = {"next": now(), "i": 0}

    async def pace(until: float) -> None:
        while True:
            t = now()
            if t >= until:
                return
            while state["next"] <= t:
                state["i"] += 1
                api.tap(USER_BASE + state["i"] % users, SIGNS[state["i"] % 12])
                state["next"] += interval
            await asyncio.sleep(max(0.0, min(state["next"], until) - now()))

    state["next"] = now()
    await pace(now() + warmup)
    answered, elapsed, cpu, drv, extra = await _measure(target, seconds, tick=pace)
    await _drain(target)
    return answered, elapsed, cpu, drv, extra


async def _drain(target: Target, timeout: float = 30.0) -> None:
    deadline = now() + timeout
    while target.api.outstanding and now() < deadline:
        await asyncio.sleep(0.01)
    if target.api.outstanding:
        raise TimeoutError(f"{target.name}: {target.api.outstanding} taps never answered")


def _combined(target: Target, raws: list[Raw]) -> dict[str, Any]:
    """One result from a scenario's slices: the answers and times added up."""
    answered = [t for r in raws for t in r[0]]
    elapsed, cpu, drv = (sum(r[i] for r in raws) for i in (1, 2, 3))
    extra: dict[str, Any] = {}
    for r in raws:
        for k, v in r[4].items():
            extra[k] = extra.get(k, 0) + v if isinstance(v, int) else v
    result = _result(target, answered, elapsed, cpu, drv, extra)
    if "statements" in extra and answered:
        result["statements_per_tap"] = extra["statements"] / len(answered)
    return result


async def run_inline(
    target: Target, users: int, seconds: float, warmup: float, slices: int
) -> dict[str, Any]:
    """Taps and inline queries, closed loop, the same users, in alternating slices (so both
    see the same background load); their rates and the ratio."""
    acc: dict[str, list[Raw]] = {"taps": [], "inline": []}
    for _ in range(slices):
        acc["taps"].append(await run_closed(target, users, seconds / slices, warmup))
        acc["inline"].append(await run_closed(target, users, seconds / slices, warmup, inline=True))
    taps, inline = (_combined(target, acc[kind]) for kind in ("taps", "inline"))
    inline["answers_per_s"] = inline["taps_per_s"]  # an "answer" here is an answerInlineQuery
    return {
        "users": users,
        "taps": taps,
        "inline": inline,
        "ratio": inline["taps_per_s"] / taps["taps_per_s"],
    }


async def one_run(
    database_url: str,
    *,
    users: int,
    seconds: float,
    warmup: float,
    rates: list[float],
    profile: bool = False,
    slices: int = 4,
    bot_loop: str = "auto",
    inline: bool = True,
) -> dict[str, Any]:
    apis = {name: LeanBotAPI(f"e2e-{name}") for name in ("floor", "bot")}
    for api in apis.values():
        await api.start()
    web_port = free_port()  # the bot's /metrics: SQL statements sent (zodiac_db_statements)
    targets = {
        "floor": await spawn("floor", apis["floor"]),
        "bot": await spawn(
            "bot",
            apis["bot"],
            database_url,
            EVENT_LOOP=bot_loop,
            WEB_PORT=str(web_port),
            WEB_HOST="127.0.0.1",
            # Taps alone: the push sender's idle heartbeat (its lease renewed, a claim tried,
            # every few seconds) would count as the taps' SQL statements. Benchmark 13
            # (push_taps) measures taps with the sender at work.
            PUSH_ENABLED="false",
        ),
    }
    probes: dict[str, Probe] = {"bot": lambda: statements_sent(web_port)}
    out: dict[str, Any] = {"scenarios": {}}
    try:
        for name, target in targets.items():
            out.setdefault("startup_s", {})[name] = await wait_polling(target)
            await warm_up(target, users)
        scenarios: list[tuple[str, Any]] = [("closed", None)] + [
            (f"open{int(r)}", r) for r in rates
        ]
        for label, rate in scenarios:
            # The machine is shared: the window is cut into slices, floor and bot taking turns,
            # so both see the same background load; the slices are added up.
            acc: dict[str, list[Raw]] = {name: [] for name in targets}
            for part in range(slices):
                for name, target in targets.items():
                    piece = seconds / slices
                    if rate is None:
                        raw = await run_closed(
                            target,
                            users,
                            piece,
                            warmup,
                            profile and part == 0,
                            probes.get(name),
                        )
                    else:
                        raw = await run_open(target, rate, piece, warmup, users)
                    acc[name].append(raw)
            for name, target in targets.items():
                out["scenarios"].setdefault(label, {})[name] = {
                    "users" if rate is None else "rate": users if rate is None else rate,
                    **_combined(target, acc[name]),
                }
        if inline:
            out["inline"] = await run_inline(targets["bot"], users, seconds, warmup, slices)
        for name, target in targets.items():
            out.setdefault("peak_rss_mb", {})[name] = memory_mb(target.pid)["peak_rss_mb"]
    finally:
        for target in targets.values():
            await stop(target)
        for api in apis.values():
            await api.stop()
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def statements_sent(port: int) -> int:
    """``zodiac_db_statements_total`` from the bot's /metrics."""
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}/metrics") as response,
    ):
        body = await response.text()
    for line in body.splitlines():
        if line.startswith("zodiac_db_statements_total "):
            return int(float(line.split()[1]))
    raise RuntimeError("the bot's /metrics has no zodiac_db_statements_total")


def verdicts(run: dict[str, Any]) -> dict[str, Any]:
    sc = run["scenarios"]
    closed = sc["closed"]
    ratio = closed["bot"]["taps_per_s"] / closed["floor"]["taps_per_s"]
    v: dict[str, Any] = {"throughput_ratio": ratio, "throughput_ok": ratio >= THROUGHPUT_RATIO_GOAL}
    # Capacity: taps per CPU-second of the process under test, blind to how much of a core
    # the shared machine happened to give it.
    v["capacity_ratio"] = closed["bot"]["taps_per_cpu_s"] / closed["floor"]["taps_per_cpu_s"]
    if "open100" in sc:
        p99 = sc["open100"]["bot"]["p99_ms"] / sc["open100"]["floor"]["p99_ms"]
        v.update(open100_p99_ratio=p99, open100_p99_ok=p99 <= P99_RATIO_GOAL)
    per_tap = closed["bot"].get("statements_per_tap")
    if per_tap is not None:  # per 1000 taps, so the table shows it (goal: ≤ 1 per 1000)
        v.update(
            statements_per_1000_taps=per_tap * 1000,
            statements_ok=per_tap <= STATEMENTS_PER_TAP_GOAL,
        )
    if "inline" in run:
        ratio = run["inline"]["ratio"]
        v.update(inline_ratio=ratio, inline_ok=ratio >= INLINE_RATIO_GOAL)
    extra = run["peak_rss_mb"]["bot"] - run["peak_rss_mb"]["floor"]
    v.update(rss_extra_mb=extra, rss_ok=extra <= RSS_EXTRA_GOAL_MB)
    return v


def main() -> None:
    parser = base_parser(__doc__ or "")
    parser.add_argument("--users", type=int, default=None, help="closed-loop users (default 1000)")
    parser.add_argument("--seconds", type=float, default=None, help="per scenario (default 12)")
    parser.add_argument("--rates", default=None, help="open-loop taps/s (default 100,200)")
    parser.add_argument(
        "--profile", action="store_true", help="py-spy both processes in the closed loop"
    )
    parser.add_argument(
        "--bot-loop",
        choices=["auto", "asyncio", "uvloop"],
        default="auto",
        help="the bot's EVENT_LOOP (auto: uvloop when installed); the floor stays on asyncio",
    )
    args = parser.parse_args()
    users = args.users or (20 if args.smoke else 1000)
    seconds = args.seconds or (1.0 if args.smoke else 12.0)
    warmup = 0.3 if args.smoke else 0.5
    rates = [float(r) for r in (args.rates or ("100" if args.smoke else "100,200")).split(",")]
    payload: dict[str, Any] = {
        "benchmark": "e2e",
        "machine": machine(),
        "settings": {
            "users": users,
            "seconds": seconds,
            "warmup": warmup,
            "rates": rates,
            "database": "postgresql",
            "bot_event_loop": args.bot_loop,
            "uvloop_installed": importlib.util.find_spec("uvloop") is not None,
            "floor_event_loop": "asyncio",
        },
        "runs": [],
    }
    for _ in range(runs(args)):
        with fresh_database("postgresql") as url:
            result = asyncio.run(
                one_run(
                    url,
                    users=users,
                    seconds=seconds,
                    warmup=warmup,
                    rates=rates,
                    profile=args.profile,
                    slices=1 if args.smoke else 4,
                    bot_loop=args.bot_loop,
                )
            )
        result["verdicts"] = verdicts(result)
        payload["runs"].append(result)

    rows = []
    for i, run in enumerate(payload["runs"], 1):
        for label, by_target in run["scenarios"].items():
            for name, r in by_target.items():
                rows.append(
                    {
                        "run": i,
                        "scenario": label,
                        "target": name,
                        "taps/s": r["taps_per_s"],
                        "p50 ms": r["p50_ms"],
                        "p95 ms": r["p95_ms"],
                        "p99 ms": r["p99_ms"],
                        "CPU s/1000": r["cpu_s_per_1000"],
                        "CPU share": r["cpu_share"],
                        "driver CPU s/1000": r["driver_cpu_s_per_1000"],
                        "peak RSS MB": r["peak_rss_mb"],
                    }
                )
    print_table("End to end, per run (floor and bot back to back)", rows, list(rows[0]))
    irows = [
        {
            "run": i,
            "users": run["inline"]["users"],
            "taps/s": run["inline"]["taps"]["taps_per_s"],
            "inline answers/s": run["inline"]["inline"]["answers_per_s"],
            "ratio": run["inline"]["ratio"],
            "taps p99 ms": run["inline"]["taps"]["p99_ms"],
            "inline p99 ms": run["inline"]["inline"]["p99_ms"],
            "taps CPU s/1000": run["inline"]["taps"]["cpu_s_per_1000"],
            "inline CPU s/1000": run["inline"]["inline"]["cpu_s_per_1000"],
            "preparing": run["inline"]["inline"]["preparing"],
        }
        for i, run in enumerate(payload["runs"], 1)
        if "inline" in run
    ]
    if irows:
        print_table(
            "The bot: inline queries vs taps, closed loop, same users", irows, list(irows[0])
        )
    vrows = [{"run": i, **run["verdicts"]} for i, run in enumerate(payload["runs"], 1)]
    print_table("Goals, as ratios within each run", vrows, list(vrows[0]))
    flat = [
        {
            **run["verdicts"],
            **{
                f"{label}_{name}_{k}": v
                for label, by in run["scenarios"].items()
                for name, r in by.items()
                for k, v in r.items()
                if k in ("taps_per_s", "p99_ms", "cpu_s_per_1000", "peak_rss_mb")
            },
            **{
                f"inline_{kind}_{k}": run["inline"][kind][k]
                for kind in ("taps", "inline")
                if "inline" in run
                for k in ("taps_per_s", "p99_ms", "cpu_s_per_1000")
            },
        }
        for run in payload["runs"]
    ]
    keys = [k for k in flat[0] if not k.endswith("_ok")]
    print_table("Noise over runs", noise_rows(flat, keys), ["figure", "min", "median", "max"])
    payload["goals"] = {
        "throughput_ratio_min": THROUGHPUT_RATIO_GOAL,
        "open100_p99_ratio_max": P99_RATIO_GOAL,
        "rss_extra_mb_max": RSS_EXTRA_GOAL_MB,
        "inline_ratio_min": INLINE_RATIO_GOAL,
        "held_in_every_run": all(
            all(v for k, v in run["verdicts"].items() if k.endswith("_ok"))
            for run in payload["runs"]
        ),
    }
    write_json("e2e", payload, args.out)


if __name__ == "__main__":
    main()
