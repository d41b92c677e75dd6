"""The daily push across real processes (acceptance 5 and 6 of the push issue): ``python -m
bot run`` signalled in the middle of a wave, and two replicas on one PostgreSQL.

A wave: ``WAVE`` subscriptions due now (the processes run on the real clock), paced at
``PUSH_RATE=50`` under the stand-in's 60/s and 1/s per chat, so it takes several seconds and
a signal lands in the middle of it. What a user received is counted from the stand-in's
sendMessage calls (a push carries the ⚙️ button); what was recorded, from the database.
"""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import repositories
from db.models import PushDelivery, Subscription
from db.subscriptions import ImportedSubscription, import_subscriptions
from tests.conftest import TEST_TOKEN
from tests.processes import BotProcess, env_for
from tests.standins.telegram import ApiCall, FakeTelegram
from tests.test_push import is_push

WAVE = 300
FIRST = 710_000
IDS = list(range(FIRST, FIRST + WAVE))
ZONE = "Europe/Moscow"
IN_FLIGHT = 10  # PushEngine.max_in_flight: what the README says a hard kill may re-send
PACE = {"PUSH_RATE": "50"}
# A restarted process on one database waits for the dead one's lease, claims and "sending"
# reservations to run out: shortened here (2 s lease, 6 s staleness; the defaults are 20 s
# and 30 s, which the replica tests below keep).
SHORT = {"PUSH_LEASE_SECONDS": "2", "PUSH_STALE_SECONDS": "6"}
postgres_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
# Two or three bot processes start in each test (tens of seconds each on a busy machine), and
# the replica tests wait out the default lease and claims (20 s, 30 s).
pytestmark = pytest.mark.timeout(400)


def limited(telegram: FakeTelegram) -> FakeTelegram:
    telegram.enforce_limits(per_second=60.0, per_chat=1.0)
    return telegram


