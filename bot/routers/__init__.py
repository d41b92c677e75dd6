"""Routers, in the order the dispatcher tries them (the fallback router comes last).

The horoscope router comes first: a sign tap is nearly every update, and each router tried
before the one that matches costs a propagation and a failed filter.
"""

from aiogram import Router

from bot.routers import admin, fallback, horoscope, membership, start, users


def all_routers() -> list[Router]:
    return [m.create_router() for m in (horoscope, start, users, admin, membership, fallback)]
