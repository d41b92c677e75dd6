"""Buttons: a user's tap on an inline button (:meth:`CallbackMethods.tap`) and the bot's
answerCallbackQuery, which must come within ``callback_answer_timeout`` seconds."""

from __future__ import annotations

import copy
import itertools

from sandbox.telegram_api.errors import QUERY_TOO_OLD, bad
from sandbox.telegram_api.records import CallbackQuery, Files, Params, api_method
from sandbox.telegram_api.state import State

CALLBACK_ANSWER_LIMIT = 200


class CallbackMethods(State):
    def init_state(self) -> None:
        self._callbacks: dict[str, CallbackQuery] = {}
        self._callback_ids = itertools.count(4_321_000_000_000_000_001)

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
        self._callbacks[query_id] = CallbackQuery(query, self.clock())
        self.push_update({"callback_query": copy.deepcopy(query)})
        return query_id

    @api_method("answerCallbackQuery")
    async def _answer_callback_query(self, params: Params, files: Files) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        pending = self._callbacks.get(query_id)
        if (
            pending is None
            or pending.answered
            or self.clock() - pending.tapped_at > self.callback_answer_timeout
        ):
            raise bad(QUERY_TOO_OLD)
        if len(str(params.get("text") or "")) > CALLBACK_ANSWER_LIMIT:
            raise bad("MESSAGE_TOO_LONG")
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
