"""Tests of the local Bot API server (sandbox/telegram_api/): sandbox and tests share it."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.filters import CommandStart
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BufferedInputFile,
    CallbackQuery,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from sandbox.telegram_api import (
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    ApiCall,
    ChatEvent,
    FakeTelegram,
    HTMLParseError,
    RateLimit,
    parse_html,
)

USER = 1001


class _Any:
    """Equal to anything, for the parts of Telegram objects a test doesn't pin down."""

    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = None  # type: ignore[assignment]


ANY: Any = _Any()


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url))
    bot = Bot(tg.token, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    yield bot
    await bot.session.close()


async def call(
    http: aiohttp.ClientSession,
    tg: FakeTelegram,
    method: str,
    *,
    token: str | None = None,
    **params: Any,
) -> tuple[int, dict[str, Any]]:
    """POST form data the way aiogram does: complex values JSON-encoded as strings."""
    form = {
        key: value if isinstance(value, str) else json.dumps(value) for key, value in params.items()
    }
    url = f"{tg.base_url}/bot{token or tg.token}/{method}"
    async with http.post(url, data=form) as response:
        return response.status, await response.json()


async def on_message(
    http: aiohttp.ClientSession, tg: FakeTelegram, method: str, message_id: int, **params: Any
) -> tuple[int, dict[str, Any]]:
    """Call ``method`` (an edit, deleteMessage) on message ``message_id`` of USER's chat."""
    return await call(http, tg, method, chat_id=USER, message_id=message_id, **params)


def too_many_requests(retry_after: int) -> dict[str, Any]:
    """The whole answer to a request over a flood limit, as Telegram gives it."""
    return {
        "ok": False,
        "error_code": 429,
        "description": f"Too Many Requests: retry after {retry_after}",
        "parameters": {"retry_after": retry_after},
    }


def keyboard(*data: str) -> dict[str, Any]:
    return {"inline_keyboard": [[{"text": d.upper(), "callback_data": d} for d in data]]}


async def send(http: aiohttp.ClientSession, tg: FakeTelegram, text: str, **params: Any) -> int:
    status, body = await call(http, tg, "sendMessage", chat_id=USER, text=text, **params)
    assert (status, body["ok"]) == (200, True), body
    return int(body["result"]["message_id"])


# ---------------------------------------------------------------- HTTP surface


async def test_get_me_and_request_recording(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    assert tg.base_url.startswith("http://127.0.0.1:")
    status, body = await call(http, tg, "getMe")
    assert status == 200
    assert body["result"]["id"] == 123456
    assert body["result"]["is_bot"] is True
    assert body["result"]["username"] == "zodiac_test_bot"

    status, body = await call(http, tg, "GETME")  # method names are case-insensitive
    assert status == 200 and body["ok"] is True
    assert [(c.seq, c.method, c.ok) for c in tg.calls] == [(1, "getMe", True), (2, "GETME", True)]
    assert len(tg.calls_of("getme")) == 2


async def test_wrong_token_and_unknown_method(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    status, body = await call(http, tg, "getMe", token="654321:WRONG")
    assert (status, body) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})

    status, body = await call(http, tg, "sendTelepathy", chat_id=USER)
    assert status == 404
    assert body["description"] == "Not Found: method not found"

    assert [(c.method, c.ok, c.error_code) for c in tg.calls] == [
        ("getMe", False, 401),
        ("sendTelepathy", False, 404),
    ]


async def test_params_are_decoded_from_form_and_json(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    await send(http, tg, "hi", reply_markup=keyboard("a"), disable_notification="true")
    form_call = tg.calls[-1]
    assert form_call.params["chat_id"] == USER
    assert form_call.params["reply_markup"] == keyboard("a")
    assert form_call.params["disable_notification"] is True
    assert form_call.params["text"] == "hi"

    url = f"{tg.base_url}/bot{tg.token}/sendMessage"
    payload = {"chat_id": str(USER), "text": "[1, 2]", "reply_markup": json.dumps(keyboard("b"))}
    async with http.post(url, json=payload) as response:
        assert response.status == 200
    json_call = tg.calls[-1]
    assert json_call.params["chat_id"] == USER
    assert json_call.params["text"] == "[1, 2]"  # text is never JSON-decoded
    assert json_call.params["reply_markup"] == keyboard("b")


# ---------------------------------------------------------------- HTML


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<b>unclosed & <script>", 'Unescaped "&" at byte offset 12'),
        ("hi <script>alert(1)</script>", 'Unsupported start tag "script" at byte offset 3'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("2 > 1", 'Unescaped ">" at byte offset 2'),
        ("Tom &apos; s", 'Unsupported HTML entity "&apos;"'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
        ("<a>link</a>", 'Tag "a" must have a non-empty "href"'),
        ("<div>x</div>", 'Unsupported start tag "div"'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("Привет <i>мир</i> <br>", 'Unsupported start tag "br" at byte offset 27'),
    ],
)
async def test_invalid_html_is_rejected(
    tg: FakeTelegram, http: aiohttp.ClientSession, text: str, reason: str
) -> None:
    status, body = await call(http, tg, "sendMessage", chat_id=USER, text=text, parse_mode="HTML")
    assert status == 400
    assert body["description"].startswith(f"Bad Request: can't parse entities: {reason}")
    assert tg.messages == {}


async def test_valid_html_stores_visible_text_and_entities(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    raw = (
        '<b>Овен</b> &amp; <i>Телец</i> &lt;3 &#9800;&#x2649; <a href="https://x.io/?a=1&b=2">'
        'link</a> <span class="tg-spoiler">s</span> <tg-spoiler>t</tg-spoiler> '
        '<pre><code class="language-python">x = 1</code></pre> <blockquote expandable>q'
        '</blockquote> <tg-emoji emoji-id="5368324170671202286">👍</tg-emoji> <u>😀</u>'
    )
    message_id = await send(http, tg, raw, parse_mode="HTML")
    stored = tg.messages[(USER, message_id)]
    assert stored["text"] == "Овен & Телец <3 ♈♉ link s t x = 1 q 👍 😀"
    assert tg.raw_texts[(USER, message_id)] == raw
    by_type = {e["type"]: e for e in stored["entities"]}
    assert by_type["bold"] == {"type": "bold", "offset": 0, "length": 4}
    assert by_type["text_link"]["url"] == "https://x.io/?a=1&b=2"
    assert by_type["pre"]["language"] == "python"
    assert "code" not in by_type
    assert by_type["expandable_blockquote"]["length"] == 1
    assert by_type["custom_emoji"]["custom_emoji_id"] == "5368324170671202286"
    # 👍 before it counts as 2 UTF-16 units (38 Python characters precede 😀)
    assert by_type["underline"] == {"type": "underline", "offset": 39, "length": 2}


def test_parser_directly() -> None:
    parsed = parse_html("<b>a<i>b</i></b>c")
    assert parsed.text == "abc"
    assert parsed.entities == [
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "italic", "offset": 1, "length": 1},
    ]
    assert parse_html("2 > 1 & 0", strict=False).text == "2 > 1 & 0"
    with pytest.raises(HTMLParseError, match="Unsupported start tag"):
        parse_html("a <script>", strict=False)


async def test_plain_text_is_literal(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    message_id = await send(http, tg, "<b>not bold</b> & <script>")
    assert tg.messages[(USER, message_id)]["text"] == "<b>not bold</b> & <script>"
    assert "entities" not in tg.messages[(USER, message_id)]


@pytest.mark.parametrize("text", ["", "   \n\t", "<b></b>", "<i> </i>\n"])
async def test_empty_text_is_rejected(
    tg: FakeTelegram, http: aiohttp.ClientSession, text: str
) -> None:
    status, body = await call(http, tg, "sendMessage", chat_id=USER, text=text, parse_mode="HTML")
    assert (status, body["description"]) == (400, "Bad Request: message text is empty")


async def test_length_limit_counts_visible_utf16_units(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    await send(http, tg, "&lt;" * 4096, parse_mode="HTML")  # raw 16384 chars, visible 4096
    await send(http, tg, "😀" * 2048)  # 4096 UTF-16 code units
    for text in ("x" * 4097, "😀" * 2048 + "x", "<b>" + "я" * 4097 + "</b>"):
        status, body = await call(
            http, tg, "sendMessage", chat_id=USER, text=text, parse_mode="HTML"
        )
        assert (status, body["description"]) == (400, "Bad Request: message is too long")


async def test_callback_data_is_limited_to_64_bytes(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    await send(http, tg, "ok", reply_markup=keyboard("x" * 64))
    for data in ("x" * 65, "я" * 33, ""):
        status, body = await call(
            http, tg, "sendMessage", chat_id=USER, text="t", reply_markup=keyboard(data)
        )
        assert (status, body["description"]) == (400, "Bad Request: BUTTON_DATA_INVALID")
    assert len(tg.messages) == 1


# ---------------------------------------------------------------- messages


async def test_message_ids_increase_per_chat(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    assert [await send(http, tg, f"m{i}") for i in range(3)] == [1, 2, 3]
    status, body = await call(http, tg, "sendMessage", chat_id=-1001234567890, text="group")
    assert status == 200
    assert body["result"]["message_id"] == 1
    assert body["result"]["chat"] == {"id": -1001234567890, "type": "supergroup", "title": ANY}
    assert body["result"]["from"]["id"] == tg.bot_id
    assert [m["text"] for m in tg.bot_messages(USER)] == ["m0", "m1", "m2"]


async def test_edit_message_text(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    message_id = await send(http, tg, "<b>Hello</b>", parse_mode="HTML", reply_markup=keyboard("a"))

    status, body = await on_message(http, tg, "editMessageText", 999, text="x")
    assert (status, body["description"]) == (400, "Bad Request: message to edit not found")

    status, body = await on_message(
        http,
        tg,
        "editMessageText",
        message_id,
        text="<b>Hello</b>",
        parse_mode="HTML",
        reply_markup=keyboard("a"),
    )
    assert (status, body["description"]) == (400, f"Bad Request: {NOT_MODIFIED}")

    # Same text, markup omitted: the keyboard is removed, which is a modification.
    status, body = await on_message(
        http, tg, "editMessageText", message_id, text="<b>Hello</b>", parse_mode="HTML"
    )
    assert status == 200
    assert "reply_markup" not in tg.messages[(USER, message_id)]

    status, body = await on_message(http, tg, "editMessageText", message_id, text="<i>Bye</i>")
    assert status == 200
    stored = tg.messages[(USER, message_id)]
    assert stored["text"] == "<i>Bye</i>"  # no parse_mode this time
    assert "entities" not in stored and "edit_date" in stored
    assert body["result"] == stored


async def test_edit_reply_markup_and_delete(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    message_id = await send(http, tg, "pick", reply_markup=keyboard("a"))
    status, body = await on_message(
        http, tg, "editMessageReplyMarkup", message_id, reply_markup=keyboard("a")
    )
    assert (status, body["description"]) == (400, f"Bad Request: {NOT_MODIFIED}")
    status, _ = await on_message(
        http, tg, "editMessageReplyMarkup", message_id, reply_markup=keyboard("b")
    )
    assert status == 200
    assert tg.messages[(USER, message_id)]["reply_markup"] == keyboard("b")

    status, body = await on_message(http, tg, "deleteMessage", message_id)
    assert (status, body["result"]) == (200, True)
    assert (USER, message_id) not in tg.messages
    status, body = await on_message(http, tg, "deleteMessage", message_id)
    assert (status, body["description"]) == (400, "Bad Request: message to delete not found")


async def test_blocked_user_gets_403(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    tg.blocked_users.add(USER)
    status, body = await call(http, tg, "sendMessage", chat_id=USER, text="hi")
    assert (status, body["description"]) == (403, "Forbidden: bot was blocked by the user")
    status, _ = await call(http, tg, "sendMessage", chat_id=USER + 1, text="hi")
    assert status == 200
    assert list(tg.messages) == [(USER + 1, 1)]


async def test_chat_action(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    status, body = await call(http, tg, "sendChatAction", chat_id=USER, action="typing")
    assert (status, body["result"]) == (200, True)
    status, body = await call(http, tg, "sendChatAction", chat_id=USER, action="dancing")
    assert status == 400


# ---------------------------------------------------------------- callbacks


async def test_tap_and_answer_callback_query(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    message_id = await send(http, tg, "pick", reply_markup=keyboard("leo", "aries"))
    query_id = tg.tap(message_id, "leo")

    _, body = await call(http, tg, "getUpdates")
    (update,) = body["result"]
    query = update["callback_query"]
    assert query["id"] == query_id
    assert query["data"] == "leo"
    assert query["from"]["id"] == USER
    assert query["message"] == tg.messages[(USER, message_id)]

    status, body = await call(http, tg, "answerCallbackQuery", callback_query_id="nope")
    assert (status, body["description"]) == (400, f"Bad Request: {QUERY_TOO_OLD}")
    status, body = await call(
        http, tg, "answerCallbackQuery", callback_query_id=query_id, text="x" * 201
    )
    assert status == 400
    status, _ = await call(http, tg, "answerCallbackQuery", callback_query_id=query_id, text="ok")
    assert status == 200
    assert tg.answered_callbacks[query_id].params["text"] == "ok"
    status, body = await call(http, tg, "answerCallbackQuery", callback_query_id=query_id)
    assert (status, body["description"]) == (400, f"Bad Request: {QUERY_TOO_OLD}")


async def test_late_callback_answer_is_rejected(http: aiohttp.ClientSession) -> None:
    now = [1000.0]
    async with FakeTelegram(clock=lambda: now[0]) as tg:
        message_id = await send(http, tg, "pick", reply_markup=keyboard("a"))
        early, late = tg.tap(message_id, "a"), tg.tap(message_id, "a")
        now[0] += 15.0
        status, _ = await call(http, tg, "answerCallbackQuery", callback_query_id=early)
        assert status == 200
        now[0] += 0.5
        status, body = await call(http, tg, "answerCallbackQuery", callback_query_id=late)
        assert (status, body["description"]) == (400, f"Bad Request: {QUERY_TOO_OLD}")
        assert list(tg.answered_callbacks) == [early]


async def test_tap_requires_a_real_button(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    message_id = await send(http, tg, "pick", reply_markup=keyboard("a"))
    with pytest.raises(ValueError, match="no button"):
        tg.tap(message_id, "b")
    with pytest.raises(ValueError, match="no bot message"):
        tg.tap(message_id + 1, "a")
    assert tg.tap(message_id, "b", check_button=False)


# ---------------------------------------------------------------- updates


async def test_send_text_builds_a_command_message(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    first = tg.send_text("/start@zodiac_test_bot ref", language_code="en")
    second = tg.send_text("hello", user_id=7, chat_id=-42)
    assert second == first + 1
    _, body = await call(http, tg, "getUpdates")
    one, two = (u["message"] for u in body["result"])
    assert one["entities"] == [{"type": "bot_command", "offset": 0, "length": 22}]
    assert one["from"]["language_code"] == "en"
    assert one["chat"] == {"id": USER, "type": "private", "first_name": ANY, "username": ANY}
    assert "entities" not in two
    assert (two["chat"]["id"], two["chat"]["type"], two["from"]["id"]) == (-42, "group", 7)


async def test_get_updates_offset_and_limit(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    ids = [tg.push_update({"message": {"text": str(i)}}) for i in range(5)]
    assert tg.push_update({"update_id": 100, "message": {}}) == 100
    assert tg.push_update({"message": {}}) == 101

    _, body = await call(http, tg, "getUpdates", limit=2)
    assert [u["update_id"] for u in body["result"]] == ids[:2]
    _, body = await call(http, tg, "getUpdates", offset=ids[3], limit=2)
    assert [u["update_id"] for u in body["result"]] == ids[3:5]
    _, body = await call(http, tg, "getUpdates", offset=-1)
    assert [u["update_id"] for u in body["result"]] == [101]
    _, body = await call(http, tg, "getUpdates", offset=102)
    assert body["result"] == []


async def test_long_poll_wakes_on_push(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(call(http, tg, "getUpdates", timeout=30))
    await tg.wait_until_polling()
    assert not poll.done()
    update_id = tg.send_text("hi")
    status, body = await poll
    assert status == 200
    assert [u["update_id"] for u in body["result"]] == [update_id]
    assert time.monotonic() - started < 10


async def test_long_poll_times_out_empty(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    started = time.monotonic()
    status, body = await call(http, tg, "getUpdates", timeout=1)
    assert (status, body["result"]) == (200, [])
    assert time.monotonic() - started >= 0.9


async def test_second_poll_terminates_the_first(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    first = asyncio.create_task(call(http, tg, "getUpdates", timeout=30))
    await tg.wait_until_polling()
    status, body = await call(http, tg, "getUpdates", timeout=0)
    assert (status, body["result"]) == (200, [])
    status, body = await first
    assert status == 409
    assert body["description"].startswith("Conflict: terminated by other getUpdates request")


async def test_webhook_blocks_polling(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    status, body = await call(http, tg, "setWebhook", url="http://example.com/hook")
    assert status == 400 and tg.webhook_url is None

    tg.send_text("queued")
    status, _ = await call(
        http, tg, "setWebhook", url="https://example.com/hook", secret_token="s3cr-et_"
    )
    assert status == 200
    assert (tg.webhook_url, tg.webhook_secret) == ("https://example.com/hook", "s3cr-et_")
    status, body = await call(http, tg, "getUpdates")
    assert status == 409
    assert body["description"].startswith("Conflict: can't use getUpdates method while webhook")
    _, body = await call(http, tg, "getWebhookInfo")
    assert body["result"]["url"] == "https://example.com/hook"
    assert body["result"]["pending_update_count"] == 1

    status, _ = await call(http, tg, "deleteWebhook", drop_pending_updates=True)
    assert status == 200 and tg.webhook_url is None
    _, body = await call(http, tg, "getUpdates")
    assert body["result"] == []


async def test_commands_per_scope_and_language(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    ru = [{"command": "start", "description": "Начать"}]
    en = [{"command": "start", "description": "Start"}]
    private = {"type": "all_private_chats"}
    await call(http, tg, "setMyCommands", commands=ru, language_code="ru")
    await call(http, tg, "setMyCommands", commands=en, scope=private)
    status, body = await call(
        http, tg, "setMyCommands", commands=[{"command": "Bad!", "description": "x"}]
    )
    assert (status, body["description"]) == (400, "Bad Request: BOT_COMMAND_INVALID")

    assert (await call(http, tg, "getMyCommands", language_code="ru"))[1]["result"] == ru
    assert (await call(http, tg, "getMyCommands", scope=private))[1]["result"] == en
    assert (await call(http, tg, "getMyCommands"))[1]["result"] == []
    await call(http, tg, "deleteMyCommands", language_code="ru")
    assert tg.commands_for(language_code="ru") == []
    assert tg.commands_for(private) == en


def commands(*names: str) -> list[dict[str, str]]:
    return [{"command": name, "description": name.title()} for name in names]


async def test_the_menu_a_user_sees_falls_back_like_telegram(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    chat = {"type": "chat", "chat_id": USER}
    private = {"type": "all_private_chats"}
    steps = [  # set from the least specific to the most; each one wins over the previous
        ({}, commands("default")),
        ({"language_code": "uk"}, commands("default_uk")),
        ({"scope": private}, commands("private")),
        ({"scope": private, "language_code": "uk"}, commands("private_uk")),
        ({"scope": chat}, commands("chat")),
        ({"scope": chat, "language_code": "uk"}, commands("chat_uk")),
    ]
    for params, menu in steps:
        status, _ = await call(http, tg, "setMyCommands", commands=menu, **params)
        assert status == 200
        # An app in Ukrainian (a regional tag counts by its language) sees the newest list...
        assert tg.menu_for(USER, "uk") == tg.menu_for(USER, "UK-ua") == menu
    # ...and an app in another language the most specific list without a language.
    assert tg.menu_for(USER, "en") == commands("chat")
    assert tg.menu_for(USER, None) == commands("chat")
    assert tg.menu_for(USER + 1, "en") == commands("private")  # another chat
    assert tg.menu_for(USER + 1, "uk") == commands("private_uk")
    # Deleting the most specific lists falls back again, in the same order.
    for params, _ in reversed(steps[1:]):
        await call(http, tg, "deleteMyCommands", **params)
    assert tg.menu_for(USER, "uk") == commands("default")

    # getMyCommands answers exactly the list asked for, never a fallback (as Telegram).
    _, body = await call(http, tg, "getMyCommands", scope=chat, language_code="uk")
    assert body["result"] == []
    # A chat's id is the same scope as a number or as a string.
    await call(http, tg, "setMyCommands", commands=commands("admin"), scope=chat)
    _, body = await call(http, tg, "getMyCommands", scope={"type": "chat", "chat_id": str(USER)})
    assert body["result"] == commands("admin")


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"language_code": "pt-br"}, "Bad Request: invalid language code specified"),
        ({"language_code": "EN"}, "Bad Request: invalid language code specified"),
        ({"language_code": "eng"}, "Bad Request: invalid language code specified"),
        (
            {"scope": {"type": "everyone"}},
            "Bad Request: can't parse BotCommandScope: Unsupported type specified",
        ),
        (
            {"scope": {"type": "chat"}},
            "Bad Request: can't parse BotCommandScope: Empty chat_id specified",
        ),
        (
            {"scope": {"type": "chat_member", "chat_id": -100, "user_id": 0}},
            "Bad Request: can't parse BotCommandScope: Invalid user_id specified",
        ),
    ],
)
@pytest.mark.parametrize("method", ["setMyCommands", "getMyCommands", "deleteMyCommands"])
async def test_bad_command_scope_or_language_is_a_400(
    tg: FakeTelegram,
    http: aiohttp.ClientSession,
    method: str,
    params: dict[str, Any],
    description: str,
) -> None:
    extra = {"commands": commands("start")} if method == "setMyCommands" else {}
    status, body = await call(http, tg, method, **extra, **params)
    assert (status, body["description"]) == (400, description)
    assert tg.my_commands == {}


@pytest.mark.parametrize(
    ("kind", "field", "limit"),
    [("Description", "description", 512), ("ShortDescription", "short_description", 120)],
)
async def test_descriptions_per_language(
    tg: FakeTelegram, http: aiohttp.ClientSession, kind: str, field: str, limit: int
) -> None:
    short = kind == "ShortDescription"
    assert (await call(http, tg, f"getMy{kind}"))[1]["result"] == {field: ""}
    await call(http, tg, f"setMy{kind}", **{field: "Horoscopes"})
    await call(http, tg, f"setMy{kind}", **{field: "Гороскопи", "language_code": "uk"})
    for language, text in (("", "Horoscopes"), ("uk", "Гороскопи"), ("de", "")):
        _, body = await call(http, tg, f"getMy{kind}", language_code=language)
        assert body == {"ok": True, "result": {field: text}}  # exactly that language's
    # What a user sees: their app language's text, else the default one.
    assert tg.description_for("uk", short=short) == "Гороскопи"
    assert tg.description_for("de", short=short) == "Horoscopes"
    assert tg.description_for(None, short=short) == "Horoscopes"
    assert tg.description_for("uk", short=not short) == ""  # the other text is apart

    # Lengths as Telegram's: the limit is fine, one more is a 400 that changes nothing.
    status, _ = await call(http, tg, f"setMy{kind}", **{field: "я" * limit, "language_code": "de"})
    assert status == 200
    status, body = await call(http, tg, f"setMy{kind}", **{field: "я" * (limit + 1)})
    assert (status, body["description"]) == (
        400,
        f"Bad Request: {field.replace('_', ' ')} is too long",
    )
    status, body = await call(http, tg, f"setMy{kind}", **{field: "x", "language_code": "de-at"})
    assert (status, body["description"]) == (400, "Bad Request: invalid language code specified")
    assert tg.description_for("", short=short) == "Horoscopes"
    # An empty text removes that language's one: its users see the default again.
    await call(http, tg, f"setMy{kind}", **{field: "", "language_code": "uk"})
    assert tg.description_for("uk", short=short) == "Horoscopes"

    # Tests count the set* calls per language (failed calls don't count).
    assert tg.calls_by_language(f"setMy{kind}") == {"": 1, "uk": 2, "de": 1}


async def test_the_bot_sets_localised_settings_through_aiogram(tg: FakeTelegram, bot: Bot) -> None:
    await bot.set_my_description("Daily horoscopes", language_code="en")
    await bot.set_my_short_description("Гороскоп", language_code="ru")
    await bot.set_my_commands(
        [BotCommand(command="start", description="Почати")], language_code="uk"
    )
    assert (await bot.get_my_description(language_code="en")).description == "Daily horoscopes"
    assert (await bot.get_my_short_description(language_code="ru")).short_description == "Гороскоп"
    assert (await bot.get_my_description()).description == ""
    assert [c.command for c in await bot.get_my_commands(language_code="uk")] == ["start"]
    assert tg.calls_by_language("setMyCommands") == {"uk": 1}
    with pytest.raises(TelegramBadRequest, match="invalid language code specified"):
        await bot.set_my_description("x", language_code="pt-br")


async def test_updates_carry_the_users_app_language(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    tg.send_text("/start", user_id=USER, language_code="uk")
    tg.send_text("/help", user_id=USER)  # the app's language stays the user's
    tg.set_app_language(USER + 1, None)  # an app that reports no language
    tg.send_text("/start", user_id=USER + 1)
    tg.send_text("/start", user_id=USER + 2, language_code="de")  # a new user's app
    tg.send_text("/start", user_id=USER + 3)  # a new user who never said: none reported
    _, body = await call(http, tg, "getUpdates")
    senders = [update["message"]["from"] for update in body["result"]]
    assert [s.get("language_code") for s in senders] == ["uk", "uk", None, "de", None]
    assert "language_code" not in senders[2]  # left out, as Telegram does


async def test_photo_upload(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    form = aiohttp.FormData()
    form.add_field("chat_id", str(USER))
    form.add_field("caption", "<b>Лев</b>")
    form.add_field("parse_mode", "HTML")
    form.add_field("photo", b"\x89PNG fake", filename="leo.png", content_type="image/png")
    async with http.post(f"{tg.base_url}/bot{tg.token}/sendPhoto", data=form) as response:
        assert response.status == 200
        message = (await response.json())["result"]
    assert message["caption"] == "Лев"
    assert message["caption_entities"] == [{"type": "bold", "offset": 0, "length": 3}]
    assert tg.messages[(USER, message["message_id"])]["photo"] == message["photo"]
    assert tg.calls[-1].files["photo"].data == b"\x89PNG fake"

    status, body = await call(http, tg, "sendPhoto", chat_id=USER)
    assert (status, body["description"]) == (400, "Bad Request: there is no photo in the request")


# ---------------------------------------------------------------- faults and waiting


async def test_fail_next(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    tg.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3, times=2)
    for _ in range(2):
        status, body = await call(http, tg, "sendMessage", chat_id=USER, text="x")
        assert status == 429
        assert body == too_many_requests(3)
    assert tg.messages == {}
    await send(http, tg, "finally")
    assert [c.ok for c in tg.calls_of("sendMessage")] == [False, False, True]


async def test_wait_for(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    await send(http, tg, "before")
    found = await tg.wait_for(lambda c: c.params["text"] == "before")
    assert found.seq == 1

    waiter = asyncio.create_task(tg.wait_for_count("sendMessage", 3))
    await send(http, tg, "a")
    await send(http, tg, "b")
    calls: list[ApiCall] = await waiter
    assert [c.params["text"] for c in calls] == ["before", "a", "b"]
    assert all(c.at <= time.monotonic() for c in calls)

    with pytest.raises(TimeoutError, match=r"(?s)0 matched.*#3 sendMessage"):
        await tg.wait_for("deleteMessage", timeout=0.05)


# ---------------------------------------------------------------- with aiogram


async def test_aiogram_bot_round_trip(tg: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username) == (tg.bot_id, "zodiac_test_bot")

    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="♌ Лев", callback_data="sign:leo")]]
    )
    sent = await bot.send_message(USER, "<b>Выберите знак</b>", reply_markup=markup)
    assert isinstance(sent, Message)
    assert sent.text == "Выберите знак"
    assert sent.entities is not None and sent.entities[0].type == "bold"
    call_params = tg.calls_of("sendMessage")[0].params
    assert call_params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "sign:leo"
    assert call_params["parse_mode"] == "HTML"

    edited = await bot.edit_message_text(
        "Лев: <i>удачный день</i>", chat_id=USER, message_id=sent.message_id
    )
    assert isinstance(edited, Message) and edited.text == "Лев: удачный день"
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "Лев: <i>удачный день</i>", chat_id=USER, message_id=sent.message_id
        )
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(USER, "<b>unclosed & <script>")
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query("123")

    await bot.set_my_commands(
        [BotCommand(command="start", description="Начать")],
        scope=BotCommandScopeAllPrivateChats(),
        language_code="ru",
    )
    commands = await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats(), language_code="ru")
    assert [c.command for c in commands] == ["start"]

    photo = await bot.send_photo(
        USER, BufferedInputFile(b"img", filename="leo.jpg"), caption="<b>Лев</b>"
    )
    assert photo.caption == "Лев" and photo.photo
    assert tg.calls_of("sendPhoto")[0].files  # uploaded as multipart

    tg.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    with pytest.raises(TelegramRetryAfter) as retry:
        await bot.send_message(USER, "x")
    assert retry.value.retry_after == 7
    tg.blocked_users.add(USER)
    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(USER, "x")

    await bot.set_webhook("https://example.com/hook")
    with pytest.raises(TelegramConflictError):
        await bot.get_updates()
    await bot.delete_webhook()

    tg.send_text("/start")
    (update,) = await bot.get_updates()
    assert update.message is not None and update.message.text == "/start"


async def test_aiogram_wrong_token(tg: FakeTelegram) -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url))
    other = Bot("42:not-the-token", session=session)
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await other.get_me()
    finally:
        await session.close()


async def test_aiogram_dispatcher_polling(tg: FakeTelegram, bot: Bot) -> None:
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        buttons = [[InlineKeyboardButton(text="Лев", callback_data="sign:leo")]]
        await message.answer(
            "<b>Выберите знак</b>", reply_markup=InlineKeyboardMarkup(inline_keyboard=buttons)
        )

    @router.callback_query(F.data.startswith("sign:"))
    async def pick(query: CallbackQuery) -> None:
        await query.answer()
        assert isinstance(query.message, Message)
        await query.message.edit_text(f"Ваш знак: {query.data}")

    dp = Dispatcher()
    dp.include_router(router)
    polling = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False)
    )
    try:
        tg.send_text("/start")
        sent = await tg.wait_for(lambda c: c.method == "sendMessage" and c.ok)
        message_id = sent.result["message_id"]
        assert message_id == 2  # the user's /start was message 1 of this chat

        query_id = tg.tap(message_id, "sign:leo")
        await tg.wait_for(lambda c: c.method == "editMessageText" and c.ok)
        assert query_id in tg.answered_callbacks
        assert tg.messages[(USER, message_id)]["text"] == "Ваш знак: sign:leo"
        assert "reply_markup" not in tg.messages[(USER, message_id)]

        polls = tg.calls_of("getUpdates")
        assert set(polls[0].params["allowed_updates"]) == {"message", "callback_query"}
    finally:
        await dp.stop_polling()
        await polling


# ---------------------------------------------------------------- flood control


async def test_rate_limit_answers_429_with_retry_after(http: aiohttp.ClientSession) -> None:
    now = [1000.0]
    limit = RateLimit(per_second=0.5, burst=2)  # two at once, then one every 2 s
    async with FakeTelegram(clock=lambda: now[0], rate_limit=limit) as tg:
        first = await send(http, tg, "one")
        await send(http, tg, "two")
        status, body = await call(http, tg, "sendMessage", chat_id=USER, text="three")
        assert status == 429
        assert body == too_many_requests(2)
        # An edit is a send too; nothing changed; other chats have their own bucket.
        status, body = await on_message(http, tg, "editMessageText", first, text="edited")
        assert (status, body["parameters"]) == (429, {"retry_after": 2})
        assert tg.messages[(USER, first)]["text"] == "one"
        status, _ = await call(http, tg, "sendMessage", chat_id=USER + 1, text="elsewhere")
        assert status == 200
        # Reading and answering are not limited.
        assert (await call(http, tg, "getMe"))[0] == 200
        now[0] += 1.0  # half a token back: retry after the other second
        status, body = await call(http, tg, "sendMessage", chat_id=USER, text="three")
        assert (status, body["parameters"]) == (429, {"retry_after": 1})
        now[0] += 1.0
        await send(http, tg, "three")
        assert [m["text"] for m in tg.bot_messages(USER)] == ["one", "two", "three"]


async def test_no_rate_limit_by_default(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    assert tg.rate_limit is None
    for i in range(50):
        await send(http, tg, f"m{i}")
    assert len(tg.bot_messages(USER)) == 50


def test_rate_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="per_second"):
        RateLimit(per_second=0)
    with pytest.raises(ValueError, match="burst"):
        RateLimit(per_second=1, burst=0)


async def test_aiogram_sees_the_rate_limit_as_retry_after() -> None:
    now = [0.0]
    async with FakeTelegram(clock=lambda: now[0], rate_limit=RateLimit(1.0, burst=1)) as tg:
        limited = Bot(
            tg.token, session=AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url))
        )
        try:
            await limited.send_message(USER, "first")
            with pytest.raises(TelegramRetryAfter) as retry:
                await limited.send_message(USER, "second")
            assert retry.value.retry_after == 1
        finally:
            await limited.session.close()


# ---------------------------------------------------------------- observers


async def test_observers_see_every_change(tg: FakeTelegram, http: aiohttp.ClientSession) -> None:
    events: list[ChatEvent] = []
    unsubscribe = tg.subscribe(events.append)
    tg.send_text("/start")
    message_id = await send(http, tg, "<b>pick</b>", parse_mode="HTML", reply_markup=keyboard("a"))
    await on_message(http, tg, "editMessageText", message_id, text="picked")
    query_id = tg.tap(message_id, "a", check_button=False)
    await call(http, tg, "answerCallbackQuery", callback_query_id=query_id, text="Done!")
    await call(http, tg, "sendChatAction", chat_id=USER, action="typing")
    await call(http, tg, "setMyCommands", commands=[{"command": "start", "description": "Go"}])
    await on_message(http, tg, "deleteMessage", message_id)
    assert [(e.kind, e.chat_id) for e in events] == [
        ("message", USER),
        ("message", USER),
        ("edit", USER),
        ("callback_answer", USER),
        ("chat_action", USER),
        ("commands", None),
        ("delete", USER),
    ]
    assert events[0].data["text"] == "/start"
    assert events[1].data["entities"] == [{"type": "bold", "offset": 0, "length": 4}]
    assert events[2].data["text"] == "picked"
    assert events[3].data == {
        "callback_query_id": query_id,
        "user_id": USER,
        "text": "Done!",
        "show_alert": False,
        "url": "",
    }
    assert events[6].data == {"message_id": message_id}
    unsubscribe()
    unsubscribe()  # twice is harmless
    await send(http, tg, "unseen")
    assert len(events) == 7


async def test_uploaded_photos_are_kept_by_file_id(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    form = aiohttp.FormData()
    form.add_field("chat_id", str(USER))
    form.add_field("photo", b"\x89PNG chart", filename="chart.png", content_type="image/png")
    async with http.post(f"{tg.base_url}/bot{tg.token}/sendPhoto", data=form) as response:
        message = (await response.json())["result"]
    file_ids = [size["file_id"] for size in message["photo"]]
    assert {tg.files[f].data for f in file_ids} == {b"\x89PNG chart"}
    assert tg.files[file_ids[-1]].content_type == "image/png"
    # Sent again by file_id: the same bytes under the new message's ids.
    status, body = await call(http, tg, "sendPhoto", chat_id=USER, photo=file_ids[-1])
    assert status == 200
    assert tg.files[body["result"]["photo"][-1]["file_id"]].data == b"\x89PNG chart"


def test_the_old_import_path_is_the_same_stand_in() -> None:
    from sandbox import telegram_api
    from tests.standins import telegram

    assert telegram.FakeTelegram is telegram_api.FakeTelegram
    assert set(telegram.__all__) == set(telegram_api.__all__)


async def test_edit_message_media_replaces_the_photo_and_caption(
    tg: FakeTelegram, bot: Bot
) -> None:
    from aiogram.types import InputMediaPhoto

    sent = await bot.send_photo(USER, BufferedInputFile(b"one", filename="a.png"), caption="a")
    edited = await bot.edit_message_media(
        media=InputMediaPhoto(
            media=BufferedInputFile(b"two!", filename="b.png"), caption="<b>b</b>"
        ),
        chat_id=USER,
        message_id=sent.message_id,
    )
    assert isinstance(edited, Message) and edited.caption == "b"
    assert edited.photo and edited.photo[-1].file_id != sent.photo[-1].file_id  # type: ignore[index]
    call = tg.calls_of("editMessageMedia")[0]
    assert [f.data for f in call.files.values()] == [b"two!"]
    text = await bot.send_message(USER, "plain")
    with pytest.raises(TelegramBadRequest, match="no media in the message"):
        await bot.edit_message_media(
            media=InputMediaPhoto(media=BufferedInputFile(b"x", filename="c.png")),
            chat_id=USER,
            message_id=text.message_id,
        )


# ---------------------------------------------------------------- reply keyboards


LOCATION_KEYBOARD = {
    "keyboard": [["Moscow", "Kyiv"], [{"text": "📍 Share location", "request_location": True}]],
    "resize_keyboard": True,
    "one_time_keyboard": True,
    "input_field_placeholder": "Type a city",
}


async def test_a_reply_keyboard_is_state_of_the_chat(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    events: list[ChatEvent] = []
    tg.subscribe(events.append)
    status, body = await call(
        http, tg, "sendMessage", chat_id=USER, text="Where are you?", reply_markup=LOCATION_KEYBOARD
    )
    assert status == 200
    # Only inline keyboards belong to a message: Telegram's Message carries no reply keyboard.
    assert "reply_markup" not in body["result"]
    current = tg.reply_keyboard(USER)
    assert current is not None and current.message_id == body["result"]["message_id"]
    assert current.markup == {
        "keyboard": [
            [{"text": "Moscow"}, {"text": "Kyiv"}],  # string buttons become objects
            [{"text": "📍 Share location", "request_location": True}],
        ],
        "resize_keyboard": True,
        "one_time_keyboard": True,
        "input_field_placeholder": "Type a city",
    }
    assert current.texts == ["Moscow", "Kyiv", "📍 Share location"] and not current.hidden
    assert current.requests_location
    assert tg.reply_keyboard(2002) is None  # another chat has none

    # Messages without a keyboard, or with an inline one, leave it in place.
    await send(http, tg, "plain")
    await send(http, tg, "pick", reply_markup=keyboard("a"))
    assert tg.reply_keyboard(USER) == current
    # A new keyboard replaces it; ReplyKeyboardRemove removes it.
    await send(http, tg, "again", reply_markup={"keyboard": [["Yes", "No"]]})
    replaced = tg.reply_keyboard(USER)
    assert replaced is not None and replaced.texts == ["Yes", "No"]
    await send(http, tg, "done", reply_markup={"remove_keyboard": True})
    assert tg.reply_keyboard(USER) is None

    shown = [e.data["reply_keyboard"] for e in events if e.kind == "keyboard"]
    assert [k and k["keyboard"][0][0]["text"] for k in shown] == ["Moscow", "Yes", None]
    assert shown[0]["hidden"] is False and shown[0]["message_id"] == current.message_id


@pytest.mark.parametrize(
    ("markup", "description"),
    [
        ("{not json", "can't parse reply keyboard markup JSON object"),
        ([["a"]], "object expected as reply markup"),
        ({"keyboard": "a"}, 'field "keyboard" must be of type Array'),
        ({"keyboard": ["a"]}, 'field "keyboard" must be an Array of Arrays'),
        (
            {"keyboard": [[7]]},
            "can't parse keyboard button: KeyboardButton must be a String or an Object",
        ),
        (
            {"keyboard": [[{"request_location": True}]]},
            "can't parse keyboard button: Can't find field \"text\"",
        ),
        (
            {"keyboard": [[{"text": 7}]]},
            'can\'t parse keyboard button: Field "text" must be of type String',
        ),
        (
            {"keyboard": [[{"text": "a", "request_location": "yes"}]]},
            'can\'t parse keyboard button: Field "request_location" must be of type Boolean',
        ),
        (
            {"keyboard": [["a"]], "resize_keyboard": "yes"},
            'field "resize_keyboard" must be of type Boolean',
        ),
        (
            {"keyboard": [["a"]], "one_time_keyboard": 1},
            'field "one_time_keyboard" must be of type Boolean',
        ),
        (
            {"keyboard": [["a"]], "is_persistent": "true"},
            'field "is_persistent" must be of type Boolean',
        ),
        (
            {"keyboard": [["a"]], "input_field_placeholder": "x" * 65},
            "input_field_placeholder must be at most 64 characters",
        ),
        (
            {"keyboard": [["a"]], "input_field_placeholder": 5},
            'field "input_field_placeholder" must be of type String',
        ),
        ({"remove_keyboard": "yes"}, 'field "remove_keyboard" must be of type Boolean'),
        ({"force_reply": 1}, 'field "force_reply" must be of type Boolean'),
        (
            {"force_reply": True, "input_field_placeholder": "y" * 65},
            "input_field_placeholder must be at most 64 characters",
        ),
        (
            {"inline_keyboard": [[{"text": "a"}]]},
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
        ),
    ],
)
async def test_malformed_reply_markup_is_a_400(
    tg: FakeTelegram, http: aiohttp.ClientSession, markup: Any, description: str
) -> None:
    status, body = await call(http, tg, "sendMessage", chat_id=USER, text="t", reply_markup=markup)
    assert (status, body["description"]) == (400, f"Bad Request: {description}")
    assert tg.bot_messages() == [] and tg.reply_keyboard(USER) is None  # nothing sent


async def test_what_telegram_accepts_at_the_edges(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    # A placeholder of exactly 64 characters is fine.
    await send(
        http, tg, "a", reply_markup={"keyboard": [["x"]], "input_field_placeholder": "p" * 64}
    )
    keyboard = tg.reply_keyboard(USER)
    assert keyboard is not None and keyboard.markup["input_field_placeholder"] == "p" * 64
    # Buttons with empty text are dropped, and a keyboard left empty is no keyboard at all: the
    # message goes out and the chat keeps the keyboard it had.
    await send(http, tg, "b", reply_markup={"keyboard": [[""], [{"text": ""}]]})
    await send(http, tg, "c", reply_markup={"keyboard": []})
    await send(http, tg, "d", reply_markup={"remove_keyboard": False})
    assert tg.reply_keyboard(USER) == keyboard
    # Request buttons exist in private chats only.
    status, body = await call(
        http, tg, "sendMessage", chat_id=-1001234, text="t", reply_markup=LOCATION_KEYBOARD
    )
    assert (status, body["description"]) == (
        400,
        "Bad Request: location can be requested in private chats only",
    )
    contact = {"keyboard": [[{"text": "☎", "request_contact": True}]]}
    status, body = await call(http, tg, "sendMessage", chat_id=-5, text="t", reply_markup=contact)
    assert body["description"] == "Bad Request: phone number can be requested in private chats only"
    # A plain keyboard is fine in a group.
    status, _ = await call(
        http, tg, "sendMessage", chat_id=-5, text="t", reply_markup={"keyboard": [["ok"]]}
    )
    assert status == 200


async def test_edits_take_inline_keyboards_only_and_keyboard_messages_stay_as_sent(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    inline_id = await send(http, tg, "pick", reply_markup=keyboard("a"))
    for method, extra in (("editMessageText", {"text": "new"}), ("editMessageReplyMarkup", {})):
        for markup in (LOCATION_KEYBOARD, {"remove_keyboard": True}, {"force_reply": True}):
            status, body = await on_message(
                http, tg, method, inline_id, reply_markup=markup, **extra
            )
            assert (status, body["description"]) == (400, "Bad Request: inline keyboard expected")
    # A message sent with a reply keyboard, a removal or a force-reply can't be edited at all.
    for markup in (LOCATION_KEYBOARD, {"remove_keyboard": True}, {"force_reply": True}):
        message_id = await send(http, tg, "sent", reply_markup=markup)
        status, body = await on_message(http, tg, "editMessageText", message_id, text="other")
        assert (status, body["description"]) == (400, "Bad Request: message can't be edited")
        status, body = await on_message(
            http, tg, "editMessageReplyMarkup", message_id, reply_markup=keyboard("b")
        )
        assert (status, body["description"]) == (400, "Bad Request: message can't be edited")
        assert tg.messages[(USER, message_id)]["text"] == "sent"
    # It can still be deleted.
    status, _ = await on_message(http, tg, "deleteMessage", message_id)
    assert status == 200


async def test_pressing_a_one_time_keyboard_hides_it(
    tg: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    await send(http, tg, "Where?", reply_markup=LOCATION_KEYBOARD)
    with pytest.raises(ValueError, match="no reply button 'Paris'"):
        tg.press_reply_button("Paris")
    with pytest.raises(ValueError, match="use send_location"):
        tg.press_reply_button("📍 Share location")
    with pytest.raises(ValueError, match="no reply button"):
        tg.press_reply_button("Kyiv", user_id=2002)  # that chat has no keyboard

    update_id = tg.press_reply_button("Kyiv")
    _, body = await call(http, tg, "getUpdates")
    update = next(u for u in body["result"] if u["update_id"] == update_id)
    assert update["message"]["text"] == "Kyiv" and update["message"]["from"]["id"] == USER
    keyboard = tg.reply_keyboard(USER)
    assert keyboard is not None and keyboard.hidden  # one-time: hidden, still there

    # A keyboard that is not one-time stays shown after a press.
    await send(http, tg, "Sure?", reply_markup={"keyboard": [["Yes", "No"]]})
    tg.press_reply_button("Yes")
    kept = tg.reply_keyboard(USER)
    assert kept is not None and not kept.hidden


async def test_a_shared_location_is_a_message_the_bot_receives(tg: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(
        USER,
        "Share your location",
        reply_markup=ReplyKeyboardMarkup(
            keyboard=[[KeyboardButton(text="📍 Share location", request_location=True)]],
            resize_keyboard=True,
            one_time_keyboard=True,
        ),
    )
    update_id = tg.send_location(27.7172, 85.324, language_code="en")
    updates = await bot.get_updates(offset=update_id)
    message = updates[0].message
    assert message is not None and message.location is not None
    assert (message.location.latitude, message.location.longitude) == (27.7172, 85.324)
    assert message.text is None and message.from_user is not None
    assert message.from_user.language_code == "en"
    keyboard = tg.reply_keyboard(USER)
    assert keyboard is not None and keyboard.hidden  # the button's press hid the one-time keyboard

    # aiogram's ReplyKeyboardRemove and ForceReply are understood too.
    await bot.send_message(
        USER, "Thanks", reply_markup=ForceReply(input_field_placeholder="Your city")
    )
    assert tg.force_reply(USER) == {
        "message_id": ANY,
        "input_field_placeholder": "Your city",
    }
    await bot.send_message(USER, "Bye", reply_markup=ReplyKeyboardRemove())
    assert tg.reply_keyboard(USER) is None
    tg.send_text("Kyiv")  # the user's answer ends the force-reply
    assert tg.force_reply(USER) is None
    assert tg.input_state(USER) == {"reply_keyboard": None, "force_reply": None}

    for latitude, longitude in ((90.5, 0), (-91, 0), (0, 180.01), (0, -181), (float("nan"), 0)):
        with pytest.raises(ValueError, match="must be within"):
            tg.send_location(latitude, longitude)


def test_a_chat_between_two_users_is_one_chat_the_bot_never_sees(tg: FakeTelegram) -> None:
    """The web chat's "Alice → Bob": stored under an id of its own (the same both ways), never
    mixed with either user's chat with the bot, and nothing written there is an update."""
    chat = tg.peer_chat(1001, 1002)
    assert chat == tg.peer_chat(1002, 1001) and chat not in (1001, 1002) and chat < 0
    assert tg.peer_chat(1001, 1003) != chat
    assert tg.peer_of(chat, 1001) == 1002 and tg.peer_of(chat, 1003) is None
    assert tg.chat(chat)["type"] == "private"
    written = tg.send_to_peer("hi Bob", user_id=1001, chat_id=chat)
    assert written["chat"]["id"] == chat and tg.messages[(chat, written["message_id"])]
    assert not any(key[0] in (1001, 1002) for key in tg.messages)
    assert tg._updates == []  # the bot is not in the chat
    with pytest.raises(ValueError):
        tg.send_to_peer("let me in", user_id=1003, chat_id=chat)
    with pytest.raises(ValueError):
        tg.peer_chat(1001, 1001)
