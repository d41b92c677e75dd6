"""The daily push's delivery engine: the production BotApp (its sender started by the startup
hook) against the Bot API stand-in over real HTTP, with its broadcast limits switched on, on
SQLite and PostgreSQL. Time is a clock the test moves (``Now``); ``PushEngine.settle()``
runs a pass and waits for it — no sleeps."""

from __future__ import annotations

import asyncio
import html
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from aiogram.types import Update
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import BotApp
from bot.callbacks import MenuCallback, OpenSettings
from bot.push import TelegramPushSender, create_push_bot
from db import push as push_db
from db import repositories
from db.engine import create_sessionmaker
from db.models import PushDelivery, Subscription
from services.clock import Clock
from services.local_time import next_local_occurrence
from services.metrics import create_registry, render
from services.push import PushEngine, SendPacer
from services.push_stats import PushStatus, load_push_status
from tests.conftest import NOON, TEST_TOKEN
from tests.standins.telegram import ApiCall, FakeTelegram
from tests.test_bot_e2e import Now, settled

StartBot = Callable[..., Awaitable[BotApp]]
FIRST = 10_000  # subscribers' ids: FIRST, FIRST + 1, ...


def pushes(tg: FakeTelegram, chat: int | None = None) -> list[ApiCall]:
    """The horoscopes the sender delivered (a push carries the ⚙️ button)."""
    return [
        c
        for c in tg.calls
        if c.method == "sendMessage"
        and c.ok
        and (chat is None or c.params["chat_id"] == chat)
        and OpenSettings().pack() in str(c.params.get("reply_markup"))
    ]


def is_push(call: ApiCall) -> bool:
    return (
        call.method == "sendMessage"
        and call.ok
        and OpenSettings().pack() in str(call.params.get("reply_markup"))
    )


async def add_subscribers(
    sessionmaker: async_sessionmaker[AsyncSession],
    ids: Sequence[int],
    *,
    due: datetime,
    at: time = time(12, 0),
    zone: str = "Europe/Moscow",
    sign: str = "leo",
    language: str | None = "en",
) -> None:
    """Subscribers (and their users' rows) due at ``due``, inserted in bulk."""
    async with sessionmaker() as session, session.begin():
        await repositories.record_activity(
            session, [repositories.Activity(u, due, due, language, None) for u in ids], due
        )
        await session.execute(
            insert(Subscription),
            [
                {
                    "user_id": user_id,
                    "sign": sign,
                    "push_time": at,
                    "timezone": zone,
                    "state": "active",
                    "next_due": due,
                    "created_at": due,
                    "updated_at": due,
                }
                for user_id in ids
            ],
        )


async def deliveries(sessionmaker: async_sessionmaker[AsyncSession]) -> list[tuple[Any, ...]]:
    async with sessionmaker() as session:
        result = await session.execute(
            select(
                PushDelivery.user_id,
                PushDelivery.local_date,
                PushDelivery.status,
                PushDelivery.reason,
                PushDelivery.due_at,
            ).order_by(PushDelivery.user_id, PushDelivery.local_date)
        )
        return [tuple(row) for row in result]


async def subscription(sessionmaker: async_sessionmaker[AsyncSession], user_id: int) -> Any:
    async with sessionmaker() as session:
        result = await session.execute(select(Subscription).where(Subscription.user_id == user_id))
        return result.scalar_one()


async def push_status(sessionmaker: async_sessionmaker[AsyncSession], clock: Clock) -> PushStatus:
    """What /status shows of the push."""
    async with sessionmaker() as session:
        return await load_push_status(session, clock)


# -- acceptance 3: 500 at once under the stand-in's limits, a 429 mid-run --------------------

# The stand-in's 30/s and the sender's 25/s, both scaled ×10 to keep the test short (same ratio).
SCALE = 10


async def start_limited(start_bot: StartBot, tg: FakeTelegram, **overrides: Any) -> BotApp:
    tg.enforce_limits(per_second=30.0 * SCALE, per_chat=1.0)
    app = await start_bot(push_rate=25.0 * SCALE, **overrides)
    await settled(app)
    return app


