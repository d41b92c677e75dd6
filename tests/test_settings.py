"""Settings: the documented names, decimals, and one clear error per bad value."""

from __future__ import annotations

import subprocess
import sys
from datetime import time

import pytest

from services.config import Settings, SettingsError, load_settings

TOKEN = "123456:TEST-token_abcdefghijklmnopqrstuvwxyz"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    for name in list(Settings.model_fields):
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]  # no developer .env


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    settings = load_settings()
    assert settings.database_url == "sqlite+aiosqlite:///./data/horoscope.db"
    assert settings.timezone == "Europe/Moscow"
    assert settings.generation_time == time(0, 0)
    assert settings.on_demand_retry_delays == (5.0, 10.0, 30.0)
    assert settings.daily_retry_delays == (300.0, 600.0, 1800.0)
    assert settings.view_flush_seconds == 5.0
    assert settings.default_language == "ru" and not settings.legacy_language_used
    assert settings.openai_api_key is None
    assert settings.auto_migrate is True
    assert settings.admin_ids == frozenset()


def test_environment_values(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "BOT_TOKEN": TOKEN,
        "ADMIN_IDS": "1, 22,333",
        "ON_DEMAND_RETRY_DELAYS": "0.2,0.2,0.2",
        "DAILY_RETRY_DELAYS": "",
        "VIEW_FLUSH_SECONDS": "0.5",
        "GENERATION_TIME": "07:05",
        "OPENAI_API_KEY": "",
        "DEFAULT_LANGUAGE": "EN",
        "AUTO_MIGRATE": "false",
    }.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    assert settings.admin_ids == frozenset({1, 22, 333})
    assert settings.on_demand_retry_delays == (0.2, 0.2, 0.2)
    assert settings.daily_retry_delays == ()
    assert settings.view_flush_seconds == 0.5
    assert settings.generation_time == time(7, 5)
    assert settings.openai_api_key is None  # an empty line in .env means "unset"
    assert settings.default_language == "en"  # lowercased
    assert settings.auto_migrate is False


def test_language_is_the_old_name_of_default_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("LANGUAGE", "en")
    settings = load_settings()
    assert settings.default_language == "en" and settings.legacy_language_used
    monkeypatch.setenv("DEFAULT_LANGUAGE", "ru")  # the new name wins
    assert load_settings().default_language == "ru"


def test_shipped_languages_are_the_locale_directories() -> None:
    from services.config import LOCALES_DIR, shipped_languages

    shipped = shipped_languages()
    assert {"ru", "en"} <= set(shipped)
    assert sorted(p.parent.name for p in LOCALES_DIR.glob("*/*.ftl")) == sorted(
        [lang for lang in shipped for _ in (LOCALES_DIR / lang).glob("*.ftl")]
    )


def test_dotenv_file_is_read(tmp_path: object) -> None:
    from pathlib import Path

    Path(".env").write_text(f"BOT_TOKEN={TOKEN}\nTIMEZONE=Asia/Tokyo\n")
    assert load_settings().timezone == "Asia/Tokyo"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("BOT_TOKEN", None, "BOT_TOKEN is required"),
        ("BOT_TOKEN", "not-a-token", "BOT_TOKEN is invalid"),
        ("TIMEZONE", "Mars/Olympus", "TIMEZONE is invalid: unknown timezone 'Mars/Olympus'"),
        ("GENERATION_TIME", "25:00", "GENERATION_TIME is invalid"),
        ("ON_DEMAND_RETRY_DELAYS", "5,-1", "ON_DEMAND_RETRY_DELAYS is invalid"),
        ("DAILY_RETRY_DELAYS", "soon", "DAILY_RETRY_DELAYS is invalid"),
        ("VIEW_FLUSH_SECONDS", "0", "VIEW_FLUSH_SECONDS is invalid"),
        ("LANGUAGE", "xx", "LANGUAGE is invalid"),
        ("DEFAULT_LANGUAGE", "fr", "DEFAULT_LANGUAGE is invalid: 'fr' is not a shipped language"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT is invalid"),
    ],
)
def test_bad_values_name_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str | None, message: str
) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    if value is None:
        monkeypatch.delenv(name)
    else:
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_cli_prints_one_line_and_exits_2(tmp_path: object) -> None:
    env = {"PATH": "/usr/bin:/bin", "BOT_TOKEN": "oops"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "horoscope-bot: configuration error: BOT_TOKEN is invalid: does not look like a bot "
        "token from @BotFather (<digits>:<secret>)"
    ]
    assert "oops" not in result.stderr


def test_nothing_happens_at_import() -> None:
    """Importing every module reads no environment and opens nothing."""
    code = (
        "import os; os.environ.clear();"
        "import bot.__main__, bot.app, bot.routers, services.scheduler, services.horoscope_cache,"
        " services.ai, db.engine, db.repositories;"
        "from services.horoscope_cache import get_horoscope_cache_service as g;"
        "print(len(g()._locks))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "12"
