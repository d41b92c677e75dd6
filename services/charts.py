"""The /stats picture: views per sign as a horizontal grouped bar chart, rendered to PNG.

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

FONT = "DejaVu Sans"
WIDTH_IN, HEIGHT_IN, DPI = 8.0, 6.0, 120  # 960 x 720 pixels
CURRENT_COLOUR = "#5b4bdb"
BASELINE_COLOUR = "#c9c3f2"

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


def render_views_chart(data: ChartData) -> bytes:
    """A PNG (960x720) comparing ``current`` with ``baseline`` for each label."""
    if not (len(data.labels) == len(data.current) == len(data.baseline)):
        raise ValueError("labels, current and baseline must have the same length")
    # Imported on first use, in the worker thread: matplotlib and numpy are ~60 MB of RSS the
    # bot would otherwise carry for its whole life for a command admins use a few times a
    # day (benchmarks/e2e.py's peak-RSS goal). The first chart pays ~0.7 s for the import.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with _render_lock:
        # Fixed margins, not a layout engine: constrained layout measures every text twice
        # and doubled the render time. The left margin fits "♐ Sagittarius" / "♏ Скорпион".
        figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
        FigureCanvasAgg(figure)
        figure.subplots_adjust(left=0.17, right=0.97, top=0.86, bottom=0.09)
        axes = figure.add_subplot()
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
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", facecolor="white")
        return buffer.getvalue()


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
