"""Routers, in the order the dispatcher tries them (the fallback router comes last)."""

from aiogram import Router

from bot.routers import admin, fallback, horoscope, start


def all_routers() -> list[Router]:
    return [m.create_router() for m in (start, horoscope, admin, fallback)]
