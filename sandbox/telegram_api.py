"""A local Telegram Bot API server, served over real HTTP: the sandbox's and the tests'.

The sandbox (``horoscope-bot sandbox``) runs the unmodified bot against it through
``TELEGRAM_API_URL``; the test suite uses the very same class.  Point an aiogram bot at it
with::

    async with FakeTelegram() as tg:
        session = AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url))
        bot = Bot(tg.token, session=session)
        tg.send_text("/start")                      # queue an update for getUpdates
        call = await tg.wait_for(lambda c: c.method == "sendMessage")

Requests arrive as ``POST /bot<TOKEN>/<method>`` with form data (urlencoded or
multipart) or a JSON body; query-string parameters are accepted too.  Replies
are what Telegram replies: ``{"ok": true, "result": ...}`` or ``{"ok": false,
"error_code": N, "description": "..."}`` with HTTP status N.

Every request is recorded in :attr:`FakeTelegram.calls` (failed ones too) when
it has been answered, kept sorted by order of arrival (``ApiCall.seq``), and
waiters (:meth:`FakeTelegram.wait_for`) are woken.  A long poll therefore shows
up in ``calls`` only once it returns.

As on the real server, when a getUpdates arrives while an earlier one is still
waiting, the earlier one is answered 409 ``Conflict: terminated by other
getUpdates request; ...`` and the new one proceeds.

Deliberate simplifications:

* Only the methods listed in ``FakeTelegram._methods`` exist; any other method
  (even a real one) answers 404 ``Not Found: method not found``.  Tests can add
  methods with :meth:`FakeTelegram.register_method`.
* HTML is validated strictly (``strict_html=True``): a bare ``>`` or an ``&``
  that does not start a supported entity is rejected, where real Telegram
  would keep it literally, and ``<a>`` needs ``href``.  Markdown parse modes
  are accepted but the text is stored literally.
* Updates are never pushed to a webhook; they wait in the queue
  (see ``pending_update_count`` in getWebhookInfo).
* Flood control is off unless a :class:`RateLimit` is given: then each chat has a token
  bucket, and a send or edit to a chat whose bucket is empty answers 429 with
  ``parameters.retry_after`` (whole seconds until a token is back), as Telegram does.

Observers (the sandbox's web chat) subscribe with :meth:`FakeTelegram.subscribe` and are
called synchronously with a :class:`ChatEvent` for every message stored, edited or deleted,
every callback answer, chat action and command-list change.
"""

from __future__ import annotations

import asyncio
import bisect
import copy
import itertools
import json
import math
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

__all__ = [
    "MESSAGE_LIMIT",
    "NOT_MODIFIED",
    "QUERY_TOO_OLD",
    "ApiCall",
    "ApiError",
    "ChatEvent",
    "FakeTelegram",
    "FormattedText",
    "HTMLParseError",
    "RateLimit",
    "TelegramHTMLParser",
    "UploadedFile",
    "parse_html",
    "utf16_len",
]

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_ANSWER_LIMIT = 200
CALLBACK_DATA_LIMIT = 64

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
BLOCKED = "Forbidden: bot was blocked by the user"


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit Telegram counts in."""
    return len(text.encode("utf-16-le")) // 2


# --------------------------------------------------------------------------- HTML


class HTMLParseError(ValueError):
    """Invalid Telegram HTML; ``str(error)`` is the reason Telegram gives."""


@dataclass(frozen=True)
class FormattedText:
    """Visible text plus Telegram message entities (offsets in UTF-16 units)."""

    text: str
    entities: list[dict[str, Any]]


@dataclass
class _OpenTag:
    name: str
    offset: int  # UTF-16 offset in the visible text where the tag's content starts
    byte_offset: int  # where the tag starts in the source, for error messages
    argument: str | None


_ALLOWED_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a"}
    | {"code", "pre", "blockquote", "tg-emoji"}
)
_ENTITY_TYPE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(
    r"&(?:#(?:[xX](?P<hex>[0-9a-fA-F]{1,8})|(?P<dec>[0-9]{1,10}))|(?P<name>[a-zA-Z][a-zA-Z0-9]*));"
)
_TEXT_SPECIAL = re.compile(r"[<>&]")
_UNQUOTED_VALUE = re.compile(r"[A-Za-z0-9.-]*")


def _decode_entity(match: re.Match[str]) -> str | None:
    """The character an HTML entity stands for, or None if Telegram doesn't support it."""
    if match["name"] is not None:
        return _NAMED_ENTITIES.get(match["name"])
    code = int(match["hex"], 16) if match["hex"] is not None else int(match["dec"])
    if 0 < code < 0x110000 and not 0xD800 <= code <= 0xDFFF:
        return chr(code)
    return None


