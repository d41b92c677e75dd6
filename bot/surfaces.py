"""The bot's Telegram surfaces, in every shipped language: the command menu, the description
(what an empty chat shows: "What can this bot do?") and the short description (the profile,
link previews).

At start-up :func:`sync_surfaces` reads what Telegram has (``getMyCommands``,
``getMyDescription``, ``getMyShortDescription`` for each language code, and once with none:
the default, in ``DEFAULT_LANGUAGE``) and calls ``set*`` only where it differs. A restart with
everything in place makes no ``set*`` call: no flood-control hit on every deploy, and replicas
starting together read the same strings and write nothing (or the same thing) rather than fight.
Admins' menus (the admin commands added, per admin chat scope) follow the same rule.

Nothing here may stop the bot from starting: a Telegram error is logged and the next surface
is tried.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from aiogram_i18n.cores import BaseCore
from aiogram_i18n.exceptions import AiogramI18nError

from bot.i18n import Translator

log = structlog.get_logger(__name__)

#: The user menu, in the order it is shown.
USER_COMMANDS = (
    "start",
    "horoscope",
    "subscribe",
    "stop",
    "language",
    "settings",
    "help",
    "forget",
)
#: Added to the menu in each admin's own chat.
ADMIN_COMMANDS = ("regen", "stats", "status")
#: Telegram takes bot settings for a two-letter ISO 639-1 code only (or none: the default).
_TELEGRAM_LANGUAGE = re.compile(r"[a-z]{2}")


@dataclass(frozen=True, slots=True)
class Surfaces:
    """What one language's users see around the chat."""

    commands: tuple[tuple[str, str], ...]  # (command, description)
    admin_commands: tuple[tuple[str, str], ...]
    description: str
    short_description: str


def surfaces_for(texts: Translator) -> Surfaces:
    """One language's surfaces from its strings (``cmd-<command>``, ``bot-description``,
    ``bot-short-description``)."""
    commands = tuple((name, texts.get(f"cmd-{name}")) for name in USER_COMMANDS)
    admin = commands + tuple((name, texts.get(f"cmd-{name}")) for name in ADMIN_COMMANDS)
    return Surfaces(
        commands=commands,
        admin_commands=admin,
        description=texts.get("bot-description"),
        short_description=texts.get("bot-short-description"),
    )


@dataclass(slots=True)
class SyncReport:
    """What a start-up changed: ``(method, language code, admin chat or None)`` per set call,
    and how many surfaces could not be read or written."""

    changed: list[tuple[str, str, int | None]]
    failed: int = 0


async def sync_surfaces(
    bot: Bot,
    core: BaseCore[Any],
    languages: Iterable[str],
    default_language: str,
    admin_ids: Iterable[int] = (),
) -> SyncReport:
    """Bring the menus and descriptions of every language (and the default) in line with the
    strings, writing only what differs. Never raises a Telegram error."""
    report = SyncReport(changed=[])
    targets: list[tuple[str, str]] = [("", default_language)]  # (code for Telegram, strings)
    for language in languages:
        if not _TELEGRAM_LANGUAGE.fullmatch(language):
            log.info("surfaces.language_skipped", language=language, reason="not two letters")
            continue
        targets.append((language, language))
    wanted: dict[str, Surfaces] = {}
    for code, language in targets:
        try:
            wanted[code] = surfaces_for(Translator(core, language))
        except AiogramI18nError as error:  # a string missing: its users see the default ones
            log.warning("surfaces.strings_missing", language=language, error=str(error))
            report.failed += 1
    for code, surfaces in wanted.items():
        await _sync_language(bot, code, surfaces, report)
    for admin_id in sorted(admin_ids):
        for code, surfaces in wanted.items():
            if not await _sync_commands(bot, code, surfaces.admin_commands, report, admin_id):
                break  # an admin who never opened the bot: their other languages fail alike
    log.info(
        "surfaces.synced",
        languages=[code or "default" for code in wanted],
        changed=len(report.changed),
        failed=report.failed,
    )
    return report


async def _sync_language(bot: Bot, code: str, wanted: Surfaces, report: SyncReport) -> None:
    await _sync_commands(bot, code, wanted.commands, report, None)
    await _sync_text(
        report,
        "setMyDescription",
        code,
        wanted.description,
        read=lambda: _description(bot, code),
        write=lambda text: bot.set_my_description(text, language_code=code or None),
    )
    await _sync_text(
        report,
        "setMyShortDescription",
        code,
        wanted.short_description,
        read=lambda: _short_description(bot, code),
        write=lambda text: bot.set_my_short_description(text, language_code=code or None),
    )


async def _description(bot: Bot, code: str) -> str:
    return (await bot.get_my_description(language_code=code or None)).description


async def _short_description(bot: Bot, code: str) -> str:
    return (await bot.get_my_short_description(language_code=code or None)).short_description


async def _sync_text(
    report: SyncReport,
    method: str,
    code: str,
    wanted: str,
    *,
    read: Callable[[], Awaitable[str]],
    write: Callable[[str], Awaitable[Any]],
) -> None:
    try:
        if await read() == wanted:
            return
        await write(wanted)
    except TelegramAPIError as error:
        log.warning("surfaces.failed", method=method, language=code, error=error.message)
        report.failed += 1
        return
    report.changed.append((method, code, None))


async def _sync_commands(
    bot: Bot,
    code: str,
    wanted: Sequence[tuple[str, str]],
    report: SyncReport,
    admin_id: int | None,
) -> bool:
    """False if Telegram refused."""
    scope = BotCommandScopeChat(chat_id=admin_id) if admin_id else BotCommandScopeDefault()
    try:
        current = await bot.get_my_commands(scope=scope, language_code=code or None)
        if [(c.command, c.description) for c in current] == list(wanted):
            return True
        await bot.set_my_commands(
            [BotCommand(command=name, description=text) for name, text in wanted],
            scope=scope,
            language_code=code or None,
        )
    except TelegramAPIError as error:  # e.g. an admin who never opened the bot
        log.info("surfaces.commands_not_set", language=code, admin_id=admin_id, error=error.message)
        report.failed += 1
        return False
    report.changed.append(("setMyCommands", code, admin_id))
    return True
