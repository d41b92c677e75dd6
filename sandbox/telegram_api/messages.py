"""Messages: what a user writes (:meth:`MessagesMethods.send_text`) or shares
(:meth:`MessagesMethods.send_location`) and what the bot sends,
edits and deletes (sendMessage, editMessageText, editMessageReplyMarkup, deleteMessage,
sendChatAction, sendPhoto, editMessageMedia)."""

from __future__ import annotations

import copy
import itertools
import re
import time
from typing import Any

from sandbox.telegram_api import params as p
from sandbox.telegram_api.errors import NOT_MODIFIED, bad
from sandbox.telegram_api.html import utf16_len
from sandbox.telegram_api.params import CAPTION_LIMIT, MESSAGE_LIMIT
from sandbox.telegram_api.records import Files, Params, UploadedFile, api_method
from sandbox.telegram_api.state import State

BOT_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{1,32})?(?=\s|$)")
CHAT_ACTIONS = frozenset(
    {"typing", "upload_photo", "record_video", "upload_video", "record_voice"}
    | {"upload_voice", "upload_document", "choose_sticker", "find_location"}
    | {"record_video_note", "upload_video_note"}
)


class MessagesMethods(State):
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
        chat_id = user_id if chat_id is None else chat_id
        message: dict[str, Any] = {
            "message_id": self._new_message_id(chat_id),
            "from": dict(self.user(user_id, language_code=language_code)),
            "chat": self.chat(chat_id),
            "date": int(time.time()),
            "text": text,
        }
        command = BOT_COMMAND_RE.match(text)
        if command:
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command.group())}
            ]
        self.messages[(chat_id, message["message_id"])] = message
        self._emit("message", chat_id, message)
        return self.push_update({"message": copy.deepcopy(message)})

    def send_location(
        self,
        latitude: float,
        longitude: float,
        *,
        user_id: int = 1001,
        language_code: str | None = None,
    ) -> int:
        """Queue a location a user shares in their private chat (what a ``request_location``
        reply-keyboard button sends); returns update_id."""
        message: dict[str, Any] = {
            "message_id": self._new_message_id(user_id),
            "from": dict(self.user(user_id, language_code=language_code)),
            "chat": self.chat(user_id),
            "date": int(time.time()),
            "location": {"latitude": float(latitude), "longitude": float(longitude)},
        }
        self.messages[(user_id, message["message_id"])] = message
        self._emit("message", user_id, message)
        return self.push_update({"message": copy.deepcopy(message)})

    @api_method("sendMessage")
    async def _send_message(self, params: Params, files: Files) -> dict[str, Any]:
        chat_id = p.chat_id(params)
        formatted = self._format(
            params.get("text"),
            params.get("parse_mode"),
            params.get("entities"),
            limit=MESSAGE_LIMIT,
            too_long="message is too long",
            allow_empty=False,
        )
        markup = p.inline_markup(params.get("reply_markup"))
        self._check_not_blocked(chat_id)
        message = self._new_bot_message(chat_id)
        self._fill(message, formatted, markup, "text")
        return self._store(message, str(params.get("text")))

    @api_method("editMessageText")
    async def _edit_message_text(self, params: Params, files: Files) -> dict[str, Any]:
        formatted = self._format(
            params.get("text"),
            params.get("parse_mode"),
            params.get("entities"),
            limit=MESSAGE_LIMIT,
            too_long="message is too long",
            allow_empty=False,
        )
        markup = p.inline_markup(params.get("reply_markup"))
        _, current = self._stored_message(params)
        if "text" not in current:
            raise bad("there is no text in the message to edit")
        if (
            current["text"] == formatted.text
            and current.get("entities", []) == formatted.entities
            and current.get("reply_markup") == markup
        ):
            raise bad(NOT_MODIFIED)
        message = {k: v for k, v in current.items() if k not in ("entities", "reply_markup")}
        message["edit_date"] = int(time.time())
        self._fill(message, formatted, markup, "text")
        return self._store(message, str(params.get("text")))

    @api_method("editMessageReplyMarkup")
    async def _edit_message_reply_markup(self, params: Params, files: Files) -> dict[str, Any]:
        markup = p.inline_markup(params.get("reply_markup"))
        _, current = self._stored_message(params)
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
        caption = self._format(
            params.get("caption"),
            params.get("parse_mode"),
            params.get("caption_entities"),
            limit=CAPTION_LIMIT,
            too_long="message caption is too long",
            allow_empty=True,
        )
        markup = p.inline_markup(params.get("reply_markup"))
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
        caption = self._format(
            media.get("caption"),
            media.get("parse_mode"),
            media.get("caption_entities"),
            limit=CAPTION_LIMIT,
            too_long="message caption is too long",
            allow_empty=True,
        )
        markup = p.inline_markup(params.get("reply_markup"))
        _, current = self._stored_message(params)
        if "photo" not in current:
            raise bad("there is no media in the message to edit")
        message = {
            k: v
            for k, v in current.items()
            if k not in ("caption", "caption_entities", "reply_markup", "photo")
        }
        message["photo"] = self._photo_sizes(source, upload)
        message["edit_date"] = int(time.time())
        self._fill(message, caption, markup, "caption")
        return self._store(message, str(media.get("caption") or ""))
