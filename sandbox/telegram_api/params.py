"""Request parameters: decoding form values, and the checks several methods share
(chat and message ids, text with its parse mode, inline keyboards)."""

from __future__ import annotations

import copy
import itertools
import json
import re
from typing import Any

from sandbox.telegram_api.errors import bad
from sandbox.telegram_api.html import FormattedText, HTMLParseError, parse_html, trim, utf16_len
from sandbox.telegram_api.records import Params

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
INLINE_QUERY_LIMIT = 256
_CHOSEN_CHAT_FLAGS = (
    "allow_user_chats",
    "allow_bot_chats",
    "allow_group_chats",
    "allow_channel_chats",
)


# How form values (always strings) are decoded into ApiCall.params.
_JSON_FIELDS = frozenset(
    {"reply_markup", "commands", "allowed_updates", "scope", "entities", "caption_entities"}
    | {"link_preview_options", "reply_parameters", "media", "results", "menu_button"}
    | {"rights", "permissions", "options", "prices", "input_message_content", "reaction"}
    | {"button"}
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


def decode_param(name: str, value: Any) -> Any:
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


def chat_id(params: Params) -> int:
    value = params.get("chat_id")
    if value is None or value == "":
        raise bad("chat_id is empty")
    if not isinstance(value, int) or isinstance(value, bool):
        raise bad("chat not found")
    return value


def message_id(params: Params) -> int:
    value = params.get("message_id")
    if not isinstance(value, int) or isinstance(value, bool):
        raise bad("message identifier is not specified")
    return value


def format_text(
    text: Any,
    parse_mode: Any,
    entities: Any,
    *,
    limit: int,
    too_long: str,
    allow_empty: bool,
    strict_html: bool,
) -> FormattedText:
    """Visible text and entities for ``text``, or the ApiError Telegram would give."""
    text = "" if text is None else str(text)
    mode = str(parse_mode or "").lower()
    if mode == "html":
        try:
            formatted = parse_html(text, strict=strict_html)
        except HTMLParseError as error:
            raise bad(f"can't parse entities: {error}") from None
    elif mode in ("", "markdown", "markdownv2"):
        given = entities if isinstance(entities, list) and not mode else []
        formatted = FormattedText(text, [dict(e) for e in given if isinstance(e, dict)])
    else:
        raise bad("unsupported parse_mode")
    formatted = trim(formatted)
    if not formatted.text and not allow_empty:
        raise bad("message text is empty")
    if utf16_len(formatted.text) > limit:
        raise bad(too_long)
    return formatted


def inline_markup(markup: Any) -> dict[str, Any] | None:
    """Validate reply_markup; returns what a message stores (inline keyboards only)."""
    if markup is None or markup == "":
        return None
    if not isinstance(markup, dict):
        raise bad("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        keyboard = markup.get("keyboard")
        if keyboard is not None and not all(isinstance(r, list) for r in keyboard):
            raise bad('field "keyboard" of the ReplyKeyboardMarkup must be an Array')
        return None
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
    for button in itertools.chain.from_iterable(rows):
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise bad("can't parse inline keyboard button: Text is not a string")
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str) or not 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT:
                raise bad("BUTTON_DATA_INVALID")
        elif "url" in button:
            if not re.match(r"(https?|tg)://\S+$", str(button["url"])):
                raise bad("BUTTON_URL_INVALID")
        elif "switch_inline_query_chosen_chat" in button:
            chosen_chat(button["switch_inline_query_chosen_chat"])
        elif "switch_inline_query" in button or "switch_inline_query_current_chat" in button:
            query = button.get(
                "switch_inline_query", button.get("switch_inline_query_current_chat")
            )
            if not isinstance(query, str) or len(query) > INLINE_QUERY_LIMIT:
                raise bad("BUTTON_TYPE_INVALID")
        elif not set(button) - {"text"}:
            raise bad(
                "can't parse inline keyboard button: "
                "Text buttons are unallowed in the inline keyboard"
            )
    if not any(rows):
        return None
    return {"inline_keyboard": copy.deepcopy(rows)}


def chosen_chat(value: Any) -> None:
    """A ``switch_inline_query_chosen_chat`` as Telegram checks it: an object, a query of at
    most 256 characters, boolean flags, at least one kind of chat allowed."""
    if not isinstance(value, dict):
        raise bad("can't parse inline keyboard button: SwitchInlineQueryChosenChat expected")
    query = value.get("query", "")
    if not isinstance(query, str) or len(query) > INLINE_QUERY_LIMIT:
        raise bad("BUTTON_TYPE_INVALID")
    flags = [value.get(name, False) for name in _CHOSEN_CHAT_FLAGS]
    if not all(isinstance(flag, bool) for flag in flags) or not any(flags):
        raise bad("BUTTON_TYPE_INVALID")