class TelegramHTMLParser:
    """Parses Telegram's HTML flavour into visible text and entities, like the Bot API.

    Error reasons follow TDLib's wording (``Unsupported start tag "x" at byte
    offset N``, ``Unmatched end tag ...``, ``Can't find end tag corresponding
    to start tag "b"``).  With ``strict=True`` a bare ``>`` and an ``&`` that
    does not start a supported entity are errors too.
    """

    def __init__(self, source: str, *, strict: bool = True) -> None:
        self.src = source
        self.strict = strict
        self.pos = 0
        self._out: list[str] = []
        self._utf16 = 0
        self._stack: list[_OpenTag] = []
        self._entities: list[dict[str, Any]] = []

    def parse(self) -> FormattedText:
        src = self.src
        while self.pos < len(src):
            special = _TEXT_SPECIAL.search(src, self.pos)
            stop = special.start() if special else len(src)
            self._emit(src[self.pos : stop])
            self.pos = stop
            if special is None:
                break
            char = special.group()
            if char == "<":
                if src.startswith("</", self.pos):
                    self._end_tag()
                else:
                    self._start_tag()
            elif char == "&":
                self._text_entity()
            elif self.strict:
                raise HTMLParseError(
                    f'Unescaped ">" at byte offset {self._byte(self.pos)}; use "&gt;"'
                )
            else:
                self._emit(">")
                self.pos += 1
        if self._stack:
            raise HTMLParseError(
                f'Can\'t find end tag corresponding to start tag "{self._stack[-1].name}"'
            )
        entities = sorted(self._entities, key=lambda e: (e["offset"], -e["length"]))
        for entity in entities:
            entity.pop("_language", None)
        return FormattedText("".join(self._out), entities)

    # -- helpers

    def _emit(self, text: str) -> None:
        if text:
            self._out.append(text)
            self._utf16 += utf16_len(text)

    def _byte(self, pos: int) -> int:
        return len(self.src[:pos].encode("utf-8"))

    def _skip_spaces(self, pos: int) -> int:
        while pos < len(self.src) and self.src[pos].isspace():
            pos += 1
        return pos

    def _text_entity(self) -> None:
        match = _ENTITY_RE.match(self.src, self.pos)
        decoded = _decode_entity(match) if match else None
        if match is not None and decoded is not None:
            self._emit(decoded)
            self.pos = match.end()
            return
        if self.strict:
            where = f"at byte offset {self._byte(self.pos)}"
            if match is not None:
                raise HTMLParseError(f'Unsupported HTML entity "{match.group()}" {where}')
            raise HTMLParseError(f'Unescaped "&" {where}; use "&amp;"')
        self._emit("&")
        self.pos += 1

    def _decode_attribute(self, raw: str) -> str:
        def replace(match: re.Match[str]) -> str:
            decoded = _decode_entity(match)
            return match.group() if decoded is None else decoded

        return _ENTITY_RE.sub(replace, raw)

    # -- tags

    def _start_tag(self) -> None:
        src, begin = self.src, self.pos
        at = f"at byte offset {self._byte(begin)}"
        end = begin + 1
        while end < len(src) and not src[end].isspace() and src[end] != ">":
            end += 1
        if end >= len(src):
            raise HTMLParseError(f"Unclosed start tag {at}")
        name = src[begin + 1 : end].lower()
        if name not in _ALLOWED_TAGS:
            raise HTMLParseError(f'Unsupported start tag "{name}" {at}')

        attributes: dict[str, str] = {}
        pos = end
        while True:
            pos = self._skip_spaces(pos)
            if pos >= len(src):
                raise HTMLParseError(f'Unclosed start tag "{name}" {at}')
            if src[pos] == ">":
                pos += 1
                break
            attr_begin = pos
            while pos < len(src) and not src[pos].isspace() and src[pos] not in "=>/\"'":
                pos += 1
            attr = src[attr_begin:pos].lower()
            if not attr:
                raise HTMLParseError(f'Empty attribute name in the tag "{name}" {at}')
            pos = self._skip_spaces(pos)
            if pos >= len(src):
                raise HTMLParseError(f'Unclosed start tag "{name}" {at}')
            if src[pos] != "=":
                attributes[attr] = ""
                continue
            pos = self._skip_spaces(pos + 1)
            if pos >= len(src):
                raise HTMLParseError(f'Unclosed start tag "{name}" {at}')
            if src[pos] in "\"'":
                close = src.find(src[pos], pos + 1)
                if close == -1:
                    raise HTMLParseError(f'Unclosed start tag "{name}" {at}')
                attributes[attr] = self._decode_attribute(src[pos + 1 : close])
                pos = close + 1
            else:
                value = _UNQUOTED_VALUE.match(src, pos)
                assert value is not None  # the pattern matches the empty string
                pos = value.end()
                if pos >= len(src):
                    raise HTMLParseError(f'Unclosed start tag "{name}" {at}')
                if not src[pos].isspace() and src[pos] != ">":
                    raise HTMLParseError(
                        f"Unexpected end of name token at byte offset {self._byte(pos)}"
                    )
                attributes[attr] = value.group().lower()

        self._stack.append(
            _OpenTag(name, self._utf16, self._byte(begin), self._argument(name, attributes, at))
        )
        self.pos = pos

    @staticmethod
    def _argument(name: str, attributes: dict[str, str], at: str) -> str | None:
        if name == "span":
            if attributes.get("class") != "tg-spoiler":
                raise HTMLParseError(f'Tag "span" must have class "tg-spoiler" {at}')
        elif name == "a":
            href = attributes.get("href", "").strip()
            if not href:
                raise HTMLParseError(f'Tag "a" must have a non-empty "href" attribute {at}')
            return href
        elif name == "tg-emoji":
            emoji_id = attributes.get("emoji-id", "")
            if not emoji_id.isdecimal():
                raise HTMLParseError("Invalid custom emoji identifier specified")
            return emoji_id
        elif name == "code":
            css_class = attributes.get("class", "")
            if css_class.startswith("language-"):
                return css_class.removeprefix("language-")
        elif name == "blockquote" and "expandable" in attributes:
            return "expandable"
        return None

    def _end_tag(self) -> None:
        src, begin = self.src, self.pos
        at = f"at byte offset {self._byte(begin)}"
        if not self._stack:
            raise HTMLParseError(f"Unexpected end tag {at}")
        end = begin + 2
        while end < len(src) and not src[end].isspace() and src[end] != ">":
            end += 1
        name = src[begin + 2 : end].lower()
        pos = self._skip_spaces(end)
        if pos >= len(src) or src[pos] != ">":
            raise HTMLParseError(f"Unclosed end tag {at}")
        top = self._stack[-1]
        if name and name != top.name:
            raise HTMLParseError(
                f'Unmatched end tag {at}, expected "</{top.name}>", found "</{name}>"'
            )
        self._stack.pop()
        self.pos = pos + 1
        self._close_entity(top)

    def _close_entity(self, tag: _OpenTag) -> None:
        length = self._utf16 - tag.offset
        if length <= 0:
            return  # Telegram drops empty entities
        entity: dict[str, Any] = {"type": _ENTITY_TYPE[tag.name], "offset": tag.offset}
        entity["length"] = length
        if tag.name == "a":
            entity["url"] = tag.argument
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.argument
        elif tag.name == "blockquote" and tag.argument:
            entity["type"] = "expandable_blockquote"
        elif tag.name == "code" and tag.argument:
            entity["_language"] = tag.argument
        elif tag.name == "pre" and self._entities:
            last = self._entities[-1]
            if (last["type"], last["offset"], last["length"]) == ("code", tag.offset, length):
                # <pre><code class="language-x">...</code></pre> is one pre entity
                self._entities.pop()
                if "_language" in last:
                    entity["language"] = last["_language"]
        self._entities.append(entity)


