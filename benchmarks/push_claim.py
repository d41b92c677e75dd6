"""Benchmark 12 — claiming a batch among 1,000,000 subscriptions on PostgreSQL.

1,000,000 subscription rows are written with ``generate_series`` (seconds): ``next_due``
spread evenly over the next 24 hours (the steady state: what was due has been delivered and
moved on to tomorrow), 5 % with no ``next_due`` (stopped, paused until resumed), and a wave of
``--due`` rows (100,000) due at the current minute; then ``ANALYZE``. Printed: the
``EXPLAIN (ANALYZE, BUFFERS)`` of the claim's inner SELECT (``db/push.py: claim_query``, goal:
an index scan on ``ix_subscriptions_next_due``) and of the whole claim statement; then
``--reps`` claims of ``PUSH_BATCH_SIZE`` rows through ``db/push.claim_due`` (one
UPDATE … RETURNING with the users' languages) as a sender makes them during the wave: each
claim takes the next batch and commits, then its rows are moved on to tomorrow (untimed, as
delivering them does). Timed: checkout + statement, and on to the COMMIT (goal: p99 < 10 ms).

    .venv/bin/python -m benchmarks.push_claim            # 1,000,000 rows, 3 runs of 1,000 claims
    .venv/bin/python -m benchmarks.push_claim --smoke    # 20,000 rows (10,000 due), 100 claims
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from sqlalchemy import bindparam, update
from sqlalchemy.dialects import postgresql

from benchmarks.common import (
    asyncpg_dsn,
    base_parser,
    fresh_database,
    latency_summary,
    machine,
    noise_rows,
    print_table,
    runs,
    write_json,
)
from benchmarks.pushdata import LANGUAGES, SIGNS, due_minute
from db import push as db
from db.engine import create_engine, create_sessionmaker
from db.models import Subscription

P99_GOAL_MS = 10.0
INDEX = "ix_subscriptions_next_due"


async def seed(url: str, rows: int, due: int, minute: datetime) -> float:
    """``rows`` subscriptions (``due`` of them due at ``minute``) and their users."""
    started = time.perf_counter()
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await conn.execute(
            """
            INSERT INTO users (user_id, language, detected_language, sign, first_seen,
                               last_seen, updated_at, blocked)
            SELECT i, NULL, ($1::text[])[1 + i % 6], ($2::text[])[1 + i % 12], $3, $3, $3, false
            FROM generate_series(1, $4::int) AS i
            """,
            LANGUAGES,
            SIGNS,
            minute - timedelta(days=30),
            rows,
        )
        await conn.execute(
            """
            INSERT INTO subscriptions (user_id, sign, push_time, timezone, state, next_due,
                                       created_at, updated_at)
            SELECT i, ($1::text[])[1 + i % 12], time '08:00', 'Europe/Moscow',
                   CASE WHEN i % 20 = 0 THEN 'stopped' ELSE 'active' END,
                   CASE WHEN i % 20 = 0 THEN NULL
                        WHEN i <= $3::int THEN $2::timestamptz
                        ELSE $2::timestamptz + interval '1 minute'
                             + (i::bigint * 7919 % 86340) * interval '1 second' END,
                   $2, $2
            FROM generate_series(1, $4::int) AS i
            """,
            SIGNS,
            minute,
            due,
            rows,
        )
        await conn.execute("ANALYZE users; ANALYZE subscriptions")
    finally:
        await conn.close()
    return time.perf_counter() - started


async def explain_both(url: str, now: datetime, batch: int) -> dict[str, str]:
    """EXPLAIN (ANALYZE, BUFFERS) of the claim's SELECT and of the whole claim."""
    return {which: await _explain_one(url, now, batch, which) for which in ("select", "claim")}


async def _explain_one(url: str, now: datetime, batch: int, which: str) -> str:
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    statement: Any = (
        db.claim_query(now, batch)
        if which == "select"
        else db.claim_statement(now, "bench", now + timedelta(seconds=30), batch)
    )
    text = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        tx = conn.transaction()
        await tx.start()
        try:
            rows = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {text}")
        finally:
            await tx.rollback()  # the claim's rows stay unclaimed
        return "\n".join(row[0] for row in rows)
    finally:
        await conn.close()


