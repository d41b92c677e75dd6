"""The sandbox's web chat: static page + a small JSON API + Server-Sent Events.

The page plays the Telegram app of a few simulated users. What a user does becomes an
update on the local Bot API server (:class:`~sandbox.telegram_api.FakeTelegram`), which the
bot receives through ``getUpdates`` like any other; what the bot does there is pushed to the
page as events. The page renders messages from the text and the entities the server
computed, never from the bot's HTML (see ``static/app.js``).

    GET  /                                 the chat page
    GET  /static/<file>                    app.js, style.css
    GET  /api/state                        the bot; the users, each with the command menu
                                           and description their app language shows
    GET  /api/chats/<user_id>              that user's private chat with the bot: its
                                           messages and ``input`` (reply keyboard, force reply)
    POST /api/chats/<user_id>/messages     {"text": ...}: the user sends a message
    POST /api/chats/<user_id>/taps         {"message_id": ..., "data": ...}: a button tap
    POST /api/chats/<user_id>/keyboard     {"text": ...}: a press on a reply-keyboard button
    POST /api/chats/<user_id>/locations    {"latitude": ..., "longitude": ...}: the user
                                           shares a location (the request_location panel)
    POST /api/chats/<user_id>/due-now      sandbox control: the user's next daily push is
                                           due now; {"status", "message", "next_due"}, status
                                           "done" or why not ("no_subscription", "paused",
                                           "stopped")
    GET  /api/chats/<user_id>/peers/<peer_id>
                                           the private chat of two users (the bot is not
                                           in it): {"chat_id", "messages"}
    POST /api/chats/<user_id>/peers/<peer_id>/messages
                                           {"text": ...}: the user writes to the other
    POST /api/chats/<user_id>/inline       {"query": ..., "peer_id": ...|null}: the user
                                           types "@bot <query>" in the chat with peer_id
                                           (null: the bot's chat); waits for the bot's
                                           answerInlineQuery: {"query_id", "results", ...}
    POST /api/chats/<user_id>/inline/<query_id>/choose
                                           {"result_id": ..., "peer_id": ...|null}: the
                                           user picks a result; it is posted "via @bot"
    POST /api/chats/<user_id>/links        {"url": "https://t.me/<bot>?start=..."}: the
                                           user opens a deep link (/start ... in the bot's
                                           chat)
    GET  /api/files/<file_id>              a photo the bot sent
    GET  /api/events                       text/event-stream of ChatEvents (JSON)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from sandbox.telegram_api import MESSAGE_LIMIT, ChatEvent, FakeTelegram, utf16_len

STATIC_DIR = Path(__file__).parent / "static"
KEEPALIVE_SECONDS = 15.0

_PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def image_type(data: bytes) -> str | None:
    """The type of a PNG, JPEG, GIF or WebP image by its first bytes (aiogram uploads say
    application/octet-stream). Nothing else is served as an image: an SVG could carry script."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


@dataclass(frozen=True)
class SandboxUser:
    """A simulated Telegram user; each has a private chat with the bot. ``language_code`` is
    their Telegram app's language (None: the chat's default, see :class:`ChatWeb`)."""

    id: int
    first_name: str
    username: str
    is_admin: bool = False
    language_code: str | None = None


@dataclass(frozen=True)
class DueNowAnswer:
    """What the "make my next delivery due now" control answers: ``done`` (the push is due
    now), or why not (``no_subscription``, ``paused``, ``stopped``, ``already_delivered``: that
    local date's push has gone out), for the user to read."""

    status: str
    message: str
    next_due: str | None = None  # ISO 8601, UTC

    @property
    def done(self) -> bool:
        return self.status == "done"


DueNow = Callable[[int], Awaitable[DueNowAnswer]]


