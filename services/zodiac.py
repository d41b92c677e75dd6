"""The twelve signs: keys, emoji and element in code; names and dates from the language files.

This is domain data used by every layer above ``db/``, so it lives in ``services/``
(the bot imports it from here; ``db/`` only stores the string keys). What a sign is called
in each language is content, in ``services/languages/<code>.json``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from services.languages import available_languages, language, resolve


class ZodiacSign(StrEnum):
    ARIES = "aries"
    TAURUS = "taurus"
    GEMINI = "gemini"
    CANCER = "cancer"
    LEO = "leo"
    VIRGO = "virgo"
    LIBRA = "libra"
    SCORPIO = "scorpio"
    SAGITTARIUS = "sagittarius"
    CAPRICORN = "capricorn"
    AQUARIUS = "aquarius"
    PISCES = "pisces"


@dataclass(frozen=True, slots=True)
class SignInfo:
    key: ZodiacSign
    emoji: str
    element: str  # fire | earth | air | water

    def name(self, language_code: str) -> str:
        """The sign's name in ``language_code`` (an unknown code gets English)."""
        return language(resolve(language_code)).signs[self.key].name

    def dates(self, language_code: str) -> str:
        return language(resolve(language_code)).signs[self.key].dates


ZODIAC_SIGNS: dict[ZodiacSign, SignInfo] = {
    info.key: info
    for info in (
        SignInfo(ZodiacSign.ARIES, "♈", "fire"),
        SignInfo(ZodiacSign.TAURUS, "♉", "earth"),
        SignInfo(ZodiacSign.GEMINI, "♊", "air"),
        SignInfo(ZodiacSign.CANCER, "♋", "water"),
        SignInfo(ZodiacSign.LEO, "♌", "fire"),
        SignInfo(ZodiacSign.VIRGO, "♍", "earth"),
        SignInfo(ZodiacSign.LIBRA, "♎", "air"),
        SignInfo(ZodiacSign.SCORPIO, "♏", "water"),
        SignInfo(ZodiacSign.SAGITTARIUS, "♐", "fire"),
        SignInfo(ZodiacSign.CAPRICORN, "♑", "earth"),
        SignInfo(ZodiacSign.AQUARIUS, "♒", "air"),
        SignInfo(ZodiacSign.PISCES, "♓", "water"),
    )
}


def _fold(text: str) -> str:
    """Case- and accent-insensitive form: ``"  Leão "`` → ``"leao"``, ``"Лев"`` → ``"лев"``."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def _names() -> tuple[tuple[str, ZodiacSign], ...]:
    """Every folded name of every sign (the English key and its name in each shipped
    language), built on first use."""
    pairs = {(_fold(sign.value), sign) for sign in ZodiacSign}
    for code in available_languages():
        signs = language(code).signs
        pairs |= {(_fold(signs[sign].name), sign) for sign in ZodiacSign}
    return tuple(sorted(pairs))


def parse_sign(text: str) -> ZodiacSign | None:
    """Accept the English key or the name in any shipped language, in any case and with or
    without accents: ``leo``, ``Лев``, ``LÖWE``, ``leao``."""
    needle = _fold(text)
    return next((sign for name, sign in _names() if name == needle), None)


def signs_matching(prefix: str) -> list[ZodiacSign]:
    """The signs (in zodiac order) whose key or name in any shipped language starts with
    ``prefix``, folded like ``parse_sign``; every sign for an empty prefix."""
    needle = _fold(prefix)
    found = {sign for name, sign in _names() if name.startswith(needle)}
    return [sign for sign in ZodiacSign if sign in found]


_BY_EMOJI: dict[str, ZodiacSign] = {info.emoji: info.key for info in ZODIAC_SIGNS.values()}


def find_signs(query: str) -> list[ZodiacSign]:
    """What an inline query (``@bot leo``) asks for, in zodiac order: the sign of an emoji
    (``♌``, with or without a variation selector), the sign named in any shipped language
    (``Лев``, ``Löwe``), the signs a prefix starts (``sco``, ``скор``); every sign for an
    empty query, none for anything else."""
    text = query.strip().replace("\ufe0f", "")
    if not text:
        return list(ZodiacSign)
    if text in _BY_EMOJI:
        return [_BY_EMOJI[text]]
    exact = parse_sign(text)
    if exact is not None:
        return [exact]
    return signs_matching(text)
