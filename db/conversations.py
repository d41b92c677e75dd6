"""SQL for conversation state (aiogram's FSM, ``bot/fsm.py``): the step a user is on in the
typed parts of /subscribe and its data, one row per storage key.

A key starts with the user's id and a colon (:func:`conversation_key`), so everything about a
user can be deleted with one prefix match (/forget)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ConversationState
from db.repositories import _insert


class Unset:
    """Not given: keep what is stored."""


UNSET = Unset()


def conversation_key(user_id: int, chat_id: int, *parts: object) -> str:
    """``"<user>:<chat>[:<part>…]"``: the user first (see the module's docstring)."""
    return ":".join(str(part) for part in (user_id, chat_id, *parts))


async def get_conversation(
    session: AsyncSession, key: str, since: datetime
) -> tuple[str | None, str] | None:
    """(state, data as JSON) if the key has a row written at or after ``since``."""
    result = await session.execute(
        select(ConversationState.state, ConversationState.data).where(
            ConversationState.key == key, ConversationState.updated_at >= since
        )
    )
    row = result.one_or_none()
    return (row[0], row[1]) if row is not None else None


async def put_conversation(
    session: AsyncSession,
    key: str,
    now: datetime,
    *,
    state: str | Unset | None = UNSET,
    data: str | Unset = UNSET,
) -> None:
    """Write the state, the data (JSON) or both, leaving the other half as it is; a row left
    with neither a state nor data is deleted."""
    values: dict[str, Any] = {"updated_at": now}
    if not isinstance(state, Unset):
        values["state"] = state
    if not isinstance(data, Unset):
        values["data"] = data
    stmt = _insert(session, ConversationState).values(key=key, **values)
    stmt = stmt.on_conflict_do_update(index_elements=[ConversationState.key], set_=values)
    await session.execute(stmt)
    await session.execute(
        delete(ConversationState).where(
            ConversationState.key == key,
            ConversationState.state.is_(None),
            ConversationState.data == "{}",
        )
    )


async def delete_user_conversations(session: AsyncSession, user_id: int) -> None:
    await session.execute(
        delete(ConversationState).where(ConversationState.key.startswith(f"{user_id}:"))
    )


async def prune_conversations(session: AsyncSession, before: datetime) -> int:
    """Delete conversations untouched since ``before``; how many."""
    result = await session.execute(
        delete(ConversationState).where(ConversationState.updated_at < before)
    )
    return int(getattr(result, "rowcount", 0) or 0)
