"""The sandbox's web chat in real headless Chromium (Debian's /usr/bin/chromium, driven by
Playwright's Python package; no browser is downloaded).

The whole sandbox runs in the test's event loop: the local Bot API server, the production
bot polling it and the chat page. Outside CI a missing Chromium skips these tests with the
reason; in CI (CI=true) it is an error. The screenshot goes to tests/artifacts/.
"""

from __future__ import annotations

import os
import re
import struct
import zlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.i18n import Translator, load_core
from sandbox.config import SANDBOX_ADMIN_ID, SANDBOX_TOKEN, load_sandbox_settings
from sandbox.runner import Sandbox
from sandbox.telegram_api import ApiCall
from services.config import Settings
from services.zodiac import ZODIAC_SIGNS
from tests.conftest import IN_CI, TEST_TOKEN

CHROMIUM = Path(os.environ.get("SANDBOX_TEST_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).parent / "artifacts"
ALICE = 1001
OLENA = 1003  # her Telegram app is in Ukrainian
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Playwright's expect() polls the page until the condition holds or this many ms pass.
EXPECT_MS = 20_000

playwright_api = pytest.importorskip("playwright.async_api")
expect = playwright_api.expect
expect.set_options(timeout=EXPECT_MS)


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
        print(f"\nsandbox browser tests: {reason}")
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture
async def sandbox(tmp_path: Path, sqlite_template: bytes) -> AsyncIterator[Sandbox]:
    db = tmp_path / "sandbox.db"
    db.write_bytes(sqlite_template)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        bot_token=TEST_TOKEN,  # replaced by the sandbox's own
        database_url=f"sqlite+aiosqlite:///{db}",
        language="en",
        view_flush_seconds=0.2,
        on_demand_retry_delays="0.05",
        daily_retry_delays="0.05",
    )
    options = load_sandbox_settings(_env_file=None, port=0, open_browser=False)
    async with Sandbox(settings, options) as running:
        yield running


@pytest.fixture
async def page(chromium: Path, tmp_path: Path) -> AsyncIterator[Any]:
    async with playwright_api.async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),  # a fresh --user-data-dir
            executable_path=str(chromium),
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 760, "height": 1000},
        )
        try:
            page = context.pages[0] if context.pages else await context.new_page()
            problems: list[str] = []
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on(
                "console",
                lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None,
            )
            page.on("dialog", lambda d: problems.append(f"dialog: {d.message}"))
            page.problems = problems
            yield page
        finally:
            await context.close()


def png(width: int = 64, height: int = 40) -> bytes:
    """A real PNG (a blue-to-green gradient), made without any imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(
        b"\x00" + b"".join(bytes((40, 4 * x % 256, 200)) for x in range(width))
        for _ in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def bot_api(sandbox: Sandbox) -> Bot:
    """Talk to the sandbox's Bot API server as the bot does (for messages the bot never
    sends by itself: hostile text, a photo)."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(sandbox.tg.base_url))
    return Bot(SANDBOX_TOKEN, session=session)


def to_chat(chat: int, method: str) -> Callable[[ApiCall], bool]:
    return lambda c: c.method == method and c.ok and c.params.get("chat_id") == chat


async def open_chat(page: Any, sandbox: Sandbox) -> None:
    await page.goto(sandbox.url)
    await expect(page.locator("body[data-ready=true]")).to_be_attached(timeout=EXPECT_MS)


async def send(page: Any, text: str) -> None:
    await page.locator("#text").fill(text)
    await page.locator("#text").press("Enter")


