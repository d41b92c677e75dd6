"""The language files' loader, and signs named in any shipped language."""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import pytest

from services.languages import (
    FALLBACK_LANGUAGE,
    LanguageFileError,
    available_languages,
    language,
    parse_language,
    resolve,
)
from services.zodiac import ZODIAC_SIGNS, ZodiacSign, parse_sign, signs_matching


def _raw(code: str) -> dict[str, Any]:
    text = resources.files("services.languages").joinpath(f"{code}.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def test_available_languages_are_the_files_sorted() -> None:
    files = resources.files("services.languages").iterdir()
    expected = sorted(f.name[: -len(".json")] for f in files if f.name.endswith(".json"))
    assert list(available_languages()) == expected
    assert {"ru", "en"} <= set(expected)


def test_language_is_read_once_and_unknown_is_an_error() -> None:
    assert language("ru") is language("ru")
    assert language("ru").native_name == "Русский"
    with pytest.raises(LookupError):
        language("xx")


def test_resolve_falls_back_to_english() -> None:
    assert FALLBACK_LANGUAGE == "en"
    assert resolve("ru") == "ru"
    assert resolve("fr") == "en"
    assert resolve("") == "en"


def test_sign_names_and_dates_come_from_the_files() -> None:
    leo = ZODIAC_SIGNS[ZodiacSign.LEO]
    assert (leo.name("ru"), leo.dates("ru")) == ("Лев", "23.07–22.08")
    assert (leo.name("en"), leo.dates("en")) == ("Leo", "Jul 23 – Aug 22")
    assert leo.name("fr") == "Leo"  # unknown language: English
    names = {code: leo.name(code) for code in available_languages()}
    assert names == {
        "de": "Löwe",
        "en": "Leo",
        "es": "Leo",
        "pt": "Leão",
        "ru": "Лев",
        "uk": "Лев",
    }


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(code="xx"), "'code' must be"),
        (lambda d: d.pop("native_name"), "native_name"),
        (lambda d: d["phrases"].pop("love"), "keys must be exactly"),
        (lambda d: d["phrases"].update(love=[]), "love: expected a non-empty list"),
        (lambda d: d["phrases"]["weekdays"].pop(), "expected 7 lists"),
        (lambda d: d["phrases"]["elements"].pop("air"), "elements: the keys"),
        (lambda d: d["signs"]["leo"].pop("dates"), "signs.leo"),
    ],
)
def test_a_broken_file_is_refused_with_its_place(mutate: Any, message: str) -> None:
    raw = copy.deepcopy(_raw("en"))
    assert parse_language(raw, "en").signs["leo"].name == "Leo"
    mutate(raw)
    with pytest.raises(LanguageFileError, match=message):
        parse_language(raw, "en")


def test_parse_sign_in_any_shipped_language() -> None:
    assert parse_sign("leo") == ZodiacSign.LEO
    assert parse_sign("  LEO ") == ZodiacSign.LEO
    assert parse_sign("Лев") == ZodiacSign.LEO
    assert parse_sign("лев") == ZodiacSign.LEO
    assert parse_sign("СТРЕЛЕЦ") == ZodiacSign.SAGITTARIUS
    assert parse_sign("lion") is None
    assert parse_sign("") is None
    for code in available_languages():
        for sign, info in ZODIAC_SIGNS.items():
            name = info.name(code)
            assert parse_sign(name) == sign, (code, name)
            assert parse_sign(name.upper()) == sign, (code, name)


def test_parse_sign_tolerates_missing_accents() -> None:
    for code in available_languages():
        for sign, info in ZODIAC_SIGNS.items():
            name = info.name(code)
            plain = name.translate(str.maketrans("áéíóúãõâêôçäöüñ", "aeiouaoaeocaoun"))
            assert parse_sign(plain) == sign, (code, name, plain)


def test_signs_matching_a_prefix() -> None:
    assert signs_matching("") == list(ZodiacSign)
    assert signs_matching("Ле") == [ZodiacSign.LEO]
    assert {ZodiacSign.CANCER, ZodiacSign.CAPRICORN} <= set(signs_matching("CA"))
    assert ZodiacSign.SCORPIO in signs_matching("ско")
    assert signs_matching("qqq") == []
    matches = signs_matching("ca")
    assert matches == [s for s in ZodiacSign if s in matches]  # zodiac order
