"""Routers, in the order the dispatcher tries them (the fallback router comes last).

The horoscope router comes first: a sign tap is nearly every update, and each router tried
before the one that matches costs a propagation and a failed filter. The daily push's router
(subscribe) comes just before the fallback: only a message no other router took (typed text,
a location) or its own commands read the conversation state there (bot/fsm.py).
"""

from aiogram import Router

from bot.routers import (
    admin,
    fallback,
    horoscope,
    inline,
    membership,
    start,
    subscribe,
    users,
)


def all_routers() -> list[Router]:
    modules = (horoscope, start, inline, users, admin, membership, subscribe, fallback)
    return [m.create_router() for m in modules]
