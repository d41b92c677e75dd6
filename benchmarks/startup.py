"""Benchmark 5 — start-up: from process start to the first ``getUpdates``, and idle RSS.

The real bot (``python -m bot run`` on an already migrated PostgreSQL database, with
``AUTO_MIGRATE=true`` as shipped — the migration check runs in a child process — and with
``AUTO_MIGRATE=false``) next to the bare aiogram floor, each started afresh per run. Idle RSS is
read ``--idle`` seconds after the first ``getUpdates`` (the bot's start-up fill has finished by
then), with the peak (VmHWM) beside it.

    .venv/bin/python -m benchmarks.startup            # 3 runs
    .venv/bin/python -m benchmarks.startup --smoke    # 1 run
"""

from __future__ import annotations

import asyncio
from typing import Any

from benchmarks.botapi import LeanBotAPI, spawn, stop, wait_polling
from benchmarks.common import (
    base_parser,
    fresh_database,
    machine,
    memory_mb,
    noise_rows,
    print_table,
    runs,
    write_json,
)

VARIANTS: list[tuple[str, str, dict[str, str]]] = [
    ("floor", "floor", {}),
    ("bot", "bot", {"AUTO_MIGRATE": "true"}),
    ("bot, AUTO_MIGRATE=false", "bot", {"AUTO_MIGRATE": "false"}),
]


async def start_once(
    kind: str, database_url: str, idle: float, extra: dict[str, str]
) -> dict[str, Any]:
    api = LeanBotAPI(f"startup-{kind}")
    await api.start()
    target = await spawn(kind, api, database_url, **extra)
    try:
        seconds = await wait_polling(target)
        await asyncio.sleep(idle)
        return {"to_first_get_updates_s": seconds, **memory_mb(target.pid)}
    finally:
        await stop(target)
        await api.stop()


def main() -> None:
    parser = base_parser(__doc__ or "")
    parser.add_argument("--idle", type=float, default=None, help="seconds idle before RSS (3)")
    args = parser.parse_args()
    idle = args.idle or (1.0 if args.smoke else 3.0)
    payload: dict[str, Any] = {"benchmark": "startup", "machine": machine(), "runs": []}
    rows = []
    with fresh_database("postgresql") as url:
        for i in range(runs(args)):
            for label, kind, extra in VARIANTS:
                result = asyncio.run(start_once(kind, url, idle, extra))
                rows.append({"run": i + 1, "process": label, **result})
    payload["runs"] = rows
    print_table("Start-up to first getUpdates, and RSS when idle", rows, list(rows[0]))
    for label, _, _ in VARIANTS:
        mine = [r for r in rows if r["process"] == label]
        print_table(
            f"{label}: noise over {len(mine)} run(s)",
            noise_rows(mine, ["to_first_get_updates_s", "rss_mb", "peak_rss_mb"]),
            ["figure", "min", "median", "max"],
        )
    write_json("startup", payload, args.out)


if __name__ == "__main__":
    main()
