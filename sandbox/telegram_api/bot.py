"""The bot itself: getMe, close, logOut."""

from __future__ import annotations

from typing import Any

from sandbox.telegram_api.records import Files, Params, api_method
from sandbox.telegram_api.state import State


class BotMethods(State):
    @api_method("getMe")
    async def _get_me(self, params: Params, files: Files) -> dict[str, Any]:
        return self.bot_user

    @api_method("close")
    @api_method("logOut")
    async def _return_true(self, params: Params, files: Files) -> bool:
        return True
