"""HoroscopeCacheService against real databases and a real HTTP LLM stand-in."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db import repositories
from db.engine import create_engine, create_sessionmaker
from db.locks import AdvisoryLocks
from db.models import HoroscopeCache, HoroscopeView
from services.ai import create_ai_service
from services.clock import Clock
from services.config import Settings
from services.horoscope_cache import (
    HoroscopeCacheService,
    Outcome,
    get_horoscope_cache_service,
)
from services.runtime import create_services
from services.zodiac import ZodiacSign
from tests.conftest import NOON, fixed_clock
from tests.standins.openai_api import FakeOpenAI, Reply
from tests.test_bot_e2e import Now


def llm_settings(
    make_settings: Callable[..., Settings], fake_openai: FakeOpenAI, **kw: object
) -> Settings:
    return make_settings(openai_api_key="sk-test", openai_base_url=fake_openai.base_url, **kw)


async def stored(
    sessionmaker: async_sessionmaker[AsyncSession], language: str = "en"
) -> dict[tuple[str, date], str]:
    """(sign, day) -> text of the rows in ``language`` (None: every row, keyed with it)."""
    return {
        (sign, day): text
        for (sign, day, code), text in (await stored_all(sessionmaker)).items()
        if code == language
    }


async def stored_all(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> dict[tuple[str, date, str], str]:
    async with sessionmaker() as session:
        rows = await session.execute(
            select(
                HoroscopeCache.zodiac_sign,
                HoroscopeCache.horoscope_date,
                HoroscopeCache.language,
                HoroscopeCache.content,
            )
        )
        return {(sign, day, language): content for sign, day, language, content in rows}


async def views(
    sessionmaker: async_sessionmaker[AsyncSession], language: str = "en"
) -> dict[tuple[str, date], int]:
    return {
        (sign, day): count
        for (sign, day, code), count in (await views_all(sessionmaker)).items()
        if code == language
    }


async def views_all(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> dict[tuple[str, date, str], int]:
    async with sessionmaker() as session:
        rows = await session.execute(
            select(
                HoroscopeView.zodiac_sign,
                HoroscopeView.view_date,
                HoroscopeView.language,
                HoroscopeView.view_count,
            )
        )
        return {(sign, day, language): count for sign, day, language, count in rows}


async def test_generation_is_one_at_a_time_per_sign_and_signs_do_not_wait_for_each_other(
    make_settings: Callable[..., Settings],
    fake_openai: FakeOpenAI,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """Three /regen-style generations of Leo and one of Virgo at once: Virgo's starts while
    Leo's first is still being written, and never are two of Leo's written at the same time."""
    services = create_services(llm_settings(make_settings, fake_openai), clock=fixed_clock())
    day = services.cache.today()
    fake_openai.gate = asyncio.Event()
    leo = [
        asyncio.create_task(services.cache.ensure(ZodiacSign.LEO, day, "en", force=True))
        for _ in range(3)
    ]
    virgo = asyncio.create_task(services.cache.ensure(ZodiacSign.VIRGO, day, "en", force=True))
    await fake_openai.wait_calls(1, sign=ZodiacSign.LEO)
    await fake_openai.wait_calls(1, sign=ZodiacSign.VIRGO)  # not behind Leo's lock
    assert fake_openai.in_flight == {ZodiacSign.LEO: 1, ZodiacSign.VIRGO: 1}
    fake_openai.gate.set()
    results = await asyncio.gather(*leo, virgo)
    await services.close()
    assert [r.outcome for r in results] == [Outcome.GENERATED] * 4
    assert fake_openai.calls_for(ZodiacSign.LEO) == 3
    assert fake_openai.peak_in_flight == {ZodiacSign.LEO: 1, ZodiacSign.VIRGO: 1}
    texts = await stored(sessionmaker)
    assert set(texts) == {("leo", day), ("virgo", day)}


@pytest.mark.date_sensitive
def test_a_service_serves_stampedes_in_two_event_loops_in_turn() -> None:
    """An asyncio lock binds to the loop it is first contended on; a service must still serve
    a stampede of taps in a second ``asyncio.run`` (CLI commands, scripts)."""
    assert get_horoscope_cache_service() is get_horoscope_cache_service()  # one per process
    now = Now(NOON)
    service = HoroscopeCacheService(
        ai=create_ai_service(None), clock=Clock("Europe/Moscow", now), language="en"
    )

    async def stampede() -> list[str | None]:
        # No database (connection refused): every tap waits on Leo's lock while the first
        # one's read fails, then gets the text kept in memory.
        engine = create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
        try:

            async def tap() -> str | None:
                async with create_sessionmaker(engine)() as session:
                    return await service.get_horoscope(ZodiacSign.LEO, "ru", session)

            return await asyncio.gather(*(tap() for _ in range(5)))
        finally:
            await engine.dispose()

    first = asyncio.run(stampede())
    now.at += timedelta(days=1)  # Leo is cold again
    second = asyncio.run(stampede())
    assert len(set(first)) == 1 and first[0]
    assert len(set(second)) == 1 and second[0] and second[0] != first[0]  # a new day's text
    with pytest.raises(ValueError):  # twelve signs, nothing else is ever let in
        asyncio.run(service.get_horoscope("ophiuchus", "ru", None))  # type: ignore[arg-type]


async def test_cold_stampede_makes_one_llm_call(
    make_settings: Callable[..., Settings],
    fake_openai: FakeOpenAI,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    services = create_services(llm_settings(make_settings, fake_openai), clock=fixed_clock())
    fake_openai.gate = asyncio.Event()

    async def tap() -> str | None:
        async with sessionmaker() as session:
            return await services.cache.get_horoscope("leo", "en", session)

    taps = [asyncio.create_task(tap()) for _ in range(100)]
    await fake_openai.wait_calls(1)
    fake_openai.gate.set()
    answers = await asyncio.gather(*taps)
    await services.close()

    assert len(fake_openai.calls) == 1
    assert len(answers) == 100 and len(set(answers)) == 1 and answers[0]
    rows = await stored(sessionmaker)
    assert list(rows.values()) == [answers[0]]
    assert sum((await views(sessionmaker)).values()) == 100


async def test_two_languages_tapping_one_cold_sign_make_one_call_each(
    make_settings: Callable[..., Settings],
    fake_openai: FakeOpenAI,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """A ru user and an en user tap Leo at the same moment on a cold cache: two LLM calls,
    one per language, and each gets the text written in their own language."""
    services = create_services(llm_settings(make_settings, fake_openai), clock=fixed_clock())
    fake_openai.gate = asyncio.Event()

    async def tap(language: str) -> str | None:
        async with sessionmaker() as session:
            return await services.cache.get_horoscope("leo", language, session)

    ru, en = asyncio.create_task(tap("ru")), asyncio.create_task(tap("en"))
    await fake_openai.wait_calls(1)
    fake_openai.gate.set()
    ru_text, en_text = await asyncio.gather(ru, en)
    # And again, warm: no more calls.
    assert await tap("ru") == ru_text and await tap("en") == en_text
    await services.close()

    assert len(fake_openai.calls) == 2
    assert fake_openai.calls_for(ZodiacSign.LEO, "ru") == 1
    assert fake_openai.calls_for(ZodiacSign.LEO, "en") == 1
    assert ru_text is not None and "for leo in ru." in ru_text
    assert en_text is not None and "for leo in en." in en_text
    today = services.cache.today()
    assert await stored_all(sessionmaker) == {
        ("leo", today, "ru"): ru_text,
        ("leo", today, "en"): en_text,
    }
    assert await views_all(sessionmaker) == {("leo", today, "ru"): 2, ("leo", today, "en"): 2}


async def test_cold_stampedes_in_three_languages_make_one_call_per_language(
    make_settings: Callable[..., Settings],
    fake_openai: FakeOpenAI,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    services = create_services(llm_settings(make_settings, fake_openai))
    fake_openai.gate = asyncio.Event()
    languages = ("ru", "uk", "pt")

    async def tap(language: str) -> tuple[str, str | None]:
        async with sessionmaker() as session:
            return language, await services.cache.get_horoscope("virgo", language, session)

    taps = [asyncio.create_task(tap(languages[i % 3])) for i in range(90)]
    await fake_openai.wait_calls(1)
    fake_openai.gate.set()
    answers = await asyncio.gather(*taps)
    await services.close()
    assert len(fake_openai.calls) == 3
    for language in languages:
        texts = {text for code, text in answers if code == language}
        assert len(texts) == 1 and f"in {language}." in str(texts.pop())


async def test_two_replicas_make_one_call_per_sign_day_and_language(
    database_url: str,
    make_settings: Callable[..., Settings],
    fake_openai: FakeOpenAI,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """Two processes on one PostgreSQL, 40 cold taps of Leo in ru and en spread over both:
    one LLM call per language in all (the advisory lock's key holds the language)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("one process per SQLite file: no replicas")
    replicas = [create_services(llm_settings(make_settings, fake_openai)) for _ in range(2)]
    fake_openai.gate = asyncio.Event()

    async def tap(i: int) -> tuple[str, str | None]:
        language = ("ru", "en")[i % 2]
        async with sessionmaker() as session:
            cache = replicas[(i // 2) % 2].cache
            return language, await cache.get_horoscope("leo", language, session)

    taps = [asyncio.create_task(tap(i)) for i in range(40)]
    await fake_openai.wait_calls(1)
    fake_openai.gate.set()
    answers = await asyncio.gather(*taps)
    for replica in replicas:
        await replica.close()
    assert fake_openai.calls_for(ZodiacSign.LEO, "ru") == 1
    assert fake_openai.calls_for(ZodiacSign.LEO, "en") == 1
    assert len(fake_openai.calls) == 2
    for language in ("ru", "en"):
        assert len({text for code, text in answers if code == language}) == 1


async def test_a_language_not_shipped_is_refused_and_never_remembered(
    make_settings: Callable[..., Settings], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    services = create_services(make_settings())
    assert services.cache.take_warm("leo", "fr") is None
    async with sessionmaker() as session:
        with pytest.raises(ValueError, match="not shipped"):
            await services.cache.get_horoscope("leo", "fr", session)
    with pytest.raises(ValueError, match="not shipped"):
        await services.cache.ensure(ZodiacSign.LEO, services.cache.today(), "fr")
    assert services.cache._memory == {}
    await services.close()


async def test_warm_tap_touches_no_database(
    make_settings: Callable[..., Settings], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    services = create_services(make_settings(), clock=fixed_clock())
    async with sessionmaker() as session:
        first = await services.cache.get_horoscope("aries", "en", session)
    assert services.cache.is_warm("aries", "en")
    assert not services.cache.is_warm("aries", "ru")

    statements: list[str] = []
    from sqlalchemy import event

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(services.engine.sync_engine, "before_cursor_execute", count)
    async with sessionmaker() as session:
        again = [await services.cache.get_horoscope("aries", "en", session) for _ in range(50)]
    event.remove(services.engine.sync_engine, "before_cursor_execute", count)
    await services.close()
    assert again == [first] * 50
    assert statements == []


@pytest.mark.date_sensitive
async def test_k_taps_give_k_views_after_flush_and_after_stop(
    make_settings: Callable[..., Settings], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    services = create_services(make_settings(view_flush_seconds=3600), clock=fixed_clock())
    cache = services.cache
    async with sessionmaker() as session:
        for sign, k in ((ZodiacSign.ARIES, 7), (ZodiacSign.PISCES, 3)):
            for _ in range(k):
                assert await cache.get_horoscope(sign, "en", session)
    assert await cache.views.flush() == 10
    today = cache.today()
    assert await views(sessionmaker) == {("aries", today): 7, ("pisces", today): 3}

    async with sessionmaker() as session:
        for _ in range(5):
            await cache.get_horoscope(ZodiacSign.ARIES, "en", session)
    await services.close()  # graceful stop: the final flush
    assert await views(sessionmaker) == {("aries", today): 12, ("pisces", today): 3}


@pytest.mark.date_sensitive
async def test_failed_flush_keeps_the_counts(
    make_settings: Callable[..., Settings], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    services = create_services(make_settings(), clock=fixed_clock())
    cache = services.cache
    today = cache.today()
    cache.views.count("leo", today, "en")
    cache.views.count("leo", today, "en")
    # Point the counter at a database that cannot be reached, then back.
    from db.engine import create_engine, create_sessionmaker

    dead = create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    real_maker = cache.views._sessionmaker
    cache.views._sessionmaker = create_sessionmaker(dead)
    with pytest.raises(OSError):
        await cache.views.flush()
    assert cache.views.pending == 2
    cache.views._sessionmaker = real_maker
    assert await cache.views.flush() == 2
    assert await views(sessionmaker) == {("leo", today): 2}
    await dead.dispose()
    await services.close()


@pytest.mark.date_sensitive
async def test_a_flush_waits_for_the_write_under_way(
    database_url: str,
    make_settings: Callable[..., Settings],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """/stats flushes, then reads the table: a flush asked for while another write is under
    way (the loop's) returns only once that one is committed, not at once because nothing
    new is pending."""
    if not database_url.startswith("postgresql"):
        pytest.skip("holds a table lock from a second connection: PostgreSQL only")
    services = create_services(make_settings(), clock=fixed_clock())
    cache = services.cache
    today = cache.today()
    cache.views.count("leo", today, "en")
    async with sessionmaker() as blocker, blocker.begin():
        await blocker.execute(text("LOCK TABLE horoscope_views IN EXCLUSIVE MODE"))
        first = asyncio.create_task(cache.views.flush())  # swaps the count, then waits
        async with asyncio.timeout(30):  # a failure, not a hang, if it never waits
            while not await _waiting_on_a_lock(sessionmaker):
                pass  # each look is a round trip: the flush gets its turns meanwhile
        second = asyncio.create_task(cache.views.flush())  # nothing new pending
        await asyncio.sleep(0)  # one turn of the loop: enough to return, were it not waiting
        assert not second.done()
    assert await second == 0
    assert first.done() and first.result() == 1
    assert await views(sessionmaker) == {("leo", today): 1}
    await services.close()


async def _waiting_on_a_lock(sessionmaker: async_sessionmaker[AsyncSession]) -> bool:
    async with sessionmaker() as session:
        result = await session.execute(
            text(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'relation'"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            )
        )
        return bool(result.scalar_one())


@pytest.mark.date_sensitive
@pytest.mark.usefixtures("utc_host")
async def test_today_is_the_moscow_date_on_a_utc_host(
    make_settings: Callable[..., Settings],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    instant = datetime(2026, 3, 9, 21, 0, 30, tzinfo=UTC)  # 00:00:30 on the 10th in Moscow
    settings = make_settings(timezone="Europe/Moscow")
    services = create_services(settings, clock=Clock(settings.tz, now=lambda: instant))
    from services.scheduler import generate_daily_horoscopes

    report = await generate_daily_horoscopes(services.cache, retry_delays=())
    assert report.day == date(2026, 3, 10)
    async with sessionmaker() as session:
        text = await services.cache.get_horoscope("virgo", "en", session)
    await services.close()
    rows = await stored(sessionmaker)
    assert {day for _, day in rows} == {date(2026, 3, 10)}
    assert rows[("virgo", date(2026, 3, 10))] == text
    assert await views(sessionmaker) == {("virgo", date(2026, 3, 10)): 1}


@pytest.mark.parametrize(
    "reply",
    [Reply(content=None), Reply(content=""), Reply(content="   \n  "), Reply(content="<b></b>")],
    ids=["null", "empty", "whitespace", "only-markup"],
)
async def test_unusable_llm_output_is_never_cached(
    reply: Reply,
    make_settings: Callable[..., Settings],
    fake_openai: FakeOpenAI,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    services = create_services(
        llm_settings(make_settings, fake_openai, on_demand_retry_delays="0"), clock=fixed_clock()
    )
    fake_openai.default = reply
    async with sessionmaker() as session:
        assert await services.cache.get_horoscope("leo", "en", session) is None
    await services.close()
    assert len(fake_openai.calls) == 2  # first attempt + one retry for one delay
    assert await stored(sessionmaker) == {}
    assert await views(sessionmaker) == {}


@pytest.mark.date_sensitive
async def test_hostile_and_oversize_output_is_cleaned_and_bounded(
    make_settings: Callable[..., Settings],
    fake_openai: FakeOpenAI,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    services = create_services(llm_settings(make_settings, fake_openai), clock=fixed_clock())
    fake_openai.script.extend(
        [
            Reply(content="<b>unclosed & <script>alert(1)</script> Stars smile on you."),
            Reply(content="A fine day is ahead of you. " * 220),  # 6160 characters
        ]
    )
    async with sessionmaker() as session:
        hostile = await services.cache.get_horoscope("leo", "en", session)
        long = await services.cache.get_horoscope("virgo", "en", session)
    await services.close()
    assert hostile == "unclosed & alert(1) Stars smile on you."
    assert long is not None and len(long) <= 3500 and long.endswith(".")
    assert (await stored(sessionmaker))[("virgo", services.cache.today())] == long


async def test_llm_down_exact_attempts_then_recovery(
    make_settings: Callable[..., Settings],
    fake_openai: FakeOpenAI,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    services = create_services(
        llm_settings(make_settings, fake_openai, on_demand_retry_delays="0.01,0.02,0.03"),
        clock=fixed_clock(),
    )
    fake_openai.default = Reply(status=503)
    async with sessionmaker() as session:
        assert await services.cache.get_horoscope("leo", "en", session) is None
        assert len(fake_openai.calls) == 4  # 1 + one per delay

        fake_openai.default = Reply(status=401)  # fatal: not retried
        assert await services.cache.get_horoscope("leo", "en", session) is None
        assert len(fake_openai.calls) == 5

        fake_openai.default = Reply(status=429, error_code="insufficient_quota")
        assert await services.cache.get_horoscope("leo", "en", session) is None
        assert len(fake_openai.calls) == 6

        fake_openai.default = Reply(status=429)  # a plain rate limit is retried
        assert await services.cache.get_horoscope("leo", "en", session) is None
        assert len(fake_openai.calls) == 10

        fake_openai.default = Reply(content="Recovered: the stars are back.")
        assert (
            await services.cache.get_horoscope("leo", "en", session)
            == "Recovered: the stars are back."
        )
        assert len(fake_openai.calls) == 11
    await services.close()


async def test_a_failed_generation_is_shared_by_everyone_who_waited(
    make_settings: Callable[..., Settings],
    fake_openai: FakeOpenAI,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """LLM down and 20 taps on a cold sign: one cycle of attempts, 20 apologies at once —
    not 20 cycles one after another. The next tap tries afresh."""
    services = create_services(
        llm_settings(make_settings, fake_openai, on_demand_retry_delays="0.01,0.01"),
        clock=fixed_clock(),
    )
    fake_openai.default = Reply(status=503)
    fake_openai.gate = asyncio.Event()

    async def tap() -> str | None:
        async with sessionmaker() as session:
            return await services.cache.get_horoscope("leo", "en", session)

    taps = [asyncio.create_task(tap()) for _ in range(20)]
    await fake_openai.wait_calls(1)
    fake_openai.gate.set()
    assert await asyncio.gather(*taps) == [None] * 20
    assert len(fake_openai.calls) == 3  # one cycle: 1 + one per delay
    fake_openai.default = Reply(content="Back again.")
    assert await tap() == "Back again."
    await services.close()


async def test_a_warm_tap_does_not_wait_for_a_regeneration(
    make_settings: Callable[..., Settings],
    fake_openai: FakeOpenAI,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    from services.scheduler import generate_daily_horoscopes

    services = create_services(llm_settings(make_settings, fake_openai), clock=fixed_clock())
    async with sessionmaker() as session:
        old = await services.cache.get_horoscope("leo", "en", session)
    fake_openai.gate = asyncio.Event()
    regen = asyncio.create_task(
        generate_daily_horoscopes(
            services.cache, signs=[ZodiacSign.LEO], force=True, exclusive=False, cleanup=False
        )
    )
    await fake_openai.wait_calls(2)  # the regeneration holds leo's lock in its LLM call
    assert services.cache._lock(ZodiacSign.LEO).locked()
    async with sessionmaker() as session:
        assert await services.cache.get_horoscope("leo", "en", session) == old  # at once
    fake_openai.gate.set()
    await regen
    async with sessionmaker() as session:
        new = await services.cache.get_horoscope("leo", "en", session)
    assert new != old
    await services.close()


async def test_a_cold_tap_while_the_database_refuses_connections(
    make_settings: Callable[..., Settings], fake_openai: FakeOpenAI
) -> None:
    """PostgreSQL down (connection refused, an OSError from asyncpg): the tap still gets a
    horoscope, generated and kept in memory."""
    dead = "postgresql+asyncpg://postgres@127.0.0.1:1/none"
    services = create_services(
        make_settings(database_url=dead, openai_api_key="sk", openai_base_url=fake_openai.base_url),
        clock=fixed_clock(),
    )
    from db.engine import create_sessionmaker

    async with create_sessionmaker(services.engine)() as session:
        text = await services.cache.get_horoscope("aries", "en", session)
        assert text is not None and "aries" in text
        assert await services.cache.get_horoscope("aries", "en", session) == text  # from memory
    assert len(fake_openai.calls) == 1
    services.cache.views._pending.clear()  # nowhere to write them in this test
    await services.close()


@pytest.mark.date_sensitive
async def test_a_text_served_while_the_database_was_down_is_stored_by_the_next_job(
    make_settings: Callable[..., Settings],
    fake_openai: FakeOpenAI,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """The tap got its text from memory; the job stores that same text, not a new one."""
    from services.scheduler import generate_daily_horoscopes

    services = create_services(llm_settings(make_settings, fake_openai), clock=fixed_clock())
    from db.engine import create_engine
    from db.engine import create_sessionmaker as maker

    dead = create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    async with maker(dead)() as session:  # the tap's session: the database refuses it
        served = await services.cache.get_horoscope("libra", "en", session)
    await dead.dispose()
    assert served is not None and await stored(sessionmaker) == {}
    report = await generate_daily_horoscopes(services.cache, signs=[ZodiacSign.LIBRA])
    assert [(r.sign, r.language) for r in report.present] == [(ZodiacSign.LIBRA, "en")]
    assert len(fake_openai.calls) == 1
    assert await stored(sessionmaker) == {("libra", services.cache.today()): served}
    services.cache.views._pending.clear()
    await services.close()


def held_sessionmaker(
    engine: AsyncEngine,
) -> tuple[async_sessionmaker[AsyncSession], asyncio.Event, asyncio.Event, asyncio.Event]:
    """Real sessions on ``engine``. Once ``armed`` is set, the next statement runs for real,
    then ``ran`` is set and its caller waits for ``release`` before it sees the result: the
    test decides what happens in between, no timing involved."""
    armed, ran, release = asyncio.Event(), asyncio.Event(), asyncio.Event()

    class HeldSession(AsyncSession):
        async def execute(self, *args: Any, **kwargs: Any) -> Any:
            result = await super().execute(*args, **kwargs)
            if armed.is_set():
                armed.clear()
                ran.set()
                await release.wait()
            return result

    maker = async_sessionmaker(engine, class_=HeldSession, expire_on_commit=False)
    return maker, armed, ran, release


async def test_a_refresh_never_puts_back_the_text_a_regen_replaced(
    make_settings: Callable[..., Settings],
    fake_openai: FakeOpenAI,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """The refresh reads the table, then a /regen replaces the text (table and memory), then
    the refresh applies what it had read: memory must keep the regenerated text."""
    held, armed, ran, release = held_sessionmaker(engine)
    ai = create_ai_service(llm_settings(make_settings, fake_openai))
    cache = HoroscopeCacheService(
        ai=ai, sessionmaker=held, locks=AdvisoryLocks(engine), clock=fixed_clock()
    )
    day = cache.today()

    async def tap() -> str | None:
        async with sessionmaker() as session:
            return await cache.get_horoscope("leo", "en", session)

    await cache.ensure(ZodiacSign.LEO, day, "en")
    old = await tap()
    assert old is not None

    armed.set()
    refresh = asyncio.create_task(cache.refresh())
    await asyncio.wait_for(ran.wait(), 10)  # the refresh has read `old` from the table
    regen = await cache.ensure(ZodiacSign.LEO, day, "en", force=True)  # what /regen leo runs
    assert regen.outcome is Outcome.GENERATED
    new = await tap()
    assert new is not None and new != old
    release.set()
    assert await refresh == 0  # what it read is older than what memory holds
    assert await tap() == new
    async with sessionmaker() as session:
        assert await repositories.get_day(session, day) == {("leo", "en"): new}
    await cache.close()
    await ai.close()