class ChatWeb:
    """Serves the chat page for ``users`` against the local Bot API server ``tg``; a user
    without a language of their own has an app in ``language_code``. ``due_now``, when
    given, backs the sandbox's "make my next delivery due now" control (the runner wires it
    to the bot's subscriptions); without it the page does not offer the control."""

    def __init__(
        self,
        tg: FakeTelegram,
        users: list[SandboxUser],
        *,
        language_code: str = "ru",
        due_now: DueNow | None = None,
    ) -> None:
        self.tg = tg
        self.users = {user.id: user for user in users}
        self.language_code = language_code
        self.due_now = due_now
        self.url = ""
        self._queues: set[asyncio.Queue[dict[str, Any] | None]] = set()
        self._runner: web.AppRunner | None = None
        self._unsubscribe = tg.subscribe(self._on_event)
        for user in users:
            profile = tg.user(user.id, language_code=user.language_code or language_code)
            profile.update(first_name=user.first_name, username=user.username)

    # ------------------------------------------------------------------ lifecycle

    def app(self) -> web.Application:
        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_get("/", self._index)
        app.router.add_static("/static/", STATIC_DIR, append_version=False)
        app.router.add_get("/api/state", self._state)
        app.router.add_get("/api/chats/{user_id}", self._chat)
        app.router.add_post("/api/chats/{user_id}/messages", self._send)
        app.router.add_post("/api/chats/{user_id}/taps", self._tap)
        app.router.add_post("/api/chats/{user_id}/keyboard", self._press)
        app.router.add_post("/api/chats/{user_id}/locations", self._location)
        app.router.add_post("/api/chats/{user_id}/due-now", self._due_now)
        app.router.add_get("/api/chats/{user_id}/peers/{peer_id}", self._peer_chat)
        app.router.add_post("/api/chats/{user_id}/peers/{peer_id}/messages", self._peer_send)
        app.router.add_post("/api/chats/{user_id}/inline", self._inline_query)
        app.router.add_post("/api/chats/{user_id}/inline/{query_id}/choose", self._choose)
        app.router.add_post("/api/chats/{user_id}/links", self._open_link)
        app.router.add_get("/api/files/{file_id}", self._file)
        app.router.add_get("/api/events", self._events)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 8081) -> str:
        """Listen on ``host:port`` (0 = any free port); returns and sets :attr:`url`."""
        self._runner = web.AppRunner(self.app(), access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        try:
            await site.start()
        except OSError:
            await self._runner.cleanup()
            self._runner = None
            raise
        bound = self._runner.addresses[0][1]
        shown = "127.0.0.1" if host in ("", "0.0.0.0") else host
        shown = f"[{shown}]" if ":" in shown else shown
        self.url = f"http://{shown}:{bound}/"
        return self.url

    async def stop(self) -> None:
        for queue in list(self._queues):
            queue.put_nowait(None)  # ends each event stream
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._unsubscribe()

    # ------------------------------------------------------------------ events

    def _on_event(self, event: ChatEvent) -> None:
        payload: dict[str, Any] = {"kind": event.kind, "chat_id": event.chat_id}
        payload["data"] = event.data
        members = None if event.chat_id is None else self.tg.peer_chats.get(event.chat_id)
        if members is not None:
            payload["members"] = list(members)  # a chat of two users: who sees it
        if event.kind in ("commands", "description"):
            payload["data"] = {"users": {str(uid): self._profile(uid) for uid in self.users}}
        for queue in list(self._queues):
            queue.put_nowait(payload)

    async def _events(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-store",
                "X-Accel-Buffering": "no",
            }
        )
        await response.prepare(request)
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self._queues.add(queue)
        try:
            await response.write(b"retry: 1000\n: connected\n\n")
            while True:
                try:
                    async with asyncio.timeout(KEEPALIVE_SECONDS):
                        item = await queue.get()
                except TimeoutError:
                    await response.write(b": keep-alive\n\n")
                    continue
                if item is None:
                    break
                data = json.dumps(item, ensure_ascii=False)
                await response.write(f"data: {data}\n\n".encode())
        except ConnectionError:
            pass  # the page went away
        finally:
            self._queues.discard(queue)
        with contextlib.suppress(ConnectionError):
            await response.write_eof()
        return response

    # ------------------------------------------------------------------ pages and API

    async def _index(self, request: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC_DIR / "index.html", headers=_PAGE_HEADERS)

    def _commands(self) -> list[dict[str, Any]]:
        return self.tg.commands_for(language_code=self.language_code) or self.tg.commands_for()

    def app_language(self, user_id: int) -> str | None:
        """The language of the user's app, as the updates carry it."""
        language = self.tg.user(user_id).get("language_code")
        return None if language is None else str(language)

    def _profile(self, user_id: int) -> dict[str, Any]:
        """What the user's app shows of the bot: its command menu and, in an empty chat,
        its description, both in the app's language as Telegram picks them."""
        language = self.app_language(user_id)
        return {
            "language_code": language,
            "commands": self.tg.menu_for(user_id, language),
            "description": self.tg.description_for(language),
        }

    async def _state(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "bot": {
                    "id": self.tg.bot_id,
                    "first_name": self.tg.first_name,
                    "username": self.tg.username,
                },
                "users": [
                    {**asdict(user), **self._profile(user.id)} for user in self.users.values()
                ],
                "commands": self._commands(),
                "message_limit": MESSAGE_LIMIT,
                "controls": {"due_now": self.due_now is not None},
            }
        )

    def _user(self, request: web.Request) -> SandboxUser:
        raw = request.match_info["user_id"]
        user = self.users.get(int(raw)) if raw.lstrip("-").isdigit() else None
        if user is None:
            raise web.HTTPNotFound(text="no such sandbox user")
        return user

    async def _chat(self, request: web.Request) -> web.Response:
        user = self._user(request)
        messages = [m for (chat, _), m in sorted(self.tg.messages.items()) if chat == user.id]
        return web.json_response({"messages": messages, "input": self.tg.input_state(user.id)})

    @staticmethod
    async def _body(request: web.Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except ValueError:
            raise web.HTTPBadRequest(text="expected a JSON object") from None
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="expected a JSON object")
        return body

    async def _send(self, request: web.Request) -> web.Response:
        user = self._user(request)
        text = (await self._body(request)).get("text")
        if not isinstance(text, str) or not text.strip():
            raise web.HTTPBadRequest(text="text must be a non-empty string")
        if utf16_len(text) > MESSAGE_LIMIT:
            raise web.HTTPBadRequest(text=f"a message holds at most {MESSAGE_LIMIT} characters")
        update_id = self.tg.send_text(text, user_id=user.id)  # in the user's app language
        return web.json_response({"update_id": update_id})

    async def _tap(self, request: web.Request) -> web.Response:
        user = self._user(request)
        body = await self._body(request)
        message_id, data = body.get("message_id"), body.get("data")
        if not isinstance(message_id, int) or not isinstance(data, str):
            raise web.HTTPBadRequest(text="message_id (int) and data (str) are required")
        try:
            query_id = self.tg.tap(message_id, data, user_id=user.id)
        except ValueError as error:
            raise web.HTTPConflict(text=str(error)) from None
        return web.json_response({"callback_query_id": query_id})

    async def _press(self, request: web.Request) -> web.Response:
        user = self._user(request)
        text = (await self._body(request)).get("text")
        if not isinstance(text, str) or not text:
            raise web.HTTPBadRequest(text="text (the button's) is required")
        try:
            update_id = self.tg.press_reply_button(text, user_id=user.id)
        except ValueError as error:
            raise web.HTTPConflict(text=str(error)) from None
        return web.json_response({"update_id": update_id})

    async def _location(self, request: web.Request) -> web.Response:
        user = self._user(request)
        body = await self._body(request)
        latitude = _coordinate(body.get("latitude"), 90.0, "latitude")
        longitude = _coordinate(body.get("longitude"), 180.0, "longitude")
        update_id = self.tg.send_location(latitude, longitude, user_id=user.id)
        return web.json_response({"update_id": update_id})

    async def _due_now(self, request: web.Request) -> web.Response:
        user = self._user(request)
        if self.due_now is None:
            raise web.HTTPNotFound(text="this sandbox has no delivery control")
        answer = await self.due_now(user.id)
        return web.json_response(asdict(answer))  # an answer, not an error: always 200

    # ------------------------------------------------------------------ inline mode

    def _peer(self, user: SandboxUser, raw: Any) -> SandboxUser | None:
        """The other sandbox user of a chat (None: the user's chat with the bot)."""
        if raw is None:
            return None
        peer = self.users.get(int(raw)) if str(raw).lstrip("-").isdigit() else None
        if peer is None or peer.id == user.id:
            raise web.HTTPNotFound(text="no such sandbox user to chat with")
        return peer

    def _chat_id(self, user: SandboxUser, peer: SandboxUser | None) -> int:
        return user.id if peer is None else self.tg.peer_chat(user.id, peer.id)

    async def _peer_chat(self, request: web.Request) -> web.Response:
        user = self._user(request)
        peer = self._peer(user, request.match_info["peer_id"])
        chat_id = self._chat_id(user, peer)
        messages = [m for (chat, _), m in sorted(self.tg.messages.items()) if chat == chat_id]
        return web.json_response({"chat_id": chat_id, "messages": messages})

    async def _peer_send(self, request: web.Request) -> web.Response:
        user = self._user(request)
        peer = self._peer(user, request.match_info["peer_id"])
        text = (await self._body(request)).get("text")
        if not isinstance(text, str) or not text.strip():
            raise web.HTTPBadRequest(text="text must be a non-empty string")
        try:
            message = self.tg.send_to_peer(text, user_id=user.id, chat_id=self._chat_id(user, peer))
        except ValueError as error:
            raise web.HTTPBadRequest(text=str(error)) from None
        return web.json_response({"message_id": message["message_id"]})

    async def _inline_query(self, request: web.Request) -> web.Response:
        """An inline query as the app sends one while the user types; answers with the bot's
        answerInlineQuery once it comes (504 when the bot is silent for Telegram's 10 s)."""
        user = self._user(request)
        body = await self._body(request)
        query = body.get("query")
        if not isinstance(query, str):
            raise web.HTTPBadRequest(text="query must be a string")
        peer = self._peer(user, body.get("peer_id"))
        query_id = self.tg.inline_query(
            query, user_id=user.id, chat_type="sender" if peer is None else "private"
        )
        try:
            call = await self.tg.wait_for(
                lambda c: (
                    c.method.lower() == "answerinlinequery"
                    and str(c.params.get("inline_query_id")) == query_id
                ),
                timeout=self.tg.inline_answer_timeout,
            )
        except TimeoutError:
            raise web.HTTPGatewayTimeout(text="the bot did not answer the inline query") from None
        if not call.ok:
            raise web.HTTPBadGateway(text=f"the bot's answer was refused: {call.description}")
        return web.json_response({"query_id": query_id, **self.tg.inline_answers[query_id]})

    async def _choose(self, request: web.Request) -> web.Response:
        user = self._user(request)
        body = await self._body(request)
        result_id = body.get("result_id")
        if not isinstance(result_id, str):
            raise web.HTTPBadRequest(text="result_id must be a string")
        query_id = request.match_info["query_id"]
        query = self.tg.inline_queries.get(query_id)
        if query is None or query["from"]["id"] != user.id:
            raise web.HTTPNotFound(text="no such inline query of this user")
        chat_id = self._chat_id(user, self._peer(user, body.get("peer_id")))
        try:
            message = self.tg.choose_inline_result(query_id, result_id, chat_id=chat_id)
        except ValueError as error:
            raise web.HTTPConflict(text=str(error)) from None
        return web.json_response({"chat_id": chat_id, "message": message})

    async def _open_link(self, request: web.Request) -> web.Response:
        user = self._user(request)
        url = (await self._body(request)).get("url")
        if not isinstance(url, str):
            raise web.HTTPBadRequest(text="url must be a string")
        try:
            update_id = self.tg.open_link(url, user_id=user.id)
        except ValueError as error:
            raise web.HTTPBadRequest(text=str(error)) from None
        return web.json_response({"update_id": update_id})

    async def _file(self, request: web.Request) -> web.Response:
        upload = self.tg.files.get(request.match_info["file_id"])
        if upload is None:
            raise web.HTTPNotFound(text="no such file")
        return web.Response(
            body=upload.data,
            content_type=image_type(upload.data) or "application/octet-stream",
            headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"},
        )


def _coordinate(value: Any, bound: float, name: str) -> float:
    """A latitude (bound 90) or longitude (bound 180) from the page, or a 400 saying why."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise web.HTTPBadRequest(text=f"{name} must be a number")
    number = float(value)
    if not math.isfinite(number) or not -bound <= number <= bound:
        raise web.HTTPBadRequest(text=f"{name} must be between {-bound:g} and {bound:g}")
    return number
