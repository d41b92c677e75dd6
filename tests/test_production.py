"""Production behaviour: webhook mode, /healthz and /metrics, SIGTERM under load, two
replicas on one PostgreSQL, the database going away and coming back."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import SignCallback
from db.engine import create_engine, create_sessionmaker
from db.models import HoroscopeCache, HoroscopeView
from db.sqlite_guard import DatabaseInUseError, lock_sqlite_file
from services.config import Settings
from services.zodiac import ZodiacSign
from tests.conftest import TEST_TOKEN
from tests.processes import BotProcess, env_for, first_event, free_port
from tests.standins.openai_api import OK, FakeOpenAI, Reply, sign_in_prompt
from tests.standins.tcp_proxy import TcpProxy
from tests.standins.telegram import FakeTelegram

SECRET = "s3cret_webhook-token"
# Replicas and the database going away need PostgreSQL (SQLite serves one process).
postgres_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def accept_http_webhooks(telegram: FakeTelegram) -> list[dict[str, Any]]:
    """Telegram only posts to HTTPS; on loopback the test plays Telegram's side instead:
    setWebhook is recorded (not enforced), and updates are relayed by ``deliver``."""
    registered: list[dict[str, Any]] = []

    async def set_webhook(params: dict[str, Any], files: Any) -> bool:
        registered.append(params)
        return True

    telegram.register_method("setWebhook", set_webhook)
    return registered


async def deliver(
    http: aiohttp.ClientSession, telegram: FakeTelegram, url: str, secret: str | None
) -> list[int]:
    """Take the queued updates from the stand-in and POST them like Telegram does."""
    async with http.post(
        f"{telegram.base_url}/bot{telegram.token}/getUpdates", json={"timeout": 0}
    ) as response:
        updates = (await response.json())["result"]
    statuses = []
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    for update in updates:
        async with http.post(url, json=update, headers=headers) as response:
            statuses.append(response.status)
    if updates:  # confirm them, as Telegram forgets delivered updates
        await http.post(
            f"{telegram.base_url}/bot{telegram.token}/getUpdates",
            json={"offset": updates[-1]["update_id"] + 1, "timeout": 0},
        )
    return statuses


async def test_webhook_mode_end_to_end(
    database_url: str,
    fake_telegram: FakeTelegram,
    http: aiohttp.ClientSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    tmp_path: Any,
) -> None:
    registered = accept_http_webhooks(fake_telegram)
    port = free_port()
    bot = BotProcess(
        env_for(
            database_url,
            fake_telegram,
            BOT_MODE="webhook",
            WEBHOOK_URL="https://bot.example.com",
            WEBHOOK_SECRET=SECRET,
            WEB_HOST="127.0.0.1",
            WEB_PORT=str(port),
        )
    )
    await bot.start(str(tmp_path))
    hook = f"http://127.0.0.1:{port}/webhook"
    try:
        await bot.wait_event("web.listening")
        assert registered[0]["url"] == "https://bot.example.com/webhook"
        assert registered[0]["secret_token"] == SECRET
        # my_chat_member: a user blocking the bot (or coming back) is known at once;
        # inline queries and the results chosen: inline mode and its counts.
        assert sorted(registered[0]["allowed_updates"]) == [
            "callback_query",
            "chosen_inline_result",
            "inline_query",
            "message",
            "my_chat_member",
        ]

        # Missing or wrong secret: 401 and nothing handled.
        fake_telegram.send_text("/start")
        assert await deliver(http, fake_telegram, hook, None) == [401]
        fake_telegram.send_text("/start")
        assert await deliver(http, fake_telegram, hook, "wrong") == [401]
        assert fake_telegram.calls_of("sendMessage") == []

        # The right secret: /start answers with the 12 signs.
        fake_telegram.send_text("/start")
        assert await deliver(http, fake_telegram, hook, SECRET) == [200]
        menu = await fake_telegram.wait_for("sendMessage")
        assert sum(len(row) for row in menu.params["reply_markup"]["inline_keyboard"]) == 12

        # A tap, delivered twice (Telegram re-delivers when it got no 2xx in time): handled once.
        fake_telegram.tap(menu.result["message_id"], SignCallback(sign=ZodiacSign.LEO).pack())
        async with http.post(
            f"{fake_telegram.base_url}/bot{fake_telegram.token}/getUpdates", json={"timeout": 0}
        ) as response:
            (tap,) = (await response.json())["result"]
        for _ in range(2):
            async with http.post(
                hook, json=tap, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
            ) as response:
                assert response.status == 200
        shown = await fake_telegram.wait_for(
            lambda c: c.method == "editMessageText" and c.ok and "⏳" not in c.params["text"]
        )
        assert "Leo" in shown.params["text"]
        fake_telegram.send_text("/help")
        await http.post(
            f"{fake_telegram.base_url}/bot{fake_telegram.token}/getUpdates",
            json={"offset": tap["update_id"] + 1, "timeout": 0},
        )
        assert await deliver(http, fake_telegram, hook, SECRET) == [200]
        await fake_telegram.wait_for(
            lambda c: c.method == "sendMessage" and "/horoscope" in c.params["text"]
        )
        assert len(fake_telegram.calls_of("answerCallbackQuery")) == 1
        horoscopes = [
            c
            for c in fake_telegram.calls
            if c.method == "editMessageText" and "⏳" not in c.params["text"]
        ]
        assert len(horoscopes) == 1

        # /healthz and /metrics share the web server.
        async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
            assert response.status == 200
            health = await response.json()
        assert health["database"]["reachable"] is True
        assert health["scheduler"]["running"] is True
        async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
            metrics = await response.text()
        assert 'zodiac_taps_total{sign="leo"} 1.0' in metrics
        assert "zodiac_updates_handled_total" in metrics
    finally:
        code = await bot.stop()
    assert code == 0, bot.log_text()[-3000:]
    log_text = bot.log_text()
    assert TEST_TOKEN.split(":")[1] not in log_text and SECRET not in log_text
    async with sessionmaker() as session:
        views = (await session.execute(select(func.sum(HoroscopeView.view_count)))).scalar()
    assert views == 1


@postgres_only
async def test_healthz_and_metrics_follow_the_database(
    database_url: str,
    fake_telegram: FakeTelegram,
    make_settings: Callable[..., Settings],
    start_bot: Any,
    http: aiohttp.ClientSession,
) -> None:
    """The database goes away between two taps: the bot answers, /healthz says 503, and
    after it returns everything recovers with no restart and no view lost."""
    pg = make_url(database_url)
    proxy = TcpProxy(pg.host or "127.0.0.1", pg.port or 5432)
    await proxy.start()
    url = pg.set(port=proxy.port).render_as_string(hide_password=False)
    port = free_port()
    try:
        app = await start_bot(database_url=url, web_port=port, web_host="127.0.0.1", admin_ids="")
        fill = [t for t in app.services.background if t.get_name() == "startup-fill"]
        await asyncio.gather(*fill)
        health_url = f"http://127.0.0.1:{port}/healthz"
        async with http.get(health_url) as response:
            assert response.status == 200
            body = await response.json()
        assert body["today"]["horoscopes"] == 12 and body["last_job"]["generated"] == 12
        assert body["scheduler"]["next_run"].endswith("+03:00")

        fake_telegram.send_text("/start")
        menu = (await fake_telegram.wait_for("sendMessage")).result["message_id"]

        async def tap(sign: ZodiacSign) -> str:
            query = fake_telegram.tap(menu, SignCallback(sign=sign).pack(), check_button=False)
            answered = await fake_telegram.wait_for(
                lambda c: (
                    c.method == "answerCallbackQuery" and c.params["callback_query_id"] == query
                )
            )
            shown = await fake_telegram.wait_for(
                lambda c: (
                    c.method in ("editMessageText", "sendMessage")
                    and c.seq > answered.seq
                    and "⏳" not in c.params["text"]
                )
            )
            return str(shown.params["text"])

        assert "Aries" in await tap(ZodiacSign.ARIES)
        proxy.cut()  # the database goes away
        assert "Taurus" in await tap(ZodiacSign.TAURUS)  # warm: answered from memory
        async with http.get(health_url) as response:
            assert response.status == 503
            assert (await response.json())["database"]["reachable"] is False
        proxy.restore()
        assert "Gemini" in await tap(ZodiacSign.GEMINI)
        async with http.get(health_url) as response:
            assert response.status == 200
        async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
            metrics = await response.text()
        assert 'zodiac_cache_lookups_total{result="hit"} 3.0' in metrics
        await app.stop()
        engine = create_engine(database_url)
        async with create_sessionmaker(engine)() as session:
            views = dict(
                (
                    await session.execute(
                        select(HoroscopeView.zodiac_sign, HoroscopeView.view_count)
                    )
                ).all()
            )
        await engine.dispose()
        assert views == {"aries": 1, "taurus": 1, "gemini": 1}
    finally:
        await proxy.stop()


async def test_sigterm_under_load_loses_no_view(
    database_url: str,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
    tmp_path: Any,
) -> None:
    bot = BotProcess(env_for(database_url, fake_telegram, VIEW_FLUSH_SECONDS="3600"))
    await bot.start(str(tmp_path))
    await fake_telegram.wait_until_polling(timeout=60)
    await bot.wait_event("daily.done")
    menus = []
    for user in range(2000, 2020):
        fake_telegram.send_text("/start", user_id=user)
    for call in await fake_telegram.wait_for_count("sendMessage", 20, timeout=60):
        menus.append((call.params["chat_id"], call.result["message_id"]))
    signs = list(ZodiacSign)
    for round_ in range(10):
        for i, (chat, message) in enumerate(menus):
            fake_telegram.tap(
                message, SignCallback(sign=signs[(i + round_) % 12]).pack(),
                user_id=chat, check_button=False,
            )  # fmt: skip
    await fake_telegram.wait_for_count(
        lambda c: c.method == "editMessageText" and c.ok, 20, timeout=60
    )
    code = await bot.stop(signal.SIGTERM)  # while taps are still being handled
    assert code == 0, bot.log_text()[-3000:]
    shown = [
        c
        for c in fake_telegram.calls
        if c.method == "editMessageText" and "⏳" not in c.params["text"]
    ]
    async with sessionmaker() as session:
        views = (await session.execute(select(func.sum(HoroscopeView.view_count)))).scalar()
    assert views == len(shown) and views >= 20


@postgres_only
async def test_two_replicas_on_one_postgresql(
    database_url: str,
    fake_openai: FakeOpenAI,
    tmp_path: Any,
) -> None:
    # Leo fails retryably during the job: the replica running it keeps the job lock while it
    # waits to retry, so the other replica's run is skipped whatever the timing.
    fake_openai.default = lambda body: (
        Reply(status=503) if sign_in_prompt(body) is ZodiacSign.LEO else OK
    )
    telegrams = [FakeTelegram(TEST_TOKEN), FakeTelegram(TEST_TOKEN)]
    bots: list[BotProcess] = []
    for telegram in telegrams:
        await telegram.start()
        bots.append(
            BotProcess(
                env_for(
                    database_url,
                    telegram,
                    OPENAI_API_KEY="sk-test",
                    OPENAI_BASE_URL=fake_openai.base_url,
                    DAILY_RETRY_DELAYS="3600",
                )
            )
        )
    try:
        await asyncio.gather(*(b.start(str(tmp_path)) for b in bots))
        await asyncio.gather(*(t.wait_until_polling(timeout=60) for t in telegrams))
        outcomes = await asyncio.gather(
            *(first_event(b, ("daily.retry_wait", "daily.skipped")) for b in bots)
        )
        assert sorted(outcomes) == ["daily.retry_wait", "daily.skipped"]
        assert len(fake_openai.calls) == 12  # 11 signs + leo's failed first attempt
        assert fake_openai.calls_for(ZodiacSign.LEO) == 1

        # 50 taps on the cold sign, spread over both replicas: one LLM call in all.
        fake_openai.default = OK
        fake_openai.gate = asyncio.Event()
        menus = []
        for telegram in telegrams:
            for user in range(3000, 3025):
                telegram.send_text("/start", user_id=user)
        for telegram in telegrams:
            calls = await telegram.wait_for_count("sendMessage", 25, timeout=60)
            menus.append([(c.params["chat_id"], c.result["message_id"]) for c in calls])
        for telegram, chats in zip(telegrams, menus, strict=True):
            for chat, message in chats:
                telegram.tap(message, SignCallback(sign=ZodiacSign.LEO).pack(), user_id=chat)
        await fake_openai.wait_calls(13, timeout=60)
        fake_openai.gate.set()
        for telegram in telegrams:
            shown = await telegram.wait_for_count(
                lambda c: c.method == "editMessageText" and c.ok and "Leo ·" in c.params["text"],
                25,
                timeout=60,
            )
            assert len(shown) == 25
        assert fake_openai.calls_for(ZodiacSign.LEO) == 2  # the job's failure + one generation
        assert len(fake_openai.calls) == 13
        engine = create_engine(database_url)
        async with create_sessionmaker(engine)() as session:
            stored = (
                await session.execute(select(func.count()).select_from(HoroscopeCache))
            ).scalar()
        await engine.dispose()
        assert stored == 12
    finally:
        codes = [await b.stop() for b in bots]
        for telegram in telegrams:
            await telegram.stop()
    assert codes == [0, 0], "\n".join(b.log_text()[-2000:] for b in bots)


def test_a_second_process_on_one_sqlite_file_is_refused(tmp_path: Any) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/bot.db"
    first = lock_sqlite_file(url)
    assert first is not None
    with pytest.raises(DatabaseInUseError, match="SQLite serves one process"):
        lock_sqlite_file(url)
    first.close()
    again = lock_sqlite_file(url)  # released with the first process
    assert again is not None
    again.close()
    assert lock_sqlite_file("postgresql+asyncpg://x@localhost/db") is None


@postgres_only
async def test_regen_on_one_replica_reaches_the_other(
    make_settings: Callable[..., Settings], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    from services.runtime import create_services
    from services.scheduler import generate_daily_horoscopes

    llm_a, llm_b = FakeOpenAI(), FakeOpenAI()
    await llm_a.start()
    await llm_b.start()
    try:
        a, b = (
            create_services(make_settings(openai_api_key="sk", openai_base_url=llm.base_url))
            for llm in (llm_a, llm_b)
        )
        async with sessionmaker() as session:
            first = await a.cache.get_horoscope("leo", "en", session)
            assert await b.cache.get_horoscope("leo", "en", session) == first  # read, not generated
        assert len(llm_b.calls) == 0
        await generate_daily_horoscopes(
            a.cache, signs=[ZodiacSign.LEO], force=True, exclusive=False, cleanup=False
        )
        async with sessionmaker() as session:
            regenerated = await a.cache.get_horoscope("leo", "en", session)
            assert regenerated != first
            assert await b.cache.get_horoscope("leo", "en", session) == first  # stale until refresh
            assert await b.cache.refresh() == 1  # what refresh_loop runs every interval
            assert await b.cache.get_horoscope("leo", "en", session) == regenerated
        await a.close()
        await b.close()
    finally:
        await llm_a.stop()
        await llm_b.stop()


async def test_stop_cancels_a_generation_which_resumes_at_the_next_start(
    database_url: str,
    fake_telegram: FakeTelegram,
    fake_openai: FakeOpenAI,
    sessionmaker: async_sessionmaker[AsyncSession],
    tmp_path: Any,
) -> None:
    env = env_for(
        database_url, fake_telegram, OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=fake_openai.base_url
    )
    fake_openai.gate = asyncio.Event()  # the LLM hangs: the start-up fill is stuck on aries
    first = BotProcess(env)
    await first.start(str(tmp_path))
    await fake_openai.wait_calls(1, timeout=60)
    assert await first.stop(signal.SIGTERM) == 0  # graceful: the fill is cancelled cleanly

    # A handler stuck in a generation: the first signal waits for it, a second exits at once.
    second = BotProcess(env | {"SHUTDOWN_GRACE_SECONDS": "600"})
    await second.start(str(tmp_path))
    # Not wait_until_polling: the first process's abandoned long poll may still count as
    # parked. The update waits in the stand-in's queue until the second process polls.
    await second.wait_event("bot.started")
    fake_telegram.send_text("/start")
    menu = await fake_telegram.wait_for(lambda c: c.method == "sendMessage" and c.ok, timeout=60)
    fake_telegram.tap(menu.result["message_id"], SignCallback(sign=ZodiacSign.PISCES).pack())
    await fake_telegram.wait_for(
        lambda c: c.method == "editMessageText" and "⏳" in c.params["text"]
    )
    assert second.process is not None
    second.process.send_signal(signal.SIGTERM)
    await second.wait_event("bot.stopping")
    assert await second.stop(signal.SIGINT) == 1  # exits without waiting 600 s
    assert not fake_openai.gate.is_set()

    fake_openai.gate.set()
    third = BotProcess(env)
    await third.start(str(tmp_path))
    done = await third.wait_event("daily.done")
    assert done["generated"] == 12
    assert await third.stop() == 0
    async with sessionmaker() as session:
        stored = (await session.execute(select(func.count()).select_from(HoroscopeCache))).scalar()
    assert stored == 12


async def test_a_closing_webhook_turns_deliveries_away_and_lets_accepted_ones_finish(
    http: aiohttp.ClientSession,
) -> None:
    from aiohttp import web

    from bot.web import WebhookGate

    gate = WebhookGate("/webhook")
    entered, release = asyncio.Event(), asyncio.Event()
    order: list[str] = []

    async def webhook(request: web.Request) -> web.Response:
        entered.set()
        await release.wait()  # an update still being handed over when the stop begins
        order.append(f"handled {await request.text()}")
        return web.json_response({})

    app = web.Application(middlewares=[gate.middleware])
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    url = f"http://127.0.0.1:{port}/webhook"

    async def drain() -> None:
        await gate.drained(timeout=10)
        order.append("drained")

    try:
        accepted = asyncio.create_task(http.post(url, data="first"))
        await asyncio.wait_for(entered.wait(), 10)
        gate.refuse_new()
        async with http.post(url, data="second") as refused:
            assert refused.status == 503  # Telegram delivers it again later
        draining = asyncio.create_task(drain())
        release.set()
        await draining
        assert (await accepted).status == 200
        assert order == ["handled first", "drained"]  # the drain waited for the accepted one
    finally:
        await runner.cleanup()
