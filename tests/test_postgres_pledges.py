"""Pledges and the tally on a real PostgreSQL server, from several instances at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from storage.api.records import Kind, NewPledge
from storage.postgres.store import PostgresStorage

NOW = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)


@pytest.fixture
async def two_instances(
    postgres_url: str,
) -> AsyncIterator[tuple[PostgresStorage, PostgresStorage]]:
    """Two instances of the bot on one database, each with its own pool."""
    first = await PostgresStorage.open(postgres_url, "first")
    second = await PostgresStorage.open(postgres_url, "second")
    yield first, second
    await first.close()
    await second.close()


def pledge(n: int, platform: str = "telegram") -> NewPledge:
    return NewPledge(f"member-{n}", platform, Kind.CANCEL | Kind.SWITCH, 1, NOW)


async def test_concurrent_pledges_from_two_instances_make_an_exact_tally(two_instances) -> None:
    first, second = two_instances
    milestones = (100, 250, 500, 777)
    intakes = [first.pledges.pledge_intake(milestones), second.pledges.pledge_intake(milestones)]
    # Every member pledges through both instances at once: each counts once.
    results = await asyncio.gather(
        *(intakes[i % 2](pledge(n)) for n in range(800) for i in range(2))
    )
    assert sum(r.created for r in results) == 800
    tally = await first.pledges.get_tally(NOW)
    assert (tally.total, tally.last_day, tally.platforms) == (800, 800, {"telegram": 800})
    assert tally.kinds == {Kind.CANCEL: 800, Kind.APP: 0, Kind.SWITCH: 800}
    crossed = sorted(m for r in results for m in r.crossed)
    assert crossed == list(milestones)
    assert await second.outbox.unannounced_milestones() == list(milestones)
