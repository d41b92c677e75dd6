"""A lean Bot API stand-in for load: it plays many users tapping sign buttons (or typing
``@bot leo``: inline queries) and times the answers. Unlike ``tests/standins/telegram.py``
(which records every call, deep-copies every message and validates HTML) it keeps only what the
figures need, so the driver is not the bottleneck: updates are serialised once, requests are
parsed with ``parse_qs``, answers are canned bytes. Its own CPU use is reported next to the bot's.

Latency is measured from the moment a ``getUpdates`` response carrying the tap is handed to the
transport to the moment the answering ``editMessageText``/``sendMessage`` arrives (texts with
"⏳", the cold path's "preparing…", do not count as the answer); for an inline query, from the
hand-out of the ``inline_query`` update to the bot's ``answerInlineQuery`` (a "preparing" result
is counted in ``Stats.preparing`` but is an answer: Telegram shows it).
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import signal
import subprocess
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

from aiohttp import web

from benchmarks.common import PYTHON, RESULTS, ROOT, TOKEN

BOT_ID = int(TOKEN.split(":")[0])
PREPARING_MARK = "⏳"
now = time.perf_counter

_OK_TRUE = b'{"ok":true,"result":true}'
#: The push benchmarks' subscribers are chats from here on (the tapping users are below).
PUSH_USER_BASE = 5_000_000
# What the bot reads at start-up before it sets its menus and descriptions (bot/surfaces.py).
_READS = {
    "getmycommands": b'{"ok":true,"result":[]}',
    "getmydescription": b'{"ok":true,"result":{"description":""}}',
    "getmyshortdescription": b'{"ok":true,"result":{"short_description":""}}',
}
_ME = json.dumps(
    {
        "ok": True,
        "result": {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Zodiac Bench",
            "username": "zodiac_bench_bot",
        },
    }
).encode()
_MENU_MARKUP = {
    "inline_keyboard": [
        [{"text": f"sign {i + j}", "callback_data": f"sign:{s}"} for j, s in enumerate(row)]
        for i, row in enumerate(
            [
                ["aries", "taurus", "gemini"],
                ["cancer", "leo", "virgo"],
                ["libra", "scorpio", "sagittarius"],
                ["capricorn", "aquarius", "pisces"],
            ]
        )
    ]
}


# The simulated users' Telegram apps: a mix of the shipped languages (one in six each; João's
# "pt-br" resolves to pt), so the bot serves every language from memory as it would in life.
APP_LANGUAGES = ("ru", "en", "uk", "es", "de", "pt-br")


def app_language(user: int) -> str:
    return APP_LANGUAGES[user % len(APP_LANGUAGES)]


@dataclass
class PushLedger:
    """Telegram's sending limits as the push benchmarks' stand-in enforces them on the
    messages sent to subscribers (chats from ``PUSH_USER_BASE`` on), and what was delivered.

    The global limit is a sliding second: a message arriving when ``global_limit`` messages
    were accepted in the second before it is refused (stricter than a bucket that would allow
    a burst). A chat that was sent a message less than ``per_chat_interval`` seconds ago is
    refused too. Refused = HTTP 429 with ``retry_after`` (whole seconds, at least 1, as
    Telegram answers); a refused message is not delivered."""

    global_limit: int | None = 30  # None: off
    per_chat_interval: float | None = 1.0  # None: off
    accepted: list[float] = field(default_factory=list)  # arrival instants, in order
    per_chat: dict[int, int] = field(default_factory=dict)  # chat -> messages accepted
    refused_global: int = 0
    refused_chat: int = 0
    on_accept: Callable[[int], None] | None = None  # called with the count accepted so far
    _window: deque[float] = field(default_factory=deque)
    _last: dict[int, float] = field(default_factory=dict)

    @property
    def refused(self) -> int:
        return self.refused_global + self.refused_chat

    @property
    def duplicates(self) -> int:
        """Messages beyond the first to any chat."""
        return sum(n - 1 for n in self.per_chat.values() if n > 1)

    def offer(self, chat: int, at: float) -> int | None:
        """None: accepted; else the ``retry_after`` of the 429."""
        window = self._window
        while window and window[0] <= at - 1.0:
            window.popleft()
        if self.global_limit is not None and len(window) >= self.global_limit:
            self.refused_global += 1
            return max(1, math.ceil(window[0] + 1.0 - at))
        if self.per_chat_interval is not None:
            last = self._last.get(chat)
            if last is not None and at - last < self.per_chat_interval:
                self.refused_chat += 1
                return max(1, math.ceil(last + self.per_chat_interval - at))
            self._last[chat] = at
        window.append(at)
        self.accepted.append(at)
        self.per_chat[chat] = self.per_chat.get(chat, 0) + 1
        if self.on_accept is not None:
            self.on_accept(len(self.accepted))
        return None


@dataclass(slots=True)
class Tap:
    user: int
    message_id: int
    created: float
    handed: float = 0.0
    answered: float = 0.0
    preparing: int = 0


@dataclass
class Stats:
    answered: list[Tap] = field(default_factory=list)
    get_updates: int = 0
    callback_answers: int = 0
    preparing: int = 0
    other_sends: int = 0


INLINE_ID_BASE = 7_000_000_000_000  # inline query ids; a Tap of one has message_id = id - base


class LeanBotAPI:
    def __init__(self, name: str) -> None:
        self.name = name
        self.base_url = ""
        self.first_get_updates: float | None = None
        self.polling = asyncio.Event()
        self.stats = Stats()
        self.on_answer: Callable[[Tap], None] | None = None
        self._queue: deque[tuple[Tap, bytes]] = deque()
        self._outstanding: dict[tuple[int, int], Tap] = {}
        self._inline: dict[str, Tap] = {}  # inline query id -> its Tap
        self._wakeup = asyncio.Event()
        self._next_update = 1
        self._next_message = 1_000
        self._runner: web.AppRunner | None = None
        self._prefix = f"/bot{TOKEN}/"
        self.ledger: PushLedger | None = None  # the push benchmarks: limits and deliveries

    # -- the users' side ----------------------------------------------------------------

    def tap(self, user: int, sign: str) -> Tap:
        """Queue a tap on ``sign`` by ``user`` (whose app is in ``app_language(user)``) on a
        fresh menu message."""
        self._next_message += 1
        tap = Tap(user, self._next_message, now())
        update_id = self._next_update
        self._next_update += 1
        update = {
            "update_id": update_id,
            "callback_query": {
                "id": str(4_000_000_000 + update_id),
                "from": {
                    "id": user,
                    "is_bot": False,
                    "first_name": "U",
                    "language_code": app_language(user),
                },
                "message": {
                    "message_id": tap.message_id,
                    "date": 1_700_000_000,
                    "chat": {"id": user, "type": "private", "first_name": "U"},
                    "from": {"id": BOT_ID, "is_bot": True, "first_name": "Zodiac Bench"},
                    "text": "Выберите свой знак зодиака",
                    "reply_markup": _MENU_MARKUP,
                },
                "chat_instance": str(user * 7919),
                "data": f"sign:{sign}",
            },
        }
        self._outstanding[(user, tap.message_id)] = tap
        self._queue.append((tap, json.dumps(update, ensure_ascii=False).encode()))
        self._wakeup.set()
        return tap

    def inline(self, user: int, query: str) -> Tap:
        """Queue an inline query: ``user`` types ``@bot <query>`` (in the chat with the bot)."""
        self._next_message += 1
        tap = Tap(user, self._next_message, now())
        update_id = self._next_update
        self._next_update += 1
        query_id = str(INLINE_ID_BASE + tap.message_id)
        update = {
            "update_id": update_id,
            "inline_query": {
                "id": query_id,
                "from": {
                    "id": user,
                    "is_bot": False,
                    "first_name": "U",
                    "language_code": app_language(user),
                },
                "query": query,
                "offset": "",
                "chat_type": "sender",
            },
        }
        self._inline[query_id] = tap
        self._queue.append((tap, json.dumps(update, ensure_ascii=False).encode()))
        self._wakeup.set()
        return tap

    @property
    def outstanding(self) -> int:
        return len(self._outstanding) + len(self._inline)

    def reset(self) -> Stats:
        old, self.stats = self.stats, Stats()
        return old

    # -- HTTP ---------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/{path:.*}", self._handle)
        app.router.add_get("/{path:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.base_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        self._wakeup.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        path = request.path
        if not path.startswith(self._prefix):
            return web.Response(status=401, body=b'{"ok":false,"error_code":401}')
        method = path[len(self._prefix) :].lower()
        body = await request.read()
        params = {k: v[0] for k, v in parse_qs(body.decode()).items()} if body else {}
        if method == "getupdates":
            return await self._get_updates(params)
        if method in ("editmessagetext", "sendmessage"):
            return self._answer(method, params)
        if method == "answerinlinequery":
            return self._inline_answer(params)
        if method == "answercallbackquery":
            self.stats.callback_answers += 1
            return web.Response(body=_OK_TRUE, content_type="application/json")
        if method == "getme":
            return web.Response(body=_ME, content_type="application/json")
        return web.Response(body=_READS.get(method, _OK_TRUE), content_type="application/json")

    async def _get_updates(self, params: dict[str, str]) -> web.Response:
        if self.first_get_updates is None:
            self.first_get_updates = now()
        self.polling.set()
        self.stats.get_updates += 1
        timeout = float(params.get("timeout", 0) or 0)
        if not self._queue and timeout > 0:
            self._wakeup.clear()
            try:
                async with asyncio.timeout(timeout):
                    await self._wakeup.wait()
            except TimeoutError:
                pass
        batch = []
        handed = now()
        for _ in range(min(100, len(self._queue))):
            tap, raw = self._queue.popleft()
            tap.handed = handed
            batch.append(raw)
        return web.Response(
            body=b'{"ok":true,"result":[' + b",".join(batch) + b"]}",
            content_type="application/json",
        )

    def _inline_answer(self, params: dict[str, str]) -> web.Response:
        arrived = now()
        tap = self._inline.pop(params.get("inline_query_id", ""), None)
        if tap is None:
            self.stats.other_sends += 1
        else:
            if '"preparing"' in params.get("results", ""):
                tap.preparing += 1
                self.stats.preparing += 1
            tap.answered = arrived
            self.stats.answered.append(tap)
            if self.on_answer is not None:
                self.on_answer(tap)
        return web.Response(body=_OK_TRUE, content_type="application/json")

    def _answer(self, method: str, params: dict[str, str]) -> web.Response:
        arrived = now()
        chat = int(params.get("chat_id", 0))
        message_id = int(params.get("message_id", 0) or 0)
        text = params.get("text", "")
        if self.ledger is not None and method == "sendmessage" and chat >= PUSH_USER_BASE:
            retry_after = self.ledger.offer(chat, arrived)
            if retry_after is not None:
                return web.Response(
                    status=429,
                    body=(
                        b'{"ok":false,"error_code":429,"description":"Too Many Requests: '
                        b'retry after %d","parameters":{"retry_after":%d}}'
                        % (retry_after, retry_after)
                    ),
                    content_type="application/json",
                )
            self.stats.other_sends += 1
            return web.Response(
                body=b'{"ok":true,"result":{"message_id":1,"date":1700000000,'
                b'"chat":{"id":%d,"type":"private"},"text":"ok"}}' % chat,
                content_type="application/json",
            )
        tap = self._outstanding.get((chat, message_id)) if message_id else None
        if tap is None and method == "sendmessage":
            tap = next((t for (c, _), t in self._outstanding.items() if c == chat), None)
        if tap is None:
            self.stats.other_sends += 1
        elif PREPARING_MARK in text:
            tap.preparing += 1
            self.stats.preparing += 1
        else:
            tap.answered = arrived
            del self._outstanding[(tap.user, tap.message_id)]
            self.stats.answered.append(tap)
            if self.on_answer is not None:
                self.on_answer(tap)
        result = (
            b'{"ok":true,"result":{"message_id":%d,"date":1700000000,'
            b'"chat":{"id":%d,"type":"private"},"text":"ok"}}' % (message_id or 1, chat)
        )
        return web.Response(body=result, content_type="application/json")


# ---------------------------------------------------------------- the processes under test


@dataclass
class Target:
    name: str
    process: subprocess.Popen[bytes]
    api: LeanBotAPI
    started: float
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid


def bot_env(api_url: str, database_url: str, **extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "TELEGRAM_", "BOT_"))
    }
    env.update(
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=api_url,
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
        LOG_FORMAT="json",
        AUTO_MIGRATE="true",
        DEFAULT_LANGUAGE="ru",
        PYTHONDONTWRITEBYTECODE="1",
        # The closed-loop users tap again the moment they are answered, far faster than a
        # person: the anti-flood limit is raised out of their way (its check still runs).
        THROTTLE_RATE="1000000",
    )
    env.update(extra)
    return env


async def spawn(kind: str, api: LeanBotAPI, database_url: str = "", **extra: str) -> Target:
    """Start ``kind`` ("bot": the real ``python -m bot run``; "floor": the bare aiogram bot)
    polling ``api``; return once it is running (the process has been started, not yet polled)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    log = RESULTS / f"{api.name}.log"
    argv = [PYTHON, "-m", "bot", "run"] if kind == "bot" else [PYTHON, "-m", "benchmarks.floor_bot"]
    env = bot_env(api.base_url, database_url, **extra)
    started = now()
    with log.open("wb") as out:
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    return Target(kind, process, api, started, log)


async def wait_polling(target: Target, timeout: float = 60.0) -> float:
    """Seconds from process start to its first getUpdates."""
    deadline = now() + timeout
    while target.api.first_get_updates is None:
        if target.process.poll() is not None:
            raise RuntimeError(f"{target.name} exited: see {target.log}")
        if now() > deadline:
            raise TimeoutError(f"{target.name} did not poll within {timeout}s: see {target.log}")
        await asyncio.sleep(0.005)
    return target.api.first_get_updates - target.started


async def stop(target: Target, timeout: float = 20.0) -> int:
    if target.process.poll() is None:
        target.process.send_signal(signal.SIGTERM)
        deadline = now() + timeout
        while target.process.poll() is None and now() < deadline:
            await asyncio.sleep(0.05)
        if target.process.poll() is None:
            target.process.kill()
    return target.process.wait()
