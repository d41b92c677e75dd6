"""``horoscope-bot`` / ``python -m bot``: run, sandbox, migrate, generate, users."""

from __future__ import annotations

import argparse
import asyncio
import errno
import importlib
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import structlog

from bot.logs import configure_logging
from services.config import (
    EventLoop,
    Settings,
    SettingsError,
    load_database_settings,
    load_settings,
)
from services.secrets import secret_values
from services.zodiac import parse_sign

log = structlog.get_logger("bot")


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="horoscope-bot", description="Zodiac horoscope bot")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "run",
        help="apply migrations (unless AUTO_MIGRATE=false) and run the bot; "
        "with no BOT_TOKEN set, run the sandbox",
    )
    commands.add_parser(
        "sandbox",
        help="the bot on a local Bot API server, chatted with in the browser (no token needed)",
    )
    commands.add_parser("migrate", help="apply database migrations and exit")
    generate = commands.add_parser("generate", help="run the daily generation once and exit")
    generate.add_argument("--date", type=date.fromisoformat, help="YYYY-MM-DD (default: today)")
    generate.add_argument("--sign", help="one sign (English key or localized name)")
    generate.add_argument(
        "--language",
        help="one language code, e.g. en (default: every language in use)",
    )
    generate.add_argument("--force", action="store_true", help="replace texts already stored")
    users = commands.add_parser("users", help="import or export users as CSV")
    users_commands = users.add_subparsers(dest="users_command", required=True)
    users_import = users_commands.add_parser(
        "import",
        help="add or update users from FILE.csv (columns user_id,language,sign; a header row)",
    )
    users_import.add_argument("file", type=Path, metavar="FILE.csv")
    users_export = users_commands.add_parser("export", help="write every user to FILE.csv")
    users_export.add_argument("file", type=Path, metavar="FILE.csv")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    try:
        if args.command == "migrate":
            db_settings = load_database_settings()
            configure_logging(db_settings.log_level, db_settings.log_format.value)
            from db.migrations import upgrade

            upgrade(db_settings.database_url)
            return 0
        if args.command == "users":
            return _users(args)
        # Imported here: the sandbox sits above the bot (it runs it), not below.
        from sandbox.config import SANDBOX_TOKEN, bot_token_configured, load_sandbox_settings

        if args.command == "run" and not bot_token_configured():
            print(
                "horoscope-bot: BOT_TOKEN is not set, so this is the sandbox: "
                "the bot on a local Telegram, in your browser",
                flush=True,
            )
            args.command = "sandbox"
        if args.command == "sandbox":
            sandbox_settings = load_sandbox_settings()
            # Whatever .env says for the real bot, the sandbox polls its own local server,
            # serves no webhook or metrics port and keeps its own database.
            settings = load_settings(
                bot_token=SANDBOX_TOKEN,
                database_url=sandbox_settings.database_url,
                bot_mode="polling",
                webhook_url=None,
                webhook_secret=None,
                web_port=None,
            )
        else:
            settings = load_settings()
    except SettingsError as error:
        print(f"horoscope-bot: configuration error: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format.value, secret_values(settings))

    from db.sqlite_guard import DatabaseInUseError

    if args.command not in ("run", "sandbox"):
        if settings.auto_migrate:
            from db.migrations import upgrade

            upgrade(settings.database_url)
        return asyncio.run(_generate(settings, args))

    # A long-running process: migrations run in a child process (`horoscope-bot migrate`), so
    # Alembic and Mako never load into it (~12 MB of RSS for its whole life), and its own
    # imports overlap with the migration instead of following it.
    migrating = _start_migration(settings) if settings.auto_migrate else None
    if args.command == "sandbox":
        from sandbox.runner import run_sandbox

        main_coro = run_sandbox(settings, sandbox_settings, say=_say)
    else:
        from bot.app import run_bot

        main_coro = run_bot(settings)
    if migrating is not None and migrating.wait() != 0:
        main_coro.close()
        print("horoscope-bot: migrations failed (see above)", file=sys.stderr)
        return 1
    try:
        loop_factory = _loop_factory(settings)
    except SettingsError as error:
        main_coro.close()
        print(f"horoscope-bot: configuration error: {error}", file=sys.stderr)
        return 2
    try:
        with asyncio.Runner(loop_factory=loop_factory) as runner:
            runner.run(main_coro)
    except DatabaseInUseError as error:
        print(f"horoscope-bot: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        if args.command != "sandbox":
            raise
        reason = str(error)
        if error.errno == errno.EADDRINUSE:
            reason = (
                f"SANDBOX_PORT {sandbox_settings.port} is in use on {sandbox_settings.host}; "
                "stop what listens there or set SANDBOX_PORT to another port"
            )
        print(f"horoscope-bot: the sandbox could not start: {reason}", file=sys.stderr)
        return 2
    return 0


def _users(args: argparse.Namespace) -> int:
    """Needs only DATABASE_URL (no bot token): an operator moving users in or out."""
    db_settings = load_database_settings()
    configure_logging(db_settings.log_level, db_settings.log_format.value)
    if db_settings.auto_migrate:
        from db.migrations import upgrade

        upgrade(db_settings.database_url)
    from bot.cli_users import export_file, import_file

    if args.users_command == "import":
        return asyncio.run(import_file(db_settings.database_url, args.file))
    return asyncio.run(export_file(db_settings.database_url, args.file))


def _say(line: str) -> None:
    print(line, flush=True)


def _loop_factory(settings: Settings) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop when installed (the optional ``fast`` extra) unless EVENT_LOOP=asyncio: ~10%
    less CPU per tap in benchmarks/e2e.py. Without it, asyncio's own loop."""
    if settings.event_loop is EventLoop.ASYNCIO:
        return None
    try:
        uvloop = importlib.import_module("uvloop")
    except ImportError:
        if settings.event_loop is EventLoop.UVLOOP:
            raise SettingsError("EVENT_LOOP is uvloop but uvloop is not installed") from None
        return None
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


def _start_migration(settings: Settings) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": settings.database_url}
    return subprocess.Popen([sys.executable, "-m", "bot", "migrate"], env=env)


async def _generate(settings: Settings, args: argparse.Namespace) -> int:
    from services.runtime import create_services
    from services.scheduler import generate_daily_horoscopes

    signs = None
    if args.sign:
        sign = parse_sign(args.sign)
        if sign is None:
            print(f"horoscope-bot: unknown sign {args.sign!r}", file=sys.stderr)
            return 2
        signs = [sign]
    languages = None
    if args.language:
        from services.languages import available_languages

        code = args.language.strip().lower()
        if code not in available_languages():
            shipped = ", ".join(available_languages())
            print(
                f"horoscope-bot: unknown language {args.language!r} (one of: {shipped})",
                file=sys.stderr,
            )
            return 2
        languages = [code]
    services = create_services(settings)
    try:
        report = await generate_daily_horoscopes(
            services.cache,
            day=args.date,
            signs=signs,
            languages=languages,
            force=args.force,
            retry_delays=settings.daily_retry_delays,
            cleanup=args.date is None and signs is None and languages is None,
            # An operator's explicit request is not skipped because a replica runs the job.
            exclusive=not (args.force or signs or languages),
        )
    finally:
        await services.close()
    if report.skipped:
        print(f"{report.day}: skipped, another replica is running today's job (try --force)")
        return 3
    failed = ", ".join(f"{r.sign.value}:{r.language}" for r in report.failed)
    print(
        f"{report.day} ({', '.join(report.languages)}): generated {len(report.generated)}, "
        f"already present {len(report.present)}, failed {len(report.failed)}"
        + (f" ({failed})" if report.failed else "")
    )
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
