"""A daily local time across daylight-saving changes: the rule (services/local_time.py) and
the midnight job's trigger that follows it. No waiting: fire times are computed."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from apscheduler.triggers.base import BaseTrigger

from services.local_time import next_local_occurrence
from services.scheduler import JOB_ID, get_scheduler

HAVANA = ZoneInfo("America/Havana")
NEW_YORK = ZoneInfo("America/New_York")
MOSCOW = ZoneInfo("Europe/Moscow")

# (zone, time, from, the local fire times one after another)
CASES = [
    pytest.param(
        HAVANA,
        time(0, 0),
        datetime(2027, 3, 12, 12, tzinfo=HAVANA),
        # 14 March 2027 begins at 01:00: the job runs then, not on the 15th.
        ["2027-03-13 00:00-05:00", "2027-03-14 01:00-04:00", "2027-03-15 00:00-04:00"],
        id="havana-spring-midnight-missing",
    ),
    pytest.param(
        HAVANA,
        time(0, 0),
        datetime(2027, 11, 5, 12, tzinfo=HAVANA),
        # At 01:00 CDT on 7 November the clock goes back to 00:00: midnight happens twice.
        ["2027-11-06 00:00-04:00", "2027-11-07 00:00-04:00", "2027-11-08 00:00-05:00"],
        id="havana-fall-midnight-twice",
    ),
    pytest.param(
        NEW_YORK,
        time(2, 30),
        datetime(2027, 3, 12, 12, tzinfo=NEW_YORK),
        ["2027-03-13 02:30-05:00", "2027-03-14 03:00-04:00", "2027-03-15 02:30-04:00"],
        id="new-york-spring-0230-missing",
    ),
    pytest.param(
        NEW_YORK,
        time(1, 30),
        datetime(2027, 11, 5, 12, tzinfo=NEW_YORK),
        ["2027-11-06 01:30-04:00", "2027-11-07 01:30-04:00", "2027-11-08 01:30-05:00"],
        id="new-york-fall-0130-twice",
    ),
    pytest.param(
        NEW_YORK,
        time(0, 0),
        datetime(2027, 3, 12, 12, tzinfo=NEW_YORK),
        # Midnight exists once on each of these days, the change included (APScheduler 3.11's
        # CronTrigger, asked after the 14th's run, still skips to the 16th).
        ["2027-03-13 00:00-05:00", "2027-03-14 00:00-05:00", "2027-03-15 00:00-04:00"],
        id="new-york-spring-midnight-exists",
    ),
    pytest.param(
        MOSCOW,
        time(0, 0),
        datetime(2027, 6, 1, 12, tzinfo=MOSCOW),
        ["2027-06-02 00:00+03:00", "2027-06-03 00:00+03:00", "2027-06-04 00:00+03:00"],
        id="moscow-ordinary",
    ),
]


def local(instant: datetime, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).isoformat(sep=" ", timespec="minutes")


def job_trigger(zone: ZoneInfo, at: time) -> BaseTrigger:
    """The trigger the bot's scheduler puts the midnight job on."""
    job = get_scheduler(timezone=zone.key, at=at).get_job(JOB_ID)
    assert job is not None
    trigger: BaseTrigger = job.trigger
    return trigger


def trigger_fires(trigger: BaseTrigger, start: datetime) -> Iterator[datetime]:
    """Fire times as a running scheduler asks for them: after each fire, ``now`` is that fire
    time and the previous fire time is passed back."""
    previous: datetime | None = None
    now = start
    while True:
        fire: datetime | None = trigger.get_next_fire_time(previous, now)
        assert fire is not None
        yield fire
        previous = now = fire


def occurrences(zone: ZoneInfo, at: time, start: datetime) -> Iterator[datetime]:
    """The rule's instants from ``start`` on; each is checked to be in UTC."""
    after = start - timedelta(microseconds=1)
    while True:
        after = next_local_occurrence(at, zone, after)
        assert after.tzinfo is UTC
        yield after


Fires = Callable[[datetime], Iterator[datetime]]
Follower = Callable[[ZoneInfo, time], Fires]


def rule(zone: ZoneInfo, at: time) -> Fires:
    """services/local_time.py's answers, one after another."""
    return functools.partial(occurrences, zone, at)


def job(zone: ZoneInfo, at: time) -> Fires:
    """The midnight job's trigger, asked as a running scheduler asks it."""
    return functools.partial(trigger_fires, job_trigger(zone, at))


# Every check below holds for the rule and for the job's trigger that must follow it.
FOLLOWERS = [pytest.param(rule, id="rule"), pytest.param(job, id="job")]


def take(count: int, items: Iterator[datetime]) -> list[datetime]:
    return [next(items) for _ in range(count)]


