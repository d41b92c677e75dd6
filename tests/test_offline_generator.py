"""The built-in offline horoscope generator, for every shipped language file: deterministic,
sized, varied, plain text in the language's own script, every placeholder filled.

Parametrised over ``available_languages()``, so a new ``services/languages/<code>.json`` is
held to the same bar with no change here (docs/TRANSLATING.md).
"""

from __future__ import annotations

import hashlib
import itertools
import random
import re
import string
import unicodedata
from collections.abc import Iterator
from datetime import date, timedelta
from functools import cache

import pytest

from services.ai.offline import MAX_CHARS, MIN_CHARS, generate_offline_horoscope
from services.languages import PHRASE_KEYS, available_languages, language
from services.zodiac import ZODIAC_SIGNS, ZodiacSign

LANGUAGES = available_languages()
YEAR = 2028  # a leap year: 366 days
_STRAY = re.compile(r"[{}]")

# The ru and en texts as they were before the banks moved from Python into JSON: a digest of
# all 12 signs x 366 days of YEAR, so moving or reformatting the files changes no text.
_PINNED = {
    "ru": "49b2cec1d7b0908443237d501a196577da98abcb0bdf3d160aee47e8b9226637",
    "en": "a20e2af5890f7149009f367f5f38e291b5a8b1f14c3ee9d55eb9a72af5302848",
}


def _days() -> Iterator[date]:
    day = date(YEAR, 1, 1)
    while day.year == YEAR:
        yield day
        day += timedelta(days=1)


@cache
def _year(code: str) -> dict[tuple[ZodiacSign, date], str]:
    return {
        (sign, day): generate_offline_horoscope(sign, day, code)
        for day in _days()
        for sign in ZodiacSign
    }


def _script(char: str) -> str:
    """``"CYRILLIC"``, ``"LATIN"``, ``"GREEK"``, … for a letter."""
    return unicodedata.name(char).split()[0]


def _language_script(code: str) -> str:
    """The script the language's sign names are written in: its texts must use only it."""
    letters = "".join(language(code).signs[s].name for s in ZodiacSign)
    scripts = {_script(c) for c in letters if c.isalpha()}
    assert len(scripts) == 1, (code, scripts)
    return scripts.pop()


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_year_has_366_days() -> None:
    assert len(list(_days())) == 366


def test_the_six_languages_of_issue_10_ship() -> None:
    assert {"ru", "en", "uk", "es", "de", "pt"} <= set(LANGUAGES)


@pytest.mark.parametrize("code", sorted(_PINNED))
def test_ru_en_texts_unchanged_by_the_move_to_json(code: str) -> None:
    digest = hashlib.sha256()
    for day in _days():
        for sign in ZodiacSign:
            digest.update(_year(code)[sign, day].encode() + b"\0")
    assert digest.hexdigest() == _PINNED[code]


def test_a_pinned_text() -> None:
    assert generate_offline_horoscope(ZodiacSign.PISCES, date(2028, 2, 29), "en") == (
        "Pisces, the morning may feel slow, but the second half of the day brings news that "
        "will lift your spirits. On Tuesday, tasks that need persistence and attention to "
        "detail move forward nicely. The depth of feeling typical of water signs will help you "
        "understand today what was left unsaid.\n\nToday it is worth finishing what you started "
        "and postponing new projects until at least tomorrow. If you are single, pay attention "
        "to new acquaintances: attraction may spark when you least expect it. Pay attention to "
        "what you eat: light meals and plenty of water will help keep your mind clear. Money "
        "loves order: sort through your bills and receipts, and you will find a pleasant "
        "saving.\n\nTip of the day: guard your promises: it is better to promise less and "
        "deliver everything. Lucky number: 33. Colour of the day: gold. Best time: the hour "
        "before sunset."
    )


@pytest.mark.parametrize("code", LANGUAGES)
def test_file_has_every_sign_and_every_phrase_key(code: str) -> None:
    lang = language(code)
    assert lang.code == code and lang.native_name and lang.english_name
    assert set(lang.signs) == {s.value for s in ZodiacSign}
    assert all(lang.signs[s].name and lang.signs[s].dates for s in ZodiacSign)
    assert len({lang.signs[s].name for s in ZodiacSign}) == len(ZodiacSign)
    for key in PHRASE_KEYS:
        assert getattr(lang.phrases, key), (code, key)
    assert len(lang.phrases.weekdays) == 7 and all(lang.phrases.weekdays)
    assert set(lang.phrases.elements) == {"fire", "earth", "air", "water"}
    assert all(lang.phrases.elements.values())


