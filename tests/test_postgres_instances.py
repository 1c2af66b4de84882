"""Two instances of the bot on one PostgreSQL database, each with its own pool, on a
real server: what one of them does, the other never does twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from storage.api.records import PRIVATE, Asker, Cause, Kind, NewDelivery, NewPledge, Tick
from storage.postgres.store import PostgresStorage
from tests.postgres_server import PostgresServer

NOW = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
Instances = tuple[PostgresStorage, PostgresStorage]


@pytest.fixture
async def instances(postgres_url: str) -> AsyncIterator[Instances]:
    first = await PostgresStorage.open(postgres_url, "first")
    second = await PostgresStorage.open(postgres_url, "second")
    yield first, second
    await first.close()
    await second.close()


def pledge(n: int, platform: str = "telegram") -> NewPledge:
    return NewPledge(f"member-{n:05}", platform, Kind.CANCEL | Kind.SWITCH, 1, NOW)


async def test_concurrent_pledges_make_an_exact_tally_and_each_milestone_once(
    instances: Instances,
) -> None:
    milestones = (100, 250, 500, 777, 1_000, 1_499)
    intakes = [storage.pledges.pledge_intake(milestones) for storage in instances]
    # Every member pledges through both instances at once: each counts once.
    results = await asyncio.gather(
        *(
            intake(pledge(n, ("telegram", "discord")[n % 2]))
            for n in range(1_500)
            for intake in intakes
        )
    )
    assert sum(r.created for r in results) == 1_500
    assert {type(r.total) for r in results} == {int}
    for storage in instances:
        tally = await storage.pledges.get_tally(NOW)
        assert (tally.total, tally.last_day) == (1_500, 1_500)
        assert {type(n) for n in (tally.total, tally.done, tally.last_day)} == {int}
        assert tally.platforms == {"discord": 750, "telegram": 750}
        assert tally.kinds == {Kind.CANCEL: 1_500, Kind.APP: 0, Kind.SWITCH: 1_500}
    assert sorted(m for r in results for m in r.crossed) == list(milestones)
    assert await instances[1].outbox.unannounced_milestones() == list(milestones)


async def _queue_broadcast(storage: PostgresStorage, chats: int) -> int:
    deliveries = [
        NewDelivery("telegram", f"-100{n}", "group", f"post {n}", NOW) for n in range(chats)
    ]
    broadcast = await storage.outbox.start_broadcast(deliveries, NOW, kind="tally", text="t")
    assert broadcast is not None
    return broadcast


async def test_a_delivery_is_claimed_by_one_of_two_workers_only(instances: Instances) -> None:
    await _queue_broadcast(instances[0], 300)
    lease = NOW + timedelta(minutes=5)

    claimed_by_all: list[int] = []

    async def worker(storage: PostgresStorage) -> list[int]:
        claimed: list[int] = []
        # A claim finding every due row locked by the others returns nothing: try again.
        while len(claimed_by_all) < 300:
            batch = await storage.deliveries.claim_deliveries("telegram", NOW, lease, 7)
            claimed += [d.id for d in batch]
            claimed_by_all.extend(d.id for d in batch)
            await asyncio.sleep(0)
        return claimed

    # Four workers per instance, all claiming at once.
    claims = await asyncio.gather(*(worker(s) for s in instances for _ in range(4)))
    every = [delivery for claim in claims for delivery in claim]
    assert len(every) == len(set(every)) == 300
    assert any(claims[:4]) and any(claims[4:])  # both instances did claim some


async def test_a_lease_nobody_finishes_expires_and_the_row_is_claimed_again(
    instances: Instances,
) -> None:
    broadcast = await _queue_broadcast(instances[0], 1)
    lease = NOW + timedelta(minutes=5)
    [held] = await instances[0].deliveries.claim_deliveries("telegram", NOW, lease, 10)
    assert await instances[1].deliveries.claim_deliveries("telegram", NOW, lease, 10) == []
    # The first instance died: once its lease has run out, the second claims the row.
    later = lease + timedelta(seconds=1)
    [again] = await instances[1].deliveries.claim_deliveries("telegram", later, later, 10)
    assert again.id == held.id
    assert await instances[1].deliveries.finish_delivery(again, "sent", later, attempts=1)
    assert (await instances[0].outbox.count_deliveries(broadcast)).sent == 1


async def test_a_starting_instance_takes_back_only_the_claims_of_instances_that_are_gone(
    postgres_url: str,
) -> None:
    sender, dying, starting = [await PostgresStorage.open(postgres_url, n) for n in "abc"]
    try:
        await _queue_broadcast(sender, 2)
        lease = NOW + timedelta(minutes=5)
        [kept] = await sender.deliveries.claim_deliveries("telegram", NOW, lease, 1)
        [lost] = await dying.deliveries.claim_deliveries("telegram", NOW, lease, 1)
        await dying.close()  # its session ends, and its presence lock with it
        assert await starting.deliveries.release_claims("telegram") == 1
        [again] = await starting.deliveries.claim_deliveries("telegram", NOW, lease, 10)
        assert again.id == lost.id != kept.id  # the live sender's claim still holds
    finally:
        await sender.close()
        await starting.close()


async def test_one_sender_lease_per_platform_whichever_instance_claims(
    instances: Instances,
) -> None:
    lease = NOW + timedelta(seconds=10)

    async def claim(storage: PostgresStorage, holder: str, at: datetime) -> bool:
        return await storage.deliveries.claim_sender("telegram", holder, at, at + (lease - NOW))

    holders = [f"{n}" for n in range(12)]
    won = await asyncio.gather(*(claim(instances[n % 2], h, NOW) for n, h in enumerate(holders)))
    assert sum(won) == 1
    holder = holders[won.index(True)]
    assert await claim(instances[1], holder, NOW + timedelta(seconds=2))  # renewed
    assert not await claim(instances[0], "other", NOW + timedelta(seconds=11))
    # Given up: another instance may take it from then on.
    await instances[0].deliveries.release_sender("telegram", holder, NOW + timedelta(seconds=3))
    assert await claim(instances[0], "other", NOW + timedelta(seconds=3))


async def test_the_last_deliveries_finished_at_once_end_their_broadcast(
    instances: Instances,
) -> None:
    broadcast = await _queue_broadcast(instances[0], 40)
    lease = NOW + timedelta(minutes=5)
    first = await instances[0].deliveries.claim_deliveries("telegram", NOW, lease, 20)
    second = await instances[1].deliveries.claim_deliveries("telegram", NOW, lease, 20)
    done = await asyncio.gather(
        *(
            storage.deliveries.finish_delivery(d, "sent", NOW, attempts=1)
            for storage, claimed in zip(instances, (first, second), strict=True)
            for d in claimed
        )
    )
    assert sum(done) == 1
    found = await instances[1].outbox.get_broadcast(broadcast)
    assert found is not None and found.status == "done"


async def test_one_tally_post_per_tick_whichever_instance_ticks(instances: Instances) -> None:
    deliveries = [NewDelivery("telegram", "-1001", "group", "tally", NOW)]

    async def post(storage: PostgresStorage, number: int) -> int | None:
        cause = Cause(tick=Tick("tally_tick", number))
        return await storage.outbox.start_broadcast(
            deliveries, NOW, kind="tally", text="tally", cause=cause
        )

    # At each tick both instances' schedulers fire, each three times, all at once.
    for number in range(1, 21):
        posted = await asyncio.gather(*(post(s, number) for s in instances for _ in range(3)))
        assert sum(p is not None for p in posted) == 1
    # A late scheduler still at tick 7 posts nothing.
    assert await post(instances[1], 7) is None
    assert await instances[0].settings.get_setting("tally_tick") == "20"


async def test_drafts_confirmed_at_once_are_numbered_without_gaps(instances: Instances) -> None:
    drafts = [
        await instances[0].outbox.create_draft(
            text=f"a{n}",
            content_hash=str(n),
            author_platform="console",
            author="mod",
            origin_language="fr",
            now=NOW,
        )
        for n in range(10)
    ]
    confirmed = await asyncio.gather(
        *(s.outbox.start_broadcast([], NOW, draft_id=d) for d in drafts for s in instances)
    )
    assert sorted(c for c in confirmed if c is not None) == drafts
    numbers = [b.number for b in await instances[1].outbox.recent_announcements(20)]
    assert sorted(numbers) == list(range(1, 11))


async def _erase_everywhere(instances: Instances, member: str) -> None:
    first, second = instances
    before = (await first.pledges.get_tally(NOW)).total
    await first.subscriptions.subscribe("telegram", "4242", PRIVATE, "fr", NOW)
    await first.audit.record_audit("telegram", member, "refused", "", NOW)
    await second.pledges.pledge_intake(())(NewPledge(member, "telegram", Kind.APP, 1, NOW))
    assert not (await first.members.member_data("telegram", member, "4242")).empty
    erased = await first.members.erase_member("telegram", member, "4242", Asker("q"), NOW)
    assert erased == 3
    for storage in instances:
        assert (await storage.members.member_data("telegram", member, "4242")).empty
        assert (await storage.pledges.get_tally(NOW)).total == before


async def test_erasure_reaches_every_instance(instances: Instances) -> None:
    await _erase_everywhere(instances, "a" * 32)


def _database_files(server: PostgresServer, database_oid: int) -> bytes:
    return b"".join(
        path.read_bytes() for path in (server.data / "base" / str(database_oid)).iterdir()
    )


async def test_erased_pledges_leave_no_bytes_in_the_database_files(
    instances: Instances, postgres_server: PostgresServer, postgres_url: str
) -> None:
    member = "e7a5ed0b1e55ed5ecre7d0ff1ce2c0de"  # as long as a real member key
    await instances[0].pledges.load_pledges(pledge(n) for n in range(1_000))
    # Erased last, it lies in the free space once its page is compacted: the hardest case.
    await _erase_everywhere(instances, member)
    admin = await asyncpg.connect(postgres_url)
    try:
        database = await admin.fetchval(
            "SELECT oid FROM pg_database WHERE datname = current_database()"
        )
        # A plain VACUUM frees the dead tuples without overwriting them.
        await admin.execute("VACUUM pledges, audit_log, subscriptions")
        await admin.execute("CHECKPOINT")  # the pages as they are now, on disk
        assert member.encode() in _database_files(postgres_server, database)
        await instances[0].members.destroy_erased()
        await admin.execute("CHECKPOINT")
    finally:
        await admin.close()
    files = _database_files(postgres_server, database)
    assert member.encode() not in files
    assert pledge(999).member.encode() in files  # the other pledges are all there
