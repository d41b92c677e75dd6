"""What every benchmark shares: statistics, tables, JSON output, machine facts, /proc readings
and throw-away databases. Benchmarks are not tests: they assert nothing about time; they print
a table, write JSON under ``benchmarks/results/`` and say whether each goal held."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import uuid
from collections.abc import Callable, Coroutine, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import asyncpg
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from services.config import Settings

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
PYTHON = sys.executable
PG_URL = os.environ.get(
    "BENCH_POSTGRES_URL",
    os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"),
)
TOKEN = "123456:BENCH-token_abcdefghijklmnopqrstuvwxyz"
CLK_TCK = os.sysconf("SC_CLK_TCK")
NOISE_COLUMNS = ("figure", "min", "median", "max")

T = TypeVar("T")


# ---------------------------------------------------------------- statistics


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted sequence (p in 0..100)."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(p / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def latency_summary(values: Sequence[float], scale: float = 1.0) -> dict[str, float]:
    """p50/p95/p99/max/mean of ``values`` multiplied by ``scale`` (e.g. 1e3 for s -> ms)."""
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "p50": percentile(ordered, 50) * scale,
        "p95": percentile(ordered, 95) * scale,
        "p99": percentile(ordered, 99) * scale,
        "max": (ordered[-1] if ordered else float("nan")) * scale,
        "mean": (statistics.fmean(ordered) if ordered else float("nan")) * scale,
    }


def latency_figures(
    values: Sequence[float],
    scale: float = 1.0,
    *,
    prefix: str = "",
    suffix: str = "",
    keys: Sequence[str] = ("p50", "p99"),
) -> dict[str, float]:
    """The ``keys`` of :func:`latency_summary`, named for a table: ``prefix + key + suffix``
    (``suffix="_us"`` gives ``p50_us``), in the order of ``keys``."""
    summary = latency_summary(values, scale)
    return {f"{prefix}{key}{suffix}": summary[key] for key in keys}


def noise(values: Sequence[float]) -> dict[str, float]:
    """min/median/max of one figure over repeated runs."""
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        if value != value:  # nan
            return "-"
        if abs(value) >= 100:
            return f"{value:.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        if abs(value) >= 0.01 or value == 0:
            return f"{value:.2f}"
        return f"{value:.2g}"
    return str(value)


def print_table(title: str, rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    cells = [[fmt(row.get(c, "")) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    print(f"\n## {title}\n")
    print("| " + " | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in cells:
        print("| " + " | ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) + " |")
    sys.stdout.flush()


def noise_rows(per_run: Sequence[dict[str, Any]], keys: Sequence[str]) -> list[dict[str, Any]]:
    """One row per figure: min/median/max over the runs."""
    rows = []
    for key in keys:
        values = [run[key] for run in per_run if isinstance(run.get(key), int | float)]
        if values:
            rows.append({"figure": key, **noise(values)})
    return rows


def print_noise(title: str, per_run: Sequence[dict[str, Any]], keys: Sequence[str]) -> None:
    """The noise table: min/median/max over the runs of each figure in ``keys``."""
    print_table(title, noise_rows(per_run, keys), NOISE_COLUMNS)


def write_json(name: str, payload: dict[str, Any], out: str | None = None) -> Path:
    path = Path(out) if out else RESULTS / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    print(f"\nJSON written to {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return path


def base_parser(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: seconds, for CI")
    parser.add_argument("--runs", type=int, default=None, help="repetitions (default 3, smoke 1)")
    parser.add_argument("--out", help="JSON path (default benchmarks/results/<name>.json)")
    return parser


def runs(args: argparse.Namespace) -> int:
    return int(args.runs or (1 if args.smoke else 3))


def quiet_logs() -> None:
    """The bot's logging set-up at WARNING: benchmarks print tables, not per-sign INFO lines."""
    from bot.logs import configure_logging

    configure_logging("WARNING")


def stand_in_settings(database_url: str, llm_base_url: str, **overrides: Any) -> Settings:
    """The bot's settings for an in-process run: ``database_url``, the benchmark's token and
    an OpenAI-compatible stand-in at ``llm_base_url``; no ``.env`` is read."""
    from services.config import Settings

    return Settings(
        _env_file=None,
        bot_token=TOKEN,
        database_url=database_url,
        openai_api_key="sk-bench",
        openai_base_url=llm_base_url,
        **overrides,
    )


# ---------------------------------------------------------------- the machine


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        "loadavg_at_start": os.getloadavg(),
    }
    try:
        import aiogram

        info["aiogram"] = aiogram.__version__
    except Exception:  # pragma: no cover - information only
        pass
    try:
        info["postgresql"] = asyncio.run(_pg_version())
    except Exception as error:
        info["postgresql"] = f"unreachable: {error!r}"
    try:
        import uvloop  # noqa: F401

        info["uvloop"] = "installed"
    except ImportError:
        info["uvloop"] = "not installed"
    return info


async def _pg_version() -> str:
    conn = await asyncpg.connect(asyncpg_dsn(PG_URL), timeout=5)
    try:
        return str(await conn.fetchval("SHOW server_version"))
    finally:
        await conn.close()


# ---------------------------------------------------------------- /proc


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (and its reaped children: none here)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (peak RSS) in MB."""
    out: dict[str, float] = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":", 1)
                out[key] = int(value.split()[0]) / 1024
    return {"rss_mb": out.get("VmRSS", 0.0), "peak_rss_mb": out.get("VmHWM", 0.0)}


# ---------------------------------------------------------------- databases


def asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def fresh_database(kind: str) -> Iterator[str]:
    """An empty, migrated database (``sqlite`` or ``postgresql``) that is dropped afterwards."""
    from db.migrations import upgrade

    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="zodiac-bench-") as folder:
            url = f"sqlite+aiosqlite:///{folder}/bench.db"
            upgrade(url)
            yield url
        return
    name = f"zodiac_bench_{uuid.uuid4().hex[:10]}"
    admin = asyncpg_dsn(PG_URL)

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(admin, timeout=5)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


class StatementCounter:
    """Counts the SQL statements ``engine`` sends from now on (``before_cursor_execute``)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.count = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, *_: Any) -> None:
        self.count += 1


def on_fresh_database(kind: str, measure: Callable[[str], Coroutine[Any, Any, T]]) -> T:
    """One run: ``measure(url)`` on an event loop of its own against :func:`fresh_database`."""
    with fresh_database(kind) as url:
        return asyncio.run(measure(url))
