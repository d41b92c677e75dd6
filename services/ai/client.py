"""AIService: one call writes one horoscope, through an OpenAI-compatible API or offline.

There is exactly one retry layer, ours (``HoroscopeCacheService._write``): the ``openai`` client is
built with ``max_retries=0`` and an explicit timeout so retries never multiply.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Protocol

import structlog

from services.ai.errors import FailureKind, GenerationError
from services.ai.offline import generate_offline_horoscope
from services.ai.text import normalize_horoscope
from services.config import Settings
from services.languages import language as language_info
from services.zodiac import ZODIAC_SIGNS, ZodiacSign

if TYPE_CHECKING:
    import openai

log = structlog.get_logger(__name__)

_RETRYABLE_STATUS = frozenset({408, 409, 429})
_QUOTA_CODES = frozenset({"insufficient_quota", "billing_hard_limit_reached"})
_STATUS_KINDS = {401: FailureKind.AUTH, 403: FailureKind.AUTH, 404: FailureKind.MODEL}

# One prompt for every language: the language's names come from its file
# (services/languages/<code>.json), so a new language needs no prompt of its own.
SYSTEM_PROMPT = (
    "You are an experienced, warm astrologer writing daily horoscopes for a Telegram bot. "
    "Write in {english_name} ({native_name}), as a native speaker would, whatever the "
    "language of these instructions. Plain text only: no HTML, no Markdown, no emoji, no "
    "headings. 500-900 characters in 2-4 short paragraphs. Be specific: the mood of the day, "
    "work and money, relationships, wellbeing and one practical piece of advice. No gloomy "
    "predictions, no medical or financial promises."
)


def build_system_prompt(language_code: str) -> str:
    info = language_info(language_code)
    return SYSTEM_PROMPT.format(english_name=info.english_name, native_name=info.native_name)


def build_user_prompt(sign: ZodiacSign, day: date, language_code: str) -> str:
    info = ZODIAC_SIGNS[sign]
    when = day.strftime("%A, %d %B %Y")  # the C locale's English: the LLM reads it anyway
    return (
        f"Write today's horoscope ({when}) for {info.name('en')}, in "
        f"{language_info(language_code).english_name}: {info.name(language_code)} "
        f"({info.dates(language_code)})."
    )


class HoroscopeWriter(Protocol):
    """Anything that turns (sign, day, language) into raw text, raising GenerationError."""

    async def write(self, sign: ZodiacSign, day: date, language: str) -> str | None: ...

    async def close(self) -> None: ...


class OfflineWriter:
    async def write(self, sign: ZodiacSign, day: date, language: str) -> str | None:
        return generate_offline_horoscope(sign, day, language)

    async def close(self) -> None:
        return None


class OpenAIWriter:
    def __init__(self, *, api_key: str, base_url: str | None, model: str, timeout: float) -> None:
        # Imported here, not at the top: the openai package costs ~25 MB of RSS and ~0.3 s of
        # start-up, and a bot on the offline writer never needs it.
        import openai

        self._client = openai.AsyncOpenAI(
            api_key=api_key, base_url=base_url, timeout=timeout, max_retries=0
        )
        self._model = model

    async def write(self, sign: ZodiacSign, day: date, language: str) -> str | None:
        import openai

        try:
            response = await self._client.chat.completions.create(
                model=self._model,
                messages=[
                    {"role": "system", "content": build_system_prompt(language)},
                    {"role": "user", "content": build_user_prompt(sign, day, language)},
                ],
                temperature=0.9,
                max_tokens=700,
            )
        except openai.APIError as error:
            raise classify_openai_error(error) from error
        if not response.choices:
            return None
        return response.choices[0].message.content

    async def close(self) -> None:
        await self._client.close()


def classify_openai_error(error: openai.APIError) -> GenerationError:
    """Retry connection errors, timeouts, 408/409/429 and 5xx; fail fast on the rest and on
    an exhausted quota (a 429 that waiting will not fix)."""
    import openai

    if isinstance(error, openai.APIConnectionError):  # includes APITimeoutError
        if isinstance(error, openai.APITimeoutError):
            return GenerationError("LLM timeout", retryable=True, kind=FailureKind.TIMEOUT)
        return GenerationError("LLM connection error", retryable=True, kind=FailureKind.CONNECTION)
    if isinstance(error, openai.APIStatusError):
        status = error.status_code
        if error.code in _QUOTA_CODES:
            return GenerationError(
                f"LLM quota exhausted ({status})",
                retryable=False,
                alert=True,
                kind=FailureKind.QUOTA,
            )
        if status in _RETRYABLE_STATUS or status >= 500:
            kind = FailureKind.RATE_LIMIT if status == 429 else FailureKind.SERVER
            return GenerationError(f"LLM HTTP {status}", retryable=True, kind=kind)
        return GenerationError(
            f"LLM HTTP {status}: {error.message[:200]}",
            retryable=False,
            alert=status in (401, 403, 404),
            kind=_STATUS_KINDS.get(status, FailureKind.SERVER),
        )
    return GenerationError(f"LLM error: {type(error).__name__}", retryable=False)


class AIService:
    """Writes one horoscope per call and guarantees what it returns is usable."""

    def __init__(self, writer: HoroscopeWriter, *, name: str) -> None:
        self._writer = writer
        self.name = name

    async def generate_horoscope(self, sign: ZodiacSign, day: date, language: str) -> str:
        raw = await self._writer.write(sign, day, language)
        try:
            return normalize_horoscope(raw)
        except ValueError as error:
            raise GenerationError(str(error), retryable=True, kind=FailureKind.BAD_TEXT) from None

    async def close(self) -> None:
        await self._writer.close()


def create_ai_service(settings: Settings | None) -> AIService:
    if settings is not None and settings.openai_api_key is not None:
        writer = OpenAIWriter(
            api_key=settings.openai_api_key.get_secret_value(),
            base_url=settings.openai_base_url,
            model=settings.openai_model,
            timeout=settings.openai_timeout,
        )
        return AIService(writer, name=f"openai:{settings.openai_model}")
    return AIService(OfflineWriter(), name="offline")


_instance: AIService | None = None


def get_ai_service(settings: Settings | None = None) -> AIService:
    """The process's AIService, created on first use (offline when no key is configured)."""
    global _instance
    if _instance is None:
        _instance = create_ai_service(settings)
    return _instance
