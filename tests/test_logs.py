"""The log redactor (bot/logs.py): no configured secret reaches the output, in either format.

Each case runs in a process of its own, set up like the bot's (``configure_logging`` with the
settings' ``secret_values``): logging configuration is process-wide and structlog caches its
loggers, so configuring it inside the test process would leak into every later test.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import TEST_TOKEN, process_env

OPENAI_KEY = "sk-proj-Zq8vX2mN4pL6rT0yU1wE3"
DB_PASSWORD = "pg-Pa55w0rd-kQ7j"
DSN = f"postgresql+asyncpg://zodiac:{DB_PASSWORD}@db.example:5432/zodiac"
SECRETS = {"bot token": TEST_TOKEN, "OpenAI key": OPENAI_KEY, "database password": DB_PASSWORD}

# Our events (structlog) and foreign ones (stdlib loggers, as aiogram, SQLAlchemy and
# APScheduler log): exceptions whose message and traceback carry every secret, a secret in an
# event field, in a %-argument and nested in a structure.
SCRIPT = """
import logging, structlog
from bot.logs import configure_logging
from services.config import load_settings
from services.secrets import secret_values

settings = load_settings()
configure_logging("INFO", settings.log_format.value, secret_values(settings))
token = settings.bot_token.get_secret_value()
key = settings.openai_api_key.get_secret_value()
dsn = settings.database_url


def connect():
    raise ConnectionError(f"cannot reach {dsn} for bot{token} with key {key}")


log = structlog.get_logger("zodiac.test")
try:
    connect()
except ConnectionError as error:
    log.exception("ours.failed", error=repr(error), url=dsn)
    logging.getLogger("aiogram.dispatcher").exception("Cause exception while process update")
    logging.getLogger("sqlalchemy.pool").error("connection to %s with %r failed", dsn, key)
log.warning("ours.nested", request={"url": f"https://api.telegram.org/bot{token}/getMe"},
            headers=[("Authorization", f"Bearer {key}")])
print("done", flush=True)
"""


def run_logged(fmt: str) -> str:
    env = process_env(
        BOT_TOKEN=TEST_TOKEN, OPENAI_API_KEY=OPENAI_KEY, DATABASE_URL=DSN, LOG_FORMAT=fmt
    )
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout == "done\n", done.stderr
    return done.stderr


@pytest.mark.parametrize("fmt", ["console", "json"])
def test_no_secret_survives_in_the_log(fmt: str) -> None:
    output = run_logged(fmt)
    # Every record came out, exceptions with their traceback, secrets replaced in place.
    for needle in (
        "ours.failed",
        "Cause exception while process update",
        "connection to",
        "ours.nested",
        "Traceback (most recent call last)",
        "ConnectionError: cannot reach",
        "postgresql+asyncpg://zodiac:***@db.example:5432/zodiac",
        "api.telegram.org/bot***/getMe",
        "Bearer ***",
    ):
        assert needle in output, f"{needle!r} missing from the {fmt} log:\n{output}"
    assert output.count("Traceback (most recent call last)") == 2
    leaked = [name for name, secret in SECRETS.items() if secret in output]
    assert leaked == [], f"{', '.join(leaked)} in the {fmt} log:\n{output}"


def test_json_log_stays_one_object_per_line() -> None:
    lines = run_logged("json").splitlines()
    records = [json.loads(line) for line in lines]  # redaction broke no JSON
    assert records[0]["event"] == "ours.failed"
    assert len(records) == 4
