"""Claims on each backend: what several instances race for is given to one of them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from storage.api.protocols import Storage
from storage.api.records import Cause, NewDelivery, Tick

NOW = datetime(2026, 3, 6, 12, tzinfo=UTC)


async def test_a_setting_only_advances(storage: Storage) -> None:
    assert await storage.settings.advance_setting("tick", 5)  # absent
    assert not await storage.settings.advance_setting("tick", 5)
    assert not await storage.settings.advance_setting("tick", 4)
    assert await storage.settings.advance_setting("tick", 12)  # a number, not text: "12" < "5"
    assert await storage.settings.get_setting("tick") == "12"


async def test_a_claimed_setting_keeps_its_first_value(storage: Storage) -> None:
    claims = [storage.settings.claim_setting("secret", value) for value in ("a", "b", "c")]
    kept = await asyncio.gather(*claims)
    assert len(set(kept)) == 1 and await storage.settings.get_setting("secret") == kept[0]


async def test_a_tick_is_claimed_by_one_broadcast_of_those_racing(storage: Storage) -> None:
    post = [NewDelivery("console", "groupe", "group", "Compteur", NOW)]
    claim = Cause(tick=Tick("tally.last_tick", 7))
    racing = await asyncio.gather(
        *(storage.outbox.start_broadcast(post, NOW, kind="tally", cause=claim) for _ in range(4))
    )
    assert sum(id_ is not None for id_ in racing) == 1
    later = Cause(tick=Tick("tally.last_tick", 8))
    assert await storage.outbox.start_broadcast(post, NOW, kind="tally", cause=later) is not None
    assert await storage.outbox.start_broadcast(post, NOW, kind="tally", cause=claim) is None


async def test_racing_claimers_never_get_the_same_delivery(storage: Storage) -> None:
    posts = [NewDelivery("telegram", str(chat), "group", "hello", NOW) for chat in range(30)]
    await storage.outbox.start_broadcast(posts, NOW, kind="tally")
    lease = NOW + timedelta(minutes=1)
    claims = await asyncio.gather(
        *(storage.deliveries.claim_deliveries("telegram", NOW, lease, 8) for _ in range(5))
    )
    ids = [delivery.id for claimed in claims for delivery in claimed]
    assert len(ids) == len(set(ids)) == 30
