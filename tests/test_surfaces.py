"""The bot's Telegram surfaces in every shipped language (issue 10, acceptance 8): command
menus, description and short description are set at start-up where they differ from the
strings, and only there; a restart with everything in place sets nothing.

The production BotApp, started and stopped for real, against the Bot API stand-in, on SQLite
and PostgreSQL.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from typing import Any

from structlog.testing import capture_logs

from bot.app import BotApp
from bot.i18n import Translator, load_core
from bot.surfaces import ADMIN_COMMANDS, USER_COMMANDS
from services.config import Settings, shipped_languages
from tests.conftest import fixed_clock
from tests.standins.telegram import ApiError, FakeTelegram
from tests.test_bot_e2e import ADMIN, settled

SET_METHODS = ("setMyCommands", "setMyDescription", "setMyShortDescription")
LANGUAGES = shipped_languages()
CODES = ("", *LANGUAGES)  # "" : the default, in DEFAULT_LANGUAGE (en in the tests' settings)
CORE = load_core("en")


def set_calls(tg: FakeTelegram, after: int) -> list[tuple[str, str, Any]]:
    """(method, language code, scope's chat or None) of every successful set* call since
    the call numbered ``after``."""
    return [
        (
            c.method,
            str(c.params.get("language_code") or ""),
            (c.params.get("scope") or {}).get("chat_id"),
        )
        for c in tg.calls
        if c.method in SET_METHODS and c.ok and c.seq > after
    ]


def last_seq(tg: FakeTelegram) -> int:
    return tg.calls[-1].seq if tg.calls else 0


async def run_once(
    tg: FakeTelegram, make_settings: Callable[..., Settings], **overrides: Any
) -> BotApp:
    """One process's life: start (the startup hook runs before the first getMe), settle, stop."""
    mark = last_seq(tg)
    settings = make_settings(telegram_api_url=tg.base_url, **overrides)
    app = BotApp(settings, clock=fixed_clock())
    task = asyncio.create_task(app.run(handle_signals=False))
    await tg.wait_for(lambda c: c.method == "getMe" and c.seq > mark)
    await settled(app)
    await app.stop()
    await task
    return app


async def test_first_start_sets_every_language_once_and_a_restart_sets_nothing(
    fake_telegram: FakeTelegram, make_settings: Callable[..., Settings]
) -> None:
    await run_once(fake_telegram, make_settings)

    calls = Counter(set_calls(fake_telegram, 0))
    for code in CODES:
        assert calls.pop(("setMyCommands", code, None)) == 1, code
        assert calls.pop(("setMyCommands", code, ADMIN)) == 1, code
        assert calls.pop(("setMyDescription", code, None)) == 1, code
        assert calls.pop(("setMyShortDescription", code, None)) == 1, code
    assert not calls  # nothing else, nothing twice

    # What each language's users see: their own strings; the default is DEFAULT_LANGUAGE's.
    for code in CODES:
        texts = Translator(CORE, code or "en")
        menu = [(c["command"], c["description"]) for c in fake_telegram.commands_for(None, code)]
        assert menu == [(name, texts.get(f"cmd-{name}")) for name in USER_COMMANDS]
        admin = fake_telegram.commands_for({"type": "chat", "chat_id": ADMIN}, code)
        assert [c["command"] for c in admin] == [*USER_COMMANDS, *ADMIN_COMMANDS]
        assert fake_telegram.my_descriptions[code] == texts.get("bot-description")
        assert fake_telegram.my_short_descriptions[code] == texts.get("bot-short-description")
    assert fake_telegram.description_for("ru-RU").startswith("Гороскоп на сегодня")
    assert fake_telegram.description_for("fr").startswith("Your horoscope for today")
    assert [c["description"] for c in fake_telegram.menu_for(7, "ru")][:2] == [
        "Начать",
        "Гороскоп на сегодня",
    ]

    # A restart (or a second replica) finds everything in place: reads, no writes.
    mark = last_seq(fake_telegram)
    await run_once(fake_telegram, make_settings)
    assert set_calls(fake_telegram, mark) == []
    reads = Counter(c.method for c in fake_telegram.calls if c.seq > mark)
    assert reads["getMyDescription"] == reads["getMyShortDescription"] == len(CODES)
    assert reads["getMyCommands"] == 2 * len(CODES)  # everyone's and the admin's menu


async def test_a_changed_string_sets_that_language_again_and_only_it(
    fake_telegram: FakeTelegram, make_settings: Callable[..., Settings]
) -> None:
    await run_once(fake_telegram, make_settings)
    # What an older release left set: one language's description and another's menu entry
    # differ from today's strings.
    fake_telegram.my_descriptions["ru"] = "Старое описание бота."
    old_menu = fake_telegram.my_commands[next(k for k in fake_telegram.my_commands if k[1] == "en")]
    old_menu[0]["description"] = "Begin"

    mark = last_seq(fake_telegram)
    await run_once(fake_telegram, make_settings)
    assert sorted(set_calls(fake_telegram, mark)) == [
        ("setMyCommands", "en", None),
        ("setMyDescription", "ru", None),
    ]
    assert fake_telegram.my_descriptions["ru"] == Translator(CORE, "ru").get("bot-description")
    assert fake_telegram.commands_for(None, "en")[0]["description"] == "Start"


async def test_telegram_errors_never_stop_the_start(
    fake_telegram: FakeTelegram, make_settings: Callable[..., Settings]
) -> None:
    set_commands = fake_telegram._methods["setmycommands"]

    async def chat_not_found_for_43(params: dict[str, Any], files: dict[str, Any]) -> Any:
        if (params.get("scope") or {}).get("chat_id") == 43:
            raise ApiError(400, "Bad Request: chat not found")  # never opened the bot
        return await set_commands(params, files)

    fake_telegram.register_method("setMyCommands", chat_not_found_for_43)
    fake_telegram.fail_next("getMyDescription", 500, "Internal Server Error", times=1)
    fake_telegram.fail_next("setMyShortDescription", 400, "Bad Request: oops", times=len(CODES))
    with capture_logs() as logs:
        await run_once(fake_telegram, make_settings, admin_ids="43,42")
    failed = [e for e in logs if e["event"] in ("surfaces.failed", "surfaces.commands_not_set")]
    # The default description not read, every short description refused, admin 43's menu
    # (tried once, not once per language).
    assert Counter(e.get("method", "setMyCommands") for e in failed) == {
        "setMyDescription": 1,
        "setMyShortDescription": len(CODES),
        "setMyCommands": 1,
    }
    [synced] = [e for e in logs if e["event"] == "surfaces.synced"]
    assert synced["failed"] == len(CODES) + 2
    # Everything else is in place, and the bot went on to poll (run_once waited for its getMe).
    calls = set_calls(fake_telegram, 0)
    assert [code for method, code, _ in calls if method == "setMyDescription"] == list(LANGUAGES)
    assert sorted(code for method, code, chat in calls if method == "setMyCommands") == sorted(
        [*CODES, *CODES]  # everyone's menu and admin 42's, in every language
    )
    assert fake_telegram.my_short_descriptions == {}
