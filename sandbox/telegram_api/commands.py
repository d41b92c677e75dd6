"""The bot's settings, per language as Telegram keeps them: the command menu (per scope and
language), the description (the "What can this bot do?" text of an empty chat) and the short
description (the bot's profile, link previews).

``getMyCommands``, ``getMyDescription`` and ``getMyShortDescription`` answer what is set for
exactly the scope and language asked, as Telegram does; what a user *sees* falls back
(:meth:`CommandsMethods.menu_for`, :meth:`CommandsMethods.description_for`).
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from typing import Any

from sandbox.telegram_api.errors import bad
from sandbox.telegram_api.records import Files, Params, api_method
from sandbox.telegram_api.state import State

COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
LANGUAGE_RE = re.compile(r"[a-z]{2}")
COMMANDS_LIMIT = 100
COMMAND_DESCRIPTION_LIMIT = 256
DESCRIPTION_LIMIT = 512
SHORT_DESCRIPTION_LIMIT = 120
_GLOBAL_SCOPES = frozenset(
    {"default", "all_private_chats", "all_group_chats", "all_chat_administrators"}
)
_CHAT_SCOPES = frozenset({"chat", "chat_administrators", "chat_member"})


def scope_key(scope: Any) -> str:
    """A BotCommandScope as a dictionary key (the default scope when not given); a chat's
    id is the same key whether it came as a number or a string of digits."""
    if not isinstance(scope, dict):
        scope = {"type": "default"}
    scope = dict(scope)
    for name in ("chat_id", "user_id"):
        value = scope.get(name)
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
            scope[name] = int(value)
    return json.dumps(scope, sort_keys=True)


def checked_scope(params: Params) -> str:
    """The ``scope`` parameter's key, or Telegram's 400 for a scope it can't parse."""
    scope = params.get("scope")
    if scope is None or scope == "":
        return scope_key(None)
    if isinstance(scope, str):
        raise bad("can't parse BotCommandScope JSON object")
    if not isinstance(scope, dict):
        raise bad("can't parse BotCommandScope: BotCommandScope must be an Object")
    kind = scope.get("type")
    if not isinstance(kind, str):
        raise bad('can\'t parse BotCommandScope: Field "type" must be of type String')
    if kind in _GLOBAL_SCOPES:
        return scope_key({"type": kind})
    if kind not in _CHAT_SCOPES:
        raise bad("can't parse BotCommandScope: Unsupported type specified")
    if scope.get("chat_id") in (None, ""):
        raise bad("can't parse BotCommandScope: Empty chat_id specified")
    wanted = {"type": kind, "chat_id": scope["chat_id"]}
    if kind == "chat_member":
        user_id = scope.get("user_id")
        if not isinstance(user_id, int) or isinstance(user_id, bool) or user_id <= 0:
            raise bad("can't parse BotCommandScope: Invalid user_id specified")
        wanted["user_id"] = user_id
    return scope_key(wanted)


def checked_language(params: Params) -> str:
    """The ``language_code`` parameter: empty (every language) or two lowercase letters."""
    language = params.get("language_code")
    language = "" if language is None else str(language)
    if language and not LANGUAGE_RE.fullmatch(language):
        raise bad("invalid language code specified")
    return language


def menu_language(language_code: str | None) -> str:
    """The language of bot settings a Telegram app in ``language_code`` looks up:
    ``pt-br`` → ``pt``."""
    return (language_code or "").lower().split("-", 1)[0]


