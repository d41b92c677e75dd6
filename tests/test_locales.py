"""Every shipped language (each directory of bot/locales) against the default one: the same
messages, the same placeables, valid Telegram HTML within the limits, and plural forms right
for 1, 2, 5, 11, 21, 22, 25. A new language directory is picked up by every test here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from babel import Locale
from fluent.syntax import ast, parse
from fluent.syntax.visitor import Visitor

from bot.i18n import LocaleManager, Translator, format_day, load_core
from bot.surfaces import ADMIN_COMMANDS, USER_COMMANDS, surfaces_for
from services.config import LOCALES_DIR, shipped_languages
from tests.standins.telegram import MESSAGE_LIMIT, parse_html, utf16_len

DEFAULT = "ru"  # the language every other one is compared with (the default DEFAULT_LANGUAGE)
LANGUAGES = shipped_languages()
COUNTS = (1, 2, 5, 11, 21, 22, 25)
CORE = load_core(DEFAULT)

# The words a count takes, per language: (message, its count variable) → word for each of
# COUNTS. A new language adds its row here (a translator can check it at a glance).
PLURALS: dict[str, dict[str, tuple[str, ...]]] = {
    "ru": {
        "views": (
            "просмотр", "просмотра", "просмотров", "просмотров", "просмотр", "просмотра",
            "просмотров",
        ),
        "days": ("день", "дня", "дней", "дней", "день", "дня", "дней"),
        "users": (
            "пользователь", "пользователя", "пользователей", "пользователей", "пользователь",
            "пользователя", "пользователей",
        ),
    },
    "en": {
        "views": ("view", "views", "views", "views", "views", "views", "views"),
        "days": ("day", "days", "days", "days", "days", "days", "days"),
        "users": ("user", "users", "users", "users", "users", "users", "users"),
    },
    "uk": {
        "views": (
            "перегляд", "перегляди", "переглядів", "переглядів", "перегляд", "перегляди",
            "переглядів",
        ),
        "days": ("день", "дні", "днів", "днів", "день", "дні", "днів"),
        "users": (
            "користувач", "користувачі", "користувачів", "користувачів", "користувач",
            "користувачі", "користувачів",
        ),
    },
    "es": {
        "views": ("vista", "vistas", "vistas", "vistas", "vistas", "vistas", "vistas"),
        "days": ("día", "días", "días", "días", "días", "días", "días"),
        "users": (
            "usuario", "usuarios", "usuarios", "usuarios", "usuarios", "usuarios", "usuarios",
        ),
    },
}  # fmt: skip

# German and Brazilian Portuguese (CLDR one / other; pt's "one" is 0 and 1).
PLURALS["de"] = {
    "views": ("Aufruf", "Aufrufe", "Aufrufe", "Aufrufe", "Aufrufe", "Aufrufe", "Aufrufe"),
    "days": ("Tag", "Tage", "Tage", "Tage", "Tage", "Tage", "Tage"),
    "users": ("Nutzer", "Nutzer", "Nutzer", "Nutzer", "Nutzer", "Nutzer", "Nutzer"),
}
PLURALS["pt"] = {
    "views": (
        "visualização", "visualizações", "visualizações", "visualizações", "visualizações",
        "visualizações", "visualizações",
    ),
    "days": ("dia", "dias", "dias", "dias", "dias", "dias", "dias"),
    "users": (
        "usuário", "usuários", "usuários", "usuários", "usuários", "usuários", "usuários",
    ),
}  # fmt: skip


class _Variables(Visitor):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.selectors: set[str] = set()

    def visit_VariableReference(self, node: ast.VariableReference) -> None:
        self.names.add(node.id.name)

    def visit_SelectExpression(self, node: ast.SelectExpression) -> None:
        if isinstance(node.selector, ast.VariableReference):
            self.selectors.add(node.selector.id.name)
        self.generic_visit(node)


def _resource(language: str) -> ast.Resource:
    text = "\n".join(p.read_text("utf-8") for p in sorted((LOCALES_DIR / language).glob("*.ftl")))
    return parse(text)


def _messages(language: str) -> dict[str, ast.Message]:
    resource = _resource(language)
    junk = [entry.content for entry in resource.body if isinstance(entry, ast.Junk)]
    assert not junk, f"{language}: unparsable Fluent: {junk}"
    return {e.id.name: e for e in resource.body if isinstance(e, ast.Message)}


def _variables(message: ast.Message) -> _Variables:
    visitor = _Variables()
    visitor.visit(message)
    return visitor


def _sample(name: str, numeric: bool) -> Any:
    return 3 if numeric else f"«{name}»"


def _numeric(language: str) -> set[str]:
    """Variables that select a plural variant somewhere: they are numbers."""
    names: set[str] = set()
    for message in _messages(language).values():
        names |= _variables(message).selectors
    return names | {"count", "done", "stored", "generated", "pending", "total", "days"}


def test_the_default_language_is_shipped() -> None:
    assert DEFAULT in LANGUAGES and "en" in LANGUAGES


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_of_the_default_and_no_other(language: str) -> None:
    default, own = _messages(DEFAULT), _messages(language)
    assert sorted(set(default) - set(own)) == [], "missing"
    assert sorted(set(own) - set(default)) == [], "not in the default language"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeables_match_the_default(language: str) -> None:
    default, own = _messages(DEFAULT), _messages(language)
    for key, message in own.items():
        assert _variables(message).names == _variables(default[key]).names, key


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_renders_as_valid_telegram_html(language: str) -> None:
    strings = Translator(CORE, language)
    numeric = _numeric(DEFAULT)
    for key, message in _messages(language).items():
        args = {name: _sample(name, name in numeric) for name in _variables(message).names}
        for count in COUNTS:  # every plural variant, not just one
            args.update({name: count for name in args if name in numeric})
            text = strings.get(key, **args)
            assert "{" not in text and "\u2068" not in text, (key, text)
            visible = parse_html(text).text  # raises on HTML Telegram would reject
            assert 0 < utf16_len(visible) <= MESSAGE_LIMIT, key


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_telegram_surfaces_fit_telegrams_limits(language: str) -> None:
    """The command menu, description and short description (bot/surfaces.py) are plain
    text within Telegram's limits: 256, 512 and 120 characters."""
    surfaces = surfaces_for(Translator(CORE, language))
    assert [name for name, _ in surfaces.admin_commands] == [*USER_COMMANDS, *ADMIN_COMMANDS]
    for _, text in surfaces.admin_commands:
        assert 0 < len(text) <= 256 and "<" not in text, text
    assert 0 < len(surfaces.description) <= 512
    assert 0 < len(surfaces.short_description) <= 120
    for text in (surfaces.description, surfaces.short_description):
        assert "<" not in text and "&" not in text, text  # shown as typed, no HTML


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_forms(language: str) -> None:
    assert language in PLURALS, f"add the plural words of {language!r} to PLURALS"
    strings = Translator(CORE, language)
    words = PLURALS[language]
    assert set(words) == {"views", "days", "users"}, "a row per counted word"
    for i, count in enumerate(COUNTS):
        caption = strings.get("stats-current-day", total=count, change="+1")
        assert f"<b>{count}</b> {words['views'][i]} (" in caption, (count, caption)
        assert strings.get("stats-button-days", days=count) == f"{count} {words['days'][i]}"
        assert strings.get("push-pause-days", days=count) == f"{count} {words['days'][i]}"
        users = strings.get("stats-users", total=count, new=0)
        assert users.startswith(f"👥 {count} {words['users'][i]} "), (count, users)


