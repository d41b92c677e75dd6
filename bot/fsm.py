"""aiogram's FSM storage on the database (``conversation_states``, SQL in
``db/conversations.py``): the step a user is on in the typed parts of /subscribe (a time, a
city, a location) is seen by every replica, whichever one the next update reaches.

Kept off the tap's path: the dispatcher is built with ``disable_fsm=True`` (aiogram's own
``FSMContextMiddleware`` would read the state on *every* update, a round trip per tap), and
:class:`ConversationMiddleware` is registered on the one router that has conversation steps
(``bot/routers/subscribe.py``): it reads the state only for a message that reached that
router (typed text, a location, /subscribe, /stop: rare), and hands the router's callback
handlers an ``FSMContext`` that reads nothing until asked. A sign tap never gets there.

States older than ``CONVERSATION_TTL`` are treated as gone, and a write deletes them (at most
once per ``PRUNE_INTERVAL`` per process: one indexed DELETE).
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any, cast

import structlog
from aiogram import BaseMiddleware, Bot, Dispatcher
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import conversations as repo
from services.clock import Clock

log = structlog.get_logger(__name__)

CONVERSATION_TTL = timedelta(days=1)  # a step left open longer is forgotten
PRUNE_INTERVAL = 3600.0  # seconds between deletions of forgotten steps, per process


def storage_key(key: StorageKey) -> str:
    """The user first, so /forget deletes by prefix; thread, business connection and a
    non-default destiny only when present (a private chat has none)."""
    parts: list[object] = []
    if key.thread_id:
        parts.append(f"t{key.thread_id}")
    if key.business_connection_id:
        parts.append(f"b{key.business_connection_id}")
    if key.destiny != "default":
        parts.append(f"d{key.destiny}")
    return repo.conversation_key(key.user_id, key.chat_id, *parts)


class DatabaseStorage(BaseStorage):
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._clock = clock
        self._monotonic = monotonic
        self._pruned_at: float | None = None
        self.reads = 0  # for tests and benchmarks: round trips to read a state
        self.writes = 0

    async def _get(self, key: StorageKey) -> tuple[str | None, str] | None:
        self.reads += 1
        since = self._clock.utc_now() - CONVERSATION_TTL
        async with self._sessionmaker() as session:
            return await repo.get_conversation(session, storage_key(key), since)

    async def _put(self, key: StorageKey, **values: Any) -> None:
        self.writes += 1
        now = self._clock.utc_now()
        prune = self._pruned_at is None or self._monotonic() - self._pruned_at >= PRUNE_INTERVAL
        async with self._sessionmaker() as session, session.begin():
            await repo.put_conversation(session, storage_key(key), now, **values)
            if prune:
                pruned = await repo.prune_conversations(session, now - CONVERSATION_TTL)
                self._pruned_at = self._monotonic()
                if pruned:
                    log.info("conversations.pruned", count=pruned)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._put(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        row = await self._get(key)
        return row[0] if row is not None else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._put(key, data=json.dumps(dict(data), ensure_ascii=False, sort_keys=True))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = await self._get(key)
        if row is None:
            return {}
        try:
            data = json.loads(row[1])
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    async def close(self) -> None:
        """The engine belongs to ``Services``, closed with it."""


class ConversationMiddleware(BaseMiddleware):
    """A router's outer middleware: puts aiogram's ``state`` (an ``FSMContext`` on the
    dispatcher's storage) in the handler data, and, with ``read=True`` (messages), the current
    ``raw_state`` for ``StateFilter``: one read, only for updates that reach the router."""

    def __init__(self, *, read: bool) -> None:
        self.read = read

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        dispatcher = cast(Dispatcher, data["dispatcher"])
        context = dispatcher.fsm.resolve_event_context(cast(Bot, data["bot"]), data)
        if context is not None:
            data["state"] = context
            data["fsm_storage"] = dispatcher.fsm.storage
            if self.read:
                data["raw_state"] = await context.get_state()
        return await handler(event, data)
