"""Inline mode: a user types ``@bot leo`` (:meth:`InlineMethods.inline_query`), the bot
answers (answerInlineQuery, validated as Telegram does), the user picks a result
(:meth:`InlineMethods.choose_inline_result`): it is posted into a chat of theirs "via @bot"
and, with inline feedback on (``/setinlinefeedback``), the bot gets a
``chosen_inline_result`` update. :meth:`InlineMethods.open_link` follows a
``t.me/<bot>?start=…`` link as a Telegram app does (``/start …`` in the bot's chat)."""

from __future__ import annotations

import copy
import itertools
import re
import urllib.parse
from typing import Any

from sandbox.telegram_api import params as p
from sandbox.telegram_api.errors import QUERY_TOO_OLD, bad
from sandbox.telegram_api.html import FormattedText
from sandbox.telegram_api.records import Files, Params, api_method
from sandbox.telegram_api.state import State

INLINE_QUERY_LIMIT = 256  # characters a user can type after @bot
RESULTS_LIMIT = 50
RESULT_ID_LIMIT = 64  # bytes
NEXT_OFFSET_LIMIT = 64  # bytes
START_PARAMETER_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
CHAT_TYPES = frozenset({"sender", "private", "group", "supergroup", "channel"})
# The result types this stand-in knows; the others answer RESULT_TYPE_INVALID.
RESULT_TYPES = frozenset({"article"})


