"""The local Bot API server: :class:`FakeTelegram`, the state and every family of methods."""

from __future__ import annotations

from sandbox.telegram_api.bot import BotMethods
from sandbox.telegram_api.callbacks import CallbackMethods
from sandbox.telegram_api.commands import CommandsMethods
from sandbox.telegram_api.inline import InlineMethods
from sandbox.telegram_api.limits import Limits
from sandbox.telegram_api.messages import MessagesMethods
from sandbox.telegram_api.peers import PeerChats
from sandbox.telegram_api.server import Server
from sandbox.telegram_api.updates import UpdatesMethods


class FakeTelegram(
    BotMethods,
    UpdatesMethods,
    CommandsMethods,
    MessagesMethods,
    CallbackMethods,
    InlineMethods,
    Limits,
    PeerChats,
    Server,
):
    """In-process Telegram Bot API server for tests.  See the package docstring.

    State worth asserting on:

    * ``calls`` - every request, ordered by arrival (``ApiCall.seq``).
    * ``messages`` - ``(chat_id, message_id)`` -> the message as Telegram returns
      it (visible ``text``/``caption``, ``entities``, inline ``reply_markup``).
      It holds the users' messages made by :meth:`send_text` too: in a private
      chat both sides share one message-id counter, as in Telegram.
      ``raw_texts`` keeps the text exactly as the bot sent it.
    * ``deleted_messages``, ``answered_callbacks``, ``my_commands``, ``my_descriptions``,
      ``my_short_descriptions``, ``webhook_url``/``webhook_secret``, ``allowed_updates``.
    * what a user's app shows: :meth:`menu_for`, :meth:`description_for`; set* calls per
      language: :meth:`calls_by_language`.

    Users: :meth:`user` (their app language goes in every update's ``from``),
    :meth:`set_app_language`, :meth:`send_text`, :meth:`tap`, :meth:`send_location`,
    :meth:`press_reply_button`; inline mode: :meth:`inline_query`, ``inline_answers``,
    :meth:`choose_inline_result`, :meth:`open_link`; chats between two users the bot is
    not in (where inline results are posted): :meth:`peer_chat`, :meth:`send_to_peer`.

    Reply keyboards are state of the chat: :meth:`reply_keyboard` (a
    :class:`~sandbox.telegram_api.keyboards.ReplyKeyboard` or None), :meth:`force_reply`,
    :meth:`input_state` (both, JSON-ready, as the web chat shows them).

    Knobs: broadcast limits and per-chat failures (``limits.py``: :meth:`enforce_limits`,
    :meth:`inject_flood`, :meth:`fail_chat`), ``blocked_users``, :meth:`fail_next`,
    ``strict_html``, ``rate_limit`` (a :class:`RateLimit`, off by default), ``clock``
    (drives ``ApiCall.at``, the 15 s ``callback_answer_timeout`` and the rate limit's
    buckets).

    Uploaded photos are kept in ``files`` by ``file_id`` (every size of one upload points
    at the same bytes), so a viewer can show them.
    """
