"""The /stats picture: views per sign as a horizontal grouped bar chart, rendered to PNG;
under it, when there is something to show, a panel of active subscribers per day (a line)
and one of shares per day (grouped bars: inline results chosen, new users through a link).

matplotlib's object-oriented API with the Agg canvas (no pyplot, no GUI backend, no global
figure registry). matplotlib is not thread-safe, so renders are serialised by a lock; callers
run :func:`render_views_chart` in a worker thread (``asyncio.to_thread``) so the event loop
never waits on it. Fonts: DejaVu Sans, which ships inside matplotlib and has the zodiac
glyphs U+2648-U+2653 and Cyrillic, so labels read "♈ Aries" / "♈ Овен" on any machine.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

FONT = "DejaVu Sans"
WIDTH_IN, HEIGHT_IN, DPI = 8.0, 6.0, 120  # 960 x 720 pixels
SERIES_HEIGHT_IN = 2.6  # each panel under the bars adds 312 pixels: 960 x 1032, 960 x 1344
CURRENT_COLOUR = "#5b4bdb"
BASELINE_COLOUR = "#c9c3f2"
SERIES_COLOUR = "#1f9e89"
DAILY_BAR_COLOURS = ("#e07b39", "#3390ec")  # shares, then new users through a link

_render_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class ChartData:
    title: str
    labels: Sequence[str]  # one per bar group, top to bottom, e.g. "♈ Aries"
    current: Sequence[float]
    baseline: Sequence[float]
    current_label: str
    baseline_label: str
    axis_label: str
    series: SeriesData | None = None  # the subscribers panel under the bars
    daily: DailyBarsData | None = None  # the shares panel, under the subscribers


@dataclass(frozen=True, slots=True)
class SeriesData:
    """One count per day, oldest first; None where nothing was counted (drawn as a gap)."""

    title: str
    labels: Sequence[str]  # one per day, e.g. "15 Jun"; only a few are shown
    values: Sequence[int | None]


@dataclass(frozen=True, slots=True)
class DailyBarsData:
    """A few counts per day, oldest first, drawn as a group of bars per day: ``bars`` is
    (legend label, one value per day) for each kind."""

    title: str
    labels: Sequence[str]  # one per day, e.g. "15 Jun"; only a few are shown
    bars: Sequence[tuple[str, Sequence[int]]]


def render_views_chart(data: ChartData) -> bytes:
    """A PNG (960x720; 312 pixels taller for each panel under it) comparing ``current`` with
    ``baseline`` for each label, and the panels under it: the series, the daily bars."""
    if not (len(data.labels) == len(data.current) == len(data.baseline)):
        raise ValueError("labels, current and baseline must have the same length")
    if data.series is not None and len(data.series.labels) != len(data.series.values):
        raise ValueError("a series needs one label per value")
    if data.daily is not None and any(
        len(values) != len(data.daily.labels) for _, values in data.daily.bars
    ):
        raise ValueError("daily bars need one label per value")
    # Imported on first use, in the worker thread: matplotlib and numpy are ~60 MB of RSS the
    # bot would otherwise carry for its whole life for a command admins use a few times a
    # day (benchmarks/e2e.py's peak-RSS goal). The first chart pays ~0.7 s for the import.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with _render_lock:
        # Fixed margins, not a layout engine: constrained layout measures every text twice
        # and doubled the render time. The left margin fits "♐ Sagittarius" / "♏ Скорпион".
        panels = [panel for panel in (data.series, data.daily) if panel is not None]
        extra = SERIES_HEIGHT_IN * len(panels)
        height_in = HEIGHT_IN + extra
        figure = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI)
        FigureCanvasAgg(figure)
        # The bars keep their 6-inch layout at the top; the series panel goes below.
        bottom = (extra + 0.09 * HEIGHT_IN) / height_in
        axes = figure.add_axes((0.17, bottom, 0.80, (0.86 - 0.09) * HEIGHT_IN / height_in))
        rows = range(len(data.labels))
        height = 0.38
        current = axes.barh(
            [r - height / 2 for r in rows],
            data.current,
            height=height,
            color=CURRENT_COLOUR,
            label=data.current_label,
        )
        axes.barh(
            [r + height / 2 for r in rows],
            data.baseline,
            height=height,
            color=BASELINE_COLOUR,
            label=data.baseline_label,
        )
        axes.bar_label(current, labels=[_number(v) for v in data.current], padding=3, fontsize=9)
        axes.set_yticks(list(rows), list(data.labels), fontfamily=FONT, fontsize=11)
        axes.invert_yaxis()  # the first sign on top
        axes.set_xlabel(data.axis_label, fontfamily=FONT)
        axes.set_title(data.title, fontfamily=FONT, fontsize=13, loc="left", pad=26)
        top = max([*data.current, *data.baseline, 1.0])
        axes.set_xlim(0, top * 1.12)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.grid(axis="x", color="#e6e6e6", linewidth=0.8)
        axes.set_axisbelow(True)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        axes.legend(
            loc="lower left",
            bbox_to_anchor=(0.0, 1.0),
            ncols=2,
            borderaxespad=0.2,
            frameon=False,
            prop={"family": FONT, "size": 10},
        )
        for index, panel in enumerate(panels):  # top to bottom, the last one lowest
            # Each panel: 0.45 in of margin at its bottom, the title above.
            box = (0.17, (0.45 + (len(panels) - 1 - index) * SERIES_HEIGHT_IN) / height_in)
            box_size = (0.80, 1.55 / height_in)
            if isinstance(panel, SeriesData):
                _series_panel(figure.add_axes((*box, *box_size)), panel)
            else:
                _daily_panel(figure.add_axes((*box, *box_size)), panel)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", facecolor="white")
        return buffer.getvalue()


def _series_panel(axes: Any, series: SeriesData) -> None:
    """Subscribers per day: a line with a dot per counted day, the last value labelled, a
    date under every few days (at most 8), whole numbers on the axis."""
    days = range(len(series.values))
    values = [float("nan") if v is None else float(v) for v in series.values]
    axes.plot(days, values, color=SERIES_COLOUR, linewidth=2, marker="o", markersize=3.5)
    counted = [(day, v) for day, v in zip(days, series.values, strict=True) if v is not None]
    if counted:
        last_day, last = counted[-1]
        axes.annotate(
            _number(last),
            (last_day, last),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            fontsize=9,
            fontfamily=FONT,
        )
    top = max([v for v in series.values if v is not None] or [0])
    _day_axes(axes, series.title, series.labels, top)


def _daily_panel(axes: Any, daily: DailyBarsData) -> None:
    """Counts per day as a group of thin bars per day, each non-zero bar labelled, the kinds
    in a legend beside the title."""
    count = len(daily.bars)
    width = 0.8 / max(count, 1)
    for index, (label, values) in enumerate(daily.bars):
        shift = (index - (count - 1) / 2) * width
        bars = axes.bar(
            [day + shift for day in range(len(values))],
            values,
            width=width,
            color=DAILY_BAR_COLOURS[index % len(DAILY_BAR_COLOURS)],
            label=label,
        )
        axes.bar_label(bars, labels=[str(v) if v else "" for v in values], padding=1, fontsize=8)
    top = max([v for _, values in daily.bars for v in values] or [0])
    _day_axes(axes, daily.title, daily.labels, top, title_pad=22)
    axes.legend(  # between the title and the bars, as the views' legend
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncols=count,
        borderaxespad=0.2,
        frameon=False,
        prop={"family": FONT, "size": 9},
    )


def _day_axes(
    axes: Any, title: str, labels: Sequence[str], top: float, *, title_pad: float = 8
) -> None:
    """A panel with a day per x position: a date under every few days (at most 8, today
    always), whole numbers up the side, the title at the top left."""
    from matplotlib.ticker import MaxNLocator

    days = range(len(labels))
    step = max(1, -(-len(labels) // 8))  # ceil: at most 8 dates
    ticks = [d for d in days if (len(labels) - 1 - d) % step == 0]
    axes.set_xticks(ticks, [labels[d] for d in ticks], fontfamily=FONT, fontsize=9)
    axes.set_xlim(-0.5, len(labels) - 0.5)
    axes.set_ylim(0, max(top * 1.25, 1.0))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
    axes.tick_params(axis="y", labelsize=9)
    axes.set_title(title, fontfamily=FONT, fontsize=12, loc="left", pad=title_pad)
    axes.grid(axis="y", color="#e6e6e6", linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
