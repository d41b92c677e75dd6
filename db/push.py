"""The daily push's sender SQL: claiming due subscriptions, the delivery records that make
"at most one push per user and local date" hold, the sender's lease, and the backlog /metrics
shows (what /status shows is in ``db/push_stats.py``).

Claims. ``claim_due`` is one statement on both databases::

    WITH due AS (SELECT user_id FROM subscriptions
                 WHERE next_due <= :now AND (claimed_until IS NULL OR claimed_until < :now)
                 ORDER BY next_due LIMIT :n [FOR UPDATE SKIP LOCKED])
    UPDATE subscriptions SET claimed_by = :holder, claimed_until = :until
    FROM due WHERE subscriptions.user_id = due.user_id
    RETURNING subscriptions.…,
              (SELECT language FROM users WHERE users.user_id = subscriptions.user_id), …

On PostgreSQL the inner SELECT walks ``ix_subscriptions_next_due`` in order and skips rows
another sender's transaction has locked; on SQLite the statement is atomic (one writer at a
time). The languages come in the same round trip (the users' primary key, per claimed row).
A claim is a lease on the row (``claimed_until``): a sender that dies leaves rows that
become claimable again when it runs out.

Delivery records (``push_deliveries``, unique (user_id, local_date)): a sender *reserves* the
(user, local date) as ``sending`` (``reason`` = the sender, ``finished_at`` = when reserved)
right before the HTTP call, and turns it into ``sent`` / ``failed`` / ``blocked`` in the
transaction that moves ``next_due`` on and clears the claim. A reservation is re-taken
(compare-and-set) before every attempt; another sender may take it over only once it is
``STALE`` (older than any request can take): so two senders never have the same message in
flight, and a row left ``sending`` by a hard kill is re-sent at most once, later.

All instants are aware UTC on both databases (the columns are ``UTCDateTime``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    Table,
    and_,
    bindparam,
    delete,
    func,
    literal_column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Lease, PushDelivery, Subscription, User
from db.repositories import _chunks, _insert

SENDING = "sending"
SENT = "sent"
FAILED = "failed"
BLOCKED = "blocked"


# -- claims ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClaimedRow:
    """A due subscription a sender holds, with what its user's language is stored as."""

    user_id: int
    sign: str
    push_time: time
    timezone: str
    state: str  # active | paused (paused_until reached: delivered again)
    paused_until: date | None
    next_due: datetime
    failing_since: datetime | None
    language: str | None = None  # users.language (chosen), None when not stored
    detected_language: str | None = None


def claimable(now: datetime) -> Any:
    """The claim's condition: due, and nobody holds it (or their claim ran out)."""
    return and_(
        Subscription.next_due <= now,
        or_(Subscription.claimed_until.is_(None), Subscription.claimed_until < now),
    )


def claim_query(now: datetime, limit: int) -> Any:
    """The inner SELECT of :func:`claim_due` (``EXPLAIN`` it: an index scan on
    ``ix_subscriptions_next_due``)."""
    return (
        select(Subscription.user_id)
        .where(claimable(now))
        .order_by(Subscription.next_due)
        .limit(limit)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite has no row locks (ignored)
    )


def _stored(column: Any) -> Any:
    """One of the claimed row's user's columns, looked up by primary key in the RETURNING
    (SQLite's RETURNING may not name the UPDATE's other FROM tables, so no join). The
    correlation is spelled out: SQLite's compiler drops table names inside a RETURNING,
    and an unqualified ``user_id = user_id`` would compare the users' column with itself."""
    return (
        select(column)
        .where(literal_column("users.user_id") == literal_column("subscriptions.user_id"))
        .scalar_subquery()
    )


def claim_statement(now: datetime, holder: str, until: datetime, limit: int) -> Any:
    """The whole claim: ``UPDATE … FROM due RETURNING`` the rows and their users' stored
    languages."""
    due = claim_query(now, limit).cte("due")
    return (
        update(Subscription)
        .where(Subscription.user_id == due.c.user_id)
        .values(claimed_by=holder, claimed_until=until)
        .returning(
            Subscription.user_id,
            Subscription.sign,
            Subscription.push_time,
            Subscription.timezone,
            Subscription.state,
            Subscription.paused_until,
            Subscription.next_due,
            Subscription.failing_since,
            _stored(User.language),
            _stored(User.detected_language),
        )
        .execution_options(synchronize_session=False)
    )


