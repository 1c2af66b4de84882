"""The bot's clockwork: APScheduler runs the periodic jobs in the shared event loop."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, timedelta

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

    async def tally_job() -> None:
        try:
            await post_tally(services, interval)
        except Exception:
            log.exception("tally post failed")

    async def reloads_job() -> None:
        try:
            await follow(services)
        except Exception:
            log.exception("fact base version check failed")

    async def notices_job() -> None:
        try:
            await queue_notices(services)
        except Exception:
            log.exception("queueing private notices failed")

    async def announcements_job() -> None:
        try:
            await publish_due(services)
        except Exception:
            log.exception("publishing planned announcements failed")

    scheduler = AsyncIOScheduler(timezone=UTC)
    # Announcements planned ahead are set to the minute: looked for each minute.
    scheduler.add_job(
        announcements_job,
        IntervalTrigger(seconds=planned_every.total_seconds(), timezone=UTC),
        id="planned-announcements",
        coalesce=True,
        max_instances=1,
    )
    # Reminders fall due at the time members chose: looked for each minute.
    scheduler.add_job(
        notices_job,
        IntervalTrigger(minutes=1, timezone=UTC),
        id="notices",
        coalesce=True,
        max_instances=1,
    )
    scheduler.add_job(
        tally_job,
        IntervalTrigger(seconds=interval.total_seconds(), start_date=EPOCH, timezone=UTC),
        id="tally-post",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=max(1, int(interval.total_seconds() / 2)),
    )
    scheduler.add_job(
        reloads_job,
        IntervalTrigger(seconds=reloads_every.total_seconds(), timezone=UTC),
        id="fact-reloads",
        coalesce=True,
        max_instances=1,
    )
    scheduler.start()
    try:
        yield
    finally:
        scheduler.shutdown(wait=False)
