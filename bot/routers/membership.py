"""``my_chat_member``: Telegram tells the bot at once when a user blocks it (``kicked``) or
comes back (``member``). Blocked: the user is marked so and their daily push stops (it stays
stopped when they come back: they resubscribe). Back: unmarked."""

from __future__ import annotations

import structlog
from aiogram import Router
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.types import ChatMemberUpdated

from services.runtime import Services

log = structlog.get_logger(__name__)


async def membership_changed(event: ChatMemberUpdated, services: Services) -> None:
    if event.chat.type != ChatType.PRIVATE:
        return
    user_id = event.from_user.id
    status = event.new_chat_member.status
    if status == ChatMemberStatus.KICKED:
        await services.users.set_blocked(user_id, True)
        if await services.subscriptions.stop(user_id, reason="blocked"):
            log.info("push.stopped_by_block")
    elif status == ChatMemberStatus.MEMBER:
        await services.users.set_blocked(user_id, False)


def create_router() -> Router:
    router = Router(name="membership")
    router.my_chat_member.register(membership_changed)
    return router
