"""The sandbox's web chat API and settings, over real HTTP (no browser: see
test_sandbox_browser.py for the page itself)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import PushDelivery, Subscription
from sandbox.config import (
    SANDBOX_ADMIN_ID,
    SANDBOX_TOKEN,
    SandboxSettings,
    bot_token_configured,
    load_sandbox_settings,
)
from sandbox.runner import make_due_now, sandbox_users
from sandbox.telegram_api import FakeTelegram
from sandbox.web import ChatWeb, SandboxUser, image_type
from services.config import SettingsError, load_settings
from services.local_time import local_due
from services.subscriptions import SubscriptionService
from tests.conftest import fixed_clock

ALICE = SandboxUser(1001, "Alice", "alice")
ADMIN = SandboxUser(42, "Admin", "admin", is_admin=True)


@pytest.fixture
async def served() -> AsyncIterator[tuple[FakeTelegram, ChatWeb]]:
    async with FakeTelegram(SANDBOX_TOKEN) as tg:
        web = ChatWeb(tg, [ALICE, ADMIN], language_code="en")
        await web.start(port=0)
        try:
            yield tg, web
        finally:
            await web.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def bot_call(
    http: aiohttp.ClientSession, tg: FakeTelegram, method: str, **params: Any
) -> dict[str, Any]:
    form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    async with http.post(f"{tg.base_url}/bot{tg.token}/{method}", data=form) as response:
        body: dict[str, Any] = await response.json()
        assert body["ok"], body
        return body


async def test_page_and_static_files(
    served: tuple[FakeTelegram, ChatWeb], http: aiohttp.ClientSession
) -> None:
    _, web = served
    assert web.url.startswith("http://127.0.0.1:") and web.url.endswith("/")
    async with http.get(web.url) as response:
        assert response.status == 200
        page = await response.text()
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert '<script src="/static/app.js"></script>' in page
    assert "cdn" not in page.lower() and "https://" not in page  # works offline
    for name, kind in (("app.js", "javascript"), ("style.css", "text/css")):
        async with http.get(f"{web.url}static/{name}") as response:
            assert response.status == 200 and kind in response.headers["Content-Type"]
            body = await response.text()
            for sink in (".innerHTML", ".outerHTML", "insertAdjacentHTML", "document.write"):
                assert sink not in body  # the page never parses text as HTML


async def test_state_lists_users_and_the_command_menu(
    served: tuple[FakeTelegram, ChatWeb], http: aiohttp.ClientSession
) -> None:
    tg, web = served
    await bot_call(
        http, tg, "setMyCommands", commands=[{"command": "start", "description": "Start"}]
    )
    async with http.get(f"{web.url}api/state") as response:
        state = await response.json()
    assert state["bot"]["id"] == tg.bot_id
    assert [(u["id"], u["first_name"], u["is_admin"]) for u in state["users"]] == [
        (1001, "Alice", False),
        (42, "Admin", True),
    ]
    assert state["commands"] == [{"command": "start", "description": "Start"}]
    # The users are Telegram users the bot sees by name and language.
    assert tg.user(1001)["first_name"] == "Alice" and tg.user(42)["language_code"] == "en"


async def test_a_message_and_a_tap_become_updates_and_events(
    served: tuple[FakeTelegram, ChatWeb], http: aiohttp.ClientSession
) -> None:
    tg, web = served
    async with http.get(f"{web.url}api/events") as stream:
        assert stream.headers["Content-Type"] == "text/event-stream"
        assert (await stream.content.readline()).startswith(b"retry:")

        async def next_event() -> dict[str, Any]:
            async with asyncio.timeout(10):
                while True:
                    line = await stream.content.readline()
                    if line.startswith(b"data: "):
                        event: dict[str, Any] = json.loads(line[6:])
                        return event

        async with http.post(f"{web.url}api/chats/1001/messages", json={"text": "/start"}) as r:
            assert r.status == 200
        event = await next_event()
        assert (event["kind"], event["chat_id"], event["data"]["text"]) == (
            "message",
            1001,
            "/start",
        )
        (update,) = (await bot_call(http, tg, "getUpdates"))["result"]
        assert update["message"]["from"]["first_name"] == "Alice"

        keyboard = {"inline_keyboard": [[{"text": "Leo", "callback_data": "sign:leo"}]]}
        sent = await bot_call(
            http, tg, "sendMessage", chat_id=1001, text="<b>Pick</b>", parse_mode="HTML",
            reply_markup=keyboard,
        )  # fmt: skip
        event = await next_event()
        assert event["kind"] == "message"
        assert event["data"]["entities"] == [{"type": "bold", "offset": 0, "length": 4}]
        assert event["data"]["reply_markup"] == keyboard

        message_id = sent["result"]["message_id"]
        tap = {"message_id": message_id, "data": "sign:leo"}
        async with http.post(f"{web.url}api/chats/1001/taps", json=tap) as response:
            query_id = (await response.json())["callback_query_id"]
        await bot_call(http, tg, "answerCallbackQuery", callback_query_id=query_id, text="Hi")
        event = await next_event()
        assert (event["kind"], event["data"]["text"]) == ("callback_answer", "Hi")

    async with http.get(f"{web.url}api/chats/1001") as response:
        messages = (await response.json())["messages"]
    assert [m["text"] for m in messages] == ["/start", "Pick"]


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("api/chats/999/messages", {"text": "hi"}, 404),
        ("api/chats/abc/messages", {"text": "hi"}, 404),
        ("api/chats/1001/messages", {"text": "  "}, 400),
        ("api/chats/1001/messages", {"text": "x" * 4097}, 400),
        ("api/chats/1001/messages", ["not", "an", "object"], 400),
        ("api/chats/1001/taps", {"message_id": "1", "data": "x"}, 400),
        ("api/chats/1001/taps", {"message_id": 77, "data": "x"}, 409),
        ("api/chats/1001/keyboard", {"text": "Kyiv"}, 409),  # no keyboard in the chat
        ("api/chats/1001/keyboard", {"text": 5}, 400),
        ("api/chats/1001/locations", {"latitude": 91, "longitude": 0}, 400),
        ("api/chats/1001/locations", {"latitude": -90.5, "longitude": 0}, 400),
        ("api/chats/1001/locations", {"latitude": 0, "longitude": 180.5}, 400),
        ("api/chats/1001/locations", {"latitude": 0, "longitude": -181}, 400),
        ("api/chats/1001/locations", {"latitude": "55.7", "longitude": 37.6}, 400),
        ("api/chats/1001/locations", {"latitude": True, "longitude": 37.6}, 400),
        ("api/chats/1001/locations", {"latitude": 55.7}, 400),
        ("api/chats/999/locations", {"latitude": 55.7, "longitude": 37.6}, 404),
        ("api/chats/1001/due-now", {}, 404),  # a ChatWeb without the control
    ],
)
async def test_bad_requests_are_refused(
    served: tuple[FakeTelegram, ChatWeb],
    http: aiohttp.ClientSession,
    path: str,
    body: Any,
    status: int,
) -> None:
    tg, web = served
    async with http.post(web.url + path, json=body) as response:
        assert response.status == status
    assert tg.messages == {}


async def test_only_real_raster_images_are_served_as_images(
    served: tuple[FakeTelegram, ChatWeb], http: aiohttp.ClientSession
) -> None:
    tg, web = served
    ids = {}
    for name, data in (("chart.png", b"\x89PNG\r\n\x1a\nrest"), ("x.svg", b"<svg onload=1>")):
        form = aiohttp.FormData()
        form.add_field("chat_id", "1001")
        form.add_field("photo", data, filename=name, content_type="image/svg+xml")
        async with http.post(f"{tg.base_url}/bot{tg.token}/sendPhoto", data=form) as response:
            ids[name] = (await response.json())["result"]["photo"][-1]["file_id"]
    async with http.get(f"{web.url}api/files/{ids['chart.png']}") as response:
        assert response.content_type == "image/png"
        assert await response.read() == b"\x89PNG\r\n\x1a\nrest"
    async with http.get(f"{web.url}api/files/{ids['x.svg']}") as response:
        assert response.content_type == "application/octet-stream"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    async with http.get(f"{web.url}api/files/nope") as response:
        assert response.status == 404


def test_image_type() -> None:
    assert image_type(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert image_type(b"GIF89a...") == "image/gif"
    assert image_type(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert image_type(b"<svg/>") is None


def test_sandbox_users_and_the_admin() -> None:
    users = sandbox_users(frozenset())
    assert [(u.first_name, u.is_admin, u.language_code) for u in users] == [
        ("Alice", False, None),  # None: the app is in LANGUAGE, the bot's default
        ("Bob", False, None),
        ("Olena", False, "uk"),
        ("João", False, "pt-br"),
        ("Admin", True, None),
    ]
    assert users[-1].id == SANDBOX_ADMIN_ID
    assert sandbox_users(frozenset({555, 42}))[-1].id == 42
    assert [u.id for u in sandbox_users(frozenset({1001}))] == [1002, 1003, 1004, 1001]


async def test_each_user_sees_the_bot_in_their_app_language(http: aiohttp.ClientSession) -> None:
    olena = SandboxUser(1003, "Olena", "olena", language_code="uk")
    joao = SandboxUser(1004, "João", "joao", language_code="pt-br")
    async with FakeTelegram(SANDBOX_TOKEN) as tg:
        web = ChatWeb(tg, [ALICE, olena, joao], language_code="en")
        await web.start(port=0)
        try:
            await bot_call(
                http, tg, "setMyCommands", commands=[{"command": "start", "description": "Start"}]
            )
            await bot_call(
                http,
                tg,
                "setMyCommands",
                commands=[{"command": "start", "description": "Почати"}],
                language_code="uk",
            )
            await bot_call(http, tg, "setMyDescription", description="Daily horoscopes.")
            async with http.get(f"{web.url}api/events") as stream:
                assert (await stream.content.readline()).startswith(b"retry:")
                await bot_call(
                    http, tg, "setMyDescription", description="Гороскоп щодня.", language_code="uk"
                )
                async with asyncio.timeout(10):
                    line = b""
                    while not line.startswith(b"data: "):
                        line = await stream.content.readline()
                event = json.loads(line[6:])
            # The page is told what each user's app now shows.
            assert event["kind"] == "description" and event["chat_id"] is None
            assert event["data"]["users"]["1003"]["description"] == "Гороскоп щодня."
            assert event["data"]["users"]["1004"]["description"] == "Daily horoscopes."

            async with http.get(f"{web.url}api/state") as response:
                users = {u["first_name"]: u for u in (await response.json())["users"]}
            assert {name: u["language_code"] for name, u in users.items()} == {
                "Alice": "en",
                "Olena": "uk",
                "João": "pt-br",
            }
            assert users["Olena"]["commands"] == [{"command": "start", "description": "Почати"}]
            assert users["João"]["commands"] == [{"command": "start", "description": "Start"}]
            assert users["Olena"]["description"] == "Гороскоп щодня."
            assert users["Alice"]["description"] == "Daily horoscopes."

            # What a user types reaches the bot with their app's language.
            for user in (olena, joao, ALICE):
                async with http.post(
                    f"{web.url}api/chats/{user.id}/messages", json={"text": "/start"}
                ) as r:
                    assert r.status == 200
            updates = await bot_call(http, tg, "getUpdates")
        finally:
            await web.stop()
    senders = [u["message"]["from"] for u in updates["result"]]
    assert [(s["first_name"], s["language_code"]) for s in senders] == [
        ("Olena", "uk"),
        ("João", "pt-br"),
        ("Alice", "en"),
    ]


def test_sandbox_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("SANDBOX_PORT", "SANDBOX_RATE_LIMIT", "BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    defaults = SandboxSettings()
    assert (defaults.host, defaults.port, defaults.rate_limit) == ("127.0.0.1", 8081, 1.0)
    monkeypatch.setenv("SANDBOX_PORT", "9090")
    assert load_sandbox_settings().port == 9090
    monkeypatch.setenv("SANDBOX_PORT", "http")
    with pytest.raises(SettingsError, match=r"^SANDBOX_PORT is invalid"):
        load_sandbox_settings()
    # The sandbox's token is one the bot's settings accept.
    assert load_settings(_env_file=None, bot_token=SANDBOX_TOKEN).bot_token.get_secret_value()


def test_bot_token_configured_reads_env_and_dotenv(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    assert not bot_token_configured()
    (tmp_path / ".env").write_text("BOT_TOKEN=\nLANGUAGE=en\n")  # as in .env.example
    assert not bot_token_configured()
    (tmp_path / ".env").write_text("BOT_TOKEN=123456:abc\n")
    assert bot_token_configured()
    monkeypatch.setenv("BOT_TOKEN", " ")
    assert not bot_token_configured()  # the environment wins over .env


async def read_event(stream: aiohttp.ClientResponse, kind: str) -> dict[str, Any]:
    """The next event of ``kind`` on an open /api/events stream."""
    async with asyncio.timeout(10):
        while True:
            line = await stream.content.readline()
            if line.startswith(b"data: "):
                event: dict[str, Any] = json.loads(line[6:])
                if event["kind"] == kind:
                    return event


async def test_reply_keyboard_press_and_shared_location(
    served: tuple[FakeTelegram, ChatWeb], http: aiohttp.ClientSession
) -> None:
    tg, web = served
    markup = {
        "keyboard": [[{"text": "📍 Share location", "request_location": True}], ["Type a city"]],
        "one_time_keyboard": True,
        "resize_keyboard": True,
    }
    async with http.get(f"{web.url}api/events") as stream:
        sent = await bot_call(
            http, tg, "sendMessage", chat_id=1001, text="Your zone?", reply_markup=markup
        )
        event = await read_event(stream, "keyboard")
        assert event["chat_id"] == 1001
        assert event["data"]["reply_keyboard"]["keyboard"][0][0] == {
            "text": "📍 Share location",
            "request_location": True,
        }
        # The chat's state carries the keyboard for a page that opens later.
        async with http.get(f"{web.url}api/chats/1001") as response:
            chat = await response.json()
        assert chat["input"]["reply_keyboard"]["message_id"] == sent["result"]["message_id"]
        assert chat["input"]["reply_keyboard"]["hidden"] is False

        # The location panel sends a location message; the one-time keyboard hides.
        where = {"latitude": 56.8389, "longitude": 60.6057}
        async with http.post(f"{web.url}api/chats/1001/locations", json=where) as response:
            assert response.status == 200
            update_id = (await response.json())["update_id"]
        event = await read_event(stream, "message")
        assert event["data"]["location"] == where
        event = await read_event(stream, "keyboard")
        assert event["data"]["reply_keyboard"]["hidden"] is True

    (update,) = (await bot_call(http, tg, "getUpdates", offset=update_id))["result"]
    assert update["message"]["location"] == where
    assert update["message"]["from"]["id"] == 1001 and "text" not in update["message"]

    # A text button sends its text; a press on a button the keyboard lacks is refused.
    await bot_call(
        http, tg, "sendMessage", chat_id=1001, text="Again?", reply_markup={"keyboard": [["Yes"]]}
    )
    async with http.post(f"{web.url}api/chats/1001/keyboard", json={"text": "Yes"}) as response:
        assert response.status == 200
        update_id = (await response.json())["update_id"]
    (update,) = (await bot_call(http, tg, "getUpdates", offset=update_id))["result"]
    assert update["message"]["text"] == "Yes"
    async with http.post(f"{web.url}api/chats/1001/keyboard", json={"text": "No"}) as response:
        assert response.status == 409
        assert "no reply button 'No'" in await response.text()


async def test_a_message_the_bot_sends_on_its_own_is_streamed(
    served: tuple[FakeTelegram, ChatWeb], http: aiohttp.ClientSession
) -> None:
    """The daily push is a sendMessage nobody asked for: the page hears of it like any other."""
    tg, web = served
    async with http.get(f"{web.url}api/events") as stream:
        await bot_call(http, tg, "sendMessage", chat_id=1001, text="☀️ Your horoscope for today")
        event = await read_event(stream, "message")
    assert (event["chat_id"], event["data"]["text"]) == (1001, "☀️ Your horoscope for today")
    assert event["data"]["from"]["id"] == tg.bot_id


def utc(instant: datetime) -> datetime:
    """SQLite hands a stored instant back without its zone (UTC)."""
    return instant.replace(tzinfo=instant.tzinfo or UTC)


@pytest.mark.date_sensitive
async def test_make_my_next_delivery_due_now(
    sessionmaker: async_sessionmaker[AsyncSession], http: aiohttp.ClientSession
) -> None:
    clock = fixed_clock()
    subscriptions = SubscriptionService(sessionmaker, clock)
    bob = SandboxUser(1002, "Bob", "bob")
    async with FakeTelegram(SANDBOX_TOKEN) as tg:
        web = ChatWeb(
            tg,
            [ALICE, bob, ADMIN],
            language_code="en",
            due_now=lambda user_id: make_due_now(subscriptions, user_id),
        )
        await web.start(port=0)
        try:
            async with http.get(f"{web.url}api/state") as response:
                assert (await response.json())["controls"] == {"due_now": True}

            async def due_now(user_id: int) -> tuple[int, dict[str, Any]]:
                async with http.post(f"{web.url}api/chats/{user_id}/due-now") as response:
                    return response.status, await response.json()

            # No subscription: the control says to subscribe first, and nothing is written.
            status, answer = await due_now(1001)
            assert (status, answer["status"], answer["next_due"]) == (200, "no_subscription", None)
            assert "/subscribe" in answer["message"]
            assert await subscriptions.get(1001) is None

            subscribed = await subscriptions.subscribe(
                1001, "leo", time(7, 30), "Asia/Yekaterinburg"
            )
            assert subscribed.next_due is not None and utc(subscribed.next_due) > clock.utc_now()
            status, answer = await due_now(1001)
            assert (status, answer["status"]) == (200, "done")
            now = await subscriptions.get(1001)
            assert now is not None and now.next_due is not None
            # Due at the latest 07:30 that has come in Yekaterinburg (+05, the clock at 14:00
            # there): 07:30 that day. The sender's plan delivers that local date now.
            zone = ZoneInfo("Asia/Yekaterinburg")
            assert clock.utc_now() == datetime(2026, 6, 15, 9, 0, tzinfo=UTC)
            due = datetime(2026, 6, 15, 2, 30, tzinfo=UTC)
            assert utc(now.next_due) == due
            assert answer["next_due"] == due.isoformat()
            assert (now.sign, now.push_time, now.timezone, now.state) == (
                "leo",
                time(7, 30),
                "Asia/Yekaterinburg",
                "active",
            )

            # That date delivered (as the sender records it): pressing again changes nothing
            # and says so — one push per local date, the sandbox included.
            day = due.astimezone(zone).date()
            async with sessionmaker() as session, session.begin():
                session.add(
                    PushDelivery(
                        user_id=1001, local_date=day, status="sent", due_at=due, finished_at=due
                    )
                )
                await session.execute(
                    update(Subscription)
                    .where(Subscription.user_id == 1001)
                    .values(next_due=local_due(day + timedelta(days=1), time(7, 30), zone))
                )
            moved_on = await subscriptions.get(1001)
            status, answer = await due_now(1001)
            assert (status, answer["status"], answer["next_due"]) == (
                200,
                "already_delivered",
                None,
            )
            assert f"{day:%B %-d}, your local date, went out already" in answer["message"]
            assert "07:30" in answer["message"]
            assert await subscriptions.get(1001) == moved_on

            # Paused or stopped: left alone, and the answer says why.
            await subscriptions.subscribe(1002, "aries", time(8, 0), "Europe/Kyiv")
            paused = await subscriptions.pause(1002, 3)
            assert paused is not None
            status, answer = await due_now(1002)
            assert (status, answer["status"]) == (200, "paused")
            assert await subscriptions.get(1002) == paused
            await subscriptions.stop(1002)
            status, answer = await due_now(1002)
            assert (status, answer["status"]) == (200, "stopped")
            stopped = await subscriptions.get(1002)
            assert stopped is not None and stopped.next_due is None
        finally:
            await web.stop()