async def time_claims(url: str, now: datetime, batch: int, reps: int) -> dict[str, Any]:
    """A wave in progress: each claim takes the next ``batch`` due rows and commits (timed:
    the pool checkout and statement, and on to the COMMIT), then those rows are "delivered"
    (untimed: moved on to tomorrow and unclaimed, as ``finish_sent`` does), so the next claim
    walks the index past them as the sender's does, dead row versions and all."""
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    table: Any = Subscription.__table__
    delivered = (
        update(table)
        .where(table.c.user_id.in_(bindparam("ids", expanding=True)))
        .values(next_due=now + timedelta(days=1), claimed_by=None, claimed_until=None)
    )
    statement_times: list[float] = []
    times: list[float] = []
    claimed = 0
    try:
        for i in range(reps + 20):  # 20 warm-up claims (connection, prepared statements)
            started = time.perf_counter()
            async with sessionmaker() as session, session.begin():
                rows = await db.claim_due(
                    session,
                    now=now,
                    holder="bench",
                    until=now + timedelta(seconds=30),
                    limit=batch,
                )
                executed = time.perf_counter()
            elapsed = time.perf_counter() - started
            if i >= 20:
                statement_times.append(executed - started)
                times.append(elapsed)
                claimed += len(rows)
            async with sessionmaker() as session, session.begin():
                await session.execute(delivered, {"ids": [row.user_id for row in rows]})
    finally:
        await engine.dispose()
    statement = latency_summary(statement_times, 1e3)
    return {
        "claimed_per_batch": claimed / reps,
        **latency_summary(times, 1e3),
        **{f"statement_{k}": v for k, v in statement.items() if k != "n"},
    }


async def one_run(url: str, rows: int, due: int, batch: int, reps: int) -> dict[str, Any]:
    minute = due_minute()
    seed_s = await seed(url, rows, due, minute)
    now = datetime.now(UTC)
    plans = await explain_both(url, now, batch)
    timing = await time_claims(url, now, batch, reps)
    index_scan = f"Index Scan using {INDEX}" in plans["select"]
    return {
        "rows": rows,
        "due": due,
        "batch": batch,
        "seed_s": seed_s,
        "index_scan": index_scan,
        "plans": plans,
        **{f"{k}_ms" if k not in ("n", "claimed_per_batch") else k: v for k, v in timing.items()},
    }


def main() -> None:
    parser = base_parser(__doc__ or "")
    parser.add_argument("--rows", type=int, default=None, help="subscriptions (1000000)")
    parser.add_argument("--due", type=int, default=None, help="due now (100000)")
    parser.add_argument("--batch", type=int, default=100, help="PUSH_BATCH_SIZE (100)")
    parser.add_argument("--reps", type=int, default=None, help="claims timed per run (1000)")
    args = parser.parse_args()
    rows = args.rows or (20_000 if args.smoke else 1_000_000)
    due = args.due or (10_000 if args.smoke else 100_000)
    # every claim (and the 20 warm-up claims) takes a full batch of the wave: 5 % of the due
    # minute's rows are stopped (no next_due)
    reps = min(args.reps or (100 if args.smoke else 1_000), due * 95 // 100 // args.batch - 20)
    per_run = []
    for _ in range(runs(args)):
        with fresh_database("postgresql") as url:
            per_run.append(asyncio.run(one_run(url, rows, due, args.batch, reps)))
    first = per_run[0]["plans"]
    print(f"\n## EXPLAIN (ANALYZE, BUFFERS): the claim's SELECT, {rows:,} rows\n")
    print(first["select"])
    print("\n## EXPLAIN (ANALYZE, BUFFERS): the whole claim (UPDATE … FROM due RETURNING)\n")
    print(first["claim"])
    table = [
        {
            "run": i,
            "rows": r["rows"],
            "due": r["due"],
            "batch": r["batch"],
            "seed s": r["seed_s"],
            "index scan": r["index_scan"],
            "claimed/batch": r["claimed_per_batch"],
            "statement p50 ms": r["statement_p50_ms"],
            "statement p99 ms": r["statement_p99_ms"],
            "p50 ms": r["p50_ms"],
            "p99 ms": r["p99_ms"],
            "max ms": r["max_ms"],
            f"p99 < {P99_GOAL_MS:g} ms": r["p99_ms"] < P99_GOAL_MS,
        }
        for i, r in enumerate(per_run, 1)
    ]
    print_table(
        f"claim_due of {args.batch} rows, {reps} claims per run (begin → COMMIT)",
        table,
        list(table[0]),
    )
    print_table(
        "Noise over runs",
        noise_rows(per_run, ["statement_p99_ms", "p50_ms", "p99_ms", "max_ms"]),
        ["figure", "min", "median", "max"],
    )
    write_json(
        "push_claim",
        {
            "benchmark": "push_claim",
            "machine": machine(),
            "runs": per_run,
            "goals": {
                "p99_ms_max": P99_GOAL_MS,
                "index_scan": INDEX,
                "held_in_every_run": all(
                    r["index_scan"] and r["p99_ms"] < P99_GOAL_MS for r in per_run
                ),
            },
        },
        args.out,
    )


if __name__ == "__main__":
    main()
