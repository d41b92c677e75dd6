"""Reply keyboards: what a user's app shows under the composer, which is state of the chat,
not of a message.

A message sent with a ReplyKeyboardMarkup makes it the chat's keyboard until a message with
another one or with ReplyKeyboardRemove arrives (a one-time keyboard hides after a press,
and the app keeps it behind its keyboard icon). A ForceReply asks the app to reply to that
message, until the user next writes. As in Telegram, a message sent with any of these three
can't be edited afterwards ("message can't be edited"), and the Message returned for it
carries no ``reply_markup`` (only inline keyboards are part of a message).

Observers get a ``keyboard`` :class:`~sandbox.telegram_api.ChatEvent` whenever the chat's
keyboard or force-reply changes (see :meth:`KeyboardState.input_state`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from typing import Any

from sandbox.telegram_api.errors import bad
from sandbox.telegram_api.params import ReplyMarkup
from sandbox.telegram_api.state import State


@dataclass(frozen=True)
class ReplyKeyboard:
    """A chat's reply keyboard: ``markup`` as the bot sent it (buttons as objects, empty ones
    dropped), the message that brought it, and whether a press has hidden it (one-time)."""

    markup: dict[str, Any]
    message_id: int
    hidden: bool = False

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [button for row in self.markup["keyboard"] for button in row]

    @property
    def texts(self) -> list[str]:
        return [str(button["text"]) for button in self.buttons]

    def button(self, text: str) -> dict[str, Any] | None:
        return next((b for b in self.buttons if b["text"] == text), None)

    @property
    def requests_location(self) -> bool:
        return any(b.get("request_location") for b in self.buttons)


class KeyboardState(State):
    def init_state(self) -> None:
        self._keyboards: dict[int, ReplyKeyboard] = {}
        self._force_replies: dict[int, dict[str, Any]] = {}
        self._uneditable: set[tuple[int, int]] = set()

    # ------------------------------------------------------------------ inspection

    def reply_keyboard(self, chat_id: int) -> ReplyKeyboard | None:
        """The chat's current reply keyboard (``hidden`` after a one-time press), or None."""
        keyboard = self._keyboards.get(chat_id)
        return copy.deepcopy(keyboard)

    def force_reply(self, chat_id: int) -> dict[str, Any] | None:
        """The ForceReply the app is answering (``message_id``, ``input_field_placeholder``)."""
        return copy.deepcopy(self._force_replies.get(chat_id))

    def input_state(self, chat_id: int) -> dict[str, Any]:
        """What the app shows under the chat, JSON-ready: ``reply_keyboard`` (the markup with
        ``message_id`` and ``hidden``) and ``force_reply``, each None when there is none."""
        keyboard = self._keyboards.get(chat_id)
        shown = None
        if keyboard is not None:
            shown = {
                **copy.deepcopy(keyboard.markup),
                "message_id": keyboard.message_id,
                "hidden": keyboard.hidden,
            }
        return {"reply_keyboard": shown, "force_reply": self.force_reply(chat_id)}

    # ------------------------------------------------------------------ shared by methods

    def _apply_markup(self, message: dict[str, Any], markup: ReplyMarkup | None) -> None:
        """After a message was stored: what its reply_markup does to the chat."""
        if markup is None or markup.kind == "inline":
            return
        chat_id, message_id = message["chat"]["id"], message["message_id"]
        self._uneditable.add((chat_id, message_id))
        if markup.kind == "keyboard":
            self._keyboards[chat_id] = ReplyKeyboard(copy.deepcopy(markup.data), message_id)
        elif markup.kind == "remove":
            self._keyboards.pop(chat_id, None)
        elif markup.kind == "force_reply":
            self._force_replies[chat_id] = {
                "message_id": message_id,
                "input_field_placeholder": markup.data.get("input_field_placeholder"),
            }
        self._emit("keyboard", chat_id, self.input_state(chat_id))

    def _check_editable(self, key: tuple[int, int]) -> None:
        if key in self._uneditable:
            raise bad("message can't be edited")

    def _user_wrote(self, chat_id: int, pressed: dict[str, Any] | None) -> None:
        """A user's message: a force-reply is answered; a press hides a one-time keyboard."""
        changed = self._force_replies.pop(chat_id, None) is not None
        keyboard = self._keyboards.get(chat_id)
        if (
            pressed is not None
            and keyboard is not None
            and keyboard.markup.get("one_time_keyboard")
            and not keyboard.hidden
        ):
            self._keyboards[chat_id] = replace(keyboard, hidden=True)
            changed = True
        if changed:
            self._emit("keyboard", chat_id, self.input_state(chat_id))
