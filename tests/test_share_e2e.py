"""Sharing through the production bot (polling, real HTTP to the Bot API stand-in): inline
mode, the share button, deep links and their counts, on both databases."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import BotApp
from bot.callbacks import SignCallback
from db.models import User
from sandbox.telegram_api import parse_html
from services.clock import Clock
from services.zodiac import ZodiacSign
from tests.conftest import NOON
from tests.standins.openai_api import FakeOpenAI, Reply
from tests.standins.telegram import ApiCall, FakeTelegram
from tests.test_bot_e2e import ADMIN, USER, Now, StartBot, open_menu, sent, settled, tap_and_wait
from tests.test_production import free_port

BOB = 2002
ALICE_AND_BOB = -1005550001  # a chat of theirs the bot is not in: "Alice → Bob"
HOSTILE = ("🙂🔮 שלום עולם <script>alert(1)</script> &amp; ‮evil‬ " * 6)[:256]


async def ask(
    tg: FakeTelegram, query: str, user: int = USER, language_code: str | None = None
) -> tuple[str, ApiCall]:
    """An inline query from ``user``; its id and the bot's answer."""
    query_id = tg.inline_query(query, user_id=user, language_code=language_code)
    answer = await tg.wait_for(
        lambda c: c.method == "answerInlineQuery" and c.params["inline_query_id"] == query_id
    )
    return query_id, answer


def ids(answer: ApiCall) -> list[str]:
    return [result["id"] for result in answer.params["results"]]


def link_of(result: dict[str, Any]) -> str:
    return str(result["reply_markup"]["inline_keyboard"][0][0]["url"])


async def start(start_bot: StartBot, **overrides: Any) -> BotApp:
    app = await start_bot(**overrides)
    await settled(app)
    return app


@pytest.mark.date_sensitive
async def test_inline_query_lists_the_signs_the_users_first_and_narrows_in_any_language(
    start_bot: StartBot, fake_telegram: FakeTelegram
) -> None:
    await start(start_bot)
    menu = await open_menu(fake_telegram)
    await tap_and_wait(fake_telegram, menu, SignCallback(sign=ZodiacSign.VIRGO).pack())

    _, answer = await ask(fake_telegram, "")
    assert answer.ok, answer.description
    assert len(ids(answer)) == 12 and ids(answer)[0] == "virgo"
    assert set(ids(answer)) == {sign.value for sign in ZodiacSign}
    assert answer.params["is_personal"] is True
    # 12:00 in Moscow: cached for a while, never past midnight.
    assert 0 < answer.params["cache_time"] <= 12 * 3600
    first = answer.params["results"][0]
    assert first["title"] == "♍ Virgo" and first["description"]
    text = first["input_message_content"]["message_text"]
    assert text.startswith("<b>♍ Virgo · June 15, 2026</b>")
    assert first["description"].rstrip("…")[:40] in parse_html(text).text

    for query, sign in [
        ("лев", "leo"),
        ("leo", "leo"),
        ("Löwe", "leo"),
        ("♌", "leo"),
        ("♌️", "leo"),
        ("sco", "scorpio"),
        ("скор", "scorpio"),
        ("  LEÃO ", "leo"),
    ]:
        _, answer = await ask(fake_telegram, query)
        assert answer.ok and ids(answer) == [sign], (query, ids(answer))

    _, answer = await ask(fake_telegram, HOSTILE)
    assert answer.ok, answer.description  # the stand-in checked every result as Telegram does
    assert len(ids(answer)) == 12


async def test_two_users_asking_the_same_query_each_get_their_language(
    start_bot: StartBot, fake_telegram: FakeTelegram
) -> None:
    await start(start_bot)
    _, russian = await ask(fake_telegram, "leo", user=3001, language_code="ru")
    _, english = await ask(fake_telegram, "leo", user=3002, language_code="en")
    ru = russian.params["results"][0]
    en = english.params["results"][0]
    assert ru["title"] == "♌ Лев" and "15 июня 2026" in ru["input_message_content"]["message_text"]
    assert (
        en["title"] == "♌ Leo" and "June 15, 2026" in en["input_message_content"]["message_text"]
    )
    assert ru["reply_markup"]["inline_keyboard"][0][0]["text"] == "✨ Открыть Zodiac"
    assert en["reply_markup"]["inline_keyboard"][0][0]["text"] == "✨ Open Zodiac"
    assert russian.params["is_personal"] is True and english.params["is_personal"] is True


