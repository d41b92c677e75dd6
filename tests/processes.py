"""Bot processes as an operator starts them (``python -m bot run``), for the tests that need a
real process: signals, exit codes, replicas. Shared by test_production.py and
test_push_process.py."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sys
from typing import Any

from tests.conftest import process_env
from tests.standins.telegram import FakeTelegram


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class BotProcess:
    """``python -m bot run`` as an operator starts it, with its JSON log read line by line."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.process: asyncio.subprocess.Process | None = None
        self.events: list[dict[str, Any]] = []
        self._changed = asyncio.Condition()
        self._reader: asyncio.Task[None] | None = None

    async def start(self, cwd: str) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run",
            env=self.env, cwd=cwd,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        async for raw in self.process.stderr:
            line = raw.decode(errors="replace").strip()
            try:
                event = json.loads(line)
            except ValueError:
                event = {"event": "raw", "line": line}
            async with self._changed:
                self.events.append(event)
                self._changed.notify_all()

    async def wait_event(self, name: str, timeout: float = 60) -> dict[str, Any]:
        def found() -> dict[str, Any] | None:
            return next((e for e in self.events if e.get("event") == name), None)

        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(lambda: found() is not None or self._exited())
        except TimeoutError:
            raise AssertionError(f"no {name!r} in the log: {self.events[-20:]}") from None
        event = found()
        assert event is not None, f"process exited without {name!r}: {self.events[-20:]}"
        return event

    def _exited(self) -> bool:
        return self.process is not None and self.process.returncode is not None

    async def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(sig)
        code = await asyncio.wait_for(self.process.wait(), 60)
        if self._reader is not None:
            await self._reader
        return code

    def log_text(self) -> str:
        return "\n".join(json.dumps(e) for e in self.events)


def env_for(database_url: str, telegram: FakeTelegram, **extra: str) -> dict[str, str]:
    defaults = {
        "BOT_TOKEN": telegram.token,
        "TELEGRAM_API_URL": telegram.base_url,
        "DATABASE_URL": database_url,
        "VIEW_FLUSH_SECONDS": "0.2",
        "ON_DEMAND_RETRY_DELAYS": "0.05",
        "DAILY_RETRY_DELAYS": "0.05",
        "ADMIN_IDS": "",  # no admin alerts among the messages these tests count
    }
    return process_env(**(defaults | extra))


async def first_event(bot: BotProcess, names: tuple[str, ...]) -> str:
    done, pending = await asyncio.wait(
        [asyncio.ensure_future(bot.wait_event(n)) for n in names],
        return_when=asyncio.FIRST_COMPLETED,
    )
    for task in pending:
        task.cancel()
    return str(next(iter(done)).result()["event"])
