"""The built-in horoscope writer used when no LLM API key is configured.

A text is composed from the language's sentence bank (``phrases`` in
``services/languages/<code>.json``: the day's mood, weekday, element, work, love, health,
money, advice, a lucky line) with a ``random.Random`` seeded from a SHA-256 of
``sign:day:language``, so the same request always yields the same text while neighbouring
days and signs read differently. Plain text only: no HTML, no markdown.

Banks in languages with cases (ru, uk, de, …) put the sign name only in the nominative
(``"Овен, …"``, ``"знаку Овен"``), so no declension or gender agreement is ever needed.
"""

from __future__ import annotations

import hashlib
import random
from datetime import date
from typing import Final

from services.languages import language as language_file
from services.languages import resolve
from services.zodiac import ZODIAC_SIGNS, ZodiacSign

MIN_CHARS: Final = 500
MAX_CHARS: Final = 900

_PARAGRAPH_SEP: Final = "\n\n"
_OPTIONAL_PARTS: Final = ("weekday", "element", "health", "money")


def _seed(sign: ZodiacSign, day: date, language: str) -> int:
    key = f"{sign}:{day.isoformat()}:{language}".encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:8], "big")


def _assemble(parts: dict[str, str], dropped: set[str], padding: list[str]) -> str:
    def keep(*names: str) -> str:
        return " ".join(parts[n] for n in names if n not in dropped)

    paragraphs = (
        keep("opening", "weekday", "element"),
        keep("work", "love", "health", "money"),
        " ".join([*padding, parts["advice"], parts["lucky"]]),
    )
    return _PARAGRAPH_SEP.join(paragraphs)


def generate_offline_horoscope(sign: ZodiacSign, day: date, language: str) -> str:
    """A daily horoscope for ``sign`` on ``day`` in ``language`` (a shipped language code;
    anything else is English): plain text of 500–900 characters, always the same for the
    same arguments."""
    info = ZODIAC_SIGNS[sign]
    code = resolve(language)
    bank = language_file(code).phrases
    name = info.name(code)
    weekday = day.weekday()
    rng = random.Random(_seed(sign, day, code))

    # Draw everything up front so the random sequence never depends on the length fitting.
    work_pool = bank.weekend_affairs if weekday >= 5 else bank.work
    parts = {
        "opening": rng.choice(bank.openings).format(name=name),
        "weekday": rng.choice(bank.weekdays[weekday]),
        "element": rng.choice(bank.elements[info.element]),
        "work": rng.choice(work_pool),
        "love": rng.choice(bank.love),
        "health": rng.choice(bank.health),
        "money": rng.choice(bank.money),
        "advice": f"{rng.choice(bank.advice_prefixes)} {rng.choice(bank.advice)}",
        "lucky": rng.choice(bank.lucky_frames).format(
            number=rng.randint(1, 99),
            colour=rng.choice(bank.colours),
            time=rng.choice(bank.times),
        ),
    }
    drop_order = rng.sample(_OPTIONAL_PARTS, k=len(_OPTIONAL_PARTS))
    extras = [extra.format(name=name) for extra in rng.sample(bank.extras, k=len(bank.extras))]

    dropped: set[str] = set()
    padding: list[str] = []
    text = _assemble(parts, dropped, padding)
    # Too long: leave out whole optional sentences (never cut one) until it fits.
    while len(text) > MAX_CHARS and len(dropped) < len(drop_order):
        dropped.add(drop_order[len(dropped)])
        text = _assemble(parts, dropped, padding)
    # Too short: add whole extra sentences; each is far shorter than the 400-char margin.
    while len(text) < MIN_CHARS and len(padding) < len(extras):
        padding.append(extras[len(padding)])
        text = _assemble(parts, dropped, padding)
    return text