@pytest.mark.date_sensitive
async def test_a_posted_horoscope_links_to_the_bot_and_a_forged_link_is_the_normal_start(
    start_bot: StartBot,
    fake_telegram: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    app = await start(start_bot)
    query_id, answer = await ask(fake_telegram, "leo", language_code="en")
    posted = fake_telegram.choose_inline_result(
        query_id, "leo", chat_id=ALICE_AND_BOB
    )  # Alice → Bob
    assert posted["via_bot"]["username"] == fake_telegram.username
    assert posted["text"].startswith("♌ Leo · June 15, 2026")
    assert len(posted["text"]) <= 4096 and posted["entities"][0]["type"] == "bold"

    url = link_of(answer.params["results"][0])
    parameter = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["start"][0]
    assert len(parameter) <= 64 and parameter.startswith("leo-s")
    # Bob, new, reads German: the link opens Leo's horoscope in German (not written in German
    # yet today: "preparing…", then the text in its place).
    fake_telegram.open_link(url, user_id=BOB, language_code="de")
    shown = await fake_telegram.wait_for(
        lambda c: (
            c.method in ("sendMessage", "editMessageText")
            and c.ok
            and c.params["chat_id"] == BOB
            and "Löwe ·" in c.params["text"]
        )
    )
    assert shown.params["text"].startswith("<b>♌ Löwe · 15. Juni 2026</b>")
    rows = shown.params["reply_markup"]["inline_keyboard"]
    assert rows[0][0]["switch_inline_query_chosen_chat"]["query"] == "Löwe"

    await app.services.users.flush()
    async with sessionmaker() as session:
        bob = await session.get(User, BOB)
    assert bob is not None and bob.referred_by == USER

    # A known user opening a shared link is no referral; forged links are the normal /start.
    forged = [
        "../../",
        "a" * 300,
        "leo-sGARBAGE",
        "leo-s1-AAAAAAAA",
        parameter[:-1] + ("A" if parameter[-1] != "A" else "B"),
        "pluto",
    ]
    for number, bad in enumerate(forged, start=1):
        fake_telegram.send_text(f"/start {bad}", user_id=4000 + number, language_code="en")
        reply = await fake_telegram.wait_for(sent("sendMessage", 4000 + number))
        assert "Choose your zodiac sign" in reply.params["text"], (bad, reply.params["text"])
        assert len(reply.params["reply_markup"]["inline_keyboard"]) == 4  # the twelve signs
    await app.services.users.flush()
    async with sessionmaker() as session:
        for number in range(1, len(forged) + 1):
            user = await session.get(User, 4000 + number)
            assert user is not None and user.referred_by is None


async def test_a_cold_sign_asked_inline_by_fifty_users_is_written_once_and_all_are_answered(
    start_bot: StartBot, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI
) -> None:
    now = Now(NOON)
    app = await start_bot(
        clock=Clock("Europe/Moscow", now),
        openai_api_key="sk-test",
        openai_base_url=fake_openai.base_url,
    )
    await settled(app)
    now.at += timedelta(days=1)  # after midnight, before the job: every sign cold
    fake_openai.default = Reply(content="A bright and steady day. Trust your pace.")
    before = len(fake_openai.calls)
    users = range(5000, 5050)
    queries = [fake_telegram.inline_query("leo", user_id=user) for user in users]
    answers = await fake_telegram.wait_for_count("answerInlineQuery", len(queries))
    assert all(answer.ok for answer in answers)
    assert {answer.params["inline_query_id"] for answer in answers} == set(queries)
    assert len(fake_openai.calls) == before + 1  # one LLM call for 50 queries
    assert all(ids(answer) == ["leo"] for answer in answers)
    assert all("A bright and steady day" in str(a.params["results"]) for a in answers)

    # A sign that cannot be written in time: "preparing", not cached; an empty query on a
    # cold cache answers at once with what is ready (nothing) and writes the rest behind.
    app.services.inline.wait_seconds = 0.05
    fake_openai.gate = asyncio.Event()
    now.at += timedelta(days=1)
    _, preparing = await ask(fake_telegram, "virgo")
    assert ids(preparing) == ["preparing"] and preparing.params["cache_time"] == 0
    assert "being written" in preparing.params["results"][0]["title"]
    _, everything = await ask(fake_telegram, "")
    assert ids(everything) == ["preparing"] and everything.params["cache_time"] == 0
    assert app.services.inline.writing <= 12
    fake_openai.gate.set()


async def test_chosen_results_and_deep_link_starts_show_in_stats_and_metrics(
    start_bot: StartBot, fake_telegram: FakeTelegram
) -> None:
    port = free_port()
    await start(start_bot, web_host="127.0.0.1", web_port=port)
    menu = await open_menu(fake_telegram)
    await tap_and_wait(fake_telegram, menu, SignCallback(sign=ZodiacSign.LEO).pack())
    query_id, answer = await ask(fake_telegram, "")
    fake_telegram.choose_inline_result(query_id, "leo", chat_id=ALICE_AND_BOB)
    fake_telegram.open_link(link_of(answer.params["results"][0]), user_id=BOB)
    await fake_telegram.wait_for(sent("sendMessage", BOB))
    fake_telegram.send_text("/start aries", user_id=USER)
    await fake_telegram.wait_for(lambda c: sent("sendMessage")(c) and "Aries" in c.params["text"])

    fake_telegram.send_text("/stats", user_id=ADMIN)
    chart = await fake_telegram.wait_for(lambda c: c.method == "sendPhoto" and c.ok)
    caption = chart.params["caption"]
    assert "Shared: 1 · opened through a link: 2 · new users through a link: 1" in caption

    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}/metrics") as response,
    ):
        metrics = await response.text()
    assert "zodiac_inline_queries_total 1.0" in metrics
    assert "zodiac_inline_answers_total 1.0" in metrics
    assert "zodiac_inline_chosen_total 1.0" in metrics
    assert "zodiac_deep_link_starts_total 2.0" in metrics
    assert "zodiac_referred_users_total 1.0" in metrics
    assert 'zodiac_updates_handled_total{type="chosen_inline_result"} 1.0' in metrics
    allowed = fake_telegram.calls_of("getUpdates")[-1].params["allowed_updates"]
    assert {"inline_query", "chosen_inline_result"} <= set(allowed)


