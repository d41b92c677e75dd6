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

* Only the methods the families mark with ``@api_method`` exist; any other method
  (even a real one) answers 404 ``Not Found: method not found``.  Tests can add
  methods with :meth:`FakeTelegram.register_method`.
* HTML is validated strictly (``strict_html=True``): a bare ``>`` or an ``&``
  that does not start a supported entity is rejected, where real Telegram
  would keep it literally, and ``<a>`` needs ``href``.  Markdown parse modes
  are accepted but the text is stored literally.
* ``input_field_placeholder`` longer than 64 characters is refused (Telegram documents
  1-64 characters; the description is the stand-in's own).
* Updates are never pushed to a webhook; they wait in the queue
  (see ``pending_update_count`` in getWebhookInfo).
* Flood control is off unless a :class:`RateLimit` is given: then each chat has a token
  bucket, and a send or edit to a chat whose bucket is empty answers 429 with
  ``parameters.retry_after`` (whole seconds until a token is back), as Telegram does.

Observers (the sandbox's web chat) subscribe with :meth:`FakeTelegram.subscribe` and are
called synchronously with a :class:`ChatEvent` for every message stored, edited or deleted,
every callback answer, chat action, reply-keyboard and command-list change.

The package, one module per concern:

* ``html`` - Telegram HTML: parsing into text and entities, validation, UTF-16 lengths;
* ``errors`` - :class:`ApiError` and the descriptions Telegram answers with;
* ``records`` - :class:`ApiCall`, :class:`ChatEvent`, :class:`RateLimit`, ... and
  ``api_method``, the decorator that makes a handler a Bot API method;
* ``params`` - decoding form values and the checks methods share (ids, texts, the four
  kinds of ``reply_markup``, with Telegram's 400 descriptions);
* ``keyboards`` - a chat's reply keyboard and force-reply (state of the chat, not of a
  message) and the rule that a message sent with one can't be edited;
* ``state`` - users, chats, messages, the update queue, the record of calls, waiting;
* ``server`` - the aiohttp application: routing, faults, flood control, recording;
* ``limits`` - broadcast limits (30/s overall, 1/s per chat), injected 429s, chats that
  answer 403 / 400 "chat not found" / 5xx (tests and benchmarks of the daily push);
* one module per family of methods, each one class: ``bot`` (getMe, close, logOut),
  ``updates`` (getUpdates, webhooks), ``commands`` (the bot's settings), ``messages``
  (send, edit, delete, photos, chat actions; a user's text, location and reply-button
  press), ``callbacks`` (taps and their answers), ``inline`` (inline queries,
  answerInlineQuery, chosen results, ``t.me`` deep links), ``peers`` (private chats
  between two users, which the bot is not in);
* ``fake`` - :class:`FakeTelegram`, the families put together.

A new family of methods is a new module with a subclass of ``state.State`` whose handlers
are marked ``@api_method("name")`` (its own state goes in an ``init_state`` method), and
one more base class of :class:`FakeTelegram`.
"""

from sandbox.telegram_api.errors import NOT_MODIFIED, QUERY_TOO_OLD, ApiError
from sandbox.telegram_api.fake import FakeTelegram
from sandbox.telegram_api.html import (
    FormattedText,
    HTMLParseError,
    TelegramHTMLParser,
    parse_html,
    utf16_len,
)
from sandbox.telegram_api.keyboards import ReplyKeyboard
from sandbox.telegram_api.params import MESSAGE_LIMIT
from sandbox.telegram_api.records import ApiCall, ChatEvent, RateLimit, UploadedFile

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
    "ReplyKeyboard",
    "TelegramHTMLParser",
    "UploadedFile",
    "parse_html",
    "utf16_len",
]