def parse_html(text: str, *, strict: bool = True) -> FormattedText:
    """Parse Telegram HTML; raises :class:`HTMLParseError` with Telegram's reason."""
    return TelegramHTMLParser(text, strict=strict).parse()


_TRIMMED = " \t\n\r\f\v"


def _trim(formatted: FormattedText) -> FormattedText:
    """Strip leading/trailing whitespace as Telegram does, keeping entities aligned."""
    text = formatted.text
    stripped = text.strip(_TRIMMED)
    if stripped == text:
        return formatted
    shift = utf16_len(text[: len(text) - len(text.lstrip(_TRIMMED))])
    total = utf16_len(stripped)
    entities = []
    for entity in formatted.entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, total)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return FormattedText(stripped, entities)


# --------------------------------------------------------------------------- records


@dataclass
class UploadedFile:
    """A file part of a multipart request."""

    field: str
    filename: str | None
    content_type: str
    data: bytes


@dataclass
class ApiCall:
    """One request the stand-in received."""

    seq: int  # global order of arrival, 1, 2, 3...
    method: str  # as in the URL, case preserved
    params: dict[str, Any]  # decoded parameters
    ok: bool
    response: dict[str, Any]  # the JSON body returned
    at: float  # FakeTelegram.clock() (time.monotonic() by default) on arrival
    files: dict[str, UploadedFile] = field(default_factory=dict)  # multipart file parts

    @property
    def result(self) -> Any:
        return self.response.get("result")

    @property
    def error_code(self) -> int | None:
        return self.response.get("error_code")

    @property
    def description(self) -> str | None:
        return self.response.get("description")

    def summary(self) -> str:
        shown = {k: v for k, v in self.params.items() if k != "reply_markup"}
        text = ", ".join(f"{k}={v!r}"[:80] for k, v in shown.items())
        outcome = "ok" if self.ok else f"{self.error_code} {self.description}"
        return f"#{self.seq} {self.method}({text}) -> {outcome}"


class ApiError(Exception):
    """Raised by method handlers; becomes ``{"ok": false, ...}`` with HTTP status ``code``."""

    def __init__(
        self, code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.code}
        body["description"] = self.description
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


@dataclass
class _Fault:
    error: ApiError
    remaining: int


@dataclass
class _CallbackQuery:
    query: dict[str, Any]
    tapped_at: float
    answered: bool = False


@dataclass(frozen=True)
class RateLimit:
    """Flood control per chat: a bucket of ``burst`` tokens refilled at ``per_second``.

    Every send or edit to a chat (sendMessage, editMessageText, editMessageReplyMarkup,
    sendPhoto) takes a token; with none left the call answers 429 ``Too Many Requests:
    retry after N`` with ``parameters.retry_after = N`` and changes nothing.
    """

    per_second: float
    burst: int = 1

    def __post_init__(self) -> None:
        if self.per_second <= 0 or self.burst < 1:
            raise ValueError("a rate limit needs per_second > 0 and burst >= 1")