async def screenshot(page: Any, name: str) -> Path:
    """Save a screenshot as a test artifact (tests/artifacts/, git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / name
    await page.screenshot(path=str(shot), full_page=True)
    print(f"\nsandbox screenshot: {shot}")
    assert shot.stat().st_size > 10_000
    return shot


async def test_start_tap_regen_stats_in_chromium(page: Any, sandbox: Sandbox) -> None:
    tg = sandbox.tg
    await open_chat(page, sandbox)
    await expect(page.locator("#user-select")).to_have_value(str(ALICE))
    # The admin's start-up summary (a message nobody asked for) may already show as unread.
    await expect(page.locator("#user-select option")).to_have_text(
        ["Alice", "Bob", "Olena", "João", re.compile(r"^Admin \(admin\)( • 1 new)?$")]
    )

    # The command menu comes from setMyCommands.
    await page.locator("#menu-button").click()
    await expect(page.locator("#command-menu .command")).to_have_text(
        [
            "/start",
            "/horoscope",
            "/subscribe",
            "/stop",
            "/language",
            "/settings",
            "/help",
            "/forget",
        ]
    )
    await page.locator("#command-menu button", has_text="/start").click()
    menu_call = await tg.wait_for(to_chat(ALICE, "sendMessage"))
    menu_id = menu_call.result["message_id"]
    menu = page.locator(f'.message.in[data-message-id="{menu_id}"]')
    await expect(menu.locator(".text")).to_have_text(menu_call.result["text"])
    await expect(menu.locator(".text")).to_contain_text("Hi, Alice!")
    await expect(menu.locator(".text")).to_contain_text("Choose your zodiac sign:")
    buttons = menu.locator(".inline-button")
    await expect(buttons).to_have_count(12)
    await expect(buttons).to_have_text([f"{i.emoji} {i.name('en')}" for i in ZODIAC_SIGNS.values()])
    await expect(page.locator(".message.out .text").first).to_have_text("/start")

    # A tap: the same message now shows Leo's horoscope (the callback is answered first).
    await buttons.filter(has_text="Leo").click()
    shown = await tg.wait_for(
        lambda c: (
            c.method == "editMessageText"
            and c.ok
            and c.params["message_id"] == menu_id
            and "Leo" in c.params["text"]
            and "⏳" not in c.params["text"]
        )
    )
    visible = shown.result["text"]
    assert "Leo" in visible and len(visible) > 200
    await expect(menu.locator(".text")).to_have_text(visible)
    await expect(menu.locator(".meta")).to_contain_text("edited")
    await expect(page.locator(".message.in")).to_have_count(1)  # replaced, not added
    # "Share", "Every morning" and "all signs".
    await expect(menu.locator(".inline-button")).to_have_count(3)
    await expect(menu.locator(".inline-button").first).to_contain_text("Share")
    await expect(menu.locator(".inline-button").nth(1)).to_contain_text("Every morning")
    bold = menu.locator(".text b").first
    await expect(bold).to_contain_text("Leo")  # the bot's <b> rendered as bold
    await screenshot(page, "sandbox-horoscope.png")

    # Switch to the admin: their own chat, which holds only the start-up job's summary
    # alert; /regen rewrites all twelve.
    summary = await tg.wait_for(
        lambda c: c.method == "sendMessage" and c.ok and c.params["chat_id"] == SANDBOX_ADMIN_ID,
        timeout=60,
    )
    assert "12/12" in summary.result["text"]
    await page.locator("#user-select").select_option(str(SANDBOX_ADMIN_ID))
    await expect(page.locator(".message")).to_have_count(1)
    await expect(page.locator(".message.in .text")).to_have_text(summary.result["text"])
    await expect(page.locator("#role-note")).to_contain_text("an admin")
    await expect(page.locator("#user-select option").nth(4)).to_have_text("Admin (admin)")  # read
    await send(page, "/regen")
    done = await tg.wait_for(
        lambda c: (
            c.method == "editMessageText"
            and c.ok
            and c.params["chat_id"] == SANDBOX_ADMIN_ID
            and "Done" in c.params["text"]
        ),
        timeout=60,
    )
    assert "12 of 12" in done.result["text"]
    status = page.locator(f'.message.in[data-message-id="{done.result["message_id"]}"]')
    await expect(status.locator(".text")).to_have_text(done.result["text"])

    # /stats: the views so far (Alice's tap), as the bot answers them; every photo it sends
    # (the chart) must show as a loaded image.
    before = len(tg.calls)
    await send(page, "/stats")
    reply = await tg.wait_for(
        lambda c: (
            c.seq > before
            and c.ok
            and c.method in ("sendMessage", "sendPhoto")
            and c.params["chat_id"] == SANDBOX_ADMIN_ID
        ),
        timeout=30,
    )
    replies = [
        c
        for c in tg.calls
        if c.seq >= reply.seq and c.ok and c.params.get("chat_id") == SANDBOX_ADMIN_ID
    ]
    for call in replies:
        node = page.locator(f'.message.in[data-message-id="{call.result["message_id"]}"]')
        await expect(node).to_be_visible()
        if "photo" in call.result:
            await expect(node.locator("img.photo")).to_be_visible()
            assert await node.locator("img.photo").evaluate("i => i.complete && i.naturalWidth > 0")
        if "text" in call.result:
            await expect(node.locator(".text")).to_have_text(call.result["text"])
    # A photo from the bot (what a chart is to Telegram) is shown inline, loaded.
    bot = bot_api(sandbox)
    try:
        sent = await bot.send_photo(
            SANDBOX_ADMIN_ID,
            BufferedInputFile(png(), filename="chart.png"),
            caption="<b>Views</b> chart",
            parse_mode="HTML",
        )
    finally:
        await bot.session.close()
    photo = page.locator(f'.message.in[data-message-id="{sent.message_id}"]')
    image = photo.locator("img.photo")
    await expect(image).to_be_visible()
    await expect(photo.locator(".text")).to_have_text("Views chart")
    await expect(photo.locator(".text b")).to_have_text("Views")
    assert await image.evaluate("i => [i.naturalWidth, i.naturalHeight]") == [64, 40]

    await screenshot(page, "sandbox-admin-chat.png")

    # Back to Alice: her chat is as she left it.
    await page.locator("#user-select").select_option(str(ALICE))
    await expect(menu.locator(".text")).to_have_text(visible)
    assert page.problems == []


async def test_hostile_text_is_shown_never_run(page: Any, sandbox: Sandbox) -> None:
    tg = sandbox.tg
    await open_chat(page, sandbox)
    script = "<script>window.__pwned = 1</script>"
    image = '<img src=x onerror="window.__pwned = 2">'
    bot = bot_api(sandbox)
    try:
        # Plain text (no parse mode) arrives exactly as written.
        plain = await bot.send_message(ALICE, f"{script} and {image}")
        # HTML mode: escaped markup is text; a javascript: link is kept by Telegram, but the
        # page gives it no href.
        formatted = await bot.send_message(
            ALICE,
            '&lt;img src=x onerror="window.__pwned=3"&gt; <b>bold</b> '
            '<a href="javascript:window.__pwned=4">click</a> <a href="https://example.org/">ok</a>',
            parse_mode="HTML",
        )
        # A button whose label is markup.
        keyboard = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text=image, callback_data="stale")]]
        )
        buttoned = await bot.send_message(ALICE, "pick", reply_markup=keyboard)
    finally:
        await bot.session.close()

    first = page.locator(f'[data-message-id="{plain.message_id}"] .text')
    await expect(first).to_have_text(f"{script} and {image}")
    second = page.locator(f'[data-message-id="{formatted.message_id}"] .text')
    await expect(second).to_have_text('<img src=x onerror="window.__pwned=3"> bold click ok')
    await expect(second.locator("b")).to_have_text("bold")
    links = second.locator("a")
    await expect(links).to_have_count(2)
    assert await links.nth(0).get_attribute("href") is None
    assert await links.nth(1).get_attribute("href") == "https://example.org/"
    button = page.locator(f'[data-message-id="{buttoned.message_id}"] .inline-button')
    await expect(button).to_have_text(image)

    # The user may type markup too: it is their message, shown as text.
    await send(page, image)
    await expect(page.locator(".message.out .text").last).to_have_text(image)
    reply = await tg.wait_for(
        lambda c: to_chat(ALICE, "sendMessage")(c) and "I understand buttons" in c.params["text"]
    )
    answer_node = page.locator(f'.message.in[data-message-id="{reply.result["message_id"]}"]')
    await expect(answer_node.locator(".text")).to_have_text(reply.result["text"])

    # A tap on a button the bot doesn't know: its answer shows as a toast.
    await button.click()
    answer = await tg.wait_for(lambda c: c.method == "answerCallbackQuery" and c.ok)
    await expect(page.locator("#toast")).to_have_text(answer.params["text"])
    assert "out of date" in answer.params["text"]

    assert await page.locator(".chat script, .chat img:not(.photo)").count() == 0
    assert await page.evaluate("() => window.__pwned") is None
    assert page.problems == []


async def test_a_user_whose_app_is_in_ukrainian(page: Any, sandbox: Sandbox) -> None:
    """Olena's app is in Ukrainian, João's in pt-br: each sees the description and command menu
    the bot set at start-up in their language (bot/surfaces.py), and is answered in it."""
    tg = sandbox.tg
    strings = load_core("en")
    uk, pt = Translator(strings, "uk"), Translator(strings, "pt")
    await open_chat(page, sandbox)
    await page.locator("#user-select").select_option(str(OLENA))
    await expect(page.locator("#role-note")).to_contain_text('Telegram app in "uk"')

    # The empty chat shows "What can this bot do?" in her language, the menu too.
    await expect(page.locator("#about-text")).to_have_text(uk.get("bot-description"))
    await page.locator("#menu-button").click()
    await expect(page.locator("#command-menu .description").first).to_have_text(uk.get("cmd-start"))
    await screenshot(page, "sandbox-olena-uk.png")
    await page.locator("#command-menu button", has_text="/start").click()

    # Her message reaches the bot with her app's language; the answer is Ukrainian.
    reply = await tg.wait_for(to_chat(OLENA, "sendMessage"))
    sent = [m for (chat, _), m in tg.messages.items() if chat == OLENA and m["text"] == "/start"]
    assert [m["from"]["language_code"] for m in sent] == ["uk"]
    assert uk.get("choose-sign") in reply.result["text"]
    node = page.locator(f'.message.in[data-message-id="{reply.result["message_id"]}"]')
    await expect(node.locator(".text")).to_have_text(reply.result["text"])
    await expect(page.locator("#empty")).to_be_hidden()

    # João's app is in pt-br: he sees the Portuguese description and menu (pt-br → pt).
    await page.locator("#user-select").select_option("1004")
    await expect(page.locator("#about-text")).to_have_text(pt.get("bot-description"))
    await page.locator("#menu-button").click()
    await expect(page.locator("#command-menu .command")).to_have_text(
        [
            "/start",
            "/horoscope",
            "/subscribe",
            "/stop",
            "/language",
            "/settings",
            "/help",
            "/forget",
        ]
    )
    await expect(page.locator("#command-menu .description").first).to_have_text(pt.get("cmd-start"))
    assert page.problems == []


async def test_reply_keyboard_and_location_panel_in_chromium(page: Any, sandbox: Sandbox) -> None:
    """A request_location reply keyboard (posted straight to the stand-in, as the /subscribe
    flow's zone step will), its text buttons, the share-location panel, a push nobody asked
    for, and the sandbox's "due now" control."""
    tg = sandbox.tg
    await open_chat(page, sandbox)
    await expect(page.locator("#controls")).to_be_visible()
    await expect(page.locator("#reply-keyboard")).to_be_hidden()
    await expect(page.locator("#keyboard-toggle")).to_be_hidden()

    # The "due now" control answers for Alice's subscription (she has none yet).
    await page.locator("#due-now").click()
    await expect(page.locator("#due-now-answer")).to_have_text(
        "No subscription yet: send /subscribe first."
    )

    bot = bot_api(sandbox)
    try:
        asked = await bot.send_message(
            ALICE,
            "Where are you? Share your location or type a city.",
            reply_markup=ReplyKeyboardMarkup(
                keyboard=[
                    [KeyboardButton(text="📍 Share my location", request_location=True)],
                    [KeyboardButton(text="Moscow"), KeyboardButton(text="Type another city")],
                ],
                resize_keyboard=True,
                one_time_keyboard=True,
                input_field_placeholder="City or location",
            ),
        )
        keyboard = page.locator("#reply-keyboard")
        await expect(keyboard).to_be_visible()
        await expect(keyboard.locator(".reply-row")).to_have_count(2)
        await expect(keyboard.locator(".reply-button")).to_have_text(
            ["📍 Share my location", "Moscow", "Type another city"]
        )
        await expect(page.locator("#text")).to_have_attribute("placeholder", "City or location")
        node = page.locator(f'.message.in[data-message-id="{asked.message_id}"]')
        await expect(node.locator(".text")).to_have_text(
            "Where are you? Share your location or type a city."
        )
        await expect(node.locator(".inline-button")).to_have_count(0)  # not on the message

        # A text button sends its text; the one-time keyboard then hides behind ⌨.
        await keyboard.locator(".reply-button", has_text="Moscow").click()
        await expect(page.locator(".message.out .text").last).to_have_text("Moscow")
        pressed = [
            m for (c, _), m in tg.messages.items() if c == ALICE and m.get("text") == "Moscow"
        ]
        assert len(pressed) == 1
        await expect(keyboard).to_be_hidden()
        await expect(page.locator("#text")).to_have_attribute("placeholder", "Message")
        await page.locator("#keyboard-toggle").click()
        await expect(keyboard).to_be_visible()

        # The location button opens the panel; out-of-range numbers are refused there.
        await keyboard.locator(".reply-button", has_text="Share my location").click()
        panel = page.locator("#location-panel")
        await expect(panel).to_be_visible()
        await expect(panel.locator(".place")).to_have_text(
            [
                "Moscow",
                "Kyiv",
                "New York",
                "São Paulo",
                "Yekaterinburg",
                "Kathmandu",
                "Los Angeles",
                "Kiritimati",
            ]
        )
        await page.set_viewport_size({"width": 380, "height": 800})  # a phone
        await screenshot(page, "sandbox-location-panel-narrow.png")
        await page.locator("#latitude").fill("95")
        await page.locator("#longitude").fill("10")
        await page.locator("#location-send").click()
        await expect(page.locator("#location-error")).to_have_text(
            "Latitude must be a number from -90 to 90."
        )
        await page.locator("#latitude").fill("-23.5505")
        await page.locator("#longitude").fill("-46.6333")
        await page.locator("#location-send").click()
        await expect(panel).to_be_hidden()
        await expect(page.locator(".message.out .location").last).to_have_text(
            "📍 Location: -23.5505, -46.6333"
        )
        located = [
            m["location"] for (c, _), m in tg.messages.items() if c == ALICE and "location" in m
        ]
        assert located == [{"latitude": -23.5505, "longitude": -46.6333}]

        # A preset place is one click.
        await page.locator("#keyboard-toggle").click()
        await keyboard.locator(".reply-button", has_text="Share my location").click()
        await panel.locator(".place", has_text="Kathmandu").click()
        await expect(page.locator(".message.out .location").last).to_have_text(
            "📍 Location: 27.7172, 85.3240"
        )

        # A message the bot sends on its own (the daily push) arrives in the open chat, and
        # one to another user shows as unread next to their name.
        push = await bot.send_message(ALICE, "🔔 Your horoscope for today: ♌ Leo")
        await expect(
            page.locator(f'.message.in[data-message-id="{push.message_id}"] .text')
        ).to_have_text("🔔 Your horoscope for today: ♌ Leo")
        await bot.send_message(1002, "🔔 Your horoscope for today: ♈ Aries")
        await expect(page.locator("#user-select option", has_text="Bob")).to_have_text(
            "Bob • 1 new"
        )

        # ReplyKeyboardRemove takes the keyboard and its ⌨ away.
        await page.locator("#keyboard-toggle").click()
        await expect(keyboard).to_be_visible()
        await screenshot(page, "sandbox-reply-keyboard-narrow.png")
        await bot.send_message(ALICE, "Thanks!", reply_markup=ReplyKeyboardRemove())
        await expect(keyboard).to_be_hidden()
        await expect(page.locator("#keyboard-toggle")).to_be_hidden()
    finally:
        await bot.session.close()

    await page.set_viewport_size({"width": 760, "height": 1000})
    await screenshot(page, "sandbox-push-wide.png")
    assert page.problems == []


async def test_subscribe_push_arrives_stop_in_chromium(page: Any, sandbox: Sandbox) -> None:
    """Alice subscribes in the web chat (a sign, 07:00, her location from the panel), makes
    her next delivery due now with the sandbox's control, gets the push in the open chat,
    then /stop: no second push."""
    tg = sandbox.tg
    assert sandbox.app is not None and sandbox.app.services.push is not None
    engine = sandbox.app.services.push
    await open_chat(page, sandbox)
    incoming = page.locator(".message.in")

    await send(page, "/subscribe")
    step = incoming.last
    await expect(step.locator(".text")).to_contain_text("step 1 of 3")
    await screenshot(page, "sandbox-subscribe-1-sign.png")
    await step.locator(".inline-button", has_text="Leo").click()
    await expect(step.locator(".text")).to_contain_text("step 2 of 3")
    await screenshot(page, "sandbox-subscribe-2-time.png")
    await step.locator(".inline-button", has_text="07:00").click()
    await expect(step.locator(".text")).to_contain_text("step 3 of 3")
    await screenshot(page, "sandbox-subscribe-3-zone.png")
    await step.locator(".inline-button", has_text="Share my location").click()
    keyboard = page.locator("#reply-keyboard")
    await expect(keyboard).to_be_visible()
    await screenshot(page, "sandbox-subscribe-4-location-keyboard.png")
    await keyboard.locator(".reply-button", has_text="Send my location").click()
    panel = page.locator("#location-panel")
    await expect(panel).to_be_visible()
    await panel.locator(".place", has_text="Yekaterinburg").click()
    await expect(panel).to_be_hidden()
    await expect(page.locator(".message.in .text", has_text="✅")).to_contain_text(
        "Asia/Yekaterinburg"
    )
    await expect(keyboard).to_be_hidden()  # the location keyboard is gone with its step
    await screenshot(page, "sandbox-subscribe-5-confirmed.png")

    def is_push(call: ApiCall) -> bool:  # today's horoscope, sent by the bot on its own
        return to_chat(ALICE, "sendMessage")(call) and "♌ Leo ·" in call.params["text"]

    assert [c for c in tg.calls if is_push(c)] == []  # 07:00 in Yekaterinburg is not now
    await page.locator("#due-now").click()
    await expect(page.locator("#due-now-answer")).to_have_text(
        "Your next delivery is due now: it arrives in this chat in a moment."
    )
    # The control woke the sender: the push comes now, not after its idle wait.
    push = await tg.wait_for(is_push, timeout=EXPECT_MS / 1000)
    node = page.locator(f'.message.in[data-message-id="{push.result["message_id"]}"]')
    await expect(node.locator(".text")).to_contain_text("♌ Leo ·")
    await expect(node.locator(".inline-button")).to_have_text(["« All signs", "⚙️ Settings"])
    await screenshot(page, "sandbox-subscribe-6-push.png")
    await engine.settle()  # recorded, next_due moved on to tomorrow
    await page.locator("#due-now").click()  # again: that date has had its push
    await expect(page.locator("#due-now-answer")).to_contain_text(
        "your local date, went out already: one a day, never twice. Next:"
    )
    await screenshot(page, "sandbox-subscribe-6b-due-now-again.png")

    await send(page, "/stop")
    await expect(incoming.last.locator(".text")).to_have_text(
        "🔕 Done: no more morning horoscopes. /subscribe brings them back."
    )
    await page.locator("#due-now").click()
    await expect(page.locator("#due-now-answer")).to_have_text(
        "You unsubscribed: send /subscribe to get the daily horoscope again."
    )
    # Stopped, with nothing due: no pass of the sender can pick it up again.
    stopped = await sandbox.app.services.subscriptions.get(ALICE)
    assert stopped is not None and (stopped.state, stopped.next_due) == ("stopped", None)
    await engine.settle()  # a whole pass of the sender after the stop: nothing for Alice
    assert len([c for c in tg.calls if is_push(c)]) == 1
    await screenshot(page, "sandbox-subscribe-7-stopped.png")


def horoscope_in(chat: int, words: str) -> Callable[[ApiCall], bool]:
    """The bot's horoscope (not its "preparing…" placeholder) sent or edited into ``chat``."""
    return lambda c: (
        c.method in ("sendMessage", "editMessageText")
        and c.ok
        and c.params["chat_id"] == chat
        and words in c.params["text"]
        and "⏳" not in c.params["text"]
    )


async def test_inline_mode_share_and_deep_link_in_chromium(page: Any, sandbox: Sandbox) -> None:
    """Issue 12 in the web chat: Alice types "@zodiac_sandbox_bot le" in her chat with Bob,
    picks Leo from the inline results; it is posted there "via @zodiac_sandbox_bot"; Bob's
    "Open Zodiac" opens his chat with the bot on Leo's horoscope (the deep link applied). Bob's
    Share button under it takes "@zodiac_sandbox_bot Leo" to his chat with Olena; Olena, whose
    app is in Ukrainian, opens it and reads Leo in Ukrainian."""
    tg = sandbox.tg
    bot = bot_api(sandbox)
    try:
        me = await bot.get_me()  # what the app knows the bot by
    finally:
        await bot.session.close()
    username = me.username
    assert username == "zodiac_sandbox_bot" and me.supports_inline_queries
    bob, uk = 1002, Translator(load_core("en"), "uk")
    await open_chat(page, sandbox)
    chats = page.locator("#chat-list .chat-item")
    await expect(chats).to_have_text(["♌Zodiac", "BBob", "OOlena", "JJoão", "AAdmin"])

    # Alice's chat with Bob: empty, no bot commands there.
    await chats.filter(has_text="Bob").click()
    await expect(page.locator("#bot-name")).to_have_text("Bob")
    await expect(page.locator("#bot-status")).to_contain_text("Alice → Bob")
    await expect(page.locator("#menu-button")).to_be_hidden()
    await expect(page.locator("#empty-hint")).to_contain_text(f"@{username} leo")

    # Typing "@bot le" shows the bot's inline results over the composer as she types; each
    # change of the query is an inline query answered with answerInlineQuery.
    await page.locator("#text").press_sequentially(f"@{username} le", delay=30)
    panel = page.locator('#inline-results[data-query="le"]')
    await expect(panel).to_be_visible()
    answer = await tg.wait_for(
        lambda c: (
            c.method == "answerInlineQuery"
            and c.ok
            and tg.inline_queries[c.params["inline_query_id"]]["query"] == "le"
        )
    )
    query = tg.inline_queries[answer.params["inline_query_id"]]
    assert query["from"]["id"] == ALICE and query["chat_type"] == "private"
    titles = [r["title"] for r in answer.params["results"]]
    assert titles[0] == "♌ Leo"
    results = panel.locator(".inline-result")
    await expect(results.locator(".result-title")).to_have_text(titles)
    first = answer.params["results"][0]
    await expect(results.first.locator(".result-description")).to_have_text(first["description"])
    await screenshot(page, "sandbox-inline-results-wide.png")
    await page.set_viewport_size({"width": 380, "height": 800})
    await screenshot(page, "sandbox-inline-results-narrow.png")
    await page.set_viewport_size({"width": 800, "height": 1000})

    # She picks Leo: it is posted in the Alice → Bob chat, "via @bot", with its button.
    await results.first.click()
    await expect(page.locator("#inline-results")).to_be_hidden()
    await expect(page.locator("#text")).to_have_value("")
    alice_and_bob = tg.peer_chat(ALICE, bob)
    posted = [m for (c, _), m in tg.messages.items() if c == alice_and_bob]
    assert len(posted) == 1 and posted[0]["via_bot"]["username"] == username
    shared = page.locator(f'.message.out[data-message-id="{posted[0]["message_id"]}"]')
    await expect(shared.locator(".via")).to_have_text(f"via @{username}")
    await expect(shared.locator(".text")).to_have_text(posted[0]["text"])
    await expect(shared.locator(".text b").first).to_contain_text("Leo")
    await expect(shared.locator(".inline-button")).to_have_text(["✨ Open Zodiac"])
    chosen = await tg.wait_for(
        lambda c: (
            c.method == "getUpdates" and any("chosen_inline_result" in u for u in c.result or [])
        )
    )
    assert chosen.ok
    await screenshot(page, "sandbox-inline-posted-wide.png")
    await page.set_viewport_size({"width": 380, "height": 800})
    await screenshot(page, "sandbox-inline-posted-narrow.png")
    await page.set_viewport_size({"width": 800, "height": 1000})

    # Bob: the message waits for him in his chat with Alice.
    await expect(page.locator("#user-select option", has_text="Bob")).to_have_text("Bob • 1 new")
    await page.locator("#user-select").select_option(str(bob))
    await expect(chats.filter(has_text="Alice")).to_have_text("AAlice1")
    await chats.filter(has_text="Alice").click()
    received = page.locator(f'.message.in[data-message-id="{posted[0]["message_id"]}"]')
    await expect(received.locator(".via")).to_have_text(f"via @{username}")
    await expect(page.locator("#user-select option", has_text="Bob")).to_have_text("Bob")

    # "Open Zodiac": Bob's chat with the bot, /start with the link's parameter, Leo's
    # horoscope in his language (the sandbox's, English).
    await received.locator(".inline-button", has_text="Open Zodiac").click()
    await expect(page.locator("#bot-name")).to_have_text("Zodiac")
    await expect(chats.filter(has_text="Zodiac")).to_have_attribute("aria-pressed", "true")
    starts = [m["text"] for (c, _), m in tg.messages.items() if c == bob and m["from"]["id"] == bob]
    assert len(starts) == 1 and starts[0].startswith("/start leo-s")
    await expect(page.locator(".message.out .text").first).to_have_text(starts[0])
    shown = await tg.wait_for(horoscope_in(bob, "Leo ·"), timeout=30)
    horoscope = page.locator(f'.message.in[data-message-id="{shown.result["message_id"]}"]')
    await expect(horoscope.locator(".text")).to_have_text(shown.result["text"])
    await screenshot(page, "sandbox-deep-link-wide.png")

    # Bob's Share button: he picks a chat (Olena), which opens with "@bot Leo" typed and the
    # results shown, Leo first.
    share = horoscope.locator(".inline-button", has_text="Share")
    await expect(share).to_be_visible()
    await share.click()
    chooser = page.locator("#share-panel")
    await expect(chooser).to_be_visible()
    await expect(chooser.locator(".share-chat")).to_have_text(
        ["AAlice", "OOlena", "JJoão", "AAdmin"]
    )
    await page.set_viewport_size({"width": 380, "height": 800})
    await screenshot(page, "sandbox-share-chooser-narrow.png")
    await page.set_viewport_size({"width": 800, "height": 1000})
    await chooser.locator(".share-chat", has_text="Olena").click()
    await expect(chooser).to_be_hidden()
    await expect(page.locator("#bot-name")).to_have_text("Olena")
    await expect(page.locator("#text")).to_have_value(f"@{username} Leo")
    shared_panel = page.locator('#inline-results[data-query="Leo"]')
    await expect(shared_panel.locator(".result-title").first).to_have_text("♌ Leo")
    await shared_panel.locator(".inline-result").first.click()
    bob_and_olena = tg.peer_chat(bob, OLENA)
    await expect(page.locator(".message.out .via")).to_have_text(f"via @{username}")
    assert [m["from"]["id"] for (c, _), m in tg.messages.items() if c == bob_and_olena] == [bob]

    # Olena opens it: Leo in Ukrainian.
    await page.locator("#user-select").select_option(str(OLENA))
    await chats.filter(has_text="Bob").click()
    await page.locator(".message.in .inline-button", has_text="Open Zodiac").click()
    await expect(page.locator("#bot-name")).to_have_text("Zodiac")
    lev = await tg.wait_for(horoscope_in(OLENA, "Лев ·"), timeout=30)
    node = page.locator(f'.message.in[data-message-id="{lev.result["message_id"]}"]')
    await expect(node.locator(".text")).to_have_text(lev.result["text"])
    await expect(node.locator(".inline-button").first).to_have_text(uk.get("share-button"))
    assert page.problems == []
