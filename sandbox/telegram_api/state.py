"""The server's state: the bot, its users and chats, the messages, the update queue, the
record of calls; and what every family of methods shares (storing a message, formatting
a text, telling observers).

A family of methods (``messages.py``, ``updates.py``, ...) is a subclass of :class:`State`
whose handlers are marked with :func:`~sandbox.telegram_api.records.api_method`; state of
its own it sets up in an ``init_state(self)`` method, which :class:`State` calls for each
class that defines one.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import time
from collections.abc import Callable
from typing import Any

from sandbox.telegram_api import params as p
from sandbox.telegram_api.errors import BLOCKED, ApiError, bad
from sandbox.telegram_api.html import FormattedText
from sandbox.telegram_api.records import (
    API_METHOD_ATTRIBUTE,
    ApiCall,
    Bucket,
    ChatEvent,
    Fault,
    Handler,
    Params,
    RateLimit,
)


class State:
    """See :class:`~sandbox.telegram_api.FakeTelegram`, which is made of this and the families."""

    def __init__(
        self,
        token: str = "123456:TEST-token_abcdefghijklmnopqrstuvwxyz",
        *,
        bot_id: int | None = None,
        username: str = "zodiac_test_bot",
        first_name: str = "Zodiac Test Bot",
        strict_html: bool = True,
        clock: Callable[[], float] = time.monotonic,
        rate_limit: RateLimit | None = None,
    ) -> None:
        prefix = token.split(":", 1)[0]
        self.token = token
        self.bot_id = bot_id if bot_id is not None else int(prefix) if prefix.isdigit() else 123456
        self.username = username
        self.first_name = first_name
        self.strict_html = strict_html
        self.clock = clock  # used for ApiCall.at and the callback-answer deadline
        self.callback_answer_timeout = 15.0
        self.rate_limit = rate_limit
        self.inline_mode = True  # /setinline: getMe says supports_inline_queries

        self.calls: list[ApiCall] = []
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.raw_texts: dict[tuple[int, int], str] = {}  # text/caption exactly as sent
        self.deleted_messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.answered_callbacks: dict[str, ApiCall] = {}
        self.blocked_users: set[int] = set()
        self.users: dict[int, dict[str, Any]] = {}

        self._observers: list[Callable[[ChatEvent], None]] = []
        self._buckets: dict[int, Bucket] = {}
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 1
        self._next_message_id: dict[int, int] = {}
        self._faults: dict[str, list[Fault]] = {}
        self._seq = itertools.count(1)
        self._calls_changed = asyncio.Condition()
        self._wakeup = asyncio.Event()  # replaced on every wake; see _wake()
        self.waiting_polls = 0  # getUpdates requests currently waiting for an update
        self._closing = False
        self._methods: dict[str, Handler] = {}
        for cls in reversed(type(self).__mro__):  # a subclass's handler wins
            init_state = vars(cls).get("init_state")
            if init_state is not None:
                init_state(self)
            for attribute, value in vars(cls).items():
                for name in getattr(value, API_METHOD_ATTRIBUTE, ()):
                    self.register_method(name, getattr(self, attribute))

    def check_limits(self, method: str, params: Params, now: float) -> None:
        """Broadcast limits and per-chat failures before a method runs (``limits.py``);
        nothing here."""

    def register_method(self, name: str, handler: Handler) -> None:
        """Add or replace a Bot API method (names are case-insensitive)."""
        self._methods[name.lower()] = handler

    def subscribe(self, observer: Callable[[ChatEvent], None]) -> Callable[[], None]:
        """Call ``observer`` with every :class:`ChatEvent`; returns the unsubscribe function."""
        self._observers.append(observer)

        def unsubscribe() -> None:
            if observer in self._observers:
                self._observers.remove(observer)

        return unsubscribe

    def _emit(self, kind: str, chat_id: int | None, data: dict[str, Any]) -> None:
        event = ChatEvent(kind, chat_id, copy.deepcopy(data))
        for observer in list(self._observers):
            observer(event)

    # ------------------------------------------------------------------ user side

    @property
    def bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": self.inline_mode,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def user(self, user_id: int, *, language_code: str | None = None) -> dict[str, Any]:
        """The (auto-created) Telegram user object for ``user_id``; a new user's app is in
        ``language_code`` (none when not given: the bot then answers in its default language),
        an existing user's changes to it if given."""
        user = self.users.setdefault(
            user_id,
            {
                "id": user_id,
                "is_bot": False,
                "first_name": f"User{user_id}",
                "username": f"user{user_id}",
            },
        )
        if language_code:
            user["language_code"] = language_code
        return user

    def set_app_language(self, user_id: int, language_code: str | None) -> dict[str, Any]:
        """Set the language of ``user_id``'s Telegram app, carried in every update's ``from``;
        None: an app that reports none (Telegram then leaves ``language_code`` out)."""
        user = self.user(user_id)
        if language_code is None:
            user.pop("language_code", None)
        else:
            user["language_code"] = language_code
        return user

    def chat(self, chat_id: int) -> dict[str, Any]:
        """The chat object Telegram would put in messages to/from ``chat_id``."""
        if chat_id > 0:
            user = self.user(chat_id)
            chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
            if "username" in user:
                chat["username"] = user["username"]
            return chat
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return {"id": chat_id, "type": kind, "title": f"Group {chat_id}"}

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates; assigns ``update_id`` if missing."""
        update_id = update.get("update_id")
        if update_id is None:
            update_id = self._next_update_id
            update = {"update_id": update_id, **update}
        self._next_update_id = max(self._next_update_id, update_id + 1)
        self._updates.append(update)
        self._wake()
        return int(update_id)

    def _wake(self) -> None:
        """Wake every long poll waiting now (they re-check their condition)."""
        self._wakeup.set()
        self._wakeup = asyncio.Event()

    # ------------------------------------------------------------------ inspection

    def calls_of(self, method: str) -> list[ApiCall]:
        """Recorded calls of ``method`` (case-insensitive), in order."""
        wanted = method.lower()
        return [call for call in self.calls if call.method.lower() == wanted]

    def bot_messages(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Current (not deleted) messages sent by the bot, oldest first."""
        return [
            message
            for (chat, _), message in sorted(self.messages.items())
            if message["from"]["id"] == self.bot_id and chat_id in (None, chat)
        ]

    async def wait_for(
        self,
        predicate: Callable[[ApiCall], bool] | str,
        *,
        timeout: float = 10.0,
    ) -> ApiCall:
        """The first call (already recorded or future) matching ``predicate``.

        ``predicate`` may be a method name.  A predicate raising LookupError or
        TypeError (``c.params["text"]`` on a call without text) counts as no match.
        """
        return (await self.wait_for_count(predicate, 1, timeout=timeout))[0]

    async def wait_for_count(
        self,
        predicate: Callable[[ApiCall], bool] | str,
        n: int,
        *,
        timeout: float = 10.0,
    ) -> list[ApiCall]:
        """The first ``n`` calls matching ``predicate``, waiting until there are ``n``."""
        match = self._matcher(predicate)

        def found() -> list[ApiCall]:
            return [call for call in self.calls if match(call)]

        try:
            async with asyncio.timeout(timeout), self._calls_changed:
                await self._calls_changed.wait_for(lambda: len(found()) >= n)
        except TimeoutError:
            recent = "\n  ".join(call.summary() for call in self.calls[-15:]) or "(none)"
            raise TimeoutError(
                f"timed out after {timeout}s waiting for {n} call(s) matching "
                f"{getattr(predicate, '__name__', predicate)!s}; {len(found())} matched. "
                f"Last calls ({len(self.calls)} in all):\n  {recent}"
            ) from None
        return found()[:n]

    async def wait_until_polling(
        self,
        *,
        timeout: float = 10.0,
    ) -> None:
        """Wait until a getUpdates long poll is parked on the server, waiting for updates."""
        try:
            async with asyncio.timeout(timeout), self._calls_changed:
                await self._calls_changed.wait_for(lambda: self.waiting_polls > 0)
        except TimeoutError:
            raise TimeoutError(f"no getUpdates long poll started within {timeout}s") from None

    @staticmethod
    def _matcher(predicate: Callable[[ApiCall], bool] | str) -> Callable[[ApiCall], bool]:
        if isinstance(predicate, str):
            wanted = predicate.lower()
            return lambda call: call.method.lower() == wanted

        def match(call: ApiCall) -> bool:
            try:
                return bool(predicate(call))
            except (LookupError, TypeError):
                return False

        return match

    # ------------------------------------------------------------------ shared by methods

    def _check_not_blocked(self, chat_id: int) -> None:
        if chat_id in self.blocked_users:
            raise ApiError(403, BLOCKED)

    def _new_message_id(self, chat_id: int) -> int:
        self._next_message_id[chat_id] = self._next_message_id.get(chat_id, 0) + 1
        return self._next_message_id[chat_id]

    def _format_text(
        self, text: Any, parse_mode: Any, entities: Any, *, too_long: str = "message is too long"
    ) -> FormattedText:
        """A message text's visible text and entities (1-4096 characters), or the ApiError
        Telegram would give (``too_long`` when it is longer)."""
        return p.format_text(
            text,
            parse_mode,
            entities,
            limit=p.MESSAGE_LIMIT,
            too_long=too_long,
            allow_empty=False,
            strict_html=self.strict_html,
        )

    def _format_caption(self, caption: Any, parse_mode: Any, entities: Any) -> FormattedText:
        """A caption's visible text and entities (0-1024 characters), or the ApiError."""
        return p.format_text(
            caption,
            parse_mode,
            entities,
            limit=p.CAPTION_LIMIT,
            too_long="message caption is too long",
            allow_empty=True,
            strict_html=self.strict_html,
        )

    def _stored_message(self, params: Params) -> tuple[tuple[int, int], dict[str, Any]]:
        if params.get("inline_message_id"):
            raise bad("MESSAGE_ID_INVALID")
        key = (p.chat_id(params), p.message_id(params))
        message = self.messages.get(key)
        if message is None:
            raise bad("message to edit not found")
        if message["from"]["id"] != self.bot_id:
            raise bad("message can't be edited")
        return key, message

    def _new_message(self, chat_id: int, sender: dict[str, Any], **content: Any) -> dict[str, Any]:
        """A new message from ``sender`` (a user object, copied) in ``chat_id``, as Telegram
        returns it: the next message_id of the chat, the chat, the date, then ``content``."""
        return {
            "message_id": self._new_message_id(chat_id),
            "from": dict(sender),
            "chat": self.chat(chat_id),
            "date": int(time.time()),
            **content,
        }

    @staticmethod
    def _fill(
        message: dict[str, Any],
        formatted: FormattedText,
        markup: dict[str, Any] | None,
        field: str,
    ) -> None:
        """Set the text (always) or caption (when not empty), its entities and the keyboard."""
        if field == "text" or formatted.text:
            message[field] = formatted.text
        if formatted.entities:
            message["entities" if field == "text" else "caption_entities"] = formatted.entities
        if markup:
            message["reply_markup"] = markup

    def _store(self, message: dict[str, Any], raw: str | None) -> dict[str, Any]:
        key = (message["chat"]["id"], message["message_id"])
        edited = key in self.messages
        self.messages[key] = message
        if raw is not None:
            self.raw_texts[key] = raw
        self._emit("edit" if edited else "message", key[0], message)
        return copy.deepcopy(message)
