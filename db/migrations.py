"""Run Alembic from code (the CLI's ``migrate`` and ``run``). Synchronous: call it before the
event loop starts, because ``alembic/env.py`` runs its own ``asyncio.run``."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config

from alembic import command

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _alembic_home() -> Path:
    """Where alembic.ini and alembic/ are: next to the packages in a source checkout or an
    editable install, else the working directory (the Docker image runs from /app)."""
    for home in (PROJECT_ROOT, Path.cwd()):
        if (home / "alembic.ini").is_file():
            return home
    raise FileNotFoundError("alembic.ini not found next to the code or in the working directory")


def alembic_config(database_url: str) -> Config:
    home = _alembic_home()
    config = Config(str(home / "alembic.ini"))
    config.set_main_option("script_location", str(home / "alembic"))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logging"] = False
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)
