"""The README's run command with no BOT_TOKEN starts the sandbox and prints its URL."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import socket
import sys
from pathlib import Path
from typing import Any

import aiohttp

from tests.conftest import process_env

ROOT = Path(__file__).resolve().parent.parent
URL_RE = re.compile(r"Sandbox: open (http://127\.0\.0\.1:\d+/)")


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A user's shell with nothing configured; BOT_TOKEN empty so a developer's .env
    cannot turn this into the real bot."""
    defaults = {
        "BOT_TOKEN": "",
        "OPENAI_API_KEY": "",
        "SANDBOX_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'fresh' / 'horoscope.db'}",
        # The real bot's settings must not leak into the sandbox:
        "DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:1/production",
        "BOT_MODE": "webhook",
        "WEB_PORT": "1",
        "SANDBOX_PORT": "0",
        "SANDBOX_OPEN_BROWSER": "false",
    }
    return process_env(**(defaults | extra))


def run_command() -> list[str]:
    """``make run`` (the README's command) with this test run's virtualenv; without make or
    a virtualenv made by make, the command it runs."""
    venv = Path(sys.prefix)
    if (venv / ".installed").exists() and os.path.exists("/usr/bin/make"):
        return ["make", "--no-print-directory", "-C", str(ROOT), "run", f"VENV={venv}"]
    return [sys.executable, "-m", "bot", "run"]


async def read_until(stream: asyncio.StreamReader, pattern: re.Pattern[str]) -> tuple[str, str]:
    """Lines up to the first matching one (all of them, and the match's group 1)."""
    seen = []
    while True:
        line = (await stream.readline()).decode()
        if not line:
            raise AssertionError(f"output ended before {pattern.pattern!r}: {''.join(seen)}")
        seen.append(line)
        match = pattern.search(line)
        if match:
            return "".join(seen), match.group(1)


async def next_bot_message(stream: aiohttp.ClientResponse) -> dict[str, Any]:
    while True:
        line = await stream.content.readline()
        if line.startswith(b"data: "):
            event: dict[str, Any] = json.loads(line[6:])
            if event["kind"] == "message" and event["data"]["from"]["is_bot"]:
                return event


async def test_run_without_a_token_starts_the_sandbox(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        *run_command(),
        env=clean_env(tmp_path),
        cwd=str(ROOT),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,  # make and the bot: one process group to stop
    )
    try:
        assert process.stdout is not None
        async with asyncio.timeout(120):
            output, url = await read_until(process.stdout, URL_RE)
        assert "BOT_TOKEN is not set, so this is the sandbox" in output
        assert (tmp_path / "fresh" / "horoscope.db").exists()  # migrated on first run

        async with aiohttp.ClientSession() as http:
            async with http.get(url) as response:
                assert response.status == 200
                assert "<title>Zodiac — sandbox</title>" in await response.text()
            async with http.get(f"{url}api/events") as events:
                await events.content.readline()  # connected
                async with http.post(f"{url}api/chats/1001/messages", json={"text": "/start"}):
                    pass
                async with asyncio.timeout(60):
                    reply = await next_bot_message(events)
        assert "Choose your zodiac sign" in reply["data"]["text"]
        assert len(reply["data"]["reply_markup"]["inline_keyboard"]) == 4  # 12 signs
    finally:
        with contextlib.suppress(ProcessLookupError):  # it may have died: stderr says why
            os.killpg(process.pid, signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
    logs = stderr.decode()
    assert '"event": "bot.stopped"' in logs, logs[-3000:]
    assert "Traceback" not in logs, logs[-3000:]


async def test_sandbox_port_in_use_is_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "sandbox",
            env=clean_env(tmp_path, SANDBOX_PORT=str(port)),
            cwd=str(tmp_path),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        stdout, stderr = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 2
    assert "BOT_TOKEN is not set" not in stdout.decode()  # asked for the sandbox by name
    assert f"SANDBOX_PORT {port} is in use" in stderr.decode()
