"""``horoscope-bot`` / ``python -m bot``: run, migrate, generate."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from datetime import date

import structlog

from bot.logs import configure_logging
from services.config import (
    DatabaseSettings,
    EventLoop,
    Settings,
    SettingsError,
    load_settings,
)
from services.zodiac import parse_sign

log = structlog.get_logger("bot")


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="horoscope-bot", description="Zodiac horoscope bot")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="apply migrations (unless AUTO_MIGRATE=false) and run the bot")
    commands.add_parser("migrate", help="apply database migrations and exit")
    generate = commands.add_parser("generate", help="run the daily generation once and exit")
    generate.add_argument("--date", type=date.fromisoformat, help="YYYY-MM-DD (default: today)")
    generate.add_argument("--sign", help="one sign (English key or localized name)")
    generate.add_argument("--force", action="store_true", help="replace texts already stored")
    return parser.parse_args(argv)


def _secrets(settings: Settings) -> list[str]:
    from sqlalchemy.engine import make_url

    secrets = [settings.bot_token.get_secret_value()]
    if settings.openai_api_key is not None:
        secrets.append(settings.openai_api_key.get_secret_value())
    password = make_url(settings.database_url).password
    if password:
        secrets.append(str(password))
    return secrets


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    try:
        if args.command == "migrate":
            db_settings = DatabaseSettings()
            configure_logging()
            from db.migrations import upgrade

            upgrade(db_settings.database_url)
            return 0
        settings = load_settings()
    except SettingsError as error:
        print(f"horoscope-bot: configuration error: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format.value, _secrets(settings))

    if args.command == "run":
        # Migrations run in a child process (``horoscope-bot migrate``), so Alembic and Mako
        # never load into the long-running bot (~12 MB of RSS for its whole life), and the
        # bot's own imports overlap with the migration instead of following it.
        migrating = _start_migration(settings) if settings.auto_migrate else None
        from bot.app import run_polling

        if migrating is not None and migrating.wait() != 0:
            print("horoscope-bot: migrations failed (see above)", file=sys.stderr)
            return 1
        try:
            loop_factory = _loop_factory(settings)
        except SettingsError as error:
            print(f"horoscope-bot: configuration error: {error}", file=sys.stderr)
            return 2
        with asyncio.Runner(loop_factory=loop_factory) as runner:
            runner.run(run_polling(settings))
        return 0
    if settings.auto_migrate:
        from db.migrations import upgrade

        upgrade(settings.database_url)
    return asyncio.run(_generate(settings, args))


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
    services = create_services(settings)
    try:
        report = await generate_daily_horoscopes(
            services.cache,
            day=args.date,
            signs=signs,
            force=args.force,
            retry_delays=settings.daily_retry_delays,
            cleanup=args.date is None and signs is None,
        )
    finally:
        await services.close()
    print(
        f"{report.day}: generated {len(report.generated)}, already present "
        f"{len(report.present)}, failed {len(report.failed)}"
        + (f" ({', '.join(s.value for s in report.failed)})" if report.failed else "")
    )
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
