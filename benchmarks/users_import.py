"""Benchmark 9 — ``horoscope-bot users import`` of 10,000 rows with subscriptions (goal: < 10 s).

The command exactly as an operator runs it (a new process: interpreter and imports, reading
and checking the CSV, 10,000 users and 10,000 subscriptions written in chunked UPSERTs, each
first due instant computed with zoneinfo), on a fresh SQLite file and a fresh PostgreSQL
database: first into an empty database (inserts), then the same file again (every row an
update). The file mixes 60 IANA zones, the six languages, the twelve signs and minutes of
the day, and ends with 10 bad rows the command must report by line.

    .venv/bin/python -m benchmarks.users_import            # 10,000 rows, 3 runs, both databases
    .venv/bin/python -m benchmarks.users_import --smoke    # 500 rows, 1 run
"""

from __future__ import annotations

import os
import random
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

from benchmarks.common import (
    PYTHON,
    base_parser,
    fresh_database,
    machine,
    noise,
    print_table,
    runs,
    write_json,
)
from services.zodiac import ZodiacSign

GOAL_SECONDS = 10.0
LANGUAGES = ("ru", "en", "uk", "es", "de", "pt")
BAD_ROWS = 10


def write_file(path: Path, rows: int, seed: int = 7) -> None:
    """``rows`` good rows, every one subscribed, then ``BAD_ROWS`` bad ones."""
    rng = random.Random(seed)
    zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))
    zones = rng.sample(zones, 60)
    signs = [sign.value for sign in ZodiacSign]
    lines = ["user_id,language,sign,push_time,timezone"]
    for n in range(rows):
        lines.append(
            f"{1_000_000 + n},{rng.choice(LANGUAGES)},{rng.choice(signs)},"
            f"{rng.randrange(5, 12):02d}:{rng.choice((0, 15, 30, 45)):02d},{rng.choice(zones)}"
        )
    for n in range(BAD_ROWS):
        bad = ("25:00,Europe/Moscow", "07:00,+03:00")[n % 2]
        lines.append(f"{2_000_000 + n},en,leo,{bad}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run_import(url: str, path: Path, expect: int = 1) -> tuple[float, str, str]:
    """Wall seconds of one ``horoscope-bot users import``, its stdout and stderr."""
    # A clean environment, in the file's folder: no .env of the checkout applies.
    env = {"DATABASE_URL": url, "LOG_LEVEL": "WARNING", "PATH": os.environ.get("PATH", "")}
    started = time.perf_counter()
    done = subprocess.run(
        [PYTHON, "-m", "bot", "users", "import", str(path)],
        cwd=path.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != expect:  # 1: some rows were bad, as the file says
        raise RuntimeError(f"import exited {done.returncode}: {done.stderr[-2000:]}")
    return seconds, done.stdout, done.stderr


def one_run(kind: str, path: Path, rows: int) -> dict[str, Any]:
    empty = path.with_name("header-only.csv")
    empty.write_text("user_id,language,sign,push_time,timezone\n", encoding="utf-8")
    with fresh_database(kind) as url:
        baseline, _, _ = run_import(url, empty, expect=0)  # start-up, connect, nothing to do
        first, out, err = run_import(url, path)
        again, out_again, _ = run_import(url, path)
    reported = sum(1 for line in err.splitlines() if line.startswith(f"{path}:"))
    expected = f"imported {rows} users, skipped {BAD_ROWS} bad rows, {rows} subscriptions written"
    return {
        "header_only_s": baseline,
        "insert_s": first,
        "update_s": again,
        "bad_rows_reported": reported,
        "counts_ok": expected in out and expected in out_again,
    }


def main() -> None:
    parser = base_parser(__doc__ or "")
    parser.add_argument("--rows", type=int, default=None, help="good rows (10000)")
    args = parser.parse_args()
    rows = args.rows or (500 if args.smoke else 10_000)
    results: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="zodiac-import-") as folder:
        path = Path(folder) / "users.csv"
        write_file(path, rows)
        for kind in ("sqlite", "postgresql"):
            results[kind] = [one_run(kind, path, rows) for _ in range(runs(args))]
    table = []
    for kind, per_run in results.items():
        for key, label in (
            ("header_only_s", "header only (start-up)"),
            ("insert_s", "into an empty database"),
            ("update_s", "again (updates)"),
        ):
            figures = noise([run[key] for run in per_run])
            table.append(
                {
                    "database": kind,
                    "import": label,
                    **figures,
                    f"< {GOAL_SECONDS:.0f} s": figures["max"] < GOAL_SECONDS,
                    "bad rows reported": min(run["bad_rows_reported"] for run in per_run),
                    "counts": all(run["counts_ok"] for run in per_run),
                }
            )
    print_table(
        f"users import: {rows} rows with subscriptions + {BAD_ROWS} bad, "
        f"{len(next(iter(results.values())))} run(s), seconds (the whole command)",
        table,
        [
            "database",
            "import",
            "min",
            "median",
            "max",
            f"< {GOAL_SECONDS:.0f} s",
            "bad rows reported",
            "counts",
        ],
    )
    write_json(
        "users_import",
        {"benchmark": "users_import", "machine": machine(), "rows": rows, "runs": results},
        args.out,
    )


if __name__ == "__main__":
    main()
