"""Periodic tally posts: at most one per tick, none when nothing changed.

Ticks are counted from a fixed epoch, so a restart knows which tick it is in.
The tick is claimed by a conditional update in the transaction that queues the
post, with what was posted: of several schedulers on one database (a restart, a
second instance), one posts each tick and the others queue nothing.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from functools import partial

from bot.delivery.publish import publish
from bot.services import Services
from commands.compteur import tally_markup
from storage.api.records import Cause, Tally, Tick

log = logging.getLogger(__name__)
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
LAST_TICK, LAST_TALLY = "tally.last_tick", "tally.last_posted"


def tick_of(moment: datetime, interval: timedelta) -> int:
    return int((moment - EPOCH) // interval)


def fingerprint(tally: Tally) -> str:
    """What a post shows that can change through pledges (not the sliding 24 hours)."""
    kinds = {kind.name or str(kind.value): count for kind, count in tally.kinds.items()}
    return json.dumps([tally.total, tally.done, dict(tally.platforms), kinds], sort_keys=True)


async def post_tally(services: Services, interval: timedelta) -> bool:
    """Queue this tick's tally post to every subscribed chat; False when skipped, or
    when another scheduler claimed the tick first."""
    storage, now = services.storage, services.clock()
    tick = tick_of(now, interval)
    last = await storage.settings.get_setting(LAST_TICK)
    if last is not None and int(last) >= tick:
        return False
    tally = await storage.pledges.get_tally(now)
    shown = fingerprint(tally)
    if not tally.total or shown == await storage.settings.get_setting(LAST_TALLY):
        await storage.settings.advance_setting(LAST_TICK, tick)
        log.info("tally post skipped", extra={"tick": tick})
        return False
    compose = partial(_compose, services, tally)
    claim = Cause(tick=Tick(LAST_TICK, tick))
    posted = await publish(services, "tally", compose, settings={LAST_TALLY: shown}, cause=claim)
    return posted is not None


def _compose(services: Services, tally: Tally, language: str) -> str:
    return tally_markup(partial(services.catalogues.get, language), tally)