async def add_wave(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """``WAVE`` users with an active subscription due a minute ago, at that minute's local
    time in Moscow (so the day planned at claim time is the one due)."""
    now = datetime.now(UTC)
    due = (now - timedelta(minutes=1)).replace(second=0, microsecond=0)
    at = due.astimezone(ZoneInfo(ZONE)).time()
    async with sessionmaker() as session, session.begin():
        await repositories.record_activity(
            session, [repositories.Activity(u, now, now, "en", None) for u in IDS], now
        )
        written = await import_subscriptions(
            session, [ImportedSubscription(u, "leo", at, ZONE, due) for u in IDS], now
        )
    assert written == WAVE


def pushed_chats(telegram: FakeTelegram, after: int = 0) -> Counter[int]:
    """Pushes per chat among the calls after ``after`` (a ``seq``)."""
    return Counter(c.params["chat_id"] for c in telegram.calls if is_push(c) and c.seq > after)


async def wait_delivered(
    telegram: FakeTelegram, chats: Iterable[int], *, after: int = 0, timeout: float = 60
) -> None:
    """Until each of ``chats`` got a push (a call after ``after``)."""
    wanted = set(chats)
    first: dict[int, ApiCall] = {}  # kept across the stand-in's re-scans: calls come in order

    def first_for_its_chat(call: ApiCall) -> bool:
        chat = call.params["chat_id"]
        return (
            is_push(call)
            and call.seq > after
            and chat in wanted
            and first.setdefault(chat, call) is call
        )

    await telegram.wait_for_count(first_for_its_chat, len(wanted), timeout=timeout)


async def records(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[int, str]:
    """user -> the status of their delivery record (one local date in these tests)."""
    async with sessionmaker() as session:
        result = await session.execute(select(PushDelivery.user_id, PushDelivery.status))
        rows = list(result)
    assert len({user for user, _ in rows}) == len(rows)  # one record per (user, local date)
    return {user: status for user, status in rows}


async def claimed(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as session:
        result = await session.execute(
            select(Subscription.user_id).where(Subscription.claimed_by.is_not(None))
        )
        return len(result.all())


def last_seq(telegram: FakeTelegram) -> int:
    return telegram.calls[-1].seq if telegram.calls else 0


# -- acceptance 5: one process, signalled mid-wave ----------------------------------------------


async def test_sigterm_mid_wave_exits_0_and_the_restart_sends_the_rest_once(
    database_url: str,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
    tmp_path: Any,
) -> None:
    telegram = limited(fake_telegram)
    await add_wave(sessionmaker)
    env = env_for(database_url, telegram, **PACE)
    first = BotProcess(env)
    await first.start(str(tmp_path))
    await telegram.wait_for_count(is_push, 50, timeout=180)
    code = await first.stop(signal.SIGTERM)
    assert code == 0, first.log_text()[-3000:]
    before = pushed_chats(telegram)
    assert 50 <= len(before) < WAVE  # stopped in the middle of the wave
    # Graceful: every message sent was recorded, nothing left "sending", no claim kept.
    stored = await records(sessionmaker)
    assert stored == {chat: "sent" for chat in before}
    assert await claimed(sessionmaker) == 0
    assert any(e.get("event") == "push.lease_released" for e in first.events)

    mark = last_seq(telegram)
    second = BotProcess(env)
    await second.start(str(tmp_path))
    rest = set(IDS) - set(before)
    await wait_delivered(telegram, rest, after=mark, timeout=180)
    assert await second.stop(signal.SIGTERM) == 0, second.log_text()[-3000:]

    every = pushed_chats(telegram)
    assert sorted(every) == IDS and set(every.values()) == {1}  # each exactly one message
    assert set(pushed_chats(telegram, after=mark)) == rest
    assert await records(sessionmaker) == {chat: "sent" for chat in IDS}
    assert telegram.flood_answers == 0


async def test_sigkill_mid_wave_resends_at_most_the_messages_in_flight(
    database_url: str,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
    tmp_path: Any,
) -> None:
    telegram = limited(fake_telegram)
    await add_wave(sessionmaker)
    env = env_for(database_url, telegram, **PACE, **SHORT)
    first = BotProcess(env)
    await first.start(str(tmp_path))
    await telegram.wait_for_count(is_push, 50, timeout=180)
    assert await first.stop(signal.SIGKILL) == -signal.SIGKILL
    before = pushed_chats(telegram)
    assert len(before) < WAVE and set(before.values()) == {1}
    mark = last_seq(telegram)
    # What the dead process recorded is final: the rest is for the next one, the messages
    # it had in flight (sent, not recorded) among them. Read before the next one starts,
    # which records its own at once.
    unrecorded = set(IDS) - {u for u, s in (await records(sessionmaker)).items() if s == "sent"}

    second = BotProcess(env)
    await second.start(str(tmp_path))
    # Once the dead one's lease ran out:
    await second.wait_event("push.lease_acquired", timeout=180)
    await wait_delivered(telegram, unrecorded, after=mark, timeout=180)
    assert await second.stop(signal.SIGTERM) == 0, second.log_text()[-3000:]

    after = pushed_chats(telegram, after=mark)
    assert set(after) == unrecorded and set(after.values()) == {1}
    every = pushed_chats(telegram)
    assert sorted(every) == IDS  # nobody lost
    twice = sorted(chat for chat, n in every.items() if n > 1)
    assert set(every.values()) <= {1, 2}
    assert len(twice) <= IN_FLIGHT, twice  # the documented hard-kill window
    assert await records(sessionmaker) == {chat: "sent" for chat in IDS}


# -- acceptance 6: two replicas on one PostgreSQL -------------------------------------------------


@postgres_only
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGSTOP], ids=["killed", "frozen"])
async def test_the_other_replica_takes_over_the_wave_within_30_s(
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    tmp_path: Any,
    sig: signal.Signals,
) -> None:
    """Killed (its connections close) or frozen with SIGSTOP (its host vanished: its TCP
    connections stay open, a transaction may be left open): the other replica takes the
    lease within 30 s with the default settings, and finishes the wave; everybody gets one
    message, but for at most the messages the lost one had in flight."""
    await add_wave(sessionmaker)
    # Each replica polls a stand-in of its own (two pollers of one would conflict, 409).
    telegrams = [limited(FakeTelegram(TEST_TOKEN)), limited(FakeTelegram(TEST_TOKEN))]
    bots: list[BotProcess] = []
    for telegram in telegrams:
        await telegram.start()
        bots.append(BotProcess(env_for(database_url, telegram, **PACE)))
    try:
        await asyncio.gather(*(b.start(str(tmp_path)) for b in bots))
        waits = {
            asyncio.ensure_future(b.wait_event("push.lease_acquired", timeout=180)): b for b in bots
        }
        done, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        sender = waits[next(iter(done))]
        i = bots.index(sender)
        other, sender_tg, other_tg = bots[1 - i], telegrams[i], telegrams[1 - i]
        await sender_tg.wait_for_count(is_push, 50, timeout=180)
        assert sender.process is not None
        sender.process.send_signal(sig)
        assert pushed_chats(other_tg) == Counter()  # one replica sends at a time

        await other.wait_event("push.lease_acquired", timeout=30)
        # Whatever the lost one had on the wire or about to commit has landed by now (its
        # lease ran out meanwhile): its deliveries and records are final.
        gone = last_seq(sender_tg)
        before = pushed_chats(sender_tg)
        unrecorded = set(IDS) - {u for u, s in (await records(sessionmaker)).items() if s == "sent"}
        assert unrecorded and len(before) < WAVE
        await wait_delivered(other_tg, unrecorded, timeout=90)
        assert await other.stop(signal.SIGTERM) == 0, other.log_text()[-3000:]
        # The lost replica sent nothing after the takeover.
        assert pushed_chats(sender_tg, after=gone) == Counter()
    finally:
        for bot in bots:
            if bot.process is not None and bot.process.returncode is None:
                await bot.stop(signal.SIGKILL)
        for telegram in telegrams:
            await telegram.stop()

    taken_over = pushed_chats(other_tg)
    # The other replica started its pass at once, so it may have recorded some of its own
    # before the test read the records: it took over at least what was unrecorded, and
    # nothing the lost one had delivered and recorded.
    assert unrecorded <= set(taken_over) and set(taken_over.values()) == {1}
    assert (set(taken_over) - unrecorded).isdisjoint(before)
    every = pushed_chats(sender_tg) + taken_over
    assert sorted(every) == IDS and set(every.values()) <= {1, 2}
    twice = sorted(chat for chat, n in every.items() if n > 1)
    assert len(twice) <= IN_FLIGHT, twice
    assert await records(sessionmaker) == {chat: "sent" for chat in IDS}
    assert await claimed(sessionmaker) == 0