@dataclass
class _Bucket:
    tokens: float
    updated: float


@dataclass(frozen=True)
class ChatEvent:
    """What an observer is told: ``kind`` is one of ``message`` (a new message, the
    user's or the bot's), ``edit``, ``delete``, ``callback_answer``, ``chat_action`` or
    ``commands``; ``chat_id`` is None for ``commands``; ``data`` is JSON-ready."""

    kind: str
    chat_id: int | None
    data: dict[str, Any]


Params = dict[str, Any]
Files = dict[str, UploadedFile]
Handler = Callable[[Params, Files], Awaitable[Any]]

# How form values (always strings) are decoded into ApiCall.params.
_JSON_FIELDS = frozenset(
    {"reply_markup", "commands", "allowed_updates", "scope", "entities", "caption_entities"}
    | {"link_preview_options", "reply_parameters", "media", "results", "menu_button"}
    | {"rights", "permissions", "options", "prices", "input_message_content", "reaction"}
)
_INT_FIELDS = frozenset(
    {"chat_id", "message_id", "from_chat_id", "user_id", "offset", "limit", "timeout"}
    | {"message_thread_id", "reply_to_message_id", "cache_time", "max_connections"}
    | {"until_date", "duration", "width", "height"}
)
_BOOL_FIELDS = frozenset(
    {"disable_notification", "protect_content", "show_alert", "drop_pending_updates"}
    | {"disable_web_page_preview", "allow_sending_without_reply", "has_spoiler", "is_personal"}
    | {"show_caption_above_media", "allow_paid_broadcast", "revoke", "only_if_banned"}
)
_INT_RE = re.compile(r"-?\d+")
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
_BOT_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{1,32})?(?=\s|$)")
_CHAT_ACTIONS = frozenset(
    {"typing", "upload_photo", "record_video", "upload_video", "record_voice"}
    | {"upload_voice", "upload_document", "choose_sticker", "find_location"}
    | {"record_video_note", "upload_video_note"}
)
_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_RATE_LIMITED = frozenset({"sendmessage", "editmessagetext", "editmessagereplymarkup", "sendphoto"})


