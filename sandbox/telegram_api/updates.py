"""Receiving updates: getUpdates (long polling, with Telegram's 409 conflicts), setWebhook,
deleteWebhook, getWebhookInfo. Updates are never pushed to a webhook: they wait in the
queue (see ``pending_update_count``)."""

from __future__ import annotations

import asyncio
import copy
import re
from typing import Any

from sandbox.telegram_api.errors import POLL_CONFLICT, WEBHOOK_CONFLICT, ApiError, bad
from sandbox.telegram_api.records import Files, Params, api_method
from sandbox.telegram_api.state import State

SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


def update_type(update: dict[str, Any]) -> str:
    return next((key for key in update if key != "update_id"), "")


class UpdatesMethods(State):
    def init_state(self) -> None:
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.allowed_updates: list[str] | None = None
        self._poll_generation = 0

    @api_method("getUpdates")
    async def _get_updates(self, params: Params, files: Files) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise ApiError(409, WEBHOOK_CONFLICT)
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake()  # an older poll still waiting is terminated (see below)

        offset = params.get("offset")
        if isinstance(offset, int) and offset < 0:
            del self._updates[: max(len(self._updates) + offset, 0)]
        elif isinstance(offset, int):
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        limit = params.get("limit")
        limit = min(max(limit, 1), 100) if isinstance(limit, int) else 100
        timeout = params.get("timeout")
        timeout = min(max(timeout, 0), 50) if isinstance(timeout, int) else 0
        if isinstance(params.get("allowed_updates"), list):
            self.allowed_updates = list(params["allowed_updates"])

        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            wakeup = self._wakeup
            if generation != self._poll_generation:
                raise ApiError(409, POLL_CONFLICT)
            if self.webhook_url:
                raise ApiError(409, WEBHOOK_CONFLICT)
            self._updates = [u for u in self._updates if self._is_allowed(u)]
            remaining = deadline - asyncio.get_running_loop().time()
            if self._updates or remaining <= 0 or self._closing:
                return copy.deepcopy(self._updates[:limit])
            self.waiting_polls += 1
            try:
                async with self._calls_changed:
                    self._calls_changed.notify_all()  # for wait_until_polling()
                async with asyncio.timeout(remaining):
                    await wakeup.wait()
            except TimeoutError:
                pass
            finally:
                self.waiting_polls -= 1

    def _is_allowed(self, update: dict[str, Any]) -> bool:
        kind = update_type(update)
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in DEFAULT_EXCLUDED_UPDATES

    @api_method("setWebhook")
    async def _set_webhook(self, params: Params, files: Files) -> bool:
        url = str(params.get("url") or "")
        if not url:
            return await self._delete_webhook(params, files)
        if not url.startswith("https://"):
            raise bad("bad webhook: An HTTPS URL must be provided for webhook")
        port = re.match(r"https://[^/:]+(?::(\d+))?", url)
        if port and port.group(1) and port.group(1) not in ("80", "88", "443", "8443"):
            raise bad("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        secret = params.get("secret_token")
        if secret is not None and not SECRET_RE.fullmatch(str(secret)):
            raise bad("secret token contains unallowed characters")
        if params.get("drop_pending_updates") is True:
            self._updates.clear()
        if isinstance(params.get("allowed_updates"), list):
            self.allowed_updates = list(params["allowed_updates"])
        self.webhook_url = url
        self.webhook_secret = None if secret is None else str(secret)
        self._wake()  # a waiting getUpdates now conflicts with the webhook
        return True

    @api_method("deleteWebhook")
    async def _delete_webhook(self, params: Params, files: Files) -> bool:
        if params.get("drop_pending_updates") is True:
            self._updates.clear()
        self.webhook_url = None
        self.webhook_secret = None
        return True

    @api_method("getWebhookInfo")
    async def _get_webhook_info(self, params: Params, files: Files) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.webhook_url or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook_url:
            info["max_connections"] = 40
            if self.allowed_updates:
                info["allowed_updates"] = list(self.allowed_updates)
        return info
