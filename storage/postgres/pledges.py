"""Pledges and the tally on PostgreSQL: the triggers of migrations 0001 and 0004 keep
sharded counters, read here by summing the shards; conditional pledges are counted by
threshold (`waiting:<threshold>`), which is all it takes to find the thresholds met."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from itertools import islice

import asyncpg

from storage.api.batching import Batcher
from storage.api.conditional import met_threshold
from storage.api.records import Added, HourCount, Kind, NewPledge, Pledge, Tally

LAST_DAY = timedelta(hours=24)
_INSERT = (
    "INSERT INTO pledges (member, platform, kinds, notice_version, pledged_hour, threshold)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::smallint[], $4::int[],"
    " $5::timestamptz[], $6::int[])"
    " ON CONFLICT (member) DO NOTHING"
)
_TOTAL = "SELECT COALESCE(sum(value), 0)::bigint FROM tally_shards WHERE name = 'total'"
# The firm total and the pledges waiting on each threshold, from the counters.
_WAITING = (
    "SELECT name, sum(value)::bigint AS value FROM tally_shards"
    " WHERE name = 'total' OR name LIKE 'waiting:%' GROUP BY name"
)
# Instances make conditional pledges firm one at a time: any constant they agree on.
FIRMING_LOCK = 0x717569_7467_6672


def hour_of(moment: datetime) -> datetime:
    """Pledge times are kept to the hour: enough for the tally, less to tell."""
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _columns(pledges: Sequence[NewPledge], *, conditional: bool = True) -> tuple[list[object], ...]:
    """The columns of `_INSERT`; without `conditional`, every pledge firm (a bulk load)."""
    return (
        [p.member for p in pledges],
        [p.platform for p in pledges],
        [int(p.kinds) for p in pledges],
        [p.notice_version for p in pledges],
        [hour_of(p.at) for p in pledges],
        [p.threshold if conditional else None for p in pledges],
    )


def _pledge(row: asyncpg.Record) -> Pledge:
    return Pledge(
        member=row["member"],
        platform=row["platform"],
        kinds=Kind(row["kinds"]),
        notice_version=row["notice_version"],
        pledged_at=row["pledged_hour"],
        done_at=row["done_hour"],
        threshold=row["threshold"],
    )


async def add_pledges(
    conn: asyncpg.Connection, pledges: Sequence[NewPledge], milestones: Sequence[int]
) -> list[Added]:
    """Insert the pledges of members who have none, in one statement that commits on
    its own; a member counts once, even twice in a batch. Then make firm the conditional
    pledges whose thresholds are met, and record the milestones the total crossed.

    The statement reads the total as committed when it started (its own pledges are
    counted by the triggers once it ends): `before`. What follows reads the pledges as
    committed after it: each concurrent writer looks again once its pledges count, so
    that the last to commit sees them all and together they miss no threshold met and
    no milestone crossed; the primary key gives each milestone to one pledge only.
    """
    row = await conn.fetchrow(
        f"WITH added AS ({_INSERT} RETURNING member, threshold)"
        " SELECT ARRAY(SELECT member FROM added) AS created,"
        " (SELECT count(*) FROM added WHERE threshold IS NULL) AS firm,"
        f" ({_TOTAL}) AS before",
        *_columns(pledges),
    )
    created, before = set(row["created"]), row["before"]
    firmed = await firm_up(conn, pledges[-1].at) if created else 0
    total = before + row["firm"] + firmed
    candidates = [m for m in milestones if m > before]
    crossed: tuple[int, ...] = ()
    if (row["firm"] or firmed) and candidates:
        rows = await conn.fetch(
            "INSERT INTO milestones (value, reached_at)"
            f" SELECT m, $2 FROM unnest($1::bigint[]) AS m WHERE m <= ({_TOTAL})"
            " ON CONFLICT (value) DO NOTHING RETURNING value",
            candidates,
            pledges[-1].at,
        )
        crossed = tuple(sorted(row["value"] for row in rows))
    results = []
    for pledge in pledges:
        first = pledge.member in created
        created.discard(pledge.member)
        results.append(Added(first, total, crossed if first else (), firmed if first else 0))
        if first:
            crossed, firmed = (), 0
    return results


def _waiting(values: Mapping[str, int]) -> list[tuple[int, int]]:
    """(threshold, pledges waiting on it) in increasing order, from the counters."""
    return sorted(
        (int(name.removeprefix("waiting:")), value)
        for name, value in values.items()
        if name.startswith("waiting:") and value
    )


async def _met(conn: asyncpg.Connection) -> int | None:
    values = {row["name"]: row["value"] for row in await conn.fetch(_WAITING)}
    return met_threshold(values.get("total", 0), _waiting(values))


async def firm_up(conn: asyncpg.Connection, now: datetime) -> int:
    """Make firm the conditional pledges whose thresholds the committed pledges meet, in a
    transaction of its own; their notices become due in it. How many were made firm.

    A read finds whether any threshold is met; only then does the transaction take the
    lock that makes firm one batch at a time, read again and update. The pledges are
    updated before their notices, each statement seeing what committed before it: a
    notice kept meanwhile (`keep_notice` holds its pledge's row) is either refused or
    made due.
    """
    if await _met(conn) is None:
        return 0
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", FIRMING_LOCK)
        met = await _met(conn)
        if met is None:
            return 0
        members = await conn.fetch(
            "UPDATE pledges SET threshold = NULL, pledged_hour = $1 WHERE threshold <= $2"
            " RETURNING member",
            hour_of(now),
            met,
        )
        await conn.execute(
            "UPDATE pledge_notices SET due_at = $1 WHERE kind = 'firm' AND member = ANY($2)",
            now,
            [row["member"] for row in members],
        )
    return len(members)


# Batches written at once: fewer than the pool's connections, which reads also use.
POOL_BATCHES = 8


class PostgresPledges:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    def pledge_intake(self, milestones: Sequence[int]) -> Callable[[NewPledge], Awaitable[Added]]:
        """Add one pledge, sharing a transaction with those that arrive meanwhile; up to
        eight batches at once, each on its own connection, so commits waiting for the disk
        overlap."""
        marks = tuple(milestones)

        async def write(pledges: Sequence[NewPledge]) -> list[Added]:
            async with self._pool.acquire() as conn:
                return await add_pledges(conn, pledges, marks)

        return Batcher(write, max_inflight=POOL_BATCHES).submit

    async def load_pledges(self, pledges: Iterable[NewPledge], chunk: int = 50_000) -> int:
        added = 0
        items = iter(pledges)
        while batch := list(islice(items, chunk)):
            status = await self._pool.execute(_INSERT, *_columns(batch, conditional=False))
            added += int(status.rsplit(" ", 1)[-1])
        return added

    async def any_pledge(self) -> bool:
        return bool(await self._pool.fetchval("SELECT EXISTS (SELECT 1 FROM pledges)"))

    async def get_pledge(self, member: str) -> Pledge | None:
        row = await self._pool.fetchrow("SELECT * FROM pledges WHERE member = $1", member)
        return None if row is None else _pledge(row)

    async def change_pledge(self, member: str, kinds: Kind) -> Pledge | None:
        row = await self._pool.fetchrow(
            "UPDATE pledges SET kinds = $1 WHERE member = $2 RETURNING *", int(kinds), member
        )
        return None if row is None else _pledge(row)

    async def mark_pledge_done(self, member: str, now: datetime) -> Pledge | None:
        """Carried out, a conditional pledge is firm: it waits for no one, needs no notice,
        and may meet others' thresholds (looked at once it counts, as in `add_pledges`)."""
        async with self._pool.acquire() as conn:
            async with conn.transaction():
                row = await conn.fetchrow(
                    "UPDATE pledges SET done_hour = $1, threshold = NULL,"
                    " pledged_hour = CASE WHEN threshold IS NULL THEN pledged_hour ELSE $1 END"
                    " WHERE member = $2 AND done_hour IS NULL RETURNING *",
                    hour_of(now),
                    member,
                )
                if row is not None:
                    await conn.execute("DELETE FROM pledge_notices WHERE member = $1", member)
            if row is not None:
                await firm_up(conn, now)
        return None if row is None else _pledge(row)

    async def delete_pledge(self, member: str) -> bool:
        status = await self._pool.execute("DELETE FROM pledges WHERE member = $1", member)
        return bool(status == "DELETE 1")

    async def get_tally(self, now: datetime) -> Tally:
        """A few hundred counter rows (names x shards) plus at most 25 hourly buckets
        per shard, at any number of pledges."""
        rows = await self._pool.fetch(
            "SELECT name, sum(value)::bigint AS value FROM tally_shards GROUP BY name UNION ALL"
            " SELECT 'last_day', COALESCE(sum(pledged), 0)::bigint FROM tally_hours"
            " WHERE hour >= $1",
            hour_of(now - LAST_DAY),
        )
        values = {row["name"]: row["value"] for row in rows}
        return Tally.of_counters(values, sum(count for _, count in _waiting(values)))

    async def hourly_counts(self) -> list[HourCount]:
        rows = await self._pool.fetch(
            "SELECT hour, sum(pledged)::bigint AS pledged, sum(done)::bigint AS done"
            " FROM tally_hours GROUP BY hour HAVING sum(pledged) <> 0 OR sum(done) <> 0"
            " ORDER BY hour"
        )
        return [HourCount(row["hour"], row["pledged"], row["done"]) for row in rows]
