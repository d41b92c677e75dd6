"""``horoscope-bot users import|export`` as an operator runs them, on both databases."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import User
from tests.conftest import process_env


async def cli(database_url: str, *args: str, cwd: Path) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "users",
        *args,
        env=process_env(DATABASE_URL=database_url, LOG_LEVEL="WARNING"),
        cwd=str(cwd),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def stored(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[int, tuple[object, ...]]:
    async with sessionmaker() as session:
        result = await session.execute(select(User.user_id, User.language, User.sign))
        return {row[0]: (row[1], row[2]) for row in result}


async def test_import_skips_bad_rows_by_line_and_export_round_trips(
    database_url: str, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    source = tmp_path / "users.csv"
    source.write_text(
        "user_id,name,language,sign\n"
        "1001,Alice,en,leo\n"
        "abc,Bob,ru,aries\n"  # line 3: not an integer
        "1002,Chloé,ru,\n"
        "1003,Dan,fr,virgo\n"  # line 5: a language not shipped
        "1004,Eve,,Скорпион\n",
        encoding="utf-8",
    )
    code, out, err = await cli(database_url, "import", str(source), cwd=tmp_path)
    assert code == 1, (out, err)
    assert f"{source}:3:" in err and "abc" in err
    assert f"{source}:5:" in err and "fr" in err
    assert "imported 3 users, skipped 2 bad rows" in out
    assert await stored(sessionmaker) == {
        1001: ("en", "leo"),
        1002: ("ru", None),
        1004: (None, "scorpio"),
    }

    exported = tmp_path / "export.csv"
    code, out, err = await cli(database_url, "export", str(exported), cwd=tmp_path)
    assert code == 0, err
    assert exported.read_text(encoding="utf-8").splitlines() == [
        "user_id,language,sign",
        "1001,en,leo",
        "1002,ru,",
        "1004,,scorpio",
    ]
    # Importing the export changes nothing, and reports nothing bad.
    code, out, err = await cli(database_url, "import", str(exported), cwd=tmp_path)
    assert code == 0, err
    assert "imported 3 users, skipped 0 bad rows" in out
    again = tmp_path / "again.csv"
    assert (await cli(database_url, "export", str(again), cwd=tmp_path))[0] == 0
    assert again.read_text(encoding="utf-8") == exported.read_text(encoding="utf-8")


async def test_import_without_a_user_id_header_writes_nothing(
    database_url: str, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    source = tmp_path / "users.csv"
    source.write_text("1001,en,leo\n1002,ru,aries\n", encoding="utf-8")
    code, _, err = await cli(database_url, "import", str(source), cwd=tmp_path)
    assert code == 2
    assert "header" in err
    assert await stored(sessionmaker) == {}
