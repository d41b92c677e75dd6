"""The /stats chart and the numbers behind it."""

from __future__ import annotations

import struct
import zlib
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.i18n import Translator, load_core, shipped_languages
from bot.routers.admin import parse_period, stats_caption, stats_chart
from services.charts import ChartData, DailyBarsData, render_views_chart
from services.push_stats import SubscriberHistory
from services.shares import ShareStats
from services.stats import ViewHistory, period_stats
from services.zodiac import ZodiacSign

SIGNS = [s.value for s in ZodiacSign]
TODAY = date(2026, 6, 15)
ARTIFACTS = Path(__file__).parent / "artifacts"


def png_size(data: bytes) -> tuple[int, int]:
    """Check the PNG signature, the IHDR chunk's CRC and that the image data inflates."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    ihdr = data[16:29]
    assert struct.unpack(">I", data[29:33])[0] == zlib.crc32(b"IHDR" + ihdr)
    width, height = struct.unpack(">II", ihdr[:8])
    idat, pos = b"", 8
    while pos < len(data):
        size, name = struct.unpack(">I4s", data[pos : pos + 8])
        if name == b"IDAT":
            idat += data[pos + 8 : pos + 8 + size]
        pos += 12 + size
    assert len(zlib.decompress(idat)) > width * height  # one filter byte per row, 3+ per pixel
    return width, height


def history() -> ViewHistory:
    def ago(days: int) -> date:
        return TODAY - timedelta(days=days)

    counts = {
        ("leo", TODAY): 5,
        ("aries", TODAY): 2,
        ("pisces", TODAY): 1,
        ("leo", ago(1)): 3,
        ("virgo", ago(1)): 3,
        ("aries", ago(3)): 7,
        ("gemini", ago(10)): 14,
        ("cancer", ago(40)): 9,
    }
    return ViewHistory(TODAY, counts)


def test_today_against_the_previous_seven_days() -> None:
    stats = period_stats(history(), 1, SIGNS)
    assert stats.total == 8 and stats.previous_total == 6 and stats.change == 2
    assert stats.change_percent == pytest.approx(33.33, abs=0.01)
    assert (stats.today_total, stats.week_total, stats.month_total) == (8, 21, 35)
    assert stats.current["leo"] == 5 and stats.current["taurus"] == 0
    assert stats.baseline["leo"] == pytest.approx(3 / 7)
    assert stats.baseline["aries"] == pytest.approx(1.0)
    assert stats.most_and_least(SIGNS) == (("leo", 5), ("taurus", 0))


def test_seven_and_thirty_days_against_the_period_before() -> None:
    week = period_stats(history(), 7, SIGNS)
    assert (week.total, week.previous_total) == (21, 14)
    assert week.baseline["gemini"] == 14 and week.current["aries"] == 9
    month = period_stats(history(), 30, SIGNS)
    assert (month.total, month.previous_total, month.change) == (35, 9, 26)
    with pytest.raises(ValueError):
        period_stats(history(), 14, SIGNS)


def test_an_empty_period_and_no_yesterday() -> None:
    only_old = ViewHistory(TODAY, {("leo", TODAY - timedelta(days=45)): 3})
    assert period_stats(only_old, 1, SIGNS).empty
    assert not period_stats(only_old, 30, SIGNS).empty  # the 30 days before hold the views
    first_day = period_stats(ViewHistory(TODAY, {("leo", TODAY): 2}), 1, SIGNS)
    assert first_day.change_percent is None
    assert "Today: <b>2</b> views (+2 vs yesterday)" in stats_caption(first_day, EN)


EN = Translator(load_core("en"), "en")


def test_parse_period() -> None:
    assert [parse_period(a) for a in (None, "", " 7 ", "30", "30d", "14", "x", "-7")] == [
        1, 1, 7, 30, 30, None, None, None,
    ]  # fmt: skip


@pytest.mark.parametrize("language", shipped_languages())
def test_the_chart_is_a_valid_png(language: str) -> None:
    strings = Translator(load_core(language), language)
    for period in (1, 7, 30):
        data = stats_chart(period_stats(history(), period, SIGNS), strings)
        assert len(data.labels) == 12 and data.labels[0].startswith("♈ ")
        assert png_size(render_views_chart(data)) == (960, 720)


def test_the_chart_refuses_mismatched_series() -> None:
    with pytest.raises(ValueError):
        render_views_chart(ChartData("t", ["a", "b"], [1], [1, 2], "x", "y", "z"))


def share_stats() -> ShareStats:
    """Two weeks of shares: chosen results and users who came through a link on a few days."""
    first = TODAY - timedelta(days=13)
    by_day = {
        TODAY: {"inline_chosen": 4, "referred_user": 2, "deep_link_start": 5},
        TODAY - timedelta(days=1): {"inline_chosen": 1},
        TODAY - timedelta(days=9): {"inline_chosen": 6, "referred_user": 3},
    }
    return ShareStats(first, TODAY, by_day)


@pytest.mark.parametrize("language", shipped_languages())
def test_shares_per_day_are_a_panel_of_the_chart(language: str) -> None:
    strings = Translator(load_core(language), language)
    shares = share_stats()
    data = stats_chart(period_stats(history(), 7, SIGNS), strings, shares=shares)
    assert data.daily is not None and data.series is None
    assert len(data.daily.labels) == 14
    (chosen_label, chosen), (referred_label, referred) = data.daily.bars
    assert chosen_label == strings.get("chart-shares-chosen") != referred_label
    assert chosen == [0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 1, 4]
    assert referred == [0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 2]
    assert png_size(render_views_chart(data)) == (960, 1032)

    # With the subscribers too: both panels, shares lowest.
    subscribers = SubscriberHistory(shares.days, [None] * 10 + [3, 4, 4, 5])
    both = stats_chart(period_stats(history(), 7, SIGNS), strings, subscribers, shares)
    assert both.series is not None and both.daily is not None
    png = render_views_chart(both)
    assert png_size(png) == (960, 1344)
    if language == "en":  # for a person to look at (tests/artifacts/, git-ignored)
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "stats-chart-shares.png").write_bytes(png)

    # No shares in those two weeks: no panel.
    none = stats_chart(
        period_stats(history(), 7, SIGNS), strings, shares=ShareStats(TODAY, TODAY, {})
    )
    assert none.daily is None


def test_the_caption_sums_the_periods_shares_only() -> None:
    strings = Translator(load_core("en"), "en")
    shares = share_stats()  # two weeks, as loaded for the chart
    today = stats_caption(period_stats(history(), 1, SIGNS), strings, shares=shares)
    assert "Shared: 4 · opened through a link: 5 · new users through a link: 2" in today
    week = stats_caption(period_stats(history(), 7, SIGNS), strings, shares=shares)
    assert "Shared: 5 · opened through a link: 5 · new users through a link: 2" in week
    month = stats_caption(period_stats(history(), 30, SIGNS), strings, shares=shares)
    assert "Shared: 11 · opened through a link: 5 · new users through a link: 5" in month


def test_daily_bars_need_a_label_per_day() -> None:
    daily = DailyBarsData("t", ["a", "b"], [("x", [1, 2]), ("y", [1])])
    with pytest.raises(ValueError):
        render_views_chart(ChartData("t", ["a"], [1], [1], "x", "y", "z", daily=daily))
