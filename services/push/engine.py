"""The push sender: one replica at a time (a lease row), due subscriptions claimed in
batches, each delivered once per local date, paced under Telegram's limits.

The loop (``PushEngine._main``), while this process holds the lease ``push-sender``:

1. claim up to ``PUSH_BATCH_SIZE`` due rows (``db/push.py: claim_due``, earliest first),
   and the next batch as soon as no more than ``max_in_flight`` of this one are left;
2. for each, at most ``max_in_flight`` at once: plan from the IANA rules
   (``planning.plan_delivery``: the subscriber's local date; a pause that has not run out
   reschedules), the text of that date in the user's language
   (``HoroscopeCacheService.text_for_day``: memory, the table, else one generation), a
   turn from the :class:`SendPacer`, a reservation of (user, local date), the send, and the
   outcome recorded in the transaction that moves ``next_due`` on;
3. when nothing is due, wait ``idle_seconds`` (or :meth:`PushEngine.wake`).

A second task renews the lease every ``renew_seconds`` (it expires ``lease_seconds`` after
the last renewal: another replica takes over when this one dies or its host vanishes) and
the claims of the rows being worked on. This process stops sending ``renew_seconds`` before
its lease could expire unrenewed.

Stopping (:meth:`PushEngine.stop`): no new claims or sends; the messages in flight finish
and are recorded; rows claimed but not sent are released (``next_due`` unchanged); a message
waiting out a 429 drops its reservation; the lease is released. At most ``max_in_flight``
messages are ever between "sent" and "recorded": what a hard kill can make a restart send
again.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Generic, TypeVar

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import push as db
from db.push import ClaimedRow
from services.clock import Clock
from services.push.messages import (
    ChatGone,
    Deliver,
    PermanentFailure,
    PushMessage,
    RetryAfter,
    TransientFailure,
)
from services.push.pacing import SendPacer
from services.push.planning import Plan, plan_delivery
from services.users import UserService

log = structlog.get_logger(__name__)

T = TypeVar("T")
In = TypeVar("In")
Out = TypeVar("Out")
Texts = Callable[[str, date, str], Awaitable[str | None]]

LEASE_NAME = "push-sender"
RETENTION = timedelta(days=30)  # delivery records kept
PRUNE_EVERY = 3600.0  # seconds between prunes (while holding the lease)
MIN_BACKOFF = 15.0
MAX_BACKOFF = 300.0


def new_holder() -> str:
    """This process's name in leases and claims: host, pid and a random suffix (≤ 32
    characters, the width of a delivery record's ``reason``)."""
    return f"{socket.gethostname()[:12]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(slots=True)
class PushCounters:
    """Plain counters, read by /metrics at scrape time."""

    sent: int = 0
    failed: dict[str, int] = field(default_factory=dict)  # reason -> deliveries given up
    retries: int = 0  # network / 5xx attempts rescheduled
    flood_waits: int = 0  # 429s the sender waited out
    skipped: int = 0  # claimed, already delivered that local date (another sender, a change)
    backlog: int = 0  # due now, not yet delivered (refreshed with the lease)
    oldest_due: datetime | None = None

    def fail(self, reason: str) -> None:
        self.failed[reason] = self.failed.get(reason, 0) + 1

    def lag(self, now: datetime) -> float:
        """Seconds the oldest due message is late (0 with no backlog)."""
        if self.oldest_due is None or self.backlog == 0:
            return 0.0
        return max(0.0, (now - self.oldest_due).total_seconds())


class GroupedWrites(Generic[In, Out]):
    """Writes that many tasks ask for at about the same time, done together: a caller adds
    its item and waits; one task writes everything pending in one call of ``write`` (one
    transaction), then whatever piled up meanwhile, and so on. Every caller learns its own
    outcome (its element of the ``write``'s answer, or the error). Nothing waits for a
    timer: a lone item is written at once; under load the groups grow by themselves (group
    commit)."""

    def __init__(self, write: Callable[[list[In]], Awaitable[Sequence[Out]]]) -> None:
        self._write = write
        self._pending: list[tuple[In, asyncio.Future[Out]]] = []
        self._task: asyncio.Task[None] | None = None
        self.groups = 0  # writes made
        self.items = 0  # items written

    async def __call__(self, item: In) -> Out:
        future: asyncio.Future[Out] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain(), name="push-grouped-writes")
        # A cancelled caller's item is written all the same.
        return await asyncio.shield(future)

    async def _drain(self) -> None:
        while self._pending:
            group, self._pending = self._pending, []
            try:
                outcomes = await self._write([item for item, _ in group])
            except Exception as error:
                for _, future in group:
                    if not future.done():
                        future.set_exception(error)
            else:
                self.groups += 1
                self.items += len(group)
                for (_, future), outcome in zip(group, outcomes, strict=True):
                    if not future.done():
                        future.set_result(outcome)


