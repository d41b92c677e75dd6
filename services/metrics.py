"""Prometheus metrics, read from the services' own counters at scrape time.

The hot path only increments plain integers; nothing here runs until /metrics is asked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from services.cold_taps import ColdTaps
from services.horoscope_cache import HoroscopeCacheService
from services.push import PushEngine
from services.shares import Counter, ShareCounter

#: Sharing's totals since start: (metric name, ShareCounter key, help).
SHARE_METRICS = (
    ("zodiac_inline_queries", "inline_query", "Inline queries received"),
    ("zodiac_inline_answers", "inline_answer", "Inline queries answered"),
    ("zodiac_inline_chosen", Counter.CHOSEN.value, "Inline results chosen (posted)"),
    ("zodiac_deep_link_starts", Counter.DEEP_LINK.value, "/start through a sign's deep link"),
    (
        "zodiac_referred_users",
        Counter.REFERRED.value,
        "New users whose first /start came through a shared link",
    ),
)


class ZodiacCollector(Collector):
    def __init__(
        self,
        cache: HoroscopeCacheService,
        updates: Callable[[], Mapping[str, int]],
        cold_taps: ColdTaps | None = None,
        statements: Callable[[], int] | None = None,
        shares: ShareCounter | None = None,
        push: Callable[[], PushEngine | None] | None = None,
    ) -> None:
        self._push = push
        self._cache = cache
        self._shares = shares
        self._updates = updates
        self._cold_taps = cold_taps
        self._statements = statements

    def collect(self) -> Iterator[Metric]:
        counters = self._cache.counters
        views = self._cache.views

        updates = CounterMetricFamily(
            "zodiac_updates_handled", "Telegram updates handled, by type", labels=["type"]
        )
        for kind, count in sorted(self._updates().items()):
            updates.add_metric([kind], count)
        yield updates

        taps = CounterMetricFamily(
            "zodiac_taps", "Horoscopes shown (views counted), by sign", labels=["sign"]
        )
        for sign, count in sorted(views.counted_by_sign.items()):
            taps.add_metric([sign], count)
        yield taps

        cache = CounterMetricFamily(
            "zodiac_cache_lookups", "Cache look-ups by result", labels=["result"]
        )
        cache.add_metric(["hit"], counters.hits)
        cache.add_metric(["miss"], counters.misses)
        yield cache

        generations = CounterMetricFamily(
            "zodiac_generations", "Horoscope generations by outcome", labels=["outcome"]
        )
        for outcome, count in sorted(counters.generations.items()):
            generations.add_metric([outcome], count)
        yield generations
        yield CounterMetricFamily(
            "zodiac_generation_seconds",
            "Total seconds spent generating (all attempts and retry waits)",
            value=counters.generation_seconds,
        )

        llm = CounterMetricFamily("zodiac_llm_calls", "LLM calls by outcome", labels=["outcome"])
        for outcome, count in sorted(counters.llm_calls.items()):
            llm.add_metric([outcome], count)
        yield llm

        yield CounterMetricFamily(
            "zodiac_views_flushed", "Views written to the database", value=views.flushed_total
        )
        yield GaugeMetricFamily(
            "zodiac_views_pending", "Views counted but not yet written", value=views.pending
        )
        yield GaugeMetricFamily(
            "zodiac_view_flush_lag_seconds",
            "Seconds since the last successful view flush while views are pending",
            value=views.flush_lag,
        )
        if self._statements is not None:
            yield CounterMetricFamily(
                "zodiac_db_statements",
                "SQL statements sent to the database (a warm tap sends none)",
                value=self._statements(),
            )
        if self._shares is not None:
            totals = self._shares.totals
            for metric, key, help_text in SHARE_METRICS:
                yield CounterMetricFamily(metric, help_text, value=totals.get(key, 0))
        engine = self._push() if self._push is not None else None
        if engine is not None:
            push = engine.counters
            yield CounterMetricFamily(
                "push_sent", "Daily horoscopes delivered by this process", value=push.sent
            )
            failed = CounterMetricFamily(
                "push_failed",
                "Daily pushes not delivered, by reason (blocked: the chat is gone and the "
                "subscription stopped; others: that local date given up)",
                labels=["reason"],
            )
            for reason, count in sorted(push.failed.items()):
                failed.add_metric([reason], count)
            yield failed
            yield GaugeMetricFamily(
                "push_backlog",
                "Subscriptions due now and not yet delivered (refreshed every few seconds)",
                value=push.backlog,
            )
            yield GaugeMetricFamily(
                "push_lag_seconds",
                "How late the oldest due push is, in seconds (0 with no backlog)",
                value=push.lag(engine.clock.utc_now()),
            )
        if self._cold_taps is not None:
            yield GaugeMetricFamily(
                "zodiac_cold_taps_waiting",
                "Taps waiting for a horoscope being written (at most MAX_COLD_TAPS)",
                value=len(self._cold_taps),
            )
            yield CounterMetricFamily(
                "zodiac_cold_taps_refused",
                "Cold taps told to try again: past MAX_COLD_TAPS or during a stop",
                value=self._cold_taps.refused,
            )


def create_registry(
    cache: HoroscopeCacheService,
    updates: Callable[[], Mapping[str, int]],
    cold_taps: ColdTaps | None = None,
    statements: Callable[[], int] | None = None,
    shares: ShareCounter | None = None,
    push: Callable[[], PushEngine | None] | None = None,
) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(ZodiacCollector(cache, updates, cold_taps, statements, shares, push))
    return registry


def render(registry: CollectorRegistry) -> bytes:
    return generate_latest(registry)