async def test_500_due_at_once_are_all_delivered_without_a_429(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    app = await start_limited(start_bot, fake_telegram)
    ids = list(range(FIRST, FIRST + 500))
    # Three of them are talking to the bot right now: their replies take their chat's second
    # first, so the sender must wait it out for them (the stand-in allows 1 a second a chat).
    for user in ids[:3]:
        fake_telegram.send_text("/start", user_id=user)
    for user in ids[:3]:
        await fake_telegram.wait_for(
            lambda c, u=user: c.method == "sendMessage" and c.ok and c.params["chat_id"] == u
        )
    await add_subscribers(sessionmaker, ids, due=NOON)
    assert app.services.push is not None
    await app.services.push.settle()

    floods = [c.summary() for c in fake_telegram.calls if c.error_code == 429]
    assert not floods and fake_telegram.flood_answers == 0
    delivered = pushes(fake_telegram)
    assert sorted(c.params["chat_id"] for c in delivered) == ids  # each exactly once
    records = await deliveries(sessionmaker)
    assert {(r[0], r[1], r[2]) for r in records} == {(u, date(2026, 6, 15), "sent") for u in ids}
    row = await subscription(sessionmaker, ids[0])
    assert row.next_due == NOON + timedelta(days=1) and row.claimed_by is None
    # The message: the tap's renderer, in the user's language, « All signs · ⚙️ Settings.
    message = fake_telegram.messages[(ids[-1], delivered[-1].result["message_id"])]
    assert message["text"].startswith("♌ Leo · June 15, 2026")
    labels = [b["text"] for row in message["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["« All signs", "⚙️ Settings"]
    data = [b["callback_data"] for r in message["reply_markup"]["inline_keyboard"] for b in r]
    assert data == [MenuCallback().pack(), OpenSettings().pack()]
    status = await push_status(sessionmaker, app.services.cache.clock)
    assert (status.sent_today, status.active, status.due_today) == (500, 500, 0)
    assert status.blocked_today == status.blocked_users == 0
    assert status.next_wave == NOON + timedelta(days=1) and status.next_wave_count == 500


async def test_a_429_mid_run_pauses_every_send_and_skips_nobody(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    app = await start_limited(start_bot, fake_telegram)
    assert app.services.push is not None
    ids = list(range(FIRST, FIRST + 500))
    await add_subscribers(sessionmaker, ids, due=NOON)
    app.services.push.wake()
    await fake_telegram.wait_for_count(is_push, 100)
    fake_telegram.inject_flood(retry_after=1)
    await app.services.push.settle()

    floods = [c for c in fake_telegram.calls if c.error_code == 429]
    assert len(floods) == 1
    flooded = floods[0]
    # Every send paused for retry_after: in the second after the 429 only the sends already
    # granted before it (at most the sender's in-flight bound) reached Telegram.
    during = [
        c
        for c in fake_telegram.calls_of("sendMessage")
        if flooded.seq < c.seq and c.at < flooded.at + 1.0
    ]
    assert len(during) <= app.services.push.max_in_flight
    # Nobody skipped, nobody twice; the flooded message was retried, not dropped.
    assert sorted(c.params["chat_id"] for c in pushes(fake_telegram)) == ids
    assert len(pushes(fake_telegram, flooded.params["chat_id"])) == 1
    assert app.services.push.counters.flood_waits == 1
    assert [r[2] for r in await deliveries(sessionmaker)] == ["sent"] * 500


# -- acceptance 4: 403 for 10 of them ----------------------------------------------------------


async def test_403_for_ten_stops_those_ten_and_the_rest_are_delivered(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    now = Now(NOON)
    app = await start_limited(start_bot, fake_telegram, clock=Clock("Europe/Moscow", now))
    assert app.services.push is not None
    ids = list(range(FIRST, FIRST + 500))
    gone = ids[::50]  # 10 of them blocked the bot
    for user in gone:
        fake_telegram.fail_chat(user, "blocked")
    await add_subscribers(sessionmaker, ids, due=NOON)
    await app.services.push.settle()

    delivered = sorted(c.params["chat_id"] for c in pushes(fake_telegram))
    assert delivered == [u for u in ids if u not in gone]
    for user in gone:
        row = await subscription(sessionmaker, user)
        assert (row.state, row.stop_reason, row.next_due) == ("stopped", "blocked", None)
        async with sessionmaker() as session:
            stored = await repositories.get_user(session, user)
        assert stored is not None and stored.blocked
    statuses = {r[0]: (r[2], r[3]) for r in await deliveries(sessionmaker)}
    assert {statuses[u] for u in gone} == {("blocked", "blocked")}
    status = await push_status(sessionmaker, app.services.cache.clock)
    assert (status.sent_today, status.blocked_today, status.active) == (490, 10, 490)
    assert status.blocked_users == 10
    assert app.services.push.counters.failed == {"blocked": 10}
    engine = app.services.push
    registry = create_registry(app.services.cache, dict, push=lambda: engine)
    metrics = render(registry).decode()
    assert "push_sent_total 490.0" in metrics
    assert 'push_failed_total{reason="blocked"} 10.0' in metrics
    assert "push_backlog " in metrics and "push_lag_seconds " in metrics

    # The next day: the 490 get theirs, the ten are not tried again.
    def tried_gone() -> int:
        return sum(
            1
            for c in fake_telegram.calls
            if c.method == "sendMessage" and c.params["chat_id"] in gone
        )

    assert tried_gone() == 10
    now.at = NOON + timedelta(days=1)
    await app.services.push.settle()
    assert len(pushes(fake_telegram)) == 980
    assert tried_gone() == 10


# -- 400 chat not found, 5xx retried then given up ----------------------------------------------


async def test_chat_not_found_stops_and_5xx_is_retried_then_given_up(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    now = Now(NOON)
    app = await start_bot(clock=Clock("Europe/Moscow", now), push_retry_minutes=60)
    await settled(app)
    engine = app.services.push
    assert engine is not None
    missing, flaky, healed = FIRST, FIRST + 1, FIRST + 2
    fake_telegram.fail_chat(missing, "not_found")
    fake_telegram.fail_chat(flaky, "server_error")
    fake_telegram.fail_chat(healed, "internal")
    await add_subscribers(sessionmaker, [missing, flaky, healed], due=NOON)
    await engine.settle()
    assert (await subscription(sessionmaker, missing)).stop_reason == "blocked"
    first_retry = (await subscription(sessionmaker, flaky)).next_due
    assert first_retry is not None and NOON < first_retry <= NOON + timedelta(minutes=5)
    assert (await subscription(sessionmaker, flaky)).failing_since == NOON

    fake_telegram.heal_chat(healed)
    now.at = NOON + timedelta(minutes=30)
    await engine.settle()
    assert len(pushes(fake_telegram, healed)) == 1
    assert (await subscription(sessionmaker, healed)).failing_since is None

    now.at = NOON + timedelta(minutes=61)  # past PUSH_RETRY_MINUTES: the day is given up
    await engine.settle()
    statuses = {r[0]: (r[1], r[2], r[3]) for r in await deliveries(sessionmaker)}
    assert statuses[flaky] == (date(2026, 6, 15), "failed", "server_error")
    assert statuses[missing] == (date(2026, 6, 15), "blocked", "chat_not_found")
    row = await subscription(sessionmaker, flaky)
    assert row.next_due == NOON + timedelta(days=1) and row.failing_since is None
    assert engine.counters.failed == {"blocked": 1, "server_error": 1}
    assert pushes(fake_telegram, flaky) == []


# -- acceptance 2: DST and zones far from TIMEZONE -----------------------------------------------


@pytest.mark.date_sensitive
async def test_dst_gap_and_repeat_in_new_york(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    now = Now(datetime(2027, 3, 13, 12, 0, tzinfo=UTC))
    app = await start_bot(clock=Clock("Europe/Moscow", now))
    await settled(app)
    engine = app.services.push
    assert engine is not None
    spring, autumn = FIRST, FIRST + 1
    subs = app.services.subscriptions
    await subs.subscribe(spring, "leo", time(2, 30), "America/New_York")

    # 02:30 does not exist on 14 March 2027 in New York: due at 03:00 EDT (07:00 UTC).
    jump = datetime(2027, 3, 14, 7, 0, tzinfo=UTC)
    now.at = jump - timedelta(seconds=1)
    await engine.settle()
    assert pushes(fake_telegram, spring) == []
    now.at = jump
    await engine.settle()
    assert len(pushes(fake_telegram, spring)) == 1
    assert (await deliveries(sessionmaker))[0][1:4] == (date(2027, 3, 14), "sent", None)
    assert (await deliveries(sessionmaker))[0][4] == jump

    # 01:30 happens twice on 7 November 2027: delivered once, at the first (05:30 UTC).
    now.at = datetime(2027, 11, 6, 12, 0, tzinfo=UTC)
    await subs.subscribe(autumn, "leo", time(1, 30), "America/New_York")
    first, second = (datetime(2027, 11, 7, h, 30, tzinfo=UTC) for h in (5, 6))
    for instant in (first, second, second + timedelta(minutes=20)):
        now.at = instant
        await engine.settle()
    assert len(pushes(fake_telegram, autumn)) == 1
    row = await subscription(sessionmaker, autumn)
    assert row.next_due == datetime(2027, 11, 8, 6, 30, tzinfo=UTC)


@pytest.mark.date_sensitive
async def test_each_subscriber_gets_their_own_local_dates_horoscope(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    now = Now(NOON)  # 12:00 on 15 June 2026 in Moscow
    app = await start_bot(clock=Clock("Europe/Moscow", now))
    await settled(app)
    engine = app.services.push
    assert engine is not None
    kiritimati, kathmandu, los_angeles = FIRST, FIRST + 1, FIRST + 2
    subs = app.services.subscriptions
    await subs.subscribe(kiritimati, "leo", time(7, 0), "Pacific/Kiritimati")  # UTC+14
    await subs.subscribe(kathmandu, "leo", time(2, 0), "Asia/Kathmandu")  # UTC+05:45
    await subs.subscribe(los_angeles, "leo", time(15, 0), "America/Los_Angeles")  # UTC-7
    # Kiritimati 07:00 on 16 June = 20:00 on 15 June in Moscow; Kathmandu 02:00 on 16 June =
    # 23:15 on 15 June in Moscow; Los Angeles 15:00 on 15 June = 01:00 on 16 June in Moscow.
    expected = {
        kiritimati: (datetime(2026, 6, 15, 17, 0, tzinfo=UTC), date(2026, 6, 16)),
        kathmandu: (datetime(2026, 6, 15, 20, 15, tzinfo=UTC), date(2026, 6, 16)),
        los_angeles: (datetime(2026, 6, 15, 22, 0, tzinfo=UTC), date(2026, 6, 15)),
    }
    for user, (due, local_date) in expected.items():
        now.at = due
        await engine.settle()
        [call] = pushes(fake_telegram, user)
        async with sessionmaker() as session:
            stored = await repositories.get_content(session, "leo", local_date, "en")
        assert stored is not None
        text = call.params["text"]
        assert f"{local_date:%B} {local_date.day}, {local_date.year}" in text
        assert html.escape(stored, quote=False) in text


# -- acceptance 7: pause 3 days, then stop ---------------------------------------------------


@pytest.mark.date_sensitive
async def test_pause_three_days_then_resumes_and_stop_ends_it(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    now = Now(NOON)
    app = await start_bot(clock=Clock("Europe/Moscow", now))
    await settled(app)
    engine = app.services.push
    assert engine is not None
    user = FIRST
    subs = app.services.subscriptions
    await subs.subscribe(user, "leo", time(7, 0), "Europe/Moscow")  # next: 16 June 07:00
    paused = await subs.pause(user, 3)
    assert paused is not None and paused.paused_until == date(2026, 6, 19)

    def seven_am(day: int) -> datetime:
        return datetime(2026, 6, day, 4, 0, tzinfo=UTC)  # 07:00 in Moscow

    for day in (16, 17, 18):
        now.at = seven_am(day)
        await engine.settle()
    assert pushes(fake_telegram, user) == []  # three local days: nothing
    now.at = seven_am(19)
    await engine.settle()
    [resumed] = pushes(fake_telegram, user)
    assert "June 19, 2026" in resumed.params["text"]
    current = await subs.get(user)
    assert current is not None and current.state == "active" and current.paused_until is None

    assert await subs.stop(user) is True
    for day in (20, 21):
        now.at = seven_am(day)
        await engine.settle()
    assert len(pushes(fake_telegram, user)) == 1  # nothing more
    assert [r[1] for r in await deliveries(sessionmaker)] == [date(2026, 6, 19)]


# -- my_chat_member ------------------------------------------------------------------------------


def member_update(tg: FakeTelegram, user: int, status: str, update_id: int) -> Update:
    old = "member" if status == "kicked" else "kicked"
    return Update.model_validate(
        {
            "update_id": update_id,
            "my_chat_member": {
                "chat": tg.chat(user),
                "from": tg.user(user),
                "date": 1,
                "old_chat_member": {"status": old, "user": tg.bot_user, "until_date": 0},
                "new_chat_member": {"status": status, "user": tg.bot_user, "until_date": 0},
            },
        }
    )


async def test_my_chat_member_blocks_stops_and_unblocks_at_once(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    app = await start_bot()
    await settled(app)
    user = FIRST
    await add_subscribers(sessionmaker, [user], due=NOON + timedelta(days=1))
    assert "my_chat_member" in app.dp.resolve_used_update_types()
    await app.dp.feed_update(app.bot, member_update(fake_telegram, user, "kicked", 900_001))
    async with sessionmaker() as session:
        stored = await repositories.get_user(session, user)
    assert stored is not None and stored.blocked
    row = await subscription(sessionmaker, user)
    assert (row.state, row.stop_reason, row.next_due) == ("stopped", "blocked", None)

    await app.dp.feed_update(app.bot, member_update(fake_telegram, user, "member", 900_002))
    async with sessionmaker() as session:
        stored = await repositories.get_user(session, user)
    assert stored is not None and not stored.blocked
    assert (await subscription(sessionmaker, user)).state == "stopped"  # until resubscribed


# -- two senders on one database -----------------------------------------------------------------


def engine_for(
    sessionmaker: async_sessionmaker[AsyncSession],
    tg: FakeTelegram,
    clock: Clock,
    lease_name: str,
    **kwargs: Any,
) -> tuple[PushEngine, TelegramPushSender]:
    from bot.i18n import load_core
    from services.config import Settings, shipped_languages
    from services.horoscope_cache import HoroscopeCacheService

    settings = Settings(_env_file=None, bot_token=TEST_TOKEN, telegram_api_url=tg.base_url)  # type: ignore[call-arg]
    sender = TelegramPushSender(create_push_bot(settings), load_core("en"))
    cache = HoroscopeCacheService(sessionmaker=sessionmaker, clock=clock, language="en")
    engine = PushEngine(
        sessionmaker=sessionmaker,
        clock=clock,
        deliver=sender,
        texts=cache.text_for_day,
        pacer=SendPacer(1000.0),
        languages=shipped_languages(),
        default_language="en",
        lease_name=lease_name,
        **kwargs,
    )
    return engine, sender


async def test_two_senders_at_once_never_deliver_twice(
    database_url: str,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """Two engines that both think they may send (each its own lease name), racing on the
    same due rows: claims and delivery records keep every user to one message."""
    clock = Clock("Europe/Moscow", lambda: NOON)
    ids = list(range(FIRST, FIRST + 300))
    await add_subscribers(sessionmaker, ids, due=NOON)
    engines = [
        engine_for(
            create_sessionmaker(sessionmaker.kw["bind"]),
            fake_telegram,
            clock,
            f"t{i}",
            batch_size=20,
        )
        for i in range(2)
    ]
    try:
        for engine, _ in engines:
            assert await engine.heartbeat()
        claimed = await asyncio.gather(*(engine.run_pass() for engine, _ in engines))
        # A pass ends when its claim finds nothing free: rows the other one was claiming
        # (locked) may still be due. The sender's loop runs another pass; so does the test.
        while sum(more := await asyncio.gather(*(e.run_pass() for e, _ in engines))):
            claimed = [a + b for a, b in zip(claimed, more, strict=True)]
    finally:
        for _, sender in engines:
            await sender.close()
    assert sum(claimed) == 300
    assert sorted(c.params["chat_id"] for c in pushes(fake_telegram)) == ids
    assert [r[2] for r in await deliveries(sessionmaker)] == ["sent"] * 300
    if database_url.startswith("postgresql"):
        assert all(count > 0 for count in claimed)  # both really sent


async def test_a_reservation_in_flight_elsewhere_is_not_sent_until_stale(
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """A 'sending' record another sender holds (its request in flight, or it was killed):
    not sent while fresh; taken over once stale — the documented in-flight window."""
    now = Now(NOON)
    clock = Clock("Europe/Moscow", now)
    user = FIRST
    await add_subscribers(sessionmaker, [user], due=NOON)
    async with sessionmaker() as session, session.begin():
        reserved = await push_db.reserve_delivery(
            session,
            user_id=user,
            local_date=date(2026, 6, 15),
            due_at=NOON,
            holder="ghost:1:deadbeef",
            now=NOON,
            stale_before=NOON - timedelta(seconds=30),
        )
    assert reserved.outcome == "reserved"
    engine, sender = engine_for(sessionmaker, fake_telegram, clock, "solo")
    try:
        assert await engine.heartbeat()
        await engine.run_pass()
        assert pushes(fake_telegram, user) == []
        now.at = NOON + timedelta(seconds=31)
        await engine.run_pass()
        assert len(pushes(fake_telegram, user)) == 1
    finally:
        await sender.close()
    assert [r[2] for r in await deliveries(sessionmaker)] == ["sent"]


def test_due_instants_come_from_the_iana_rules() -> None:
    """What the DST test relies on, spelled out: the gap and the repeat."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("America/New_York")
    before = datetime(2027, 3, 13, 12, 0, tzinfo=UTC)
    assert next_local_occurrence(time(2, 30), zone, before) == datetime(
        2027, 3, 14, 7, 0, tzinfo=UTC
    )


async def test_a_claim_returns_each_users_own_languages(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """The claim brings every row's user's stored languages in its one statement: each row
    its own user's (not another's), None where nothing is stored or no user row exists."""
    # (the helper stores the app's language as detected; none chosen)
    await add_subscribers(sessionmaker, [FIRST], due=NOON, language="ru")
    await add_subscribers(sessionmaker, [FIRST + 1], due=NOON, language="de")
    await add_subscribers(sessionmaker, [FIRST + 2], due=NOON, language=None)
    async with sessionmaker() as session, session.begin():
        await session.execute(
            insert(Subscription).values(
                user_id=FIRST + 3,  # no users row: still claimed, with no languages
                sign="leo",
                push_time=time(12, 0),
                timezone="Europe/Moscow",
                state="active",
                next_due=NOON,
                created_at=NOON,
                updated_at=NOON,
            )
        )
    async with sessionmaker() as session, session.begin():
        rows = await push_db.claim_due(
            session, now=NOON, holder="t", until=NOON + timedelta(seconds=30), limit=10
        )
    assert sorted((row.user_id, row.language, row.detected_language) for row in rows) == [
        (FIRST, None, "ru"),
        (FIRST + 1, None, "de"),
        (FIRST + 2, None, None),
        (FIRST + 3, None, None),
    ]


def test_replies_alone_do_not_grow_the_pacers_memory_of_chats() -> None:
    """Every reply holds its chat's second; with no push sent (the sender idle) the chats
    whose second has passed are still dropped, so a busy bot's pacer stays small."""
    at = [0.0]
    pacer = SendPacer(25.0, timer=lambda: at[0])
    for chat in range(20_000):
        at[0] = chat * 0.01  # 100 replies a second, each to a new chat
        pacer.spend(chat)
        pacer.sent(chat)
    assert len(pacer._chat_next) <= 4097
    assert pacer._chat_next[19_999] == at[0] + 1.0  # the latest chat still holds its second
