"""The daily push as operators see it, through the real bot: /status (subscribers, today's
deliveries, the next wave) and /stats (subscribers over time, recorded by the daily job).

Subscriptions are written with the subscription service and db functions, delivery records
straight into ``push_deliveries`` (the sender is not needed to count them). The clock is
12:00 on 15 June 2026 in Moscow (09:00 UTC): today in TIMEZONE runs from 14 June 21:00 UTC to
15 June 21:00 UTC. Both databases.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta

import pytest
from PIL import Image
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import BotApp
from db import push_stats, repositories
from db import subscriptions as subscriptions_db
from db.models import PushDelivery, Subscription
from services.charts import SERIES_COLOUR
from services.subscriptions import SubscriptionService
from tests.conftest import NOON, fixed_clock
from tests.standins.telegram import FakeTelegram
from tests.test_admin_e2e import decode_png, seed_views, text_to
from tests.test_bot_e2e import ADMIN, sent, settled

StartBot = Callable[..., Awaitable[BotApp]]
TODAY = date(2026, 6, 15)


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=UTC)


async def seed_subscriptions(subscriptions: SubscriptionService) -> None:
    """8 active (7 due before today's end in Moscow), 2 paused, 1 stopped."""
    for user in (1, 2, 3):  # 18:00 Moscow = 15:00 UTC
        await subscriptions.subscribe(user, "leo", time(18, 0), "Europe/Moscow")
    # 07:00 in Los Angeles and 19:45 in Kathmandu (+05:45) are both 14:00 UTC: the next wave.
    await subscriptions.subscribe(4, "aries", time(7, 0), "America/Los_Angeles")
    await subscriptions.subscribe(5, "virgo", time(19, 45), "Asia/Kathmandu")
    # 07:00 on 16 June in Kiritimati (+14) is 20:00 on the 15th in Moscow: due today.
    await subscriptions.subscribe(6, "libra", time(7, 0), "Pacific/Kiritimati")
    # 09:00 in Tokyo is 03:00 on the 16th in Moscow: tomorrow.
    await subscriptions.subscribe(7, "gemini", time(9, 0), "Asia/Tokyo")
    for user in (8, 9, 10, 11):
        await subscriptions.subscribe(user, "pisces", time(11, 0), "Europe/Moscow")
    await subscriptions.pause(9, None)
    await subscriptions.pause(10, 3)
    await subscriptions.stop(11, "blocked")


async def seed_deliveries(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    now = NOON

    def record(user: int, local: date, status: str, finished: datetime | None) -> PushDelivery:
        due = finished or now
        return PushDelivery(
            user_id=user, local_date=local, status=status, due_at=due, finished_at=finished
        )

    async with sessionmaker() as session, session.begin():
        # 8's 11:00 push is being sent (a wave in progress): overdue, still due.
        await session.execute(
            update(Subscription).where(Subscription.user_id == 8).values(next_due=utc(15, 8))
        )
        session.add_all(
            [
                record(1, TODAY - timedelta(days=1), "sent", utc(14, 15)),  # yesterday
                # Today in Moscow, whatever the subscriber's local date: Los Angeles' 14 June
                # at 23:30 is 09:30 on the 15th in Moscow.
                record(4, date(2026, 6, 14), "sent", utc(15, 6, 30)),
                record(2, TODAY, "sent", utc(15, 5)),
                record(3, TODAY, "sent", utc(15, 5, 1)),
                # Kiritimati's 15 June was sent on the 14th in Moscow: not today.
                record(6, TODAY, "sent", utc(14, 17)),
                record(12, TODAY, "failed", utc(15, 7)),
                record(13, TODAY, "blocked", utc(15, 5, 2)),
                record(14, TODAY, "blocked", utc(15, 5, 3)),
                record(15, TODAY - timedelta(days=1), "blocked", utc(14, 5)),
                record(16, TODAY, "sending", None),  # in flight: not finished
                # 21:00 UTC is tomorrow in Moscow.
                record(17, TODAY + timedelta(days=1), "sent", utc(15, 21)),
            ]
        )
        await repositories.import_users(session, [(u, None, None) for u in (13, 14, 15)], now)
        for user in (13, 14, 15):
            await repositories.set_user_blocked(session, user, True, now)


@pytest.mark.date_sensitive
async def test_status_shows_subscribers_todays_deliveries_and_the_next_wave(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    app = await start_bot(clock=fixed_clock())
    await settled(app)
    fake_telegram.send_text("/status", user_id=ADMIN)
    before = await fake_telegram.wait_for(text_to(ADMIN, "Bot status"))
    assert before.result["text"].splitlines()[-5:] == [
        "🔔 Daily push",
        "Subscribers: 0 active · 0 paused",
        "Today: 0 sent · 0 still due · 0 failed",
        "Blocked today: 0 · blocked in all: 0",
        "Next wave: none scheduled",
    ]

    await seed_subscriptions(app.services.subscriptions)
    await seed_deliveries(sessionmaker)
    fake_telegram.send_text("/status", user_id=ADMIN)
    reply = await fake_telegram.wait_for(
        lambda c: text_to(ADMIN, "Bot status")(c) and c.seq > before.seq
    )
    lines = reply.result["text"].splitlines()
    assert lines[-6:] == [
        "",
        "🔔 Daily push",
        "Subscribers: 8 active · 2 paused",
        "Today: 3 sent · 7 still due · 1 failed",
        "Blocked today: 2 · blocked in all: 3",
        "Next wave: June 15, 2026 17:00 (Europe/Moscow), 2 due",
    ]
    assert "<b>Daily push</b>" in reply.params["text"]


@pytest.mark.date_sensitive
async def test_status_speaks_the_admins_language(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    app = await start_bot(clock=fixed_clock())
    await settled(app)
    await seed_subscriptions(app.services.subscriptions)
    await seed_deliveries(sessionmaker)
    fake_telegram.send_text("/status", user_id=ADMIN, language_code="ru")
    reply = await fake_telegram.wait_for(text_to(ADMIN, "Состояние бота"))
    assert reply.result["text"].splitlines()[-5:] == [
        "🔔 Ежедневная рассылка",
        "Подписчики: активных 8 · на паузе 2",
        "Сегодня: отправлено 3 · ещё к отправке 7 · не доставлено 1",
        "Заблокировали бота: сегодня 2 · всего 3",
        "Следующая волна: 15 июня 2026\u202fг. 17:00 (Europe/Moscow), к отправке: 2",
    ]


def series_pixels(image: Image.Image, top: int) -> int:
    """Pixels of the subscribers' line colour below ``top``."""
    colour = tuple(int(SERIES_COLOUR[i : i + 2], 16) for i in (1, 3, 5))
    rgb = image.convert("RGB")
    width, height = rgb.size
    return sum(
        1
        for y in range(top, height, 2)
        for x in range(0, width, 2)
        if all(abs(a - b) <= 12 for a, b in zip(rgb.getpixel((x, y)), colour, strict=True))  # type: ignore[arg-type]
    )


@pytest.mark.date_sensitive
async def test_stats_shows_subscribers_over_time_recorded_by_the_daily_job(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    # Five subscribers before the bot starts; counts the daily job took on earlier days.
    async with sessionmaker() as session, session.begin():
        for user in range(1, 6):
            await subscriptions_db.upsert_subscription(
                session, user, sign="leo", push_time=time(8), timezone="Europe/Berlin",
                next_due=utc(16, 6), now=NOON - timedelta(days=20),
            )  # fmt: skip
        for day, count in ((date(2026, 6, 8), 2), (date(2026, 6, 10), 3)):
            assert await push_stats.record_daily_count(session, day, push_stats.SUBSCRIBERS, count)
    app = await start_bot(clock=fixed_clock())
    await settled(app)  # the start-up run of the daily job: yesterday's count, once
    async with sessionmaker() as session:
        recorded = await push_stats.daily_counts(
            session, push_stats.SUBSCRIBERS, date(2026, 6, 1), TODAY
        )
    assert recorded == {date(2026, 6, 8): 2, date(2026, 6, 10): 3, date(2026, 6, 14): 5}
    # Two more subscribe today: today's figure is live.
    await app.services.subscriptions.subscribe(6, "aries", time(7, 0), "Europe/Moscow")
    await app.services.subscriptions.subscribe(7, "aries", time(7, 0), "Europe/Moscow")
    await app.services.subscriptions.stop(1)
    # Another run of the job (a restart, a replica) does not move yesterday's count.
    report = app.services.daily.last_report
    assert report is not None
    await app.services.daily.record(report)
    async with sessionmaker() as session:
        again = await push_stats.daily_counts(
            session, push_stats.SUBSCRIBERS, date(2026, 6, 14), TODAY
        )
    assert again == {date(2026, 6, 14): 5}

    await seed_views(sessionmaker, TODAY)
    fake_telegram.send_text("/stats", user_id=ADMIN)
    chart = await fake_telegram.wait_for(sent("sendPhoto", ADMIN))
    caption = chart.result["caption"].splitlines()
    assert caption[-1] == "🔔 Subscribers: 6 · yesterday 5 · 7 days ago 2"
    image = decode_png(chart)
    assert image.size == (960, 1032)  # the views, and the subscribers' panel under them
    assert series_pixels(image, 720) > 30
    assert series_pixels(image, 0) == series_pixels(image, 720)  # only in that panel

    # The period buttons redraw both; 30 days of subscribers under the 30 days' views.
    fake_telegram.tap(chart.result["message_id"], "stats:30", user_id=ADMIN)
    edited = await fake_telegram.wait_for("editMessageMedia")
    assert decode_png(edited).size == (960, 1032)
    shown = fake_telegram.messages[(ADMIN, chart.result["message_id"])]
    assert shown["caption"].splitlines()[-1] == "🔔 Subscribers: 6 · yesterday 5 · 7 days ago 2"

    fake_telegram.send_text("/stats 7", user_id=ADMIN, language_code="de")
    german = await fake_telegram.wait_for(
        lambda c: sent("sendPhoto", ADMIN)(c) and c.seq > chart.seq
    )
    assert german.result["caption"].splitlines()[-1] == (
        "🔔 Abonnenten: 6 · gestern 5 · vor 7 Tagen 2"
    )


@pytest.mark.date_sensitive
async def test_stats_without_subscribers_keeps_the_views_chart_alone(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    app = await start_bot(clock=fixed_clock())
    await settled(app)
    await seed_views(sessionmaker, TODAY)
    fake_telegram.send_text("/stats", user_id=ADMIN)
    chart = await fake_telegram.wait_for(sent("sendPhoto", ADMIN))
    assert "Subscribers" not in chart.result["caption"]
    image = decode_png(chart)
    assert image.size == (960, 720)
    assert series_pixels(image, 0) == 0