PLURAL_CATEGORIES = {"zero", "one", "two", "few", "many", "other"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_plural_select_covers_the_languages_categories(language: str) -> None:
    """A select on a count has a variant for each CLDR category of the language, so no count
    silently falls back to the default variant."""
    rule = Locale.parse(language).plural_form
    needed = {rule(n) for n in range(0, 200)} | {rule(1.5)}
    for key, message in _messages(language).items():
        for select in _selects(message):
            keys = {v.key.name for v in select.variants if isinstance(v.key, ast.Identifier)}
            if not keys & PLURAL_CATEGORIES:
                continue  # a select on a word (``$mode -> [new] … *[change]``), not a count
            assert needed <= keys, (key, sorted(needed - keys))


def _selects(message: ast.Message) -> list[ast.SelectExpression]:
    found: list[ast.SelectExpression] = []

    class Collect(Visitor):  # type: ignore[misc]
        def visit_SelectExpression(self, node: ast.SelectExpression) -> None:
            found.append(node)
            self.generic_visit(node)

    Collect().visit(message)
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_dates_name_the_month_in_the_language(language: str) -> None:
    from datetime import date

    text = format_day(date(2026, 12, 1), language)
    assert "2026" in text and "1" in text
    if language == "ru":
        assert text.startswith("1 декабря 2026")  # the genitive
    if language == "en":
        assert text == "December 1, 2026"
    if language == "uk":
        assert text.startswith("1 грудня 2026")  # the genitive
    if language == "es":
        assert text == "1 de diciembre de 2026"


def test_every_language_has_both_files() -> None:
    """A shipped language is two files: the bot's strings (``bot/locales/<code>/bot.ftl``) and
    the sign names and offline phrase bank (``services/languages/<code>.json``) — never one
    without the other."""
    from services.languages import available_languages

    assert sorted(LANGUAGES) == sorted(available_languages())
    assert sorted(LANGUAGES) == ["de", "en", "es", "pt", "ru", "uk"]


@pytest.mark.parametrize(
    ("language_code", "expected"),
    [
        ("en", "en"),
        ("EN", "en"),
        ("en-GB", "en"),
        ("ru", "ru"),
        ("ru-RU", "ru"),
        ("fr", "ru"),
        ("", "ru"),
        (None, "ru"),
        ("zz-hans-x", "ru"),
    ],
)
def test_detection_full_tag_then_base_then_default(
    language_code: str | None, expected: str
) -> None:
    manager = LocaleManager(("en", "ru", "pt", "zh-hans"), "ru")
    assert manager.detect(language_code) == expected
    assert manager.detect("pt-BR") == "pt" and manager.detect("zh-Hans") == "zh-hans"
    assert manager.detect("zh-hant") == "ru"


def test_the_locale_files_are_packaged() -> None:
    import tomllib

    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["bot"]
    assert "locales/*/*.ftl" in patterns


@pytest.mark.parametrize(("code", "expected"), [("en-US", "en"), ("fr", "ru"), (None, "ru")])
async def test_the_middleware_hands_handlers_the_updates_language(
    code: str | None, expected: str
) -> None:
    from aiogram.types import User
    from aiogram_i18n import I18nContext

    from bot.i18n import create_i18n_middleware

    middleware = create_i18n_middleware("ru")
    seen: list[tuple[str, str, bool]] = []

    async def handler(event: object, data: dict[str, Any]) -> None:
        i18n = data["i18n"]
        seen.append((i18n.locale, i18n.get("cmd-help"), I18nContext.get_current() is i18n))

    user = User(id=1, is_bot=False, first_name="U", language_code=code)
    await middleware(handler, None, {"event_from_user": user})  # type: ignore[arg-type]
    assert seen == [(expected, "Help" if expected == "en" else "Помощь", True)]
    assert I18nContext.get_current() is None  # reset after the update


def test_no_views_is_plural_in_portuguese() -> None:
    """CLDR puts 0 in pt's "one"; "0 visualização" reads wrong, so a [0] variant says it."""
    strings = Translator(CORE, "pt")
    caption = strings.get("stats-current-day", total=0, change="0")
    assert "<b>0</b> visualizações (" in caption, caption
    users = strings.get("stats-users", total=0, new=0)
    assert users.startswith("👥 0 usuários "), users