@pytest.mark.parametrize("follower", FOLLOWERS)
@pytest.mark.parametrize(("zone", "at", "start", "expected"), CASES)
def test_a_missing_time_runs_at_the_jump_and_a_repeated_one_once(
    follower: Follower,
    zone: ZoneInfo,
    at: time,
    start: datetime,
    expected: list[str],
) -> None:
    got = take(len(expected), follower(zone, at)(start))
    assert [local(instant, zone) for instant in got] == expected


def test_a_scheduler_started_the_day_before_havanas_spring_change_runs_on_the_day() -> None:
    # What the bot logged on 13 March 2027 as next_generation: 2027-03-15 00:00-04:00.
    trigger = job_trigger(HAVANA, time(0, 0))
    fire = trigger.get_next_fire_time(None, datetime(2027, 3, 13, 9, 30, tzinfo=HAVANA))
    assert fire is not None and local(fire, HAVANA) == "2027-03-14 01:00-04:00"
    assert fire.tzinfo == HAVANA  # logged and shown to admins in TIMEZONE


def test_on_ordinary_days_the_cron_trigger_decides() -> None:
    trigger = job_trigger(MOSCOW, time(0, 0))
    cron = trigger.cron  # the CronTrigger the DailyTrigger holds to the DST rule
    fires = take(365, trigger_fires(trigger, datetime(2027, 1, 1, 12, tzinfo=MOSCOW)))
    assert fires == take(365, trigger_fires(cron, datetime(2027, 1, 1, 12, tzinfo=MOSCOW)))
    assert {fire.astimezone(MOSCOW).time() for fire in fires} == {time(0, 0)}
    assert str(trigger) == "daily[00:00:00 Europe/Moscow]"


def test_now_itself_may_be_the_next_fire_time() -> None:
    midnight = datetime(2027, 6, 2, tzinfo=MOSCOW)
    assert job_trigger(MOSCOW, time(0, 0)).get_next_fire_time(None, midnight) == midnight
    assert next_local_occurrence(time(0, 0), MOSCOW, midnight) == midnight.astimezone(
        UTC
    ) + timedelta(days=1)


def test_the_rule_wants_an_aware_instant() -> None:
    with pytest.raises(ValueError, match="aware"):
        next_local_occurrence(time(0, 0), MOSCOW, datetime(2027, 1, 1))


# -- every zone, a whole year -------------------------------------------------------------------
# Between its offset changes a zone's days are all alike, so the check walks every local date
# of the few days around each change of every zone in YEAR (and a quiet week in each zone).

YEAR = 2027
TIMES = [time(0, 0), time(2, 30)]


@functools.cache
def windows(key: str) -> tuple[tuple[date, date], ...]:
    """Ranges of local dates to walk in zone ``key``: around each offset change in YEAR."""
    zone = ZoneInfo(key)
    first = datetime(YEAR, 1, 1, tzinfo=UTC)
    offsets = [(first + timedelta(days=n)).astimezone(zone).utcoffset() for n in range(366)]
    spans = [(date(YEAR, 6, 1), date(YEAR, 6, 7))]
    for n in range(365):
        if offsets[n] != offsets[n + 1]:
            day = first.date() + timedelta(days=n)
            spans.append((day - timedelta(days=2), day + timedelta(days=3)))
    return tuple(spans)


def check_one_run_per_local_date(zone: ZoneInfo, at: time, fires: Fires) -> None:
    """Each local date gets exactly one run, none is skipped, and no run comes before the
    instant the requested wall time would have (its first occurrence, or the jump)."""
    for first_day, last_day in windows(zone.key):
        start = datetime.combine(first_day, time(0, 0), zone).astimezone(UTC) - timedelta(days=1)
        seen: list[date] = []
        for fire in fires(start):
            day = fire.astimezone(zone).date()
            if day < first_day:
                continue
            if day > last_day:
                break
            seen.append(day)
            wall = datetime.combine(day, at)
            earliest = min(wall.replace(tzinfo=zone, fold=f).astimezone(UTC) for f in (0, 1))
            assert fire >= earliest, (zone.key, at, fire)
        days = [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]
        assert seen == days, (zone.key, at, sorted(set(days) ^ set(seen)))


def test_the_walk_covers_the_changes() -> None:
    changing = [key for key in available_timezones() if len(windows(key)) > 1]
    assert len(changing) > 100  # about 200 zones change their offset in 2027
    assert {"America/Havana", "America/New_York", "America/Santiago", "Africa/Cairo"} <= set(
        changing
    )
    assert len(windows("America/Havana")) == 3 and len(windows("Asia/Tokyo")) == 1


@pytest.mark.parametrize("follower", FOLLOWERS)
@pytest.mark.parametrize("at", TIMES, ids=str)
def test_in_every_zone_each_local_date_gets_one_run(follower: Follower, at: time) -> None:
    for key in sorted(available_timezones()):
        zone = ZoneInfo(key)
        check_one_run_per_local_date(zone, at, follower(zone, at))