class CommandsMethods(State):
    def init_state(self) -> None:
        self.my_commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.my_descriptions: dict[str, str] = {}  # language ("" = default) -> text
        self.my_short_descriptions: dict[str, str] = {}

    # ------------------------------------------------------------------ inspection

    def commands_for(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, Any]]:
        """Commands stored by setMyCommands for exactly this scope and language."""
        return self.my_commands.get((scope_key(scope), language_code), [])

    def menu_for(self, chat_id: int, language_code: str | None = None) -> list[dict[str, Any]]:
        """The command menu a user whose app is in ``language_code`` sees in the private
        chat ``chat_id``: Telegram's order, the first list set of (chat, language), (chat),
        (all private chats, language), (all private chats), (default, language), (default)."""
        language = menu_language(language_code)
        for scope in ({"type": "chat", "chat_id": chat_id}, {"type": "all_private_chats"}, None):
            for lang in dict.fromkeys((language, "")):
                commands = self.commands_for(scope, lang)
                if commands:
                    return commands
        return []

    def description_for(self, language_code: str | None = None, *, short: bool = False) -> str:
        """The (short) description a user whose app is in ``language_code`` sees: the one
        set for their language, else the default one, else none."""
        stored = self.my_short_descriptions if short else self.my_descriptions
        return stored.get(menu_language(language_code)) or stored.get("", "")

    def calls_by_language(self, method: str) -> Counter[str]:
        """How many successful calls of ``method`` (say ``setMyCommands``) were made per
        ``language_code`` ("" for the default)."""
        return Counter(
            str(call.params.get("language_code") or "") for call in self.calls_of(method) if call.ok
        )

    # ------------------------------------------------------------------ commands

    @api_method("setMyCommands")
    async def _set_my_commands(self, params: Params, files: Files) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad('parameter "commands" is required')
        if len(commands) > COMMANDS_LIMIT:
            raise bad("too many commands specified")
        for command in commands:
            if not isinstance(command, dict) or not COMMAND_RE.fullmatch(
                str(command.get("command", ""))
            ):
                raise bad("BOT_COMMAND_INVALID")
            description = str(command.get("description", "")).strip()
            if not 1 <= len(description) <= COMMAND_DESCRIPTION_LIMIT:
                raise bad("BOT_COMMAND_DESCRIPTION_INVALID")
        key = (checked_scope(params), checked_language(params))
        if commands:
            self.my_commands[key] = [
                {"command": c["command"], "description": c["description"]} for c in commands
            ]
        else:
            self.my_commands.pop(key, None)
        self._emit("commands", None, {"scope": key[0], "language_code": key[1]})
        return True

    @api_method("getMyCommands")
    async def _get_my_commands(self, params: Params, files: Files) -> list[dict[str, Any]]:
        key = (checked_scope(params), checked_language(params))
        return copy.deepcopy(self.my_commands.get(key, []))

    @api_method("deleteMyCommands")
    async def _delete_my_commands(self, params: Params, files: Files) -> bool:
        key = (checked_scope(params), checked_language(params))
        self.my_commands.pop(key, None)
        self._emit("commands", None, {"scope": key[0], "language_code": key[1]})
        return True

    # ------------------------------------------------------------------ descriptions

    def _set_text(self, stored: dict[str, str], params: Params, name: str, limit: int) -> str:
        language = checked_language(params)
        text = params.get(name)
        text = "" if text is None else str(text)
        if len(text) > limit:
            raise bad(f"{name.replace('_', ' ')} is too long")
        if text:
            stored[language] = text
        else:
            stored.pop(language, None)  # an empty text removes this language's one
        self._emit("description", None, {"language_code": language, "short": name != "description"})
        return language

    @api_method("setMyDescription")
    async def _set_my_description(self, params: Params, files: Files) -> bool:
        self._set_text(self.my_descriptions, params, "description", DESCRIPTION_LIMIT)
        return True

    @api_method("getMyDescription")
    async def _get_my_description(self, params: Params, files: Files) -> dict[str, str]:
        return {"description": self.my_descriptions.get(checked_language(params), "")}

    @api_method("setMyShortDescription")
    async def _set_my_short_description(self, params: Params, files: Files) -> bool:
        self._set_text(
            self.my_short_descriptions, params, "short_description", SHORT_DESCRIPTION_LIMIT
        )
        return True

    @api_method("getMyShortDescription")
    async def _get_my_short_description(self, params: Params, files: Files) -> dict[str, str]:
        return {"short_description": self.my_short_descriptions.get(checked_language(params), "")}
