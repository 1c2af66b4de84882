"""Pledge storage on each backend: the counters always equal a COUNT over the table."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta

import pytest

from storage.api.protocols import Storage
from storage.api.records import ALL_KINDS, Kind, NewPledge
from tests.storage_backends import Backend

START = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def pledge(member: str, at: datetime = START, kinds: Kind = Kind.CANCEL) -> NewPledge:
    return NewPledge(member, "telegram" if member < "m5" else "discord", kinds, 1, at)


def hour_of(moment: datetime | str) -> str:
    """An hour as SQLite keeps it; PostgreSQL gives a timestamp."""
    return moment if isinstance(moment, str) else moment.strftime("%Y-%m-%dT%H")


def counted_by_sql(backend: Backend, storage: Storage, since: datetime) -> dict[str, object]:
    """What the counters should say, computed the slow way."""

    def one(sql: str) -> object:
        return backend.rows(storage, sql)[0][0]

    return {
        "total": one("SELECT COUNT(*) FROM pledges"),
        "done": one("SELECT COUNT(*) FROM pledges WHERE done_hour IS NOT NULL"),
        "last_day": sum(
            hour_of(hour) >= hour_of(since)
            for (hour,) in backend.rows(storage, "SELECT pledged_hour FROM pledges")
        ),
        "platforms": dict(
            backend.rows(storage, "SELECT platform, COUNT(*) FROM pledges GROUP BY 1 ORDER BY 1")
        ),
        "kinds": {
            kind: one(f"SELECT COUNT(*) FROM pledges WHERE (kinds & {int(kind)}) <> 0")
            for kind in (Kind.CANCEL, Kind.APP, Kind.SWITCH)
        },
        "hours": [
            (hour_of(hour), pledged, done)
            for hour, pledged, done in backend.rows(
                storage,
                "SELECT hour, SUM(p), SUM(d) FROM ("
                " SELECT pledged_hour AS hour, 1 AS p, 0 AS d FROM pledges"
                " UNION ALL SELECT done_hour, 0, 1 FROM pledges"
                " WHERE done_hour IS NOT NULL) AS h GROUP BY hour ORDER BY hour",
            )
        ],
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_counters_equal_counts_after_random_operations(
    backend: Backend, storage: Storage, seed: int
) -> None:
    rng = random.Random(seed)
    add = storage.pledges.pledge_intake(milestones=(5, 10, 20))
    now = START
    for _ in range(40):
        now += timedelta(minutes=rng.randint(1, 400))
        members = [f"m{rng.randint(0, 9)}" for _ in range(rng.randint(1, 6))]
        operation = rng.choice(["add", "add", "change", "done", "delete"])
        if operation == "add":  # concurrently, so that some share a batch
            await asyncio.gather(*(add(pledge(m, now, Kind(rng.randint(1, 7)))) for m in members))
        for member in members:
            if operation == "change":
                await storage.pledges.change_pledge(member, Kind(rng.randint(1, 7)))
            elif operation == "done":
                await storage.pledges.mark_pledge_done(member, now)
            elif operation == "delete":
                await storage.pledges.delete_pledge(member)
        tally = await storage.pledges.get_tally(now)
        expected = counted_by_sql(backend, storage, now - timedelta(hours=24))
        hours = [
            (hour_of(h.hour), h.pledged, h.done) for h in await storage.pledges.hourly_counts()
        ]
        assert hours == expected["hours"]
        assert {
            "total": tally.total,
            "done": tally.done,
            "last_day": tally.last_day,
            "platforms": dict(tally.platforms),
            "kinds": dict(tally.kinds),
        } == {k: v for k, v in expected.items() if k != "hours"}


async def test_a_member_counts_once_even_twice_in_one_batch(storage: Storage) -> None:
    add = storage.pledges.pledge_intake(milestones=())
    results = await asyncio.gather(*(add(pledge("m1")) for _ in range(5)), add(pledge("m2")))
    assert [r.created for r in results] == [True, False, False, False, False, True]
    assert {r.total for r in results} == {2}
    assert (await storage.pledges.get_tally(START)).total == 2


async def test_milestones_are_recorded_once_ever(backend: Backend, storage: Storage) -> None:
    add = storage.pledges.pledge_intake(milestones=(2, 3))
    first = await add(pledge("m1"))
    second = await add(pledge("m2"))
    assert (first.crossed, second.crossed) == ((), (2,))
    await storage.pledges.delete_pledge("m2")
    again = await add(pledge("m3"))
    third = await add(pledge("m4"))
    assert (again.crossed, third.crossed) == ((), (3,))
    batch = await asyncio.gather(*(add(pledge(f"n{i}")) for i in range(3)))
    assert [r.crossed for r in batch] == [(), (), ()]
    assert backend.rows(storage, "SELECT value FROM milestones ORDER BY value") == [(2,), (3,)]


async def test_one_batch_crossing_several_milestones_reports_them_to_one_member(
    storage: Storage,
) -> None:
    add = storage.pledges.pledge_intake(milestones=(1, 2, 3))
    batch = await asyncio.gather(*(add(pledge(f"m{i}")) for i in range(4)))
    crossed = [r.crossed for r in batch if r.crossed]
    assert sorted(value for values in crossed for value in values) == [1, 2, 3]


async def test_change_done_and_delete_report_what_happened(storage: Storage) -> None:
    assert await storage.pledges.change_pledge("nobody", Kind.APP) is None
    assert await storage.pledges.mark_pledge_done("nobody", START) is None
    assert await storage.pledges.delete_pledge("nobody") is False
    await storage.pledges.pledge_intake(())(pledge("m1"))
    changed = await storage.pledges.change_pledge("m1", ALL_KINDS)
    assert changed is not None and changed.kinds == ALL_KINDS
    done = await storage.pledges.mark_pledge_done("m1", START + timedelta(hours=30))
    assert done is not None and done.done_at == datetime(2026, 3, 2, 15, tzinfo=UTC)
    assert await storage.pledges.mark_pledge_done("m1", START + timedelta(days=9)) is None
    stored = await storage.pledges.get_pledge("m1")
    assert stored is not None and stored.pledged_at == datetime(2026, 3, 1, 9, tzinfo=UTC)
    assert await storage.pledges.delete_pledge("m1") is True
    assert await storage.pledges.get_pledge("m1") is None


async def test_bulk_load_keeps_the_counters_exact(backend: Backend, storage: Storage) -> None:
    rows = (pledge(f"m{i}", START - timedelta(hours=i), Kind(i % 7 + 1)) for i in range(2_000))
    assert await storage.pledges.load_pledges(rows, chunk=300) == 2_000
    assert await storage.pledges.load_pledges([pledge("m1")]) == 0
    tally = await storage.pledges.get_tally(START)
    expected = counted_by_sql(backend, storage, START - timedelta(hours=24))
    assert (tally.total, tally.last_day, dict(tally.kinds)) == (
        expected["total"],
        expected["last_day"],
        expected["kinds"],
    )
    assert tally.last_day == 25  # the current hour and the 24 before it