class PushEngine:
    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        deliver: Deliver,
        texts: Texts,
        pacer: SendPacer,
        languages: Iterable[str],
        default_language: str,
        users: UserService | None = None,
        batch_size: int = 100,
        retry_minutes: float = 60.0,
        holder: str | None = None,
        lease_name: str = LEASE_NAME,
        lease_seconds: float = 20.0,
        renew_seconds: float = 5.0,
        claim_seconds: float = 30.0,
        stale_seconds: float = 30.0,
        idle_seconds: float = 2.0,
        max_in_flight: int = 10,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessionmaker = sessionmaker
        self.clock = clock
        self._deliver = deliver
        self._texts = texts
        self.pacer = pacer
        self._languages = frozenset(languages)
        self._default_language = default_language
        self._users = users
        self.batch_size = batch_size
        self.retry = timedelta(minutes=retry_minutes)
        self.holder = holder or new_holder()
        if len(self.holder) > 32:
            raise ValueError("a sender's name is at most 32 characters")
        self.lease_name = lease_name
        self.lease_seconds = lease_seconds
        self.renew_seconds = renew_seconds
        self.claim = timedelta(seconds=claim_seconds)
        self.stale = timedelta(seconds=stale_seconds)
        self.idle_seconds = idle_seconds
        self.max_in_flight = max_in_flight
        self._timer = timer
        self.counters = PushCounters()
        self._claimed: set[int] = set()
        self._lease_deadline = 0.0  # timer() before which this process may send
        self._last_prune = float("-inf")
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()
        self._lease_changed = asyncio.Event()
        self._slots = asyncio.Semaphore(max_in_flight)
        self._requests = 0  # settle() requests made
        self._served = 0  # settle() requests a finished pass has answered
        self._passes = asyncio.Condition()
        # What the sends in flight delivered is recorded together (db.finish_sent): a
        # message costs its reservation's transaction and a share of one.
        self._record_sent = GroupedWrites[db.Sent, None](self._write_sent)
        # Likewise the reservations of the sends whose turns came together.
        self._reserve = GroupedWrites[db.Reserve, db.Reservation](self._write_reservations)

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        """Start the sender on the running loop (the bot's startup hook)."""
        if self._task is None:
            self._task = asyncio.create_task(self._main(), name="push-sender")

    async def stop(self, grace: float = 10.0) -> None:
        """Graceful stop: the messages in flight finish (at most ``grace`` seconds), the
        rest of the claimed rows are released, then the lease."""
        self._stopping.set()
        self._wake.set()
        task, self._task = self._task, None
        if task is None:
            return
        done, _ = await asyncio.wait({task}, timeout=grace)
        if not done:
            log.warning("push.stop_timeout", in_flight=len(self._claimed))
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def wake(self) -> None:
        """Look for due rows now instead of after the idle wait."""
        self._wake.set()

    async def settle(self) -> None:
        """Wake the sender and wait until a pass that began after this call has ended (it
        delivers everything due by the clock's now). For tests and the sandbox."""
        self._requests += 1
        wanted = self._requests
        self._wake.set()
        async with self._passes:
            await self._passes.wait_for(lambda: self._served >= wanted)

    def holds_lease(self) -> bool:
        return self._timer() < self._lease_deadline

    async def _main(self) -> None:
        lease = asyncio.create_task(self._lease_loop(), name="push-lease")
        log.info("push.started", holder=self.holder)
        try:
            while not self._stopping.is_set():
                if not self.holds_lease():
                    await self._wait_for(self._lease_changed, self.renew_seconds)
                    continue
                served = self._requests
                self._wake.clear()
                try:
                    sent = await self.run_pass()
                    if sent:
                        log.info("push.pass", rows=sent, sent_total=self.counters.sent)
                except Exception as error:  # the database, most likely: try again later
                    log.warning("push.pass_failed", error=repr(error))
                async with self._passes:
                    self._served = max(self._served, served)
                    self._passes.notify_all()
                await self._wait_for(self._wake, self.idle_seconds)
        finally:
            lease.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await lease
            await self._release_all()
            log.info("push.stopped", sent_total=self.counters.sent)

    async def _wait_for(self, event: asyncio.Event, timeout: float) -> None:
        if self._stopping.is_set():
            return
        waiters = {
            asyncio.ensure_future(event.wait()),
            asyncio.ensure_future(self._stopping.wait()),
        }
        try:
            await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
        event.clear()

    async def _release_all(self) -> None:
        claimed, self._claimed = list(self._claimed), set()
        try:
            if claimed:
                released = await self._db(lambda s: db.release_claims(s, self.holder, claimed))
                log.info("push.claims_released", rows=released)
            if self._lease_deadline:
                await self._db(lambda s: db.release_lease(s, self.lease_name, self.holder))
                log.info("push.lease_released", holder=self.holder)
        except Exception as error:  # the claims and the lease run out by themselves
            log.warning("push.release_failed", error=repr(error))
        self._lease_deadline = 0.0

    # -- the lease --------------------------------------------------------------------------

    async def _lease_loop(self) -> None:
        while True:
            await self.heartbeat()
            await asyncio.sleep(self.renew_seconds)

    async def heartbeat(self) -> bool:
        """Take or renew the lease, extend the claims in hand, refresh the backlog gauge,
        prune old delivery records (hourly). True if this process holds the lease."""
        started = self._timer()
        now = self.clock.utc_now()
        held = self.holds_lease()
        try:
            ok = await self._db(
                lambda s: db.acquire_lease(
                    s,
                    self.lease_name,
                    self.holder,
                    now=now,
                    until=now + timedelta(seconds=self.lease_seconds),
                )
            )
        except Exception as error:
            log.warning("push.lease_failed", error=repr(error))
            ok = False
        if ok:
            # Stop sending a renewal period before the lease could run out unrenewed.
            self._lease_deadline = started + self.lease_seconds - self.renew_seconds
            if not held:
                log.info("push.lease_acquired", holder=self.holder)
                self._lease_changed.set()
        elif self._lease_deadline and self._timer() >= self._lease_deadline:
            log.warning("push.lease_lost", holder=self.holder)
            self._lease_deadline = 0.0
        try:
            if ok and self._claimed:
                claimed = list(self._claimed)
                await self._db(
                    lambda s: db.extend_claims(s, self.holder, claimed, now + self.claim)
                )
            backlog = await self._db(lambda s: db.push_backlog(s, now))
            self.counters.backlog, self.counters.oldest_due = backlog.due, backlog.oldest_due
            if ok and started - self._last_prune >= PRUNE_EVERY:
                self._last_prune = started
                pruned = await self._db(lambda s: db.prune_deliveries(s, now - RETENTION))
                if pruned:
                    log.info("push.pruned", records=pruned)
        except Exception as error:
            log.warning("push.heartbeat_failed", error=repr(error))
        return ok

    # -- a pass -----------------------------------------------------------------------------

    async def run_pass(self) -> int:
        """Claim and deliver batches until nothing is due by the clock's now (or the lease
        is lost, or a stop). Returns the rows claimed."""
        total = 0
        working: set[asyncio.Task[None]] = set()
        try:
            while not self._stopping.is_set() and self.holds_lease():
                rows = await self._db(self._claim)
                if not rows:
                    break
                self._claimed.update(row.user_id for row in rows)
                working.update(asyncio.create_task(self._work(row)) for row in rows)
                total += len(rows)
                # The next batch is claimed while this one's last rows are still being sent,
                # so the sends in flight never run dry at a batch's end (a claim, the texts
                # and the reservations take a while: waiting for the whole batch first cost
                # a tenth of the rate).
                while len(working) > self.max_in_flight:
                    _, working = await asyncio.wait(working, return_when=asyncio.FIRST_COMPLETED)
            if working:
                await asyncio.wait(working)
        finally:
            for task in working:
                task.cancel()  # only when cancelled itself (a stop that ran out of grace)
        return total

    async def _claim(self, session: AsyncSession) -> list[ClaimedRow]:
        now = self.clock.utc_now()
        return await db.claim_due(
            session, now=now, holder=self.holder, until=now + self.claim, limit=self.batch_size
        )

    async def _work(self, row: ClaimedRow) -> None:
        async with self._slots:
            if self._stopping.is_set() or not self.holds_lease():
                return  # left claimed: released at the stop, or runs out
            try:
                await self._process(row)
            except Exception:
                # Left claimed: tried again when the claim runs out.
                log.exception("push.row_crashed", user_id=row.user_id)
                self._claimed.discard(row.user_id)

    async def _process(self, row: ClaimedRow) -> None:
        now = self.clock.utc_now()
        plan = plan_delivery(
            push_time=row.push_time,
            timezone=row.timezone,
            state=row.state,
            paused_until=row.paused_until,
            stored_due=row.next_due,
            now=now,
        )
        if not plan.deliver:
            await self._reschedule(row, plan.next_due, now, failing_since=None)
            return
        assert plan.day is not None and plan.due is not None
        language = self.language_of(row)
        try:
            text = await self._texts(row.sign, plan.day, language)
        except Exception as error:
            log.warning("push.text_failed", sign=row.sign, error=repr(error))
            text = None
        if text is None:
            await self._failed_attempt(row, plan, None, "no_text")
            return
        message = PushMessage(row.user_id, row.sign, plan.day, language, text)
        if not await self._turn(row.user_id):
            return  # stopping: released with the rest
        reservation = await self._reserve(db.Reserve(row.user_id, plan.day, plan.due))
        now = self.clock.utc_now()
        if reservation.outcome == "done":
            self.counters.skipped += 1
            await self._reschedule(
                row, plan.next_due, now, failing_since=None, activate=plan.activate
            )
            return
        if reservation.outcome == "busy":  # another sender's send is in flight
            await self._db(lambda s: db.hold_claim(s, self.holder, row.user_id, now + self.stale))
            self._claimed.discard(row.user_id)
            return
        delivery_id = reservation.delivery_id
        assert delivery_id is not None
        while True:
            try:
                await self._deliver(message)
            except RetryAfter as flood:
                self.counters.flood_waits += 1
                self.pacer.pause(flood.seconds)
                log.warning("push.flood_wait", retry_after=flood.seconds)
                if not await self._turn(row.user_id):
                    await self._db(lambda s: db.cancel_reservation(s, delivery_id, self.holder))
                    return
                renewed = await self._db(
                    lambda s: db.renew_reservation(
                        s, delivery_id, self.holder, self.clock.utc_now()
                    )
                )
                if not renewed:  # taken over meanwhile: the other sender sends it
                    self._claimed.discard(row.user_id)
                    return
                continue
            except ChatGone as gone:
                await self._finish(row, plan, delivery_id, db.BLOCKED, gone.reason, stop=True)
                self.counters.fail(db.BLOCKED)
                log.info("push.chat_gone", reason=gone.reason)
                if self._users is not None:
                    try:
                        await self._users.set_blocked(row.user_id, True)
                    except Exception as error:
                        log.warning("users.block_not_saved", error=repr(error))
                return
            except PermanentFailure as refused:
                await self._give_up(row, plan, delivery_id, refused.reason)
                return
            except TransientFailure as failure:
                await self._failed_attempt(row, plan, delivery_id, failure.reason)
                return
            await self._finish(row, plan, delivery_id, db.SENT, None)
            self.counters.sent += 1
            return

    async def _turn(self, chat_id: int) -> bool:
        """The pacer's turn for ``chat_id``, or False when a stop comes first."""
        if self._stopping.is_set():
            return False
        turn = asyncio.ensure_future(self.pacer.acquire(chat_id))
        stop = asyncio.ensure_future(self._stopping.wait())
        await asyncio.wait({turn, stop}, return_when=asyncio.FIRST_COMPLETED)
        stop.cancel()
        if turn.done():
            return True
        turn.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await turn
        return False

    async def _finish(
        self,
        row: ClaimedRow,
        plan: Plan,
        delivery_id: int,
        status: str,
        reason: str | None,
        *,
        stop: bool = False,
    ) -> None:
        if status == db.SENT and not stop:
            await self._record_sent(db.Sent(delivery_id, row.user_id, plan.next_due))
            self._claimed.discard(row.user_id)
            return
        now = self.clock.utc_now()
        await self._db(
            lambda s: db.finish_delivery(
                s,
                delivery_id=delivery_id,
                holder=self.holder,
                status=status,
                reason=reason,
                user_id=row.user_id,
                next_due=plan.next_due,
                now=now,
                stop=stop,
            )
        )
        self._claimed.discard(row.user_id)

    async def _write_sent(self, sent: list[db.Sent]) -> list[None]:
        now = self.clock.utc_now()
        await self._db(lambda s: db.finish_sent(s, holder=self.holder, sent=sent, now=now))
        return [None] * len(sent)

    async def _write_reservations(self, items: list[db.Reserve]) -> list[db.Reservation]:
        now = self.clock.utc_now()
        return await self._db(
            lambda s: db.reserve_deliveries(
                s, items=items, holder=self.holder, now=now, stale_before=now - self.stale
            )
        )

    async def _failed_attempt(
        self, row: ClaimedRow, plan: Plan, delivery_id: int | None, reason: str
    ) -> None:
        """A network error, a 5xx, no text: again later with backoff, until
        PUSH_RETRY_MINUTES after the first failure; then the day is given up."""
        now = self.clock.utc_now()
        since = row.failing_since or now
        deadline = since + self.retry
        if now >= deadline:
            await self._give_up(row, plan, delivery_id, reason)
            return
        elapsed = (now - since).total_seconds()
        delay = min(MAX_BACKOFF, max(MIN_BACKOFF, elapsed), (deadline - now).total_seconds())
        self.counters.retries += 1
        log.info("push.retry_later", reason=reason, seconds=round(delay, 1))
        retry_at = now + timedelta(seconds=max(1.0, delay))

        async def later(session: AsyncSession) -> None:
            if delivery_id is not None:
                await db.cancel_reservation(session, delivery_id, self.holder)
            await db.reschedule(
                session, self.holder, row.user_id, next_due=retry_at, now=now, failing_since=since
            )

        await self._db(later)
        self._claimed.discard(row.user_id)

    async def _give_up(
        self, row: ClaimedRow, plan: Plan, delivery_id: int | None, reason: str
    ) -> None:
        assert plan.day is not None and plan.due is not None
        if delivery_id is None:
            now = self.clock.utc_now()
            reservation = await self._db(
                lambda s: db.reserve_delivery(
                    s,
                    user_id=row.user_id,
                    local_date=plan.day,  # type: ignore[arg-type]
                    due_at=plan.due,  # type: ignore[arg-type]
                    holder=self.holder,
                    now=now,
                    stale_before=now - self.stale,
                )
            )
            if reservation.delivery_id is None:
                await self._reschedule(
                    row, plan.next_due, now, failing_since=None, activate=plan.activate
                )
                return
            delivery_id = reservation.delivery_id
        await self._finish(row, plan, delivery_id, db.FAILED, reason)
        self.counters.fail(reason)
        log.error(
            "push.given_up",
            reason=reason,
            local_date=plan.day.isoformat(),
            failing_since=row.failing_since.isoformat() if row.failing_since else None,
        )

    async def _reschedule(
        self,
        row: ClaimedRow,
        next_due: datetime | None,
        now: datetime,
        *,
        failing_since: datetime | None,
        activate: bool = False,
    ) -> None:
        await self._db(
            lambda s: db.reschedule(
                s,
                self.holder,
                row.user_id,
                next_due=next_due,
                now=now,
                failing_since=failing_since,
                activate=activate,
            )
        )
        self._claimed.discard(row.user_id)

    def language_of(self, row: ClaimedRow) -> str:
        """As for a tap: the language the user chose, else their app's (as last detected),
        else DEFAULT_LANGUAGE. This process's memory of the user first (newer than a batched
        write), else the stored row."""
        state = self._users.peek(row.user_id) if self._users is not None else None
        chosen = state.language if state is not None else row.language
        detected = (state.detected_language if state is not None else None) or (
            row.detected_language
        )
        for code in (chosen, detected):
            if code in self._languages:
                return code
        return self._default_language

    async def _db(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        async with self._sessionmaker() as session, session.begin():
            return await work(session)
