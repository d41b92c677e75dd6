"""The bot's settings: the command menu per scope and language."""

from __future__ import annotations

import copy
import re
from typing import Any

from sandbox.telegram_api.errors import bad
from sandbox.telegram_api.params import scope_key
from sandbox.telegram_api.records import Files, Params, api_method
from sandbox.telegram_api.state import State

COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")


class CommandsMethods(State):
    def init_state(self) -> None:
        self.my_commands: dict[tuple[str, str], list[dict[str, Any]]] = {}

    def commands_for(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, Any]]:
        """Commands stored by setMyCommands for this scope and language."""
        return self.my_commands.get((scope_key(scope), language_code), [])

    @api_method("setMyCommands")
    async def _set_my_commands(self, params: Params, files: Files) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad('parameter "commands" is required')
        if len(commands) > 100:
            raise bad("too many commands specified")
        for command in commands:
            if not isinstance(command, dict) or not COMMAND_RE.fullmatch(
                str(command.get("command", ""))
            ):
                raise bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise bad("BOT_COMMAND_DESCRIPTION_INVALID")
        key = (scope_key(params.get("scope")), str(params.get("language_code") or ""))
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
        language = str(params.get("language_code") or "")
        return copy.deepcopy(self.commands_for(params.get("scope"), language))

    @api_method("deleteMyCommands")
    async def _delete_my_commands(self, params: Params, files: Files) -> bool:
        key = (scope_key(params.get("scope")), str(params.get("language_code") or ""))
        self.my_commands.pop(key, None)
        self._emit("commands", None, {"scope": key[0], "language_code": key[1]})
        return True
