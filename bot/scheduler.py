"""The bot's clockwork: APScheduler runs the periodic jobs in the shared event loop."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.delivery.notices import queue_notices
from bot.delivery.outbox import publish_due
from bot.fact_reloads import POLL_SECONDS, follow
from bot.services import Services
from bot.tally_posts import EPOCH, post_tally

log = logging.getLogger(__name__)


@asynccontextmanager
async def scheduled(
    services: Services,
    tally_every: timedelta | None = None,
    reloads_every: timedelta = timedelta(seconds=POLL_SECONDS),
    planned_every: timedelta = timedelta(minutes=1),
) -> AsyncIterator[None]:
    """Run the periodic tally posts, follow the fact base reloads of other instances, and
    look for the reminders and planned announcements due, for the duration of the block."""
    interval = tally_every or timedelta(minutes=services.config.tally_interval_minutes)
    scheduler = AsyncIOScheduler(timezone=UTC)
    every = partial(_every, scheduler)
    # Announcements planned ahead are set to the minute: looked for each minute.
    every(
        "planned-announcements",
        planned_every,
        partial(publish_due, services),
        "publishing planned announcements failed",
    )
    # Reminders fall due at the time members chose: looked for each minute.
    every(
        "notices",
        timedelta(minutes=1),
        partial(queue_notices, services),
        "queueing private notices failed",
    )
    every(
        "tally-post",
        interval,
        partial(post_tally, services, interval),
        "tally post failed",
        start_date=EPOCH,
        misfire_grace_time=max(1, int(interval.total_seconds() / 2)),
    )
    every(
        "fact-reloads", reloads_every, partial(follow, services), "fact base version check failed"
    )
    scheduler.start()
    try:
        yield
    finally:
        scheduler.shutdown(wait=False)


def _every(
    scheduler: AsyncIOScheduler,
    job_id: str,
    period: timedelta,
    work: Callable[[], Awaitable[object]],
    failure: str,
    *,
    start_date: datetime | None = None,
    **options: Any,
) -> None:
    """Run `work` every `period`, one run at a time, missed runs coalesced; a run that
    fails is logged as `failure` and the next ones still come."""

    async def job() -> None:
        try:
            await work()
        except Exception:
            log.exception(failure)

    trigger = IntervalTrigger(seconds=period.total_seconds(), start_date=start_date, timezone=UTC)
    scheduler.add_job(job, trigger, id=job_id, coalesce=True, max_instances=1, **options)