@pytest.mark.parametrize("code", LANGUAGES)
def test_bank_as_rich_as_the_russian_one(code: str) -> None:
    ours, ru = language(code).phrases, language("ru").phrases
    for key in PHRASE_KEYS:
        if key == "weekdays":
            assert [len(d) for d in ours.weekdays] >= [len(d) for d in ru.weekdays], code
        elif key == "elements":
            for element, sentences in ru.elements.items():
                assert len(ours.elements[element]) >= len(sentences), (code, element)
        else:
            assert len(getattr(ours, key)) >= len(getattr(ru, key)), (code, key)


@pytest.mark.parametrize("code", LANGUAGES)
def test_placeholders_where_required_and_nowhere_else(code: str) -> None:
    phrases = language(code).phrases
    required = {"openings": {"name"}, "lucky_frames": {"number", "colour", "time"}}
    allowed = {**required, "extras": {"name"}}
    for key in PHRASE_KEYS:
        value = getattr(phrases, key)
        if key == "weekdays":
            sentences = list(itertools.chain(*value))
        elif key == "elements":
            sentences = list(itertools.chain(*value.values()))
        else:
            sentences = list(value)
        for sentence in sentences:
            fields = _fields(sentence)
            assert fields >= required.get(key, set()), (code, key, sentence)
            assert fields <= allowed.get(key, set()), (code, key, sentence)
    for sign in ZodiacSign:
        text = language(code).signs[sign]
        assert not _STRAY.search(text.name + text.dates), (code, sign)


@pytest.mark.parametrize("code", LANGUAGES)
def test_deterministic(code: str) -> None:
    day = date(2024, 5, 17)
    first = [generate_offline_horoscope(sign, day, code) for sign in ZodiacSign]
    generate_offline_horoscope(ZodiacSign.LEO, day + timedelta(days=1), code)
    assert [generate_offline_horoscope(sign, day, code) for sign in reversed(ZodiacSign)] == (
        first[::-1]
    )


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_year_of_texts_sized_and_pairwise_distinct(code: str) -> None:
    texts = _year(code)
    for key, text in texts.items():
        assert MIN_CHARS <= len(text) <= MAX_CHARS, (code, key, len(text))
    assert len(set(texts.values())) == len(ZodiacSign) * 366, code


@pytest.mark.parametrize("code", LANGUAGES)
def test_written_in_the_language_script_only(code: str) -> None:
    script = _language_script(code)
    for key, text in _year(code).items():
        foreign = {c for c in text if c.isalpha() and _script(c) != script}
        assert not foreign, (code, key, foreign)


@pytest.mark.parametrize("code", LANGUAGES)
def test_sign_name_present_and_plain_text(code: str) -> None:
    for (sign, day), text in _year(code).items():
        assert ZODIAC_SIGNS[sign].name(code) in text, (code, sign, day)
        assert not set(text) & {"<", ">", "*", "_", "`", "#", "{", "}"}, (code, sign, day)
        assert text == text.strip() and "  " not in text, (code, sign, day)
        assert text.endswith("."), (code, sign, day)


@pytest.mark.parametrize("code", LANGUAGES)
def test_consecutive_days_differ_in_opening(code: str) -> None:
    # Day-to-day variety: tomorrow's text should not merely reshuffle today's sentences.
    texts = _year(code)
    for sign in ZodiacSign:
        same_opening = sum(
            texts[sign, today].split(".")[0] == texts[sign, tomorrow].split(".")[0]
            for today, tomorrow in itertools.pairwise(_days())
        )
        assert same_opening < 60, (code, sign, same_opening)


def test_languages_differ() -> None:
    for a, b in itertools.combinations(LANGUAGES, 2):
        assert not set(_year(a).values()) & set(_year(b).values()), (a, b)


def test_unknown_language_is_english() -> None:
    day = date(2028, 3, 1)
    assert generate_offline_horoscope(ZodiacSign.LEO, day, "fr") == _year("en")[ZodiacSign.LEO, day]


def test_does_not_touch_global_random_state() -> None:
    random.seed(12345)
    expected = random.random()
    random.seed(12345)
    generate_offline_horoscope(ZodiacSign.LEO, date(2024, 2, 29), "en")
    assert random.random() == expected
