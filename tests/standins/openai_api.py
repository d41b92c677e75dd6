"""A local OpenAI-compatible server (``POST /v1/chat/completions``) served over real HTTP.

Tests script its answers: a fixed reply, an HTTP error, ``null`` content, a delay, or a
gate that holds every request until the test opens it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from services.languages import available_languages, language
from services.zodiac import ZODIAC_SIGNS, ZodiacSign

DEFAULT_TEXT = (
    "Today the stars favour steady steps. Stand-in horoscope number {n} for {sign} in {language}. "
    "A conversation in the afternoon opens a door you had stopped noticing. "
    "Keep the evening for yourself and rest well."
)


@dataclass
class Reply:
    """One scripted answer. ``status`` other than 200 answers with an OpenAI error body."""

    content: str | None = None  # None with status 200 -> "content": null
    status: int = 200
    error_code: str | None = None
    delay: float = 0.0
    use_default: bool = False


OK = Reply(use_default=True)


def sign_in_prompt(body: dict[str, Any]) -> ZodiacSign | None:
    prompt = " ".join(
        str(m.get("content", "")) for m in body.get("messages", []) if m.get("role") == "user"
    )
    for sign, info in ZODIAC_SIGNS.items():
        if any(f" {info.name(code)} " in f" {prompt} " for code in available_languages()):
            return sign
    return None


def language_in_prompt(body: dict[str, Any]) -> str | None:
    """The code of the language the system prompt asks for ("Write in English (English)")."""
    prompt = " ".join(
        str(m.get("content", "")) for m in body.get("messages", []) if m.get("role") == "system"
    )
    for code in available_languages():
        info = language(code)
        if f"Write in {info.english_name} ({info.native_name})" in prompt:
            return code
    return None


class FakeOpenAI:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.script: deque[Reply] = deque()
        self.default: Reply | Callable[[dict[str, Any]], Reply] = OK
        self.delay = 0.0
        self.gate: asyncio.Event | None = None
        # Requests being answered right now, and the most at once, by the sign they ask for.
        self.in_flight: Counter[ZodiacSign | None] = Counter()
        self.peak_in_flight: dict[ZodiacSign | None, int] = {}
        self._changed = asyncio.Condition()
        self._counter = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def calls_for(self, sign: ZodiacSign, language: str | None = None) -> int:
        return sum(
            1
            for body in self.calls
            if sign_in_prompt(body) is sign
            and (language is None or language_in_prompt(body) == language)
        )

    async def wait_calls(
        self, n: int, timeout: float = 10.0, *, sign: ZodiacSign | None = None
    ) -> None:
        """Until ``n`` requests have arrived (asking for ``sign``, when given)."""

        def arrived() -> int:
            return len(self.calls) if sign is None else self.calls_for(sign)

        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: arrived() >= n)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self.gate is not None:
            self.gate.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeOpenAI:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _completions(self, request: web.Request) -> web.Response:
        body = await request.json()
        sign = sign_in_prompt(body)
        self.in_flight[sign] += 1
        self.peak_in_flight[sign] = max(self.peak_in_flight.get(sign, 0), self.in_flight[sign])
        try:
            return await self._answer(body, sign)
        finally:
            self.in_flight[sign] -= 1
            if not self.in_flight[sign]:
                del self.in_flight[sign]

    async def _answer(self, body: dict[str, Any], sign: ZodiacSign | None) -> web.Response:
        n = next(self._counter)
        async with self._changed:
            self.calls.append(body)
            self._changed.notify_all()
        if self.script:
            reply = self.script.popleft()
        elif callable(self.default):
            reply = self.default(body)
        else:
            reply = self.default
        if self.gate is not None:
            await self.gate.wait()
        if reply.delay or self.delay:
            await asyncio.sleep(reply.delay or self.delay)  # the stand-in's own latency
        if reply.status != 200:
            error = {
                "error": {
                    "message": f"stand-in error {reply.status}",
                    "type": "stand_in",
                    "code": reply.error_code,
                    "param": None,
                }
            }
            return web.json_response(error, status=reply.status)
        content = reply.content
        if reply.use_default:
            sign = sign_in_prompt(body)
            content = DEFAULT_TEXT.format(
                n=n, sign=sign.value if sign else "?", language=language_in_prompt(body) or "?"
            )
        return web.Response(
            text=json.dumps(
                {
                    "id": f"chatcmpl-{n}",
                    "object": "chat.completion",
                    "created": 1_700_000_000,
                    "model": body.get("model", "stand-in"),
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": content},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {"prompt_tokens": 10, "completion_tokens": 100, "total_tokens": 110},
                }
            ),
            content_type="application/json",
        )
