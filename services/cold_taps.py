"""ColdTaps: taps of a sign not in memory yet, finished in tasks the process owns.

A cold tap waits for its sign's lock and the LLM: seconds, or minutes with retries. Run
inside the update's handler it would hold one of aiogram's ``MAX_CONCURRENT_UPDATES`` slots
all that time, and once that many wait, polling stops taking updates: even taps of signs in
memory go unanswered. So the handler hands a cold tap to :class:`ColdTaps` and returns; the
update's slot is free at once.

The work is bounded (``MAX_COLD_TAPS``): past the bound :meth:`ColdTaps.start` refuses and
the handler tells the user to try again in a minute, rather than leave them waiting. On a
stop, :meth:`ColdTaps.stop` lets the taps finish within the shutdown grace and tells the
ones still waiting to try again, before the bot session closes.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import structlog

log = structlog.get_logger(__name__)

T = TypeVar("T")

# How long, after the grace, the taps still waiting may take to tell their users.
NOTICE_SECONDS = 5.0


class ColdTap(Protocol[T]):
    """One cold tap, in two parts a stop treats differently."""

    async def wait(self) -> T:
        """The long part (the lock, the LLM). A stop cancels it, then calls stopped()."""

    async def finish(self, result: T) -> None:
        """Show the result. A stop lets it run: what wait() got is shown (and counted)."""

    async def stopped(self) -> None:
        """The process stops before wait() returned: tell the user to try again."""


@dataclass(slots=True)
class _Running:
    tap: ColdTap[Any]
    waiting: bool = True


class ColdTaps:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.stopping = False
        self.refused = 0  # taps turned away at the bound or during a stop
        self._running: dict[asyncio.Task[None], _Running] = {}

    def __len__(self) -> int:
        return len(self._running)

    def start(self, tap: ColdTap[Any], *, name: str = "cold-tap") -> bool:
        """Run ``tap`` in a task of its own. False (nothing started) past the bound or once
        the process is stopping: the caller tells the user to try again."""
        if self.stopping or len(self._running) >= self.limit:
            self.refused += 1
            return False
        running = _Running(tap)
        task = asyncio.create_task(self._run(running), name=name)
        self._running[task] = running
        task.add_done_callback(self._done)
        return True

    async def _run(self, running: _Running) -> None:
        try:
            result = await running.tap.wait()
        except asyncio.CancelledError:
            if not self.stopping:
                raise
            await running.tap.stopped()
            return
        running.waiting = False  # no await since wait() returned: a stop lets it finish
        await running.tap.finish(result)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._running.pop(task, None)
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("cold_tap.failed", error=repr(error), exc_info=error)

    async def stop(self, grace: float) -> int:
        """Refuse new taps; let the running ones finish for up to ``grace`` seconds; then tell
        the ones still waiting to try again (bounded by NOTICE_SECONDS). Returns how many
        were told."""
        self.stopping = True
        if not self._running:
            return 0
        _, pending = await asyncio.wait(set(self._running), timeout=grace)
        told = [t for t in pending if t in self._running and self._running[t].waiting]
        for task in told:
            task.cancel()
        if pending:
            _, late = await asyncio.wait(pending, timeout=NOTICE_SECONDS)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late, timeout=NOTICE_SECONDS)
                log.warning("cold_taps.abandoned", count=len(late))
        return len(told)
