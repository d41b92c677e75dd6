"""What /healthz reports: can we reach the database, is the job scheduled, is today there."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy.engine import make_url

from services.runtime import Services
from services.scheduler import JOB_ID

DB_CHECK_TIMEOUT = 3.0


async def check_health(services: Services) -> tuple[bool, dict[str, Any]]:
    """(healthy, report). Unhealthy means the database cannot be reached."""
    cache = services.cache
    today = cache.today()
    database: dict[str, Any] = {
        "backend": make_url(services.settings.database_url).get_backend_name()
    }
    present: dict[str, int] | None = None
    languages: tuple[str, ...] = (cache.language,)
    try:
        async with asyncio.timeout(DB_CHECK_TIMEOUT):  # one indexed query on today's rows
            stored = await cache.stored(today)
        # The languages today's job wrote; before it has run, what is stored and the default.
        # Not languages_in_use(): that scans 30 days of users, too much for every probe.
        last = services.daily.last_report
        if last is not None and last.day == today and last.languages:
            languages = tuple(last.languages)
        else:
            languages = tuple(
                dict.fromkeys([cache.language, *sorted({lang for _, lang in stored})])
            )
        present = dict.fromkeys(languages, 0)
        for _, language in stored:
            if language in present:
                present[language] += 1
        database["reachable"] = True
    except Exception as error:  # any failure to reach it, including the timeout
        database["reachable"] = False
        database["error"] = type(error).__name__

    scheduler = services.scheduler
    job = scheduler.get_job(JOB_ID) if scheduler is not None and scheduler.running else None
    report = services.daily.last_report
    body: dict[str, Any] = {
        "status": "ok" if database["reachable"] else "unavailable",
        "database": database,
        "scheduler": {
            "running": job is not None,
            "next_run": job.next_run_time.isoformat() if job and job.next_run_time else None,
        },
        "today": {
            "date": today.isoformat(),
            # Stored out of 12 × the languages in use; "by_language": 12 each when complete.
            "horoscopes": None if present is None else sum(present.values()),
            "of": 12 * len(languages),
            "by_language": present,
        },
        "last_job": None
        if report is None
        else {
            "day": report.day.isoformat(),
            "finished_at": services.daily.finished_at.isoformat()
            if services.daily.finished_at
            else None,
            "skipped": report.skipped,
            "generated": len(report.generated),
            "present": len(report.present),
            "languages": list(report.languages),
            "failed": [f"{result.sign.value}:{result.language}" for result in report.failed],
            "seconds": round(report.seconds, 3),
        },
        "views_pending": cache.views.pending,
    }
    return bool(database["reachable"]), body