async def claim_due(
    session: AsyncSession, *, now: datetime, holder: str, until: datetime, limit: int
) -> list[ClaimedRow]:
    """Claim up to ``limit`` due rows, earliest first, for ``holder`` until ``until``; with
    their users' stored languages, in one statement.

    On PostgreSQL the claim's transaction commits without waiting for its WAL to reach the
    disk (``synchronous_commit = off``, this transaction only): a claim is a lease that runs
    out by itself, so one lost in a server crash only makes its rows claimable again, and
    what makes a push go out once is the delivery record, whose commit does wait."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    result = await session.execute(claim_statement(now, holder, until, limit))
    # The RETURNING's columns are ClaimedRow's fields, in order; next_due is never NULL
    # (claimed because next_due <= now).
    rows = [ClaimedRow(*row) for row in result]
    rows.sort(key=lambda row: row.next_due)
    return rows


async def extend_claims(
    session: AsyncSession, holder: str, user_ids: Sequence[int], until: datetime
) -> int:
    """Keep holding rows still being worked on (the lease's heartbeat)."""
    changed = 0
    for chunk in _chunks(list(user_ids)):
        result = await session.execute(
            update(Subscription)
            .where(Subscription.user_id.in_(chunk), Subscription.claimed_by == holder)
            .values(claimed_until=until)
        )
        changed += int(getattr(result, "rowcount", 0) or 0)
    return changed


async def release_claims(session: AsyncSession, holder: str, user_ids: Sequence[int]) -> int:
    """Give rows back untouched (a graceful stop): their ``next_due`` stands, so the next
    sender takes them at once."""
    changed = 0
    for chunk in _chunks(list(user_ids)):
        result = await session.execute(
            update(Subscription)
            .where(Subscription.user_id.in_(chunk), Subscription.claimed_by == holder)
            .values(claimed_by=None, claimed_until=None)
        )
        changed += int(getattr(result, "rowcount", 0) or 0)
    return changed


async def hold_claim(session: AsyncSession, holder: str, user_id: int, until: datetime) -> bool:
    """Keep one row claimed until ``until`` and stop working on it (another sender's send
    of it is in flight: look again when that reservation would be stale)."""
    result = await session.execute(
        update(Subscription)
        .where(Subscription.user_id == user_id, Subscription.claimed_by == holder)
        .values(claimed_until=until)
    )
    return bool(getattr(result, "rowcount", 0))


async def reschedule(
    session: AsyncSession,
    holder: str,
    user_id: int,
    *,
    next_due: datetime | None,
    now: datetime,
    failing_since: datetime | None = None,
    activate: bool = False,
) -> bool:
    """Move a claimed row's ``next_due`` and clear the claim, nothing sent (not yet due after
    all, still paused, a retry later). Only while ``holder`` still holds it: a user's change
    in the meantime (which clears the claim) wins."""
    values: dict[str, Any] = {
        "next_due": next_due,
        "claimed_by": None,
        "claimed_until": None,
        "failing_since": failing_since,
        "updated_at": now,
    }
    if activate:
        values.update(state="active", paused_until=None)
    result = await session.execute(
        update(Subscription)
        .where(Subscription.user_id == user_id, Subscription.claimed_by == holder)
        .values(**values)
    )
    return bool(getattr(result, "rowcount", 0))


# -- delivery records -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reservation:
    """``reserved``: this sender may send now (``delivery_id``); ``done``: the local date was
    already sent, given up or found blocked; ``busy``: another sender's send is in flight."""

    outcome: str  # reserved | done | busy
    delivery_id: int | None = None
    status: str | None = None


async def reserve_delivery(
    session: AsyncSession,
    *,
    user_id: int,
    local_date: date,
    due_at: datetime,
    holder: str,
    now: datetime,
    stale_before: datetime,
) -> Reservation:
    """Reserve (user, local date) for a send right now: a new ``sending`` row, or this
    sender's own one again, or another sender's that went stale (reserved before
    ``stale_before``: it died, or its request is long over). Call in a transaction."""
    inserted = await session.execute(
        _insert(session, PushDelivery)
        .values(
            user_id=user_id,
            local_date=local_date,
            status=SENDING,
            reason=holder,
            due_at=due_at,
            finished_at=now,
        )
        .on_conflict_do_nothing(index_elements=[PushDelivery.user_id, PushDelivery.local_date])
        .returning(PushDelivery.id)
    )
    delivery_id = inserted.scalar_one_or_none()
    if delivery_id is not None:
        return Reservation("reserved", delivery_id)
    return await _retake(
        session,
        user_id=user_id,
        local_date=local_date,
        holder=holder,
        now=now,
        stale_before=stale_before,
    )


@dataclass(frozen=True, slots=True)
class Reserve:
    """A (user, local date) to reserve (:func:`reserve_deliveries`)."""

    user_id: int
    local_date: date
    due_at: datetime


async def reserve_deliveries(
    session: AsyncSession,
    *,
    items: Sequence[Reserve],
    holder: str,
    now: datetime,
    stale_before: datetime,
) -> list[Reservation]:
    """:func:`reserve_delivery` for many at once, in the caller's one transaction: one
    multi-row INSERT … ON CONFLICT DO NOTHING per chunk; only those already recorded take
    :func:`reserve_delivery`'s other steps, one by one. In ``items``' order."""
    got: dict[tuple[int, date], int] = {}
    for chunk in _chunks(items):
        if len({(item.user_id, item.local_date) for item in chunk}) < len(chunk):
            break  # the same key twice: one by one below
        inserted = await session.execute(
            _insert(session, PushDelivery)
            .values(
                [
                    {
                        "user_id": item.user_id,
                        "local_date": item.local_date,
                        "status": SENDING,
                        "reason": holder,
                        "due_at": item.due_at,
                        "finished_at": now,
                    }
                    for item in chunk
                ]
            )
            .on_conflict_do_nothing(index_elements=[PushDelivery.user_id, PushDelivery.local_date])
            .returning(PushDelivery.id, PushDelivery.user_id, PushDelivery.local_date)
        )
        got.update({(user_id, day): delivery_id for delivery_id, user_id, day in inserted})
    out = []
    for item in items:
        delivery_id = got.pop((item.user_id, item.local_date), None)
        if delivery_id is not None:
            out.append(Reservation("reserved", delivery_id))
            continue
        out.append(
            await reserve_delivery(
                session,
                user_id=item.user_id,
                local_date=item.local_date,
                due_at=item.due_at,
                holder=holder,
                now=now,
                stale_before=stale_before,
            )
        )
    return out


async def _retake(
    session: AsyncSession,
    *,
    user_id: int,
    local_date: date,
    holder: str,
    now: datetime,
    stale_before: datetime,
) -> Reservation:
    retaken = await session.execute(
        update(PushDelivery)
        .where(
            PushDelivery.user_id == user_id,
            PushDelivery.local_date == local_date,
            PushDelivery.status == SENDING,
            or_(PushDelivery.reason == holder, PushDelivery.finished_at < stale_before),
        )
        .values(reason=holder, finished_at=now)
        .returning(PushDelivery.id)
    )
    delivery_id = retaken.scalar_one_or_none()
    if delivery_id is not None:
        return Reservation("reserved", delivery_id)
    status = (
        await session.execute(
            select(PushDelivery.status).where(
                PushDelivery.user_id == user_id, PushDelivery.local_date == local_date
            )
        )
    ).scalar_one_or_none()
    return Reservation("busy" if status == SENDING else "done", None, status)


def _ours(holder: str, *delivery: Any) -> Any:
    """The delivery records ``delivery`` selects that are still ``holder``'s reservations."""
    return and_(*delivery, PushDelivery.status == SENDING, PushDelivery.reason == holder)


async def renew_reservation(
    session: AsyncSession, delivery_id: int, holder: str, now: datetime
) -> bool:
    """Before another attempt of the same message (after a 429 pause): still ours?"""
    result = await session.execute(
        update(PushDelivery)
        .where(_ours(holder, PushDelivery.id == delivery_id))
        .values(finished_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


async def cancel_reservation(session: AsyncSession, delivery_id: int, holder: str) -> bool:
    """Nothing was delivered (a stop during a 429 pause, a network error): drop this
    sender's reservation, so a later attempt reserves afresh."""
    result = await session.execute(
        delete(PushDelivery).where(_ours(holder, PushDelivery.id == delivery_id))
    )
    return bool(getattr(result, "rowcount", 0))


async def finish_delivery(
    session: AsyncSession,
    *,
    delivery_id: int,
    holder: str,
    status: str,
    reason: str | None,
    user_id: int,
    next_due: datetime | None,
    now: datetime,
    stop: bool = False,
) -> bool:
    """Record the outcome (``sent`` / ``failed`` / ``blocked``) and, in the same transaction,
    move the subscription on: ``next_due`` (the next local date), the claim and any failure
    streak cleared, a pause that has run out ended; ``stop``: the chat is gone, the
    subscription stops. False if the reservation was no longer ours (then nothing is
    changed: the sender that took it over records it)."""
    result = await session.execute(
        update(PushDelivery)
        .where(_ours(holder, PushDelivery.id == delivery_id))
        .values(status=status, reason=reason, finished_at=now)
    )
    if not getattr(result, "rowcount", 0):
        return False
    values: dict[str, Any] = {
        "claimed_by": None,
        "claimed_until": None,
        "failing_since": None,
        "updated_at": now,
    }
    if stop:
        values.update(state="stopped", stop_reason=BLOCKED, next_due=None, paused_until=None)
    else:
        values.update(next_due=next_due, state="active", paused_until=None)
    # Stopping: whatever the row is now, the chat is gone. Moving on: only the row as this
    # sender claimed it; a user who changed the subscription meantime (their write cleared
    # the claim) keeps what they chose.
    owned = Subscription.user_id == user_id
    if not stop:
        owned = and_(owned, Subscription.claimed_by == holder)
    await session.execute(update(Subscription).where(owned).values(**values))
    return True


@dataclass(frozen=True, slots=True)
class Sent:
    """A message Telegram accepted, to record (:func:`finish_sent`)."""

    delivery_id: int
    user_id: int
    next_due: datetime | None


async def finish_sent(
    session: AsyncSession, *, holder: str, sent: Sequence[Sent], now: datetime
) -> set[int]:
    """:func:`finish_delivery` with status ``sent`` for many messages at once, in the
    caller's one transaction: per chunk, one UPDATE of the delivery records (only those still
    this sender's reservations) and one executemany moving their subscriptions on (only rows
    this sender still holds: a user's change meantime wins). The sender records what its
    sends in flight delivered together, so a message costs one transaction (its
    reservation) plus a share of one. Returns the delivery ids recorded."""
    recorded: set[int] = set()
    table: Table = Subscription.__table__  # type: ignore[assignment]
    move_on = (
        update(table)
        .where(table.c.user_id == bindparam("b_user"), table.c.claimed_by == holder)
        .values(
            next_due=bindparam("b_next_due", type_=table.c.next_due.type),
            claimed_by=None,
            claimed_until=None,
            failing_since=None,
            updated_at=now,
            state="active",
            paused_until=None,
        )
    )
    for chunk in _chunks(sent):
        by_id = {item.delivery_id: item for item in chunk}
        result = await session.execute(
            update(PushDelivery)
            .where(_ours(holder, PushDelivery.id.in_(list(by_id))))
            .values(status=SENT, reason=None, finished_at=now)
            .returning(PushDelivery.id)
            .execution_options(synchronize_session=False)
        )
        ours = [by_id[delivery_id] for (delivery_id,) in result]
        if ours:
            await session.execute(
                move_on,
                [{"b_user": item.user_id, "b_next_due": item.next_due} for item in ours],
            )
            recorded.update(item.delivery_id for item in ours)
    return recorded


async def prune_deliveries(session: AsyncSession, before: datetime) -> int:
    """Delete delivery records finished before ``before`` (30 days: a local date that old
    can never be due again)."""
    result = await session.execute(delete(PushDelivery).where(PushDelivery.finished_at < before))
    return int(getattr(result, "rowcount", 0) or 0)


# -- the sender's lease ----------------------------------------------------------------------


async def acquire_lease(
    session: AsyncSession, name: str, holder: str, *, now: datetime, until: datetime
) -> bool:
    """Take the lease ``name`` if it is free, expired or already ours, until ``until``;
    True if ``holder`` holds it now. Renewing is acquiring again."""
    stmt = _insert(session, Lease).values(name=name, holder=holder, expires_at=until)
    stmt = stmt.on_conflict_do_update(
        index_elements=[Lease.name],
        set_={"holder": stmt.excluded.holder, "expires_at": stmt.excluded.expires_at},
        where=or_(Lease.holder == holder, Lease.expires_at < now),
    ).returning(Lease.holder)
    result = await session.execute(stmt)
    return result.scalar_one_or_none() == holder


async def release_lease(session: AsyncSession, name: str, holder: str) -> bool:
    result = await session.execute(delete(Lease).where(Lease.name == name, Lease.holder == holder))
    return bool(getattr(result, "rowcount", 0))


# -- counts: /metrics -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Backlog:
    due: int  # rows due now (next_due <= now), claimed or not
    oldest_due: datetime | None  # the earliest of them


async def push_backlog(session: AsyncSession, now: datetime) -> Backlog:
    """How many pushes are due and not yet delivered, and since when (the lag): an index
    range scan on ``ix_subscriptions_next_due``."""
    result = await session.execute(
        select(func.count(), func.min(Subscription.next_due)).where(Subscription.next_due <= now)
    )
    count, oldest = result.one()
    return Backlog(int(count), oldest)


async def subscriber_languages(session: AsyncSession) -> set[str]:
    """The stored languages (chosen, else detected) of users with a subscription that will
    deliver: the daily job writes these ahead even for users not seen lately."""
    result = await session.execute(
        select(func.coalesce(User.language, User.detected_language))
        .join(Subscription, Subscription.user_id == User.user_id)
        .where(Subscription.next_due.is_not(None))
        .distinct()
    )
    return {code for (code,) in result if code}


async def subscriber_zones(session: AsyncSession) -> set[str]:
    """The IANA zones of subscriptions that will deliver (a few hundred at most)."""
    result = await session.execute(
        select(Subscription.timezone).where(Subscription.next_due.is_not(None)).distinct()
    )
    return {zone for (zone,) in result}
