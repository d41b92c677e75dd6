"""The built-in offline horoscope generator: deterministic, sized, varied, plain text."""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Iterator
from datetime import date, timedelta

from services.ai.offline import generate_offline_horoscope
from services.zodiac import ZODIAC_SIGNS, ZodiacSign

LANGUAGES = ("ru", "en")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def _days_2024() -> Iterator[date]:
    day = date(2024, 1, 1)
    while day.year == 2024:
        yield day
        day += timedelta(days=1)


def test_year_has_366_days() -> None:
    assert len(list(_days_2024())) == 366


def test_deterministic() -> None:
    for language in LANGUAGES:
        for sign in ZodiacSign:
            day = date(2024, 5, 17)
            first = generate_offline_horoscope(sign, day, language)
            second = generate_offline_horoscope(sign, day, language)
            assert first == second


def test_lengths_within_range_for_a_whole_year() -> None:
    for language in LANGUAGES:
        for sign in ZodiacSign:
            for day in _days_2024():
                text = generate_offline_horoscope(sign, day, language)
                assert 500 <= len(text) <= 900, (sign, day, language, len(text))


def test_texts_unique_per_language() -> None:
    for language in LANGUAGES:
        texts = {
            generate_offline_horoscope(sign, day, language)
            for sign in ZodiacSign
            for day in _days_2024()
        }
        assert len(texts) == len(ZodiacSign) * 366


def test_consecutive_days_differ_in_opening() -> None:
    # Day-to-day variety: tomorrow's text should not merely reshuffle today's sentences.
    for language in LANGUAGES:
        for sign in ZodiacSign:
            same_opening = 0
            days = list(_days_2024())
            for today, tomorrow in itertools.pairwise(days):
                a = generate_offline_horoscope(sign, today, language).split(".")[0]
                b = generate_offline_horoscope(sign, tomorrow, language).split(".")[0]
                same_opening += a == b
            assert same_opening < 60, (sign, language, same_opening)


def test_languages_differ() -> None:
    for sign in ZodiacSign:
        for day in _days_2024():
            ru = generate_offline_horoscope(sign, day, "ru")
            en = generate_offline_horoscope(sign, day, "en")
            assert _CYRILLIC.search(ru), (sign, day)
            assert not _CYRILLIC.search(en), (sign, day)


def test_sign_name_present() -> None:
    for language in LANGUAGES:
        for sign in ZodiacSign:
            name = ZODIAC_SIGNS[sign].name(language)
            for day in _days_2024():
                assert name in generate_offline_horoscope(sign, day, language), (sign, day)


def test_plain_text_only() -> None:
    for language in LANGUAGES:
        for sign in ZodiacSign:
            for day in _days_2024():
                text = generate_offline_horoscope(sign, day, language)
                assert not set(text) & {"<", ">", "*", "_", "`", "#", "{", "}"}, (sign, day)
                assert text == text.strip()
                assert text.rstrip().endswith(".")


def test_does_not_touch_global_random_state() -> None:
    random.seed(12345)
    expected = random.random()
    random.seed(12345)
    generate_offline_horoscope(ZodiacSign.LEO, date(2024, 2, 29), "en")
    assert random.random() == expected
