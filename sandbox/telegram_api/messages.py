"""Messages: what a user writes (:meth:`MessagesMethods.send_text`, a shared location with
:meth:`~MessagesMethods.send_location`, a reply-keyboard press with
:meth:`~MessagesMethods.press_reply_button`) and what the bot sends, edits and deletes
(sendMessage, editMessageText, editMessageReplyMarkup, deleteMessage, sendChatAction,
sendPhoto, editMessageMedia)."""

from __future__ import annotations

import copy
import itertools
import math
import re
import time
from typing import Any

from sandbox.telegram_api import params as p
from sandbox.telegram_api.errors import NOT_MODIFIED, bad
from sandbox.telegram_api.html import FormattedText, utf16_len
from sandbox.telegram_api.keyboards import KeyboardState
from sandbox.telegram_api.params import ReplyMarkup
from sandbox.telegram_api.records import Files, Params, UploadedFile, api_method

BOT_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{1,32})?(?=\s|$)")
CHAT_ACTIONS = frozenset(
    {"typing", "upload_photo", "record_video", "upload_video", "record_voice"}
    | {"upload_voice", "upload_document", "choose_sticker", "find_location"}
    | {"record_video_note", "upload_video_note"}
)


class MessagesMethods(KeyboardState):
    def init_state(self) -> None:
        self.files: dict[str, UploadedFile] = {}
        self._file_ids = itertools.count(1)

    def send_text(
        self,
        text: str,
        *,
        user_id: int = 1001,
        chat_id: int | None = None,
        language_code: str | None = None,
    ) -> int:
        """Queue a text message from a user (a private chat by default); returns update_id.

        ``from`` carries the user's app language: ``language_code`` when given (it stays the
        user's), else the one the user has (``ru`` for a new user; see :meth:`user`)."""
        content: dict[str, Any] = {"text": text}
        command = BOT_COMMAND_RE.match(text)
        if command:
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command.group())}
            ]
        return self._user_message(user_id, chat_id, language_code, content, pressed=None)

    def send_location(
        self,
        latitude: float,
        longitude: float,
        *,
        user_id: int = 1001,
        chat_id: int | None = None,
        language_code: str | None = None,
    ) -> int:
        """Queue a message with a ``location`` from a user, as the app sends one (the
        attachment menu, or a ``request_location`` button: when the chat's keyboard has one,
        this is its press, which hides a one-time keyboard). Returns update_id.

        Raises ValueError for a latitude outside -90..90 or a longitude outside -180..180."""
        latitude, longitude = float(latitude), float(longitude)
        if not (math.isfinite(latitude) and -90.0 <= latitude <= 90.0):
            raise ValueError(f"latitude must be within -90..90, not {latitude}")
        if not (math.isfinite(longitude) and -180.0 <= longitude <= 180.0):
            raise ValueError(f"longitude must be within -180..180, not {longitude}")
        target = user_id if chat_id is None else chat_id
        keyboard = self._keyboards.get(target)
        pressed = None
        if keyboard is not None:  # shown, or hidden and shown again by the user
            pressed = next((b for b in keyboard.buttons if b.get("request_location")), None)
        content = {"location": {"latitude": latitude, "longitude": longitude}}
        return self._user_message(user_id, chat_id, language_code, content, pressed=pressed)

    def press_reply_button(
        self, text: str, *, user_id: int = 1001, chat_id: int | None = None
    ) -> int:
        """Queue the message a press on the chat's reply-keyboard button ``text`` sends: its
        text (a one-time keyboard then hides). Returns update_id. A ``request_location``
        button sends a location instead: use :meth:`send_location`.

        Raises ValueError when the chat's keyboard (shown or hidden) has no such text button,
        as only such a press is possible in a real app."""
        target = user_id if chat_id is None else chat_id
        keyboard = self._keyboards.get(target)
        button = keyboard.button(text) if keyboard is not None else None
        if keyboard is None or button is None:
            offered = keyboard.texts if keyboard is not None else []
            raise ValueError(f"chat {target} has no reply button {text!r}; it offers {offered}")
        if button.get("request_location") or button.get("request_contact"):
            raise ValueError(
                f"the button {text!r} requests a location or contact: use send_location"
            )
        content: dict[str, Any] = {"text": text}
        return self._user_message(user_id, chat_id, None, content, pressed=button)

    def _user_message(
        self,
        user_id: int,
        chat_id: int | None,
        language_code: str | None,
        content: dict[str, Any],
        *,
        pressed: dict[str, Any] | None,
    ) -> int:
        chat_id = user_id if chat_id is None else chat_id
        sender = self.user(user_id, language_code=language_code)
        message = self._new_message(chat_id, sender, **content)
        self.messages[(chat_id, message["message_id"])] = message
        self._emit("message", chat_id, message)
        self._user_wrote(chat_id, pressed)
        return self.push_update({"message": copy.deepcopy(message)})

    @api_method("sendMessage")
    async def _send_message(self, params: Params, files: Files) -> dict[str, Any]:
        chat_id = p.chat_id(params)
        formatted = self._format_text(
            params.get("text"), params.get("parse_mode"), params.get("entities")
        )
        markup = self._new_markup(params, chat_id)
        message = self._new_message(chat_id, self.bot_user)
        return self._post(message, formatted, markup, "text", str(params.get("text")))

    @api_method("editMessageText")
    async def _edit_message_text(self, params: Params, files: Files) -> dict[str, Any]:
        formatted = self._format_text(
            params.get("text"), params.get("parse_mode"), params.get("entities")
        )
        markup, current = self._message_to_edit(params)
        if "text" not in current:
            raise bad("there is no text in the message to edit")
        if (
            current["text"] == formatted.text
            and current.get("entities", []) == formatted.entities
            and current.get("reply_markup") == markup
        ):
            raise bad(NOT_MODIFIED)
        return self._store_edit(current, formatted, markup, "text", str(params.get("text")))

    @api_method("editMessageReplyMarkup")
    async def _edit_message_reply_markup(self, params: Params, files: Files) -> dict[str, Any]:
        markup, current = self._message_to_edit(params)
        if current.get("reply_markup") == markup:
            raise bad(NOT_MODIFIED)
        message = {k: v for k, v in current.items() if k != "reply_markup"}
        message["edit_date"] = int(time.time())
        if markup:
            message["reply_markup"] = markup
        return self._store(message, None)

    @api_method("deleteMessage")
    async def _delete_message(self, params: Params, files: Files) -> bool:
        key = (p.chat_id(params), p.message_id(params))
        message = self.messages.pop(key, None)
        if message is None:
            raise bad("message to delete not found")
        self.deleted_messages[key] = message
        self._emit("delete", key[0], {"message_id": key[1]})
        return True

    @api_method("sendChatAction")
    async def _send_chat_action(self, params: Params, files: Files) -> bool:
        chat_id = p.chat_id(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad("wrong parameter action in request")
        self._check_not_blocked(chat_id)
        self._emit("chat_action", chat_id, {"action": params["action"]})
        return True

    @api_method("sendPhoto")
    async def _send_photo(self, params: Params, files: Files) -> dict[str, Any]:
        chat_id = p.chat_id(params)
        photo = params.get("photo")
        upload: UploadedFile | None = None
        if isinstance(photo, str) and photo.startswith("attach://"):
            upload = files.get(photo.removeprefix("attach://"))
            if upload is None:
                raise bad("there is no photo in the request")
        elif not photo:
            upload = files.get("photo")
            if upload is None:
                raise bad("there is no photo in the request")
        if upload is not None and not upload.data:
            raise bad("file must be non-empty")
        caption = self._format_caption(
            params.get("caption"), params.get("parse_mode"), params.get("caption_entities")
        )
        markup = self._new_markup(params, chat_id)
        message = self._new_message(chat_id, self.bot_user, photo=self._photo_sizes(photo, upload))
        return self._post(message, caption, markup, "caption", str(params.get("caption") or ""))

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

    @api_method("editMessageMedia")
    async def _edit_message_media(self, params: Params, files: Files) -> dict[str, Any]:
        """Replace a photo message's photo (a new upload or a file_id) and caption."""
        media = params.get("media")
        if not isinstance(media, dict) or not media.get("media"):
            raise bad("can't parse InputMedia: media not found")
        if media.get("type") != "photo":
            raise bad("wrong type of the web page content")  # only photos are supported here
        source = media["media"]
        upload: UploadedFile | None = None
        if isinstance(source, str) and source.startswith("attach://"):
            upload = files.get(source.removeprefix("attach://"))
            if upload is None:
                raise bad("can't parse InputMedia: media not found")
            if not upload.data:
                raise bad("file must be non-empty")
        caption = self._format_caption(
            media.get("caption"), media.get("parse_mode"), media.get("caption_entities")
        )
        markup, current = self._message_to_edit(params)
        if "photo" not in current:
            raise bad("there is no media in the message to edit")
        photo = self._photo_sizes(source, upload)
        raw = str(media.get("caption") or "")
        return self._store_edit(current, caption, markup, "caption", raw, photo=photo)

    # ------------------------------------------------------------------ shared by methods

    def _new_markup(self, params: Params, chat_id: int) -> ReplyMarkup | None:
        """A new message's reply_markup, validated; then the ApiError if the user blocked the
        bot (a bad markup is reported first, as Telegram does)."""
        markup = p.reply_markup(params.get("reply_markup"), chat_id=chat_id)
        self._check_not_blocked(chat_id)
        return markup

    def _post(
        self,
        message: dict[str, Any],
        formatted: FormattedText,
        markup: ReplyMarkup | None,
        field: str,
        raw: str,
    ) -> dict[str, Any]:
        """Store a new bot message with its text or caption and keyboard; a reply keyboard,
        a removal or a force-reply then acts on the chat."""
        self._fill(message, formatted, markup.inline if markup else None, field)
        stored = self._store(message, raw)
        self._apply_markup(message, markup)
        return stored

    def _message_to_edit(self, params: Params) -> tuple[dict[str, Any] | None, dict[str, Any]]:
        """An edit's new reply_markup (an inline keyboard or none: "inline keyboard
        expected" otherwise) and the bot's message it edits, which must be editable."""
        chat = params.get("chat_id")
        markup = p.reply_markup(
            params.get("reply_markup"),
            chat_id=chat if isinstance(chat, int) else 1,
            inline_only=True,
        )
        key, current = self._stored_message(params)
        self._check_editable(key)
        return (markup.inline if markup is not None else None), current

    def _store_edit(
        self,
        current: dict[str, Any],
        formatted: FormattedText,
        markup: dict[str, Any] | None,
        field: str,
        raw: str,
        **content: Any,
    ) -> dict[str, Any]:
        """Store ``current`` edited: its text or caption (``field``), entities and keyboard
        replaced, ``content`` (a new photo) set anew, an edit_date added."""
        dropped = ("entities",) if field == "text" else ("caption", "caption_entities")
        message = {
            k: v for k, v in current.items() if k not in (*dropped, "reply_markup", *content)
        }
        message.update(content)
        message["edit_date"] = int(time.time())
        self._fill(message, formatted, markup, field)
        return self._store(message, raw)
