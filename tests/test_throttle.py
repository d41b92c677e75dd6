"""Anti-flood: the real BotApp against the Bot API stand-in, with a timer the test moves."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.app import BotApp
from bot.callbacks import SignCallback
from services.throttle import RateLimiter
from services.zodiac import ZodiacSign
from tests.standins.telegram import FakeTelegram
from tests.test_alerts import FakeClock
from tests.test_bot_e2e import ADMIN, USER, open_menu, settled

StartBot = Callable[..., Awaitable[BotApp]]
TOO_FAST = "Not so fast"


async def press_20_times(tg: FakeTelegram, app: BotApp, timer: FakeClock, user: int) -> int:
    """Open the menu, let a minute pass, press Leo 20 times at one instant; return how many
    presses were handled (each handled press edits the message once)."""
    menu = await open_menu(tg, user)
    timer.now += 60
    edits_before = len(tg.calls_of("editMessageText"))
    ids = [
        tg.tap(menu, SignCallback(sign=ZodiacSign.LEO).pack(), user_id=user, check_button=False)
        for _ in range(20)
    ]
    answers = await tg.wait_for_count(
        lambda c: c.method == "answerCallbackQuery" and c.params["callback_query_id"] in ids, 20
    )
    assert len(answers) == 20 and all(a.ok for a in answers)  # every press answered
    assert await app.guard.drain(30) == 0
    return len(tg.calls_of("editMessageText")) - edits_before


async def test_twenty_presses_in_a_second_are_all_answered_five_handled(
    start_bot: StartBot, fake_telegram: FakeTelegram
) -> None:
    timer = FakeClock()
    app = await start_bot(throttle_timer=timer, throttle_rate=5)
    await settled(app)
    assert await press_20_times(fake_telegram, app, timer, USER) == 5
    toasts = [
        c
        for c in fake_telegram.calls_of("answerCallbackQuery")
        if TOO_FAST in (c.params.get("text") or "")
    ]
    assert len(toasts) == 15
    # A second later the bucket has refilled: the user is served again.
    timer.now += 1
    assert await press_20_times(fake_telegram, app, timer, USER) == 5


async def test_an_admin_is_never_throttled(
    start_bot: StartBot, fake_telegram: FakeTelegram
) -> None:
    timer = FakeClock()
    app = await start_bot(throttle_timer=timer, throttle_rate=5)
    await settled(app)
    assert await press_20_times(fake_telegram, app, timer, ADMIN) == 20


async def test_a_flood_of_messages_is_dropped_with_one_notice_a_minute(
    start_bot: StartBot, fake_telegram: FakeTelegram
) -> None:
    timer = FakeClock()
    app = await start_bot(throttle_timer=timer, throttle_rate=3)

    def to_user() -> list[str]:
        return [
            c.params["text"]
            for c in fake_telegram.calls_of("sendMessage")
            if c.params["chat_id"] == USER
        ]

    for _round in range(2):
        before = len(to_user())
        for _ in range(10):
            fake_telegram.send_text("/help", user_id=USER)
        await fake_telegram.wait_for_count(
            lambda c: c.method == "sendMessage" and c.params["chat_id"] == USER, before + 4
        )
        assert await app.guard.drain(30) == 0
        replies = to_user()[before:]
        assert len(replies) == 4, replies  # three /help answers and one notice
        assert sum(TOO_FAST in text for text in replies) == 1
        timer.now += 61  # a minute later: one more notice at most


def test_idle_buckets_are_pruned() -> None:
    timer = FakeClock()
    limiter = RateLimiter(5, timer=timer)
    for user in range(1000):
        assert limiter.allow(user)
    assert limiter.should_notice(1) and not limiter.should_notice(1)
    timer.now += 61
    limiter.allow(5000)
    assert limiter.tracked == 1  # everyone else's bucket refilled and was dropped
    assert limiter.should_notice(1)