def _decode_param(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if name in _JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    if name in _INT_FIELDS and _INT_RE.fullmatch(value):
        return int(value)
    if name in _BOOL_FIELDS and value in ("true", "false", "True", "False"):
        return value.lower() == "true"
    return value


def _update_type(update: dict[str, Any]) -> str:
    return next((key for key in update if key != "update_id"), "")


# --------------------------------------------------------------------------- server


class FakeTelegram:
    """In-process Telegram Bot API server for tests.  See the module docstring.

    State worth asserting on:

    * ``calls`` - every request, ordered by arrival (``ApiCall.seq``).
    * ``messages`` - ``(chat_id, message_id)`` -> the message as Telegram returns
      it (visible ``text``/``caption``, ``entities``, inline ``reply_markup``).
      It holds the users' messages made by :meth:`send_text` too: in a private
      chat both sides share one message-id counter, as in Telegram.
      ``raw_texts`` keeps the text exactly as the bot sent it.
    * ``deleted_messages``, ``answered_callbacks``, ``my_commands``,
      ``webhook_url``/``webhook_secret``, ``allowed_updates``.

    Knobs: ``blocked_users``, :meth:`fail_next`, ``strict_html``, ``rate_limit``
    (a :class:`RateLimit`, off by default), ``clock`` (drives ``ApiCall.at``, the 15 s
    ``callback_answer_timeout`` and the rate limit's buckets).

    Uploaded photos are kept in ``files`` by ``file_id`` (every size of one upload points
    at the same bytes), so a viewer can show them.
    """

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

        self.calls: list[ApiCall] = []
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.raw_texts: dict[tuple[int, int], str] = {}  # text/caption exactly as sent
        self.deleted_messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.answered_callbacks: dict[str, ApiCall] = {}
        self.blocked_users: set[int] = set()
        self.users: dict[int, dict[str, Any]] = {}
        self.my_commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.allowed_updates: list[str] | None = None
        self.files: dict[str, UploadedFile] = {}

        self._observers: list[Callable[[ChatEvent], None]] = []
        self._buckets: dict[int, _Bucket] = {}
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 1
        self._next_message_id: dict[int, int] = {}
        self._callbacks: dict[str, _CallbackQuery] = {}
        self._callback_ids = itertools.count(4_321_000_000_000_000_001)
        self._file_ids = itertools.count(1)
        self._faults: dict[str, list[_Fault]] = {}
        self._seq = itertools.count(1)
        self._calls_changed = asyncio.Condition()
        self._wakeup = asyncio.Event()  # replaced on every wake; see _wake()
        self._poll_generation = 0
        self.waiting_polls = 0  # getUpdates requests currently waiting for an update
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self._methods: dict[str, Handler] = {}
        for name, handler in {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendChatAction": self._send_chat_action,
            "sendPhoto": self._send_photo,
            "editMessageMedia": self._edit_message_media,
            "close": self._return_true,
            "logOut": self._return_true,
        }.items():
            self.register_method(name, handler)

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Serve on 127.0.0.1 at a random free port; sets :attr:`base_url`."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{path:.*}", self._handle)
        self._closing = False
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        """Release pending long polls (they get an empty result) and shut down."""
        self._closing = True
        self._wake()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

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
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def user(self, user_id: int, *, language_code: str | None = None) -> dict[str, Any]:
        """The (auto-created) Telegram user object for ``user_id``."""
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

    def send_text(
        self,
        text: str,
        *,
        user_id: int = 1001,
        chat_id: int | None = None,
        language_code: str | None = None,
    ) -> int:
        """Queue a text message from a user (a private chat by default); returns update_id."""
        chat_id = user_id if chat_id is None else chat_id
        message: dict[str, Any] = {
            "message_id": self._new_message_id(chat_id),
            "from": dict(self.user(user_id, language_code=language_code)),
            "chat": self.chat(chat_id),
            "date": int(time.time()),
            "text": text,
        }
        command = _BOT_COMMAND_RE.match(text)
        if command:
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command.group())}
            ]
        self.messages[(chat_id, message["message_id"])] = message
        self._emit("message", chat_id, message)
        return self.push_update({"message": copy.deepcopy(message)})

    def tap(
        self,
        message_id: int,
        data: str,
        *,
        user_id: int = 1001,
        chat_id: int | None = None,
        check_button: bool = True,
    ) -> str:
        """Queue a callback query from pressing a button on a message the bot sent.

        With ``check_button`` (the default) the message's current inline
        keyboard must contain a button with this ``callback_data``, as only such
        a tap is possible in a real client.  Returns the callback query id.
        """
        chat_id = user_id if chat_id is None else chat_id
        message = self.messages.get((chat_id, message_id))
        if message is None or message.get("from", {}).get("id") != self.bot_id:
            known = sorted(
                key for key, m in self.messages.items() if m["from"]["id"] == self.bot_id
            )
            raise ValueError(
                f"no bot message {message_id} in chat {chat_id}; bot messages: {known}"
            )
        if check_button:
            rows = message.get("reply_markup", {}).get("inline_keyboard", [])
            offered = [b.get("callback_data") for row in rows for b in row]
            if data not in offered:
                raise ValueError(
                    f"message {message_id} has no button with callback_data {data!r}; "
                    f"it offers {offered}"
                )
        query_id = str(next(self._callback_ids))
        query = {
            "id": query_id,
            "from": dict(self.user(user_id)),
            "message": copy.deepcopy(message),
            "chat_instance": str(abs(chat_id) * 7919 + 1),
            "data": data,
        }
        self._callbacks[query_id] = _CallbackQuery(query, self.clock())
        self.push_update({"callback_query": copy.deepcopy(query)})
        return query_id

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

    def commands_for(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, Any]]:
        """Commands stored by setMyCommands for this scope and language."""
        return self.my_commands.get((self._scope_key(scope), language_code), [])

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

    # ------------------------------------------------------------------ fault injection

    def fail_next(
        self,
        method: str,
        error_code: int,
        description: str,
        *,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail with this error (no side effects)."""
        parameters = {"retry_after": retry_after} if retry_after is not None else None
        error = ApiError(error_code, description, parameters)
        self._faults.setdefault(method.lower(), []).append(_Fault(error, times))

    def _take_fault(self, method: str) -> ApiError | None:
        faults = self._faults.get(method.lower())
        if not faults:
            return None
        fault = faults[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            faults.pop(0)
        return fault.error

    def _take_token(self, params: Params, now: float) -> None:
        """Flood control: one token from the chat's bucket, or 429 with retry_after."""
        limit = self.rate_limit
        chat_id = params.get("chat_id")
        if limit is None or not isinstance(chat_id, int):
            return  # a bad chat_id gets its own 400 from the method
        bucket = self._buckets.setdefault(chat_id, _Bucket(float(limit.burst), now))
        bucket.tokens = min(
            float(limit.burst), bucket.tokens + (now - bucket.updated) * limit.per_second
        )
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return
        retry_after = max(1, math.ceil((1.0 - bucket.tokens) / limit.per_second))
        raise ApiError(
            429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
        )

    # ------------------------------------------------------------------ HTTP plumbing

    async def _handle(self, request: web.Request) -> web.Response:
        arrived = self.clock()
        seq = next(self._seq)
        match = re.fullmatch(r"/bot([^/]+)/([^/]+)/?", request.path)
        method = match.group(2) if match else request.path
        params: Params = {}
        files: Files = {}
        try:
            params, files = await self._read_params(request)
            if match is None:
                raise ApiError(404, "Not Found")
            if match.group(1) != self.token:
                raise ApiError(401, "Unauthorized")
            handler = self._methods.get(method.lower())
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            fault = self._take_fault(method)
            if fault is not None:
                raise fault
            if self.rate_limit is not None and method.lower() in _RATE_LIMITED:
                self._take_token(params, arrived)
            body: dict[str, Any] = {"ok": True, "result": await handler(params, files)}
            status = 200
        except ApiError as error:
            body, status = error.body(), error.code
        call = ApiCall(seq, method, params, body["ok"], body, arrived, files)
        if call.ok and method.lower() == "answercallbackquery":
            self.answered_callbacks[str(params["callback_query_id"])] = call
        async with self._calls_changed:
            bisect.insort(self.calls, call, key=lambda c: c.seq)
            self._calls_changed.notify_all()
        return web.json_response(body, status=status)

    @staticmethod
    async def _read_params(request: web.Request) -> tuple[Params, Files]:
        raw: dict[str, Any] = dict(request.query)
        files: Files = {}
        if request.content_type == "application/json":
            try:
                payload = await request.json()
            except ValueError:
                raise _bad("can't parse JSON object") from None
            if not isinstance(payload, dict):
                raise _bad("can't parse JSON object")
            raw.update(payload)
        elif request.body_exists:
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    data = value.file.read()
                    files[name] = UploadedFile(name, value.filename, value.content_type, data)
                else:
                    raw[name] = value
        return {name: _decode_param(name, value) for name, value in raw.items()}, files

    def _wake(self) -> None:
        """Wake every long poll waiting now (they re-check their condition)."""
        self._wakeup.set()
        self._wakeup = asyncio.Event()

    # ------------------------------------------------------------------ parameter helpers

    def _chat_id(self, params: Params) -> int:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise _bad("chat_id is empty")
        if not isinstance(chat_id, int) or isinstance(chat_id, bool):
            raise _bad("chat not found")
        return chat_id

    @staticmethod
    def _message_id(params: Params) -> int:
        message_id = params.get("message_id")
        if not isinstance(message_id, int) or isinstance(message_id, bool):
            raise _bad("message identifier is not specified")
        return message_id

    def _check_not_blocked(self, chat_id: int) -> None:
        if chat_id in self.blocked_users:
            raise ApiError(403, BLOCKED)

    def _new_message_id(self, chat_id: int) -> int:
        self._next_message_id[chat_id] = self._next_message_id.get(chat_id, 0) + 1
        return self._next_message_id[chat_id]

    def _format(
        self,
        text: Any,
        parse_mode: Any,
        entities: Any,
        *,
        limit: int,
        too_long: str,
        allow_empty: bool,
    ) -> FormattedText:
        """Visible text and entities for ``text``, or the ApiError Telegram would give."""
        text = "" if text is None else str(text)
        mode = str(parse_mode or "").lower()
        if mode == "html":
            try:
                formatted = parse_html(text, strict=self.strict_html)
            except HTMLParseError as error:
                raise _bad(f"can't parse entities: {error}") from None
        elif mode in ("", "markdown", "markdownv2"):
            given = entities if isinstance(entities, list) and not mode else []
            formatted = FormattedText(text, [dict(e) for e in given if isinstance(e, dict)])
        else:
            raise _bad("unsupported parse_mode")
        formatted = _trim(formatted)
        if not formatted.text and not allow_empty:
            raise _bad("message text is empty")
        if utf16_len(formatted.text) > limit:
            raise _bad(too_long)
        return formatted

    @staticmethod
    def _inline_markup(markup: Any) -> dict[str, Any] | None:
        """Validate reply_markup; returns what a message stores (inline keyboards only)."""
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            keyboard = markup.get("keyboard")
            if keyboard is not None and not all(isinstance(r, list) for r in keyboard):
                raise _bad('field "keyboard" of the ReplyKeyboardMarkup must be an Array')
            return None
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        for button in itertools.chain.from_iterable(rows):
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise _bad("can't parse inline keyboard button: Text is not a string")
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str) or not 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT:
                    raise _bad("BUTTON_DATA_INVALID")
            elif "url" in button:
                if not re.match(r"(https?|tg)://\S+$", str(button["url"])):
                    raise _bad("BUTTON_URL_INVALID")
            elif not set(button) - {"text"}:
                raise _bad(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
        if not any(rows):
            return None
        return {"inline_keyboard": copy.deepcopy(rows)}

    def _stored_message(self, params: Params) -> tuple[tuple[int, int], dict[str, Any]]:
        if params.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")
        key = (self._chat_id(params), self._message_id(params))
        message = self.messages.get(key)
        if message is None:
            raise _bad("message to edit not found")
        if message["from"]["id"] != self.bot_id:
            raise _bad("message can't be edited")
        return key, message

    def _new_bot_message(self, chat_id: int, **content: Any) -> dict[str, Any]:
        """A new message from the bot in ``chat_id``, as Telegram returns it."""
        return {
            "message_id": self._new_message_id(chat_id),
            "from": self.bot_user,
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

    @staticmethod
    def _scope_key(scope: Any) -> str:
        if not isinstance(scope, dict):
            scope = {"type": "default"}
        return json.dumps(scope, sort_keys=True)

    # ------------------------------------------------------------------ methods

    async def _return_true(self, params: Params, files: Files) -> bool:
        return True

    async def _get_me(self, params: Params, files: Files) -> dict[str, Any]:
        return self.bot_user

    async def _get_updates(self, params: Params, files: Files) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise ApiError(409, WEBHOOK_CONFLICT)
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake()  # an older poll still waiting is terminated (see below)

        offset = params.get("offset")
        if isinstance(offset, int) and offset < 0:
            del self._updates[: max(len(self._updates) + offset, 0)]
        elif isinstance(offset, int):
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        limit = params.get("limit")
        limit = min(max(limit, 1), 100) if isinstance(limit, int) else 100
        timeout = params.get("timeout")
        timeout = min(max(timeout, 0), 50) if isinstance(timeout, int) else 0
        if isinstance(params.get("allowed_updates"), list):
            self.allowed_updates = list(params["allowed_updates"])

        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            wakeup = self._wakeup
            if generation != self._poll_generation:
                raise ApiError(409, POLL_CONFLICT)
            if self.webhook_url:
                raise ApiError(409, WEBHOOK_CONFLICT)
            self._updates = [u for u in self._updates if self._is_allowed(u)]
            remaining = deadline - asyncio.get_running_loop().time()
            if self._updates or remaining <= 0 or self._closing:
                return copy.deepcopy(self._updates[:limit])
            self.waiting_polls += 1
            try:
                async with self._calls_changed:
                    self._calls_changed.notify_all()  # for wait_until_polling()
                async with asyncio.timeout(remaining):
                    await wakeup.wait()
            except TimeoutError:
                pass
            finally:
                self.waiting_polls -= 1

    def _is_allowed(self, update: dict[str, Any]) -> bool:
        kind = _update_type(update)
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in _DEFAULT_EXCLUDED_UPDATES

    async def _set_webhook(self, params: Params, files: Files) -> bool:
        url = str(params.get("url") or "")
        if not url:
            return await self._delete_webhook(params, files)
        if not url.startswith("https://"):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        port = re.match(r"https://[^/:]+(?::(\d+))?", url)
        if port and port.group(1) and port.group(1) not in ("80", "88", "443", "8443"):
            raise _bad("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_RE.fullmatch(str(secret)):
            raise _bad("secret token contains unallowed characters")
        if params.get("drop_pending_updates") is True:
            self._updates.clear()
        if isinstance(params.get("allowed_updates"), list):
            self.allowed_updates = list(params["allowed_updates"])
        self.webhook_url = url
        self.webhook_secret = None if secret is None else str(secret)
        self._wake()  # a waiting getUpdates now conflicts with the webhook
        return True

    async def _delete_webhook(self, params: Params, files: Files) -> bool:
        if params.get("drop_pending_updates") is True:
            self._updates.clear()
        self.webhook_url = None
        self.webhook_secret = None
        return True

    async def _get_webhook_info(self, params: Params, files: Files) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.webhook_url or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook_url:
            info["max_connections"] = 40
            if self.allowed_updates:
                info["allowed_updates"] = list(self.allowed_updates)
        return info

    async def _set_my_commands(self, params: Params, files: Files) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad('parameter "commands" is required')
        if len(commands) > 100:
            raise _bad("too many commands specified")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND_RE.fullmatch(
                str(command.get("command", ""))
            ):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        key = (self._scope_key(params.get("scope")), str(params.get("language_code") or ""))
        if commands:
            self.my_commands[key] = [
                {"command": c["command"], "description": c["description"]} for c in commands
            ]
        else:
            self.my_commands.pop(key, None)
        self._emit("commands", None, {"scope": key[0], "language_code": key[1]})
        return True

    async def _get_my_commands(self, params: Params, files: Files) -> list[dict[str, Any]]:
        language = str(params.get("language_code") or "")
        return copy.deepcopy(self.commands_for(params.get("scope"), language))

    async def _delete_my_commands(self, params: Params, files: Files) -> bool:
        key = (self._scope_key(params.get("scope")), str(params.get("language_code") or ""))
        self.my_commands.pop(key, None)
        self._emit("commands", None, {"scope": key[0], "language_code": key[1]})
        return True

    async def _send_message(self, params: Params, files: Files) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        formatted = self._format(
            params.get("text"),
            params.get("parse_mode"),
            params.get("entities"),
            limit=MESSAGE_LIMIT,
            too_long="message is too long",
            allow_empty=False,
        )
        markup = self._inline_markup(params.get("reply_markup"))
        self._check_not_blocked(chat_id)
        message = self._new_bot_message(chat_id)
        self._fill(message, formatted, markup, "text")
        return self._store(message, str(params.get("text")))

    async def _edit_message_text(self, params: Params, files: Files) -> dict[str, Any]:
        formatted = self._format(
            params.get("text"),
            params.get("parse_mode"),
            params.get("entities"),
            limit=MESSAGE_LIMIT,
            too_long="message is too long",
            allow_empty=False,
        )
        markup = self._inline_markup(params.get("reply_markup"))
        _, current = self._stored_message(params)
        if "text" not in current:
            raise _bad("there is no text in the message to edit")
        if (
            current["text"] == formatted.text
            and current.get("entities", []) == formatted.entities
            and current.get("reply_markup") == markup
        ):
            raise _bad(NOT_MODIFIED)
        message = {k: v for k, v in current.items() if k not in ("entities", "reply_markup")}
        message["edit_date"] = int(time.time())
        self._fill(message, formatted, markup, "text")
        return self._store(message, str(params.get("text")))

    async def _edit_message_reply_markup(self, params: Params, files: Files) -> dict[str, Any]:
        markup = self._inline_markup(params.get("reply_markup"))
        _, current = self._stored_message(params)
        if current.get("reply_markup") == markup:
            raise _bad(NOT_MODIFIED)
        message = {k: v for k, v in current.items() if k != "reply_markup"}
        message["edit_date"] = int(time.time())
        if markup:
            message["reply_markup"] = markup
        return self._store(message, None)

    async def _delete_message(self, params: Params, files: Files) -> bool:
        key = (self._chat_id(params), self._message_id(params))
        message = self.messages.pop(key, None)
        if message is None:
            raise _bad("message to delete not found")
        self.deleted_messages[key] = message
        self._emit("delete", key[0], {"message_id": key[1]})
        return True

    async def _answer_callback_query(self, params: Params, files: Files) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        pending = self._callbacks.get(query_id)
        if (
            pending is None
            or pending.answered
            or self.clock() - pending.tapped_at > self.callback_answer_timeout
        ):
            raise _bad(QUERY_TOO_OLD)
        if len(str(params.get("text") or "")) > CALLBACK_ANSWER_LIMIT:
            raise _bad("MESSAGE_TOO_LONG")
        pending.answered = True
        user_id = pending.query["from"]["id"]
        self._emit(
            "callback_answer",
            pending.query["message"]["chat"]["id"] if "message" in pending.query else user_id,
            {
                "callback_query_id": query_id,
                "user_id": user_id,
                "text": str(params.get("text") or ""),
                "show_alert": params.get("show_alert") is True,
                "url": str(params.get("url") or ""),
            },
        )
        return True

    async def _send_chat_action(self, params: Params, files: Files) -> bool:
        chat_id = self._chat_id(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        self._check_not_blocked(chat_id)
        self._emit("chat_action", chat_id, {"action": params["action"]})
        return True

    async def _send_photo(self, params: Params, files: Files) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        photo = params.get("photo")
        upload: UploadedFile | None = None
        if isinstance(photo, str) and photo.startswith("attach://"):
            upload = files.get(photo.removeprefix("attach://"))
            if upload is None:
                raise _bad("there is no photo in the request")
        elif not photo:
            upload = files.get("photo")
            if upload is None:
                raise _bad("there is no photo in the request")
        if upload is not None and not upload.data:
            raise _bad("file must be non-empty")
        caption = self._format(
            params.get("caption"),
            params.get("parse_mode"),
            params.get("caption_entities"),
            limit=CAPTION_LIMIT,
            too_long="message caption is too long",
            allow_empty=True,
        )
        markup = self._inline_markup(params.get("reply_markup"))
        self._check_not_blocked(chat_id)
        message = self._new_bot_message(chat_id, photo=self._photo_sizes(photo, upload))
        self._fill(message, caption, markup, "caption")
        return self._store(message, str(params.get("caption") or ""))

    def _photo_sizes(self, source: Any, upload: UploadedFile | None) -> list[dict[str, Any]]:
        """The PhotoSize list Telegram returns for a new photo; keeps the bytes by file_id."""
        number = next(self._file_ids)
        if upload is None and isinstance(source, str) and source in self.files:
            upload = self.files[source]  # a photo sent again by its file_id
        size = len(upload.data) if upload is not None else 0
        sizes: list[dict[str, Any]] = [
            {
                "file_id": f"AgACAgIAAxkDAAI{number:06d}x{side}",
                "file_unique_id": f"AQAD{number:06d}x{side}",
                "width": side,
                "height": side,
                **({"file_size": size} if size and side == 1280 else {}),
            }
            for side in (90, 320, 1280)
        ]
        if upload is not None:
            for photo_size in sizes:
                self.files[str(photo_size["file_id"])] = upload
        return sizes

    async def _edit_message_media(self, params: Params, files: Files) -> dict[str, Any]:
        """Replace a photo message's photo (a new upload or a file_id) and caption."""
        media = params.get("media")
        if not isinstance(media, dict) or not media.get("media"):
            raise _bad("can't parse InputMedia: media not found")
        if media.get("type") != "photo":
            raise _bad("wrong type of the web page content")  # only photos are supported here
        source = media["media"]
        upload: UploadedFile | None = None
        if isinstance(source, str) and source.startswith("attach://"):
            upload = files.get(source.removeprefix("attach://"))
            if upload is None:
                raise _bad("can't parse InputMedia: media not found")
            if not upload.data:
                raise _bad("file must be non-empty")
        caption = self._format(
            media.get("caption"),
            media.get("parse_mode"),
            media.get("caption_entities"),
            limit=CAPTION_LIMIT,
            too_long="message caption is too long",
            allow_empty=True,
        )
        markup = self._inline_markup(params.get("reply_markup"))
        _, current = self._stored_message(params)
        if "photo" not in current:
            raise _bad("there is no media in the message to edit")
        message = {
            k: v
            for k, v in current.items()
            if k not in ("caption", "caption_entities", "reply_markup", "photo")
        }
        message["photo"] = self._photo_sizes(source, upload)
        message["edit_date"] = int(time.time())
        self._fill(message, caption, markup, "caption")
        return self._store(message, str(media.get("caption") or ""))
