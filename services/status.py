"""What /status reports, gathered in one place (the bot only formats it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from importlib import metadata
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from services.push_stats import PushStatus, load_push_status
from services.runtime import Services
from services.scheduler import DailyReport
from services.zodiac import ZodiacSign

DISTRIBUTION = "zodiac-horoscope-bot"


@dataclass(frozen=True, slots=True)
class BotStatus:
    llm_model: str | None  # None: the offline generator
    llm_host: str | None
    day: date
    stored_today: int  # (sign, language) pairs stored today, in the languages in use
    sign_count: int  # 12 × the languages in use
    languages: tuple[str, ...]  # in use: what the daily job writes
    last_report: DailyReport | None
    last_finished: datetime | None  # in TIMEZONE
    next_run: datetime | None  # in TIMEZONE
    pending_views: int
    database: str  # e.g. "postgresql+asyncpg"
    version: str
    timezone: str
    push: PushStatus  # the daily push: subscribers, today's deliveries, the next wave


def version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown"


async def collect_status(
    services: Services, session: AsyncSession, next_run: datetime | None
) -> BotStatus:
    settings = services.settings
    tz = settings.tz
    model = host = None
    if settings.openai_api_key is not None:
        model = settings.openai_model
        # Host and port only: a base URL could carry credentials or a tenant path.
        host = urlsplit(settings.openai_base_url or "https://api.openai.com/v1").hostname
        port = urlsplit(settings.openai_base_url or "").port
        if host and port:
            host = f"{host}:{port}"
    day = services.cache.today()
    languages = await services.cache.languages_in_use()
    stored = {pair for pair in await services.cache.stored(day) if pair[1] in languages}
    finished = services.daily.finished_at
    url = services.engine.url
    return BotStatus(
        llm_model=model,
        llm_host=host,
        day=day,
        stored_today=len(stored),
        sign_count=len(ZodiacSign) * len(languages),
        languages=languages,
        last_report=services.daily.last_report,
        last_finished=finished.astimezone(tz) if finished else None,
        next_run=next_run.astimezone(tz) if next_run else None,
        pending_views=services.cache.views.pending,
        database=f"{url.get_backend_name()}+{url.get_driver_name()}",
        version=version(),
        timezone=settings.timezone,
        push=await load_push_status(session, services.cache.clock),
    )
