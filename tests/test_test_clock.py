"""The suite's own clock tools (tests/conftest.py): they do what the other tests rely on."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import NOON, fixed_clock, host_timezone


def test_host_timezone_is_put_back() -> None:
    before = (os.environ.get("TZ"), time.tzname, time.timezone)
    with host_timezone("Asia/Tokyo"):
        assert time.localtime(0).tm_hour == 9  # 1970-01-01 00:00 UTC is 09:00 in Tokyo
    with host_timezone("UTC"):
        assert time.localtime(0).tm_hour == 0
    assert (os.environ.get("TZ"), time.tzname, time.timezone) == before


def test_a_fixed_clock_says_the_same_day_whatever_the_host_says() -> None:
    clock = fixed_clock()
    assert clock.now() == NOON and str(clock.today()) == "2026-06-15"
    late = fixed_clock(datetime(2026, 12, 31, 21, 0, 30, tzinfo=UTC))  # 00:00:30 in Moscow
    assert str(late.today()) == "2027-01-01"


@pytest.mark.date_sensitive
def test_the_pinned_clock_is_in_force(pytestconfig: pytest.Config) -> None:
    """Run with --pin-clock, the process's clock starts there and ticks on."""
    at = pytestconfig.getoption("--pin-clock")
    if not at:
        pytest.skip("the process clock is not pinned (no --pin-clock)")
    pinned = datetime.fromisoformat(at)
    assert pinned <= datetime.now(UTC) < pinned + timedelta(hours=1)
    assert abs(time.time() - pinned.timestamp()) < 3600
