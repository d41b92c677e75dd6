"""Private chats between two users that the bot is not in ("Alice → Bob"): where a user
posts an inline result (:meth:`~sandbox.telegram_api.inline.InlineMethods.choose_inline_result`)
or writes to a friend (:meth:`PeerChats.send_to_peer`). The bot never sees them: nothing
written there becomes an update.

In Telegram each side sees the chat under the other's id; here one chat is stored once, under
an id of its own (:meth:`PeerChats.peer_chat`, the same both ways, far from the ids of users,
groups and supergroups) so it never mixes with a user's chat with the bot."""

from __future__ import annotations

from typing import Any

from sandbox.telegram_api.html import utf16_len
from sandbox.telegram_api.params import MESSAGE_LIMIT
from sandbox.telegram_api.state import State

PEER_CHAT_BASE = -7_000_000_000_000


class PeerChats(State):
    def init_state(self) -> None:
        self.peer_chats: dict[int, tuple[int, int]] = {}  # chat id -> its two users
        self._peer_ids: dict[frozenset[int], int] = {}

    def peer_chat(self, user_id: int, other_id: int) -> int:
        """The id under which the private chat of ``user_id`` and ``other_id`` is stored
        (created on first use; the same whichever of the two asks)."""
        if user_id == other_id or user_id <= 0 or other_id <= 0:
            raise ValueError("a private chat is between two different users")
        pair = frozenset((user_id, other_id))
        chat_id = self._peer_ids.get(pair)
        if chat_id is None:
            chat_id = PEER_CHAT_BASE - len(self._peer_ids) - 1
            self._peer_ids[pair] = chat_id
            self.peer_chats[chat_id] = (min(pair), max(pair))
        return chat_id

    def peer_of(self, chat_id: int, user_id: int) -> int | None:
        """The other user of the private chat ``chat_id``, or None when ``user_id`` is not in
        it (or it is no such chat)."""
        members = self.peer_chats.get(chat_id)
        if members is None or user_id not in members:
            return None
        return members[1] if members[0] == user_id else members[0]

    def chat(self, chat_id: int) -> dict[str, Any]:
        members = self.peer_chats.get(chat_id)
        if members is None:
            return super().chat(chat_id)
        first, second = (self.user(member)["first_name"] for member in members)
        return {"id": chat_id, "type": "private", "first_name": f"{first} & {second}"}

    def send_to_peer(self, text: str, *, user_id: int, chat_id: int) -> dict[str, Any]:
        """``user_id`` writes ``text`` in their private chat ``chat_id`` with another user;
        returns the message (no update: the bot is not in the chat)."""
        if self.peer_of(chat_id, user_id) is None:
            raise ValueError(f"user {user_id} is not in the private chat {chat_id}")
        if not text.strip() or utf16_len(text) > MESSAGE_LIMIT:
            raise ValueError(f"a message holds 1-{MESSAGE_LIMIT} characters")
        message = self._new_message(chat_id, self.user(user_id), text=text)
        return self._store(message, text)
