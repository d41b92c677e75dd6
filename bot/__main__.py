"""``horoscope-bot`` / ``python -m bot``: run, sandbox, migrate, generate."""

from __future__ import annotations

import argparse
import asyncio
import errno
import sys
from collections.abc import Sequence
from datetime import date

import structlog

from bot.logs import configure_logging
from sandbox.config import SANDBOX_TOKEN, bot_token_configured, load_sandbox_settings
from services.config import Settings, SettingsError, load_database_settings, load_settings
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
    generate.add_argument("--force", action="store_true", help="replace texts already stored")
    return parser.parse_args(argv)


def _secrets(settings: Settings) -> list[str]:
    from sqlalchemy.engine import make_url

    secrets = [settings.bot_token.get_secret_value()]
    for secret in (settings.openai_api_key, settings.webhook_secret):
        if secret is not None:
            secrets.append(secret.get_secret_value())
    password = make_url(settings.database_url).password
    if password:
        secrets.append(str(password))
    return secrets


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    try:
        if args.command == "migrate":
            db_settings = load_database_settings()
            configure_logging()
            from db.migrations import upgrade

            upgrade(db_settings.database_url)
            return 0
        if args.command == "run" and not bot_token_configured():
            print(
                "horoscope-bot: BOT_TOKEN is not set, so this is the sandbox: "
                "the bot on a local Telegram, in your browser",
                flush=True,
            )
            args.command = "sandbox"
        if args.command == "sandbox":
            sandbox_settings = load_sandbox_settings()
            settings = load_settings(bot_token=SANDBOX_TOKEN)
        else:
            settings = load_settings()
    except SettingsError as error:
        print(f"horoscope-bot: configuration error: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format.value, _secrets(settings))

    if settings.auto_migrate:
        from db.migrations import upgrade

        upgrade(settings.database_url)
    from db.sqlite_guard import DatabaseInUseError

    if args.command == "sandbox":
        from sandbox.runner import run_sandbox

        try:
            asyncio.run(run_sandbox(settings, sandbox_settings, say=_say))
        except DatabaseInUseError as error:
            print(f"horoscope-bot: {error}", file=sys.stderr)
            return 2
        except OSError as error:
            reason = str(error)
            if error.errno == errno.EADDRINUSE:
                reason = (
                    f"SANDBOX_PORT {sandbox_settings.port} is in use on {sandbox_settings.host}; "
                    "stop what listens there or set SANDBOX_PORT to another port"
                )
            print(f"horoscope-bot: the sandbox could not start: {reason}", file=sys.stderr)
            return 2
        return 0
    if args.command == "run":
        from bot.app import run_bot

        try:
            asyncio.run(run_bot(settings))
        except DatabaseInUseError as error:
            print(f"horoscope-bot: {error}", file=sys.stderr)
            return 2
        return 0
    return asyncio.run(_generate(settings, args))


def _say(line: str) -> None:
    print(line, flush=True)


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