class InlineMethods(State):
    def init_state(self) -> None:
        self.inline_feedback = True  # /setinlinefeedback: chosen_inline_result updates
        self.inline_answer_timeout = 10.0  # Telegram drops an answer after about this long
        self.inline_queries: dict[str, dict[str, Any]] = {}  # id -> the query as sent
        self.inline_answers: dict[str, dict[str, Any]] = {}  # id -> the bot's answer
        self._inline_asked: dict[str, float] = {}
        self._inline_ids = itertools.count(7_770_000_000_000_000_001)
        self._inline_message_ids = itertools.count(1)

    def inline_query(
        self,
        query: str,
        *,
        user_id: int = 1001,
        chat_type: str = "sender",
        offset: str = "",
        language_code: str | None = None,
    ) -> str:
        """Queue an ``inline_query`` update from ``user_id`` typing ``@bot <query>`` (cut to
        256 characters as the app does); returns the query id."""
        if chat_type not in CHAT_TYPES:
            raise ValueError(f"chat_type must be one of {sorted(CHAT_TYPES)}")
        query_id = str(next(self._inline_ids))
        update = {
            "id": query_id,
            "from": dict(self.user(user_id, language_code=language_code)),
            "query": query[:INLINE_QUERY_LIMIT],
            "offset": offset,
            "chat_type": chat_type,
        }
        self.inline_queries[query_id] = update
        self._inline_asked[query_id] = self.clock()
        self.push_update({"inline_query": copy.deepcopy(update)})
        return query_id

    def choose_inline_result(
        self, query_id: str, result_id: str, *, chat_id: int
    ) -> dict[str, Any]:
        """The user picks ``result_id`` of the bot's answer to ``query_id``: its message is
        posted into ``chat_id`` as the user's, "via @bot" (in the user's own chat with the bot
        the bot gets it as a message too); with ``inline_feedback`` the bot gets a
        ``chosen_inline_result``. Returns the posted message."""
        answer = self.inline_answers.get(query_id)
        if answer is None:
            raise ValueError(f"the bot has not answered inline query {query_id}")
        result = next((r for r in answer["results"] if r["id"] == result_id), None)
        if result is None:
            offered = [r["id"] for r in answer["results"]]
            raise ValueError(f"no result {result_id!r} in the answer; it offers {offered}")
        query = self.inline_queries[query_id]
        user = query["from"]
        content = result["input_message_content"]
        formatted = self._format_content(content)
        message = self._new_message(chat_id, user, via_bot=self.bot_user)
        markup = p.inline_markup(result.get("reply_markup"))
        self._fill(message, formatted, markup, "text")
        self._store(message, str(content.get("message_text")))
        if chat_id == user["id"]:  # posted in the user's chat with the bot: the bot gets it
            self.push_update({"message": copy.deepcopy(message)})
        if self.inline_feedback:
            chosen: dict[str, Any] = {
                "result_id": result_id,
                "from": dict(user),
                "query": query["query"],
            }
            if markup:  # Telegram gives an id only to messages the bot can edit later
                chosen["inline_message_id"] = f"AQAAA{next(self._inline_message_ids):010d}"
            self.push_update({"chosen_inline_result": chosen})
        return copy.deepcopy(message)

    def open_link(self, url: str, *, user_id: int = 1001, language_code: str | None = None) -> int:
        """Follow ``https://t.me/<bot>?start=X`` as an app does: ``/start X`` from ``user_id``
        in the bot's chat (``/start`` when the parameter is not one Telegram passes on)."""
        parsed = urllib.parse.urlsplit(url)
        if parsed.netloc != "t.me" or parsed.path.strip("/") != self.username:
            raise ValueError(f"{url!r} is not a link to @{self.username}")
        start = urllib.parse.parse_qs(parsed.query).get("start", [""])[0]
        text = f"/start {start}" if START_PARAMETER_RE.fullmatch(start) else "/start"
        return self.send_text(text, user_id=user_id, language_code=language_code)  # type: ignore[attr-defined,no-any-return]

    @api_method("answerInlineQuery")
    async def _answer_inline_query(self, params: Params, files: Files) -> bool:
        query_id = str(params.get("inline_query_id") or "")
        asked = self._inline_asked.get(query_id)
        if (
            asked is None
            or query_id in self.inline_answers
            or self.clock() - asked > self.inline_answer_timeout
        ):
            raise bad(QUERY_TOO_OLD)
        results = params.get("results")
        if not isinstance(results, list):
            raise bad("can't parse results JSON object")
        if len(results) > RESULTS_LIMIT:
            raise bad("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            self._check_result(result, seen)
        cache_time = params.get("cache_time", 300)
        if not isinstance(cache_time, int) or isinstance(cache_time, bool) or cache_time < 0:
            raise bad("CACHE_TIME_INVALID")
        is_personal = params.get("is_personal", False)
        if not isinstance(is_personal, bool):
            raise bad("can't parse is_personal: a Boolean is expected")
        next_offset = str(params.get("next_offset") or "")
        if len(next_offset.encode()) > NEXT_OFFSET_LIMIT:
            raise bad("NEXT_OFFSET_INVALID")
        button = params.get("button")
        if button is not None:
            self._check_results_button(button)
        self.inline_answers[query_id] = {
            "results": copy.deepcopy(results),
            "cache_time": cache_time,
            "is_personal": is_personal,
            "next_offset": next_offset,
            "button": copy.deepcopy(button),
        }
        return True

    def _check_result(self, result: Any, seen: set[str]) -> None:
        if not isinstance(result, dict):
            raise bad("can't parse InlineQueryResult")
        kind = result.get("type")
        if kind not in RESULT_TYPES:
            raise bad("RESULT_TYPE_INVALID")
        result_id = result.get("id")
        if not isinstance(result_id, str) or not 1 <= len(result_id.encode()) <= RESULT_ID_LIMIT:
            raise bad("RESULT_ID_INVALID")
        if result_id in seen:
            raise bad("RESULT_ID_DUPLICATE")
        seen.add(result_id)
        if not isinstance(result.get("title"), str) or not result["title"].strip():
            raise bad("RESULT_TITLE_EMPTY")
        content = result.get("input_message_content")
        if not isinstance(content, dict) or "message_text" not in content:
            raise bad("can't parse InputMessageContent")
        self._format_content(content)
        p.inline_markup(result.get("reply_markup"))
        url = result.get("url")
        if url is not None and not re.match(r"https?://\S+$", str(url)):
            raise bad("RESULT_URL_INVALID")

    def _format_content(self, content: dict[str, Any]) -> FormattedText:
        """An InputTextMessageContent's text and entities; as sendMessage's, but a text over
        4096 characters is MESSAGE_TOO_LONG."""
        return self._format_text(
            content.get("message_text"),
            content.get("parse_mode"),
            content.get("entities"),
            too_long="MESSAGE_TOO_LONG",
        )

    @staticmethod
    def _check_results_button(button: Any) -> None:
        if isinstance(button, str):
            raise bad("can't parse InlineQueryResultsButton")
        if not isinstance(button, dict) or not str(button.get("text") or "").strip():
            raise bad("BUTTON_TEXT_INVALID")
        start = button.get("start_parameter")
        if start is not None and not START_PARAMETER_RE.fullmatch(str(start)):
            raise bad("START_PARAM_INVALID")
        if start is None and "web_app" not in button:
            raise bad("BUTTON_TYPE_INVALID")