async def test_the_share_button_is_accepted_as_telegram_checks_it(
    start_bot: StartBot, fake_telegram: FakeTelegram
) -> None:
    await start(start_bot)
    menu = await open_menu(fake_telegram)
    shown = await tap_and_wait(fake_telegram, menu, SignCallback(sign=ZodiacSign.LEO).pack())
    assert shown.ok
    share = shown.params["reply_markup"]["inline_keyboard"][0][0]
    assert share["text"] == "📤 Share"
    chosen = share["switch_inline_query_chosen_chat"]
    assert chosen["query"] == "Leo" and chosen["allow_user_chats"] is True
    # The stand-in refuses what Telegram refuses: no kind of chat allowed, a query too long.
    async with aiohttp.ClientSession() as http:
        for bad in ({"query": "leo"}, {"query": "x" * 257, "allow_user_chats": True}):
            markup = {"inline_keyboard": [[{"text": "x", "switch_inline_query_chosen_chat": bad}]]}
            form = {"chat_id": str(USER), "text": "hi", "reply_markup": json.dumps(markup)}
            url = f"{fake_telegram.base_url}/bot{fake_telegram.token}/sendMessage"
            async with http.post(url, data=form) as response:
                body = await response.json()
            assert response.status == 400 and body["description"].endswith("BUTTON_TYPE_INVALID")
    # The query the button puts in the chat's input finds that sign first.
    _, answer = await ask(fake_telegram, chosen["query"])
    assert ids(answer) == ["leo"]
