"""``horoscope-bot users import|export`` as an operator runs them, on both databases."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import subscriptions as subscriptions_db
from db.models import Subscription, User
from tests.conftest import process_env


async def cli(database_url: str, *args: str, cwd: Path) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "users",
        *args,
        env=process_env(DATABASE_URL=database_url, LOG_LEVEL="WARNING"),
        cwd=str(cwd),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def stored(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[int, tuple[object, ...]]:
    async with sessionmaker() as session:
        result = await session.execute(select(User.user_id, User.language, User.sign))
        return {row[0]: (row[1], row[2]) for row in result}


async def test_import_skips_bad_rows_by_line_and_export_round_trips(
    database_url: str, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    source = tmp_path / "users.csv"
    source.write_text(
        "user_id,name,language,sign\n"
        "1001,Alice,en,leo\n"
        "abc,Bob,ru,aries\n"  # line 3: not an integer
        "1002,Chloé,ru,\n"
        "1003,Dan,fr,virgo\n"  # line 5: a language not shipped
        "1004,Eve,,Скорпион\n",
        encoding="utf-8",
    )
    code, out, err = await cli(database_url, "import", str(source), cwd=tmp_path)
    assert code == 1, (out, err)
    assert f"{source}:3:" in err and "abc" in err
    assert f"{source}:5:" in err and "fr" in err
    assert "imported 3 users, skipped 2 bad rows" in out
    assert await stored(sessionmaker) == {
        1001: ("en", "leo"),
        1002: ("ru", None),
        1004: (None, "scorpio"),
    }

    exported = tmp_path / "export.csv"
    code, out, err = await cli(database_url, "export", str(exported), cwd=tmp_path)
    assert code == 0, err
    assert exported.read_text(encoding="utf-8").splitlines() == [
        "user_id,language,sign,push_time,timezone",
        "1001,en,leo,,",
        "1002,ru,,,",
        "1004,,scorpio,,",
    ]
    # Importing the export changes nothing, and reports nothing bad.
    code, out, err = await cli(database_url, "import", str(exported), cwd=tmp_path)
    assert code == 0, err
    assert "imported 3 users, skipped 0 bad rows" in out
    again = tmp_path / "again.csv"
    assert (await cli(database_url, "export", str(again), cwd=tmp_path))[0] == 0
    assert again.read_text(encoding="utf-8") == exported.read_text(encoding="utf-8")


async def test_import_without_a_user_id_header_writes_nothing(
    database_url: str, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    source = tmp_path / "users.csv"
    source.write_text("1001,en,leo\n1002,ru,aries\n", encoding="utf-8")
    code, _, err = await cli(database_url, "import", str(source), cwd=tmp_path)
    assert code == 2
    assert "header" in err
    assert await stored(sessionmaker) == {}


async def subscriptions(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> dict[int, tuple[str, time, str, str, datetime | None]]:
    async with sessionmaker() as session:
        result = await session.execute(
            select(
                Subscription.user_id,
                Subscription.sign,
                Subscription.push_time,
                Subscription.timezone,
                Subscription.state,
                Subscription.next_due,
            )
        )
        return {row[0]: tuple(row[1:]) for row in result}  # type: ignore[misc]


def assert_next(due: datetime | None, at: time, zone: str, before: datetime) -> None:
    """The first ``at`` in ``zone`` after the import started (whatever day this runs)."""
    assert due is not None
    due = due if due.tzinfo is not None else due.replace(tzinfo=UTC)  # SQLite: naive UTC
    local = due.astimezone(ZoneInfo(zone))
    assert (local.hour, local.minute) == (at.hour, at.minute)
    assert before < due <= before + timedelta(hours=25)


async def test_import_subscribes_reports_bad_times_and_zones_and_round_trips(
    database_url: str, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    # A user who paused the push before the import: the file does not resume them.
    async with sessionmaker() as session, session.begin():
        await subscriptions_db.upsert_subscription(
            session, 2007, sign="cancer", push_time=time(6), timezone="Europe/Moscow",
            next_due=now + timedelta(days=3), now=now,
        )  # fmt: skip
        await subscriptions_db.update_subscription(session, 2007, now, state="paused")
    source = tmp_path / "users.csv"
    source.write_text(
        "user_id,language,sign,push_time,timezone\n"
        "2001,en,leo,07:30,Asia/Yekaterinburg\n"
        "2002,ru,Весы,,\n"  # no time: not subscribed
        "2003,ru,aries,25:00,Europe/Moscow\n"  # line 4
        "2004,en,virgo,08:00,+03:00\n"  # line 5: an offset, not a zone
        "2005,,,09:00,Europe/Berlin\n"  # line 6: whose sign?
        "2006,de,pisces,9:15,America/New_York\n"
        "2007,ru,cancer,06:00,Europe/Moscow\n",
        encoding="utf-8",
    )
    code, out, err = await cli(database_url, "import", str(source), cwd=tmp_path)
    assert code == 1, (out, err)
    bad = [line for line in err.splitlines() if line.startswith(str(source))]
    assert bad == [
        f"{source}:4: push_time '25:00' is not a time of day HH:MM (00:00-23:59) (skipped)",
        f"{source}:5: timezone '+03:00' is not an IANA time zone name such as Europe/Moscow "
        "(offsets are not zones: DST would be wrong) (skipped)",
        f"{source}:6: sign is empty but push_time is set (the subscription's sign) (skipped)",
    ]
    assert "imported 4 users, skipped 3 bad rows, 2 subscriptions written" in out
    assert "left 1 subscriptions as their users paused or stopped them" in out
    assert (await stored(sessionmaker))[2002] == ("ru", "libra")
    subs = await subscriptions(sessionmaker)
    assert sorted(subs) == [2001, 2006, 2007]
    assert subs[2001][:4] == ("leo", time(7, 30), "Asia/Yekaterinburg", "active")
    assert subs[2006][:4] == ("pisces", time(9, 15), "America/New_York", "active")
    assert subs[2007][3] == "paused"  # left as the user set it
    assert_next(subs[2001][4], time(7, 30), "Asia/Yekaterinburg", now)
    assert_next(subs[2006][4], time(9, 15), "America/New_York", now)

    # A wave is being sent: 2006's push is overdue. A re-import with the same time and zone
    # keeps it due now (not tomorrow); a changed time or zone moves the due instant.
    overdue = now - timedelta(minutes=1)
    async with sessionmaker() as session, session.begin():
        await session.execute(
            update(Subscription).where(Subscription.user_id == 2006).values(next_due=overdue)
        )
    source.write_text(
        "user_id,language,sign,push_time,timezone\n"
        "2001,en,libra,08:45,Europe/Kyiv\n"
        "2006,de,aries,09:15,America/New_York\n",
        encoding="utf-8",
    )
    started = datetime.now(UTC)
    code, out, err = await cli(database_url, "import", str(source), cwd=tmp_path)
    assert code == 0, err
    assert "imported 2 users, skipped 0 bad rows, 2 subscriptions written" in out
    subs = await subscriptions(sessionmaker)
    assert subs[2001][:4] == ("libra", time(8, 45), "Europe/Kyiv", "active")
    assert_next(subs[2001][4], time(8, 45), "Europe/Kyiv", started)
    assert subs[2006][:4] == ("aries", time(9, 15), "America/New_York", "active")
    assert subs[2006][4] in (overdue, overdue.replace(tzinfo=None))  # SQLite: naive UTC

    exported = tmp_path / "export.csv"
    code, out, err = await cli(database_url, "export", str(exported), cwd=tmp_path)
    assert code == 0, err
    assert "exported 4 users" in out
    # An active subscription: its sign, time and zone; the paused one is not exported.
    assert exported.read_text(encoding="utf-8").splitlines() == [
        "user_id,language,sign,push_time,timezone",
        "2001,en,libra,08:45,Europe/Kyiv",
        "2002,ru,libra,,",
        "2006,de,aries,09:15,America/New_York",
        "2007,ru,cancer,,",
    ]
    # Importing the export changes nothing: same subscriptions, same due instants.
    before = await subscriptions(sessionmaker)
    code, out, err = await cli(database_url, "import", str(exported), cwd=tmp_path)
    assert code == 0, err
    assert "imported 4 users, skipped 0 bad rows, 2 subscriptions written" in out
    assert await subscriptions(sessionmaker) == before
    again = tmp_path / "again.csv"
    assert (await cli(database_url, "export", str(again), cwd=tmp_path))[0] == 0
    assert again.read_text(encoding="utf-8") == exported.read_text(encoding="utf-8")
