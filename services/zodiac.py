"""The twelve signs: keys, emoji and localized names.

This is domain data used by every layer above ``db/``, so it lives in ``services/``
(the bot imports it from here; ``db/`` only stores the string keys).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
    name_ru: str
    name_en: str
    dates_ru: str
    dates_en: str
    element: str  # fire | earth | air | water

    def name(self, language: str) -> str:
        return self.name_ru if language == "ru" else self.name_en

    def dates(self, language: str) -> str:
        return self.dates_ru if language == "ru" else self.dates_en


ZODIAC_SIGNS: dict[ZodiacSign, SignInfo] = {
    info.key: info
    for info in (
        SignInfo(ZodiacSign.ARIES, "♈", "Овен", "Aries", "21.03–19.04", "Mar 21 – Apr 19", "fire"),
        SignInfo(
            ZodiacSign.TAURUS, "♉", "Телец", "Taurus", "20.04–20.05", "Apr 20 – May 20", "earth"
        ),
        SignInfo(
            ZodiacSign.GEMINI, "♊", "Близнецы", "Gemini", "21.05–20.06", "May 21 – Jun 20", "air"
        ),
        SignInfo(
            ZodiacSign.CANCER, "♋", "Рак", "Cancer", "21.06–22.07", "Jun 21 – Jul 22", "water"
        ),
        SignInfo(ZodiacSign.LEO, "♌", "Лев", "Leo", "23.07–22.08", "Jul 23 – Aug 22", "fire"),
        SignInfo(
            ZodiacSign.VIRGO, "♍", "Дева", "Virgo", "23.08–22.09", "Aug 23 – Sep 22", "earth"
        ),
        SignInfo(ZodiacSign.LIBRA, "♎", "Весы", "Libra", "23.09–22.10", "Sep 23 – Oct 22", "air"),
        SignInfo(
            ZodiacSign.SCORPIO,
            "♏",
            "Скорпион",
            "Scorpio",
            "23.10–21.11",
            "Oct 23 – Nov 21",
            "water",
        ),
        SignInfo(
            ZodiacSign.SAGITTARIUS,
            "♐",
            "Стрелец",
            "Sagittarius",
            "22.11–21.12",
            "Nov 22 – Dec 21",
            "fire",
        ),
        SignInfo(
            ZodiacSign.CAPRICORN,
            "♑",
            "Козерог",
            "Capricorn",
            "22.12–19.01",
            "Dec 22 – Jan 19",
            "earth",
        ),
        SignInfo(
            ZodiacSign.AQUARIUS,
            "♒",
            "Водолей",
            "Aquarius",
            "20.01–18.02",
            "Jan 20 – Feb 18",
            "air",
        ),
        SignInfo(
            ZodiacSign.PISCES, "♓", "Рыбы", "Pisces", "19.02–20.03", "Feb 19 – Mar 20", "water"
        ),
    )
}


def parse_sign(text: str) -> ZodiacSign | None:
    """Accept an English key or a localized name (any case), e.g. ``leo``, ``Лев``, ``Leo``."""
    needle = text.strip().lower()
    for info in ZODIAC_SIGNS.values():
        if needle in (info.key.value, info.name_ru.lower(), info.name_en.lower()):
            return info.key
    return None
