"""``horoscope-bot users import|export FILE.csv``: moving users from or to another bot.

The file has a header row and the columns ``user_id,language,sign,push_time,timezone``
(others are ignored; the last two are optional). The language counts as the user's own
choice. A ``push_time`` (``HH:MM``) subscribes the user to the daily push at that local time
in ``timezone`` (an IANA name) for ``sign``. Bad rows are reported by line number, column,
value and why, and skipped; the good ones are written in one transaction, so an import is
whole or nothing.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from db import repositories
from db.engine import create_engine, create_sessionmaker
from services.clock import Clock
from services.users import CSV_COLUMNS, import_users, parse_user_rows


def _rows(reader: csv.DictReader[str]) -> Iterator[tuple[int, dict[str, str | None]]]:
    for row in reader:
        yield reader.line_num, dict(row)


async def import_file(database_url: str, path: Path, *, err: TextIO = sys.stderr) -> int:
    """Exit code: 0 all rows imported, 1 some rows were bad (the rest imported), 2 nothing
    could be read."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            reader = csv.DictReader(file)
            if reader.fieldnames is None or "user_id" not in reader.fieldnames:
                print(
                    f"horoscope-bot: {path}: the first row must be a header with user_id "
                    f"(columns: {','.join(CSV_COLUMNS)})",
                    file=err,
                )
                return 2
            good, errors = parse_user_rows(_rows(reader))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        print(f"horoscope-bot: cannot read {path}: {error}", file=err)
        return 2
    for line, reason in errors:
        print(f"{path}:{line}: {reason} (skipped)", file=err)
    engine = create_engine(database_url)
    try:
        report = await import_users(create_sessionmaker(engine), good, Clock("UTC"))
    finally:
        await engine.dispose()
    print(
        f"imported {report.users} users, skipped {len(errors)} bad rows, "
        f"{report.subscriptions} subscriptions written"
    )
    if report.kept:  # the user's own pause or /stop wins over the file
        print(f"left {report.kept} subscriptions as their users paused or stopped them")
    return 1 if errors else 0


async def export_file(database_url: str, path: Path) -> int:
    engine = create_engine(database_url)
    count = 0
    try:
        with path.open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(CSV_COLUMNS)
            async with create_sessionmaker(engine)() as session:
                async for user_id, language, sign, at, zone in repositories.export_users(session):
                    push_time = at.strftime("%H:%M") if at is not None else ""
                    writer.writerow((user_id, language or "", sign or "", push_time, zone or ""))
                    count += 1
    finally:
        await engine.dispose()
    print(f"exported {count} users to {path}")
    return 0
