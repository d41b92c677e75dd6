"""Request parameters: decoding form values, and the checks several methods share
(chat and message ids, text with its parse mode, the four kinds of reply_markup)."""

from __future__ import annotations

import copy
import itertools
import json
import re
from dataclasses import dataclass
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


@dataclass(frozen=True)
class ReplyMarkup:
    """A validated reply_markup: ``kind`` is ``inline`` (kept on the message), ``keyboard``
    (a ReplyKeyboardMarkup: the chat's keyboard from now on), ``remove`` (ReplyKeyboardRemove)
    or ``force_reply``; ``data`` is the markup as the stand-in keeps it (buttons as objects,
    empty ones dropped, only the fields Telegram knows)."""

    kind: str
    data: dict[str, Any]

    @property
    def inline(self) -> dict[str, Any] | None:
        """What the message itself shows: an inline keyboard, or nothing."""
        return self.data if self.kind == "inline" else None


KEYBOARD_FLAGS = ("is_persistent", "resize_keyboard", "one_time_keyboard", "selective")
PLACEHOLDER_LIMIT = 64


def _flag(markup: dict[str, Any], name: str) -> bool:
    value = markup.get(name, False)
    if not isinstance(value, bool):
        raise bad(f'field "{name}" must be of type Boolean')
    return value


def _placeholder(markup: dict[str, Any]) -> str | None:
    value = markup.get("input_field_placeholder")
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad('field "input_field_placeholder" must be of type String')
    if len(value) > PLACEHOLDER_LIMIT:  # stricter than Telegram, see the package docstring
        raise bad(f"input_field_placeholder must be at most {PLACEHOLDER_LIMIT} characters")
    return value or None


def _keyboard_button(button: Any, private: bool) -> dict[str, Any] | None:
    """One KeyboardButton as the stand-in keeps it (None: an empty one, which Telegram drops)."""
    if isinstance(button, str):
        button = {"text": button}
    if not isinstance(button, dict):
        raise bad("can't parse keyboard button: KeyboardButton must be a String or an Object")
    if "text" not in button:
        raise bad("can't parse keyboard button: Can't find field \"text\"")
    if not isinstance(button["text"], str):
        raise bad('can\'t parse keyboard button: Field "text" must be of type String')
    if not button["text"]:
        return None
    kept: dict[str, Any] = {"text": button["text"]}
    for name, what in (("request_contact", "Phone number"), ("request_location", "Location")):
        value = button.get(name, False)
        if not isinstance(value, bool):
            raise bad(f'can\'t parse keyboard button: Field "{name}" must be of type Boolean')
        if value:
            if not private:
                raise bad(f"{what.lower()} can be requested in private chats only")
            kept[name] = True
            break  # a button requests one thing; Telegram reads the contact first
    return kept


def reply_markup(markup: Any, *, chat_id: int, inline_only: bool = False) -> ReplyMarkup | None:
    """Validate ``reply_markup`` as the Bot API does: InlineKeyboardMarkup,
    ReplyKeyboardMarkup, ReplyKeyboardRemove or ForceReply (``inline_only``: the edit
    methods, which take an inline keyboard only). None: no markup (also an empty keyboard)."""
    if markup is None or markup == "":
        return None
    if isinstance(markup, str):
        raise bad("can't parse reply keyboard markup JSON object")
    if not isinstance(markup, dict):
        raise bad("object expected as reply markup")
    parsed = _reply_markup(markup, private=chat_id > 0)
    if parsed is not None and inline_only and parsed.kind != "inline":
        raise bad("inline keyboard expected")
    return parsed


def _reply_markup(markup: dict[str, Any], *, private: bool) -> ReplyMarkup | None:
    rows: list[list[dict[str, Any]]] = []
    keyboard = markup.get("keyboard")
    if keyboard is not None:
        if not isinstance(keyboard, list):
            raise bad('field "keyboard" must be of type Array')
        for row in keyboard:
            if not isinstance(row, list):
                raise bad('field "keyboard" must be an Array of Arrays')
            buttons = [_keyboard_button(button, private) for button in row]
            kept = [button for button in buttons if button is not None]
            if kept:
                rows.append(kept)
    inline = inline_keyboard(markup.get("inline_keyboard"))
    selective = _flag(markup, "selective")
    remove = _flag(markup, "remove_keyboard")
    force = _flag(markup, "force_reply")
    placeholder = _placeholder(markup)
    if rows:
        data: dict[str, Any] = {"keyboard": rows}
        for name in KEYBOARD_FLAGS:
            if _flag(markup, name):
                data[name] = True
        if placeholder:
            data["input_field_placeholder"] = placeholder
        return ReplyMarkup("keyboard", data)
    if inline:
        return ReplyMarkup("inline", {"inline_keyboard": inline})
    if remove:
        return ReplyMarkup("remove", {"remove_keyboard": True, **_selective(selective)})
    if force:
        data = {"force_reply": True, **_selective(selective)}
        if placeholder:
            data["input_field_placeholder"] = placeholder
        return ReplyMarkup("force_reply", data)
    return None


def _selective(selective: bool) -> dict[str, Any]:
    return {"selective": True} if selective else {}


def inline_keyboard(rows: Any) -> list[list[dict[str, Any]]]:
    """The rows of an inline keyboard (empty: none), or the ApiError Telegram would give."""
    if rows is None:
        return []
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
    return copy.deepcopy([row for row in rows if row])


def inline_markup(markup: Any) -> dict[str, Any] | None:
    """An inline result's reply_markup: an inline keyboard only (None: no keyboard)."""
    parsed = reply_markup(markup, chat_id=0, inline_only=True)
    return parsed.inline if parsed is not None else None


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
