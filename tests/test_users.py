"""The users layer on both databases: warm reads from memory, batched writes, /forget across
replicas, /stats figures, and the operator's CSV import and export."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from benchmarks.common import StatementCounter
from db.models import ForgottenUser, User
from services.clock import Clock
from services.users import (
    FORGOTTEN_RETENTION,
    UserImport,
    UserService,
    UserState,
    load_user_stats,
    parse_user_rows,
)


class ManualClock(Clock):
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.moment = start
        super().__init__("Europe/Moscow", now=lambda: self.moment)

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


START = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


async def rows(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[int, tuple[object, ...]]:
    async with sessionmaker() as session:
        result = await session.execute(
            select(User.user_id, User.language, User.detected_language, User.sign)
        )
        return {row[0]: tuple(row[1:]) for row in result}


async def forgotten_ids(sessionmaker: async_sessionmaker[AsyncSession]) -> set[int]:
    async with sessionmaker() as session:
        return set((await session.execute(select(ForgottenUser.user_id))).scalars())


async def test_a_known_users_tap_makes_no_database_round_trip(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    users = UserService(sessionmaker, clock)
    statements = StatementCounter(engine)
    first = await users.touch(7, "en")
    assert first == UserState(None, "en", None)
    after_first = statements.count
    assert after_first == 1  # the one read of a user this process had not seen
    for _ in range(100):
        await users.touch(7, "en")
        users.remember_sign(7, "leo")
    assert statements.count == after_first
    assert users.reads == 1 and users.pending == 1


async def test_batched_write_lands_on_the_next_flush_and_on_stop(
    sessionmaker: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    users = UserService(sessionmaker, clock, interval=0.05)
    users.start()
    await users.touch(1, "ru")
    users.remember_sign(1, "leo")
    assert await rows(sessionmaker) == {}  # nothing written on the tap itself
    await users.next_round()  # the loop's next flush
    assert await rows(sessionmaker) == {1: (None, "ru", "leo")}
    clock.advance(minutes=1)
    await users.touch(2, "en")
    users.remember_sign(1, "aries")
    await users.stop()
    assert await rows(sessionmaker) == {1: (None, "ru", "aries"), 2: (None, "en", None)}
    async with sessionmaker() as session:
        first, last = (
            await session.execute(select(User.first_seen, User.last_seen).where(User.user_id == 1))
        ).one()
    assert first.replace(tzinfo=UTC) == START
    assert last.replace(tzinfo=UTC) == START + timedelta(minutes=1)


async def test_get_reads_a_stored_user_once_and_set_language_is_written_at_once(
    sessionmaker: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    first = UserService(sessionmaker, clock)
    await first.touch(5, "ru")
    await first.set_language(5, "en")
    assert await rows(sessionmaker) == {5: ("en", None, None)}  # survives a restart
    assert (await first.get(5)).effective_language == "en"
    # A new process (a restart) reads the choice back.
    second = UserService(sessionmaker, clock)
    state = await second.get(5)
    assert state.language == "en" and state.effective_language == "en"
    assert second.reads == 1
    await second.get(5)
    assert second.reads == 1


async def test_forget_deletes_at_once_and_a_pending_write_does_not_recreate(
    sessionmaker: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    users = UserService(sessionmaker, clock)
    await users.touch(9, "en")
    users.remember_sign(9, "virgo")
    await users.flush()
    await users.touch(9, "en")  # pending again
    users.remember_sign(9, "leo")
    assert await users.forget(9) is True
    assert await rows(sessionmaker) == {}
    assert users.pending == 0 and users.cached == 0
    await users.flush()
    await users.stop()
    assert await rows(sessionmaker) == {}
    assert await users.forget(9) is False  # nothing left to delete


async def test_a_write_batched_on_another_replica_before_forget_does_not_recreate(
    sessionmaker: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    a = UserService(sessionmaker, clock)
    b = UserService(sessionmaker, clock)
    await a.touch(11, "ru")  # a new user on replica A, not written yet
    await b.touch(12, "en")
    await b.flush()
    await a.touch(12, "en")  # a known user on A, pending on A
    clock.advance(seconds=1)
    await b.forget(11)
    await b.forget(12)
    await a.flush()  # A's batch predates both /forgets
    assert await rows(sessionmaker) == {}
    # A user who comes back after /forget is a new user again.
    clock.advance(seconds=1)
    await a.refresh()
    await a.touch(11, "uk")
    await a.flush()
    assert await rows(sessionmaker) == {11: (None, "uk", None)}


async def test_replica_refresh_sees_a_language_chosen_and_a_forget_elsewhere(
    sessionmaker: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    a = UserService(sessionmaker, clock)
    b = UserService(sessionmaker, clock)
    await a.touch(21, "ru")
    await a.touch(22, "ru")
    await a.flush()
    clock.advance(seconds=5)
    await b.set_language(21, "en")
    await b.forget(22)
    assert (await a.get(21)).language is None  # not yet: A answers from memory
    clock.advance(seconds=15)
    assert await a.refresh() == 2
    assert (await a.get(21)).effective_language == "en"
    reads = a.reads
    assert await a.get(22) == UserState()  # forgotten: read again, nothing there
    assert a.reads == reads + 1
    # A sign A has not written yet is newer than what the database says.
    a.remember_sign(21, "leo")
    clock.advance(seconds=15)
    await b.set_language(21, "ru")
    await a.refresh()
    assert await a.get(21) == UserState("ru", "ru", "leo")


async def test_forget_notes_are_pruned_after_the_retention(
    sessionmaker: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    users = UserService(sessionmaker, clock)
    await users.forget(31)
    assert await forgotten_ids(sessionmaker) == {31}
    clock.advance(seconds=FORGOTTEN_RETENTION.total_seconds() + 1)
    await users.refresh()
    assert await forgotten_ids(sessionmaker) == set()


async def test_the_cache_is_bounded_least_recently_seen_dropped_first(
    sessionmaker: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    users = UserService(sessionmaker, clock, cache_size=4)
    for user_id in (1, 2, 3):
        await users.get(user_id)
    await users.get(1)  # seen again: 1 is recent, 2 is the least recently seen
    await users.get(4)
    assert users.cached == 3  # 1 and 3 (older), 4 (recent): 2 was dropped
    reads = users.reads
    await users.get(1)
    assert users.reads == reads
    await users.get(2)
    assert users.reads == reads + 1
    for user_id in range(10, 30):
        await users.get(user_id)
        assert users.cached <= 4


async def test_user_stats(
    sessionmaker: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    users = UserService(sessionmaker, clock)
    # 40 days ago, 10 days ago, 3 days ago, and today (Moscow) twice.
    for user_id, days_ago, language in ((1, 40, "ru"), (2, 10, "en"), (3, 3, "en")):
        clock.moment = START - timedelta(days=days_ago)
        await users.touch(user_id, language)
    clock.moment = START
    await users.touch(4, None)
    await users.touch(5, "ru")
    await users.flush()
    await users.set_language(5, "en")  # the choice wins over the detected language
    async with sessionmaker() as session:
        stats = await load_user_stats(session, clock)
    assert (stats.total, stats.new_today, stats.active_7d, stats.active_30d) == (5, 2, 3, 4)
    assert stats.by_language == {"ru": 1, "en": 3, None: 1}


async def test_new_today_is_the_day_in_the_configured_timezone(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    # 22:30 UTC on June 14 is already June 15 in Moscow (UTC+3).
    clock = ManualClock(datetime(2026, 6, 14, 22, 30, tzinfo=UTC))
    users = UserService(sessionmaker, clock)
    await users.touch(1, "ru")
    await users.flush()
    clock.moment = datetime(2026, 6, 14, 20, 30, tzinfo=UTC)  # June 14, 23:30 in Moscow
    await users.touch(2, "ru")
    await users.flush()
    clock.moment = datetime(2026, 6, 15, 6, 0, tzinfo=UTC)
    async with sessionmaker() as session:
        stats = await load_user_stats(session, clock)
    assert stats.new_today == 1 and stats.total == 2


def test_parse_user_rows_reports_bad_rows_by_line() -> None:
    good, errors = parse_user_rows(
        [
            (2, {"user_id": "1", "language": "EN", "sign": "leo"}),
            (3, {"user_id": "x1", "language": "en", "sign": ""}),
            (4, {"user_id": "2", "language": "fr", "sign": ""}),
            (5, {"user_id": "3", "language": "", "sign": "dragon"}),
            (6, {"user_id": "4", "language": None, "sign": "Лев"}),
        ]
    )
    assert good == [UserImport(1, "en", "leo"), UserImport(4, None, "leo")]
    assert [line for line, _ in errors] == [3, 4, 5]
    assert "x1" in errors[0][1] and "fr" in errors[1][1] and "dragon" in errors[2][1]


def test_parse_user_rows_checks_push_times_and_zones_by_column() -> None:
    def row(push_time: str, timezone: str, sign: str = "leo") -> dict[str, str | None]:
        return {"user_id": "7", "language": "", "sign": sign, "push_time": push_time,
                "timezone": timezone}  # fmt: skip

    good, errors = parse_user_rows(
        [
            (2, row("07:30", "Asia/Yekaterinburg")),
            (3, row("7:05", "America/New_York", "Лев")),
            (4, row("24:00", "Europe/Moscow")),
            (5, row("07:60", "Europe/Moscow")),
            (6, row("7.30", "Europe/Moscow")),
            (7, row("08:00", "+03:00")),
            (8, row("08:00", "UTC+3")),
            (9, row("08:00", "Mars/Base")),
            (10, row("08:00", "europe/moscow")),
            (11, row("08:00", "")),
            (12, row("08:00", "Europe/Moscow", "")),
            (13, row("", "Not/AZone")),
            (14, row("", "Europe/Kyiv")),  # no time: not subscribed, the zone unused
            (15, row("25:99", "GMT-5", "dragon")),
        ]
    )
    # A later line for the same user wins: line 14's user 7, not subscribed.
    assert good == [UserImport(7, None, "leo", None, None)]
    reasons = dict(errors)
    assert sorted(reasons) == [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15]
    assert reasons[4] == "push_time '24:00' is not a time of day HH:MM (00:00-23:59)"
    assert reasons[7] == (
        "timezone '+03:00' is not an IANA time zone name such as Europe/Moscow "
        "(offsets are not zones: DST would be wrong)"
    )
    assert "UTC+3" in reasons[8] and "offsets" in reasons[8]
    assert "'Mars/Base' is not an IANA time zone" in reasons[9] and "offsets" not in reasons[9]
    assert "'europe/moscow'" in reasons[10]
    assert reasons[11] == "timezone is empty but push_time is set"
    assert reasons[12].startswith("sign is empty but push_time is set")
    assert "'Not/AZone'" in reasons[13]
    # Every bad column of the line, each with its value.
    assert "'dragon'" in reasons[15] and "'25:99'" in reasons[15] and "'GMT-5'" in reasons[15]

    good, errors = parse_user_rows(
        [
            (2, row("07:30", "Asia/Yekaterinburg")),
            (3, {**row("7:05", "America/New_York", "Лев"), "user_id": "8"}),
        ]
    )
    assert errors == []
    assert good == [
        UserImport(7, None, "leo", time(7, 30), "Asia/Yekaterinburg"),
        UserImport(8, None, "leo", time(7, 5), "America/New_York"),
    ]
