"""The sender lease: one holder per platform, taken over once it expires, given up."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.app import App, open_app
from bot.config import Config
from bot.delivery.publish import publish
from bot.delivery.sender_lease import NotSender, SenderLease
from bot.delivery.worker import DeliveryWorker
from bot.seam import ChatRef, Reply
from storage.api.protocols import Storage
from tests.test_delivery_worker import ScriptedPlatform, subscribe_chats

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
VALID = timedelta(seconds=10)
FAST = {"renew_every": 0.05, "valid_for": 0.5}


async def test_one_holder_until_its_lease_expires(storage: Storage) -> None:
    leases = storage.deliveries
    assert await leases.claim_sender("telegram", "a", NOW, NOW + VALID)
    assert not await leases.claim_sender("telegram", "b", NOW + timedelta(seconds=9), NOW + VALID)
    assert await leases.claim_sender("discord", "b", NOW, NOW + VALID)  # one per platform
    renewed = NOW + timedelta(seconds=2)
    assert await leases.claim_sender("telegram", "a", renewed, renewed + VALID)
    # The renewal counts: at the first expiry, the lease is still a's.
    assert not await leases.claim_sender("telegram", "b", NOW + VALID, NOW + 2 * VALID)
    expired = renewed + VALID
    assert await leases.claim_sender("telegram", "b", expired, expired + VALID)
    assert not await leases.claim_sender("telegram", "a", expired, expired + VALID)


async def test_a_lease_given_up_is_free_when_it_says_and_only_its_holder_gives_it_up(
    storage: Storage,
) -> None:
    leases = storage.deliveries
    assert await leases.claim_sender("telegram", "a", NOW, NOW + VALID)
    later = NOW + timedelta(seconds=3)
    await leases.release_sender("telegram", "b", NOW)
    assert not await leases.claim_sender("telegram", "b", NOW, NOW + VALID)
    await leases.release_sender("telegram", "a", later)
    assert not await leases.claim_sender("telegram", "b", NOW, NOW + VALID)
    assert await leases.claim_sender("telegram", "a", NOW, NOW + VALID)  # a restart of a
    await leases.release_sender("telegram", "a", later)
    assert await leases.claim_sender("telegram", "b", later, later + VALID)


async def test_of_many_claiming_at_once_one_gets_it(storage: Storage) -> None:
    claims = [
        storage.deliveries.claim_sender("telegram", f"instance-{n}", NOW, NOW + VALID)
        for n in range(20)
    ]
    assert sum(await asyncio.gather(*claims)) == 1


async def test_a_holder_that_cannot_renew_stops_before_another_may_start(app: App) -> None:
    timing = {"renew_every": 0.3, "valid_for": 1.2}  # a's own lapses at 0.9 s, the row at 1.2
    first = SenderLease(app.services, "scripted", "a", **timing)
    second = SenderLease(app.services, "scripted", "b", **timing)
    assert await first.renew() and first.held
    assert not await second.renew()
    await asyncio.sleep(0.95)  # a renews no more
    assert not first.held
    with pytest.raises(NotSender):
        first.check()
    assert not await second.renew()  # the lease in the database still runs
    await asyncio.sleep(0.3)
    assert await second.renew() and second.held
    assert not await first.renew()


@contextlib.asynccontextmanager
async def instance(
    config: Config, name: str
) -> AsyncIterator[tuple[App, SenderLease, ScriptedPlatform]]:
    """An app on the shared database whose worker sends while `name` holds the lease."""
    async with open_app(config) as app:
        platform = ScriptedPlatform()
        lease = SenderLease(app.services, platform.platform, name, **FAST)
        async with lease.kept(), DeliveryWorker(app.services, platform, lease=lease).active():
            yield app, lease, platform


async def received(platform: ScriptedPlatform, count: int) -> None:
    async with asyncio.timeout(10):
        while len(platform.received) < count:
            await asyncio.sleep(0.01)


async def test_only_the_holder_sends_and_another_takes_over_when_it_stops(
    config: Config,
) -> None:
    chats = [f"chat-{n:02d}" for n in range(20)]
    async with contextlib.AsyncExitStack() as first_instance:
        app, lease, first = await first_instance.enter_async_context(instance(config, "a"))
        await subscribe_chats(app, *chats)
        async with asyncio.timeout(5):
            await lease.gained()
        async with instance(config, "b") as (other, _, second):
            # Queued where nothing is sent: the holder's worker finds it by polling.
            await publish(other.services, "announcement", lambda lang: "one")
            await received(first, len(chats))
            await first_instance.aclose()  # stopped: its lease given up
            await publish(other.services, "announcement", lambda lang: "two")
            await received(second, len(chats))
    assert sorted(first.received) == [(chat, "one") for chat in chats]
    assert sorted(second.received) == [(chat, "two") for chat in chats]


class SlowPlatform(ScriptedPlatform):
    """Takes 0.15 s to answer each message."""

    async def deliver(self, chat: ChatRef, reply: Reply, **kwargs: Any) -> str | None:
        pace = kwargs.pop("pace")

        async def slowly() -> None:
            await pace()
            await asyncio.sleep(0.15)

        return await super().deliver(chat, reply, pace=slowly, **kwargs)


async def test_a_holder_cut_off_mid_broadcast_leaves_the_rest_to_the_next_one(
    config: Config,
) -> None:
    """Its renewals stop (as when its database is out of reach): it stops sending before
    the lease expires, its rows stay pending, and the next holder sends them."""
    chats = [f"chat-{n:02d}" for n in range(30)]
    async with open_app(config) as app:
        await subscribe_chats(app, *chats)
        platform = SlowPlatform()
        # Held 3 s here, 4 s in the database: long enough for the other app to start.
        lease = SenderLease(app.services, platform.platform, "a", renew_every=1, valid_for=4)
        assert await lease.renew()  # and never again
        async with (
            instance(config, "b") as (_, _, second),
            DeliveryWorker(app.services, platform, lease=lease).active(),
        ):
            await publish(app.services, "announcement", lambda lang: "one")
            await received(second, 1)
            sent_by_first = len(platform.received)
            await received(second, len(chats) - sent_by_first)
        counts = await app.storage.outbox.count_deliveries(1)
    assert 0 < sent_by_first < len(chats)
    assert sorted(platform.received + second.received) == [(chat, "one") for chat in chats]
    assert counts.sent == len(chats)
