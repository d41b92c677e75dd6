"""What the server records and reports: calls, uploads, chat events, rate limits; and
:func:`api_method`, which makes a method of a family class a Bot API method."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sandbox.telegram_api.errors import ApiError


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


@dataclass
class Fault:
    error: ApiError
    remaining: int


@dataclass
class CallbackQuery:
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
class Bucket:
    tokens: float
    updated: float


@dataclass(frozen=True)
class ChatEvent:
    """What an observer is told: ``kind`` is one of ``message`` (a new message, the
    user's or the bot's), ``edit``, ``delete``, ``callback_answer``, ``chat_action``,
    ``keyboard`` (the chat's reply keyboard or force-reply changed; ``data`` is
    ``FakeTelegram.input_state(chat_id)``), ``commands`` or ``description`` (the bot's
    settings changed: a command list, a description or short description); ``chat_id`` is
    None for the settings; ``data`` is JSON-ready."""

    kind: str
    chat_id: int | None
    data: dict[str, Any]


Params = dict[str, Any]
Files = dict[str, UploadedFile]
Handler = Callable[[Params, Files], Awaitable[Any]]
_F = TypeVar("_F", bound=Callable[..., Awaitable[Any]])

API_METHOD_ATTRIBUTE = "__bot_api_method__"


def api_method(name: str) -> Callable[[_F], _F]:
    """Mark ``async def handler(self, params, files)`` as the Bot API method ``name``.

    Every marked method of :class:`~sandbox.telegram_api.FakeTelegram`'s classes is served
    (names are case-insensitive; one handler may serve several names). A family of methods
    is one module with one such class.
    """

    def mark(handler: _F) -> _F:
        names = getattr(handler, API_METHOD_ATTRIBUTE, ())
        setattr(handler, API_METHOD_ATTRIBUTE, (*names, name))
        return handler

    return mark
