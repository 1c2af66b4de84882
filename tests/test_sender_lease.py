"""The sender lease: one holder per platform, taken over once it expires, given up."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from storage.api.protocols import Storage

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
VALID = timedelta(seconds=10)


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
