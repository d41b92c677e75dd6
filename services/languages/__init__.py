"""The shipped languages: one JSON file per language next to this module.

``<code>.json`` holds everything that is language content and not code: the language's own
and English name, the twelve sign names and date ranges, and the offline generator's phrase
bank. Adding a language is adding a file (see ``docs/TRANSLATING.md``); nothing here lists
the codes. Files are read on first use and kept; importing this module reads nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cache
from importlib import resources
from typing import Any, Final

FALLBACK_LANGUAGE: Final = "en"  # what an unknown language code falls back to
ELEMENTS: Final = ("fire", "earth", "air", "water")
_SUFFIX: Final = ".json"


@dataclass(frozen=True, slots=True)
class Phrases:
    """The offline generator's sentence bank for one language (docs/TRANSLATING.md)."""

    openings: tuple[str, ...]  # contain {name}
    weekdays: tuple[tuple[str, ...], ...]  # indexed by date.weekday(), Monday first
    elements: Mapping[str, tuple[str, ...]]  # fire | earth | air | water
    work: tuple[str, ...]
    weekend_affairs: tuple[str, ...]
    love: tuple[str, ...]
    health: tuple[str, ...]
    money: tuple[str, ...]
    advice_prefixes: tuple[str, ...]
    advice: tuple[str, ...]  # start in lower case, follow a prefix
    extras: tuple[str, ...]  # padding for short texts; may contain {name}
    lucky_frames: tuple[str, ...]  # contain {number} {colour} {time}
    colours: tuple[str, ...]
    times: tuple[str, ...]


PHRASE_KEYS: Final = tuple(f.name for f in fields(Phrases))


@dataclass(frozen=True, slots=True)
class SignText:
    name: str  # nominative, as on the buttons
    dates: str


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    native_name: str  # "Українська": what the language menu shows
    english_name: str
    signs: Mapping[str, SignText]  # keyed by ZodiacSign value
    phrases: Phrases


class LanguageFileError(ValueError):
    """A language file is missing a key or has a value of the wrong shape."""


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(s, str) for s in value):
        raise LanguageFileError(f"{where}: expected a non-empty list of strings")
    return tuple(value)


def _phrases(raw: Any, where: str) -> Phrases:
    if not isinstance(raw, dict) or set(raw) != set(PHRASE_KEYS):
        raise LanguageFileError(f"{where}: the keys must be exactly {', '.join(PHRASE_KEYS)}")
    weekdays = raw["weekdays"]
    if not isinstance(weekdays, list) or len(weekdays) != 7:
        raise LanguageFileError(f"{where}.weekdays: expected 7 lists, Monday first")
    elements = raw["elements"]
    if not isinstance(elements, dict) or set(elements) != set(ELEMENTS):
        raise LanguageFileError(f"{where}.elements: the keys must be exactly {', '.join(ELEMENTS)}")
    values: dict[str, Any] = {
        key: _strings(raw[key], f"{where}.{key}")
        for key in PHRASE_KEYS
        if key not in ("weekdays", "elements")
    }
    values["weekdays"] = tuple(
        _strings(d, f"{where}.weekdays[{i}]") for i, d in enumerate(weekdays)
    )
    values["elements"] = {e: _strings(elements[e], f"{where}.elements.{e}") for e in ELEMENTS}
    return Phrases(**values)


def _signs(raw: Any, where: str) -> dict[str, SignText]:
    if not isinstance(raw, dict):
        raise LanguageFileError(f"{where}: expected an object keyed by sign")
    signs: dict[str, SignText] = {}
    for key, entry in raw.items():
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(k), str) and entry[k] for k in ("name", "dates")
        ):
            raise LanguageFileError(f"{where}.{key}: expected {{'name': ..., 'dates': ...}}")
        signs[key] = SignText(name=entry["name"], dates=entry["dates"])
    return signs


def parse_language(raw: Any, code: str) -> Language:
    """Check one decoded language file and build its ``Language`` (``code`` from the file
    name must match the file's own ``code``)."""
    where = f"{code}{_SUFFIX}"
    if not isinstance(raw, dict):
        raise LanguageFileError(f"{where}: expected a JSON object")
    if raw.get("code") != code:
        raise LanguageFileError(f"{where}: 'code' must be {code!r}, the file's name")
    for key in ("native_name", "english_name"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise LanguageFileError(f"{where}: {key!r} must be a non-empty string")
    return Language(
        code=code,
        native_name=raw["native_name"],
        english_name=raw["english_name"],
        signs=_signs(raw.get("signs"), f"{where}: signs"),
        phrases=_phrases(raw.get("phrases"), f"{where}: phrases"),
    )


@cache
def available_languages() -> tuple[str, ...]:
    """The codes of the shipped language files, sorted."""
    files = resources.files(__name__).iterdir()
    return tuple(sorted(f.name.removesuffix(_SUFFIX) for f in files if f.name.endswith(_SUFFIX)))


@cache
def language(code: str) -> Language:
    """The shipped language ``code``, read on first use; ``LookupError`` if not shipped."""
    if code not in available_languages():
        raise LookupError(f"no language file {code}{_SUFFIX}")
    text = resources.files(__name__).joinpath(f"{code}{_SUFFIX}").read_text(encoding="utf-8")
    return parse_language(json.loads(text), code)


def resolve(code: str) -> str:
    """``code`` if it is shipped, else the fallback language (English)."""
    return code if code in available_languages() else FALLBACK_LANGUAGE
