"""Pledges and the tally on PostgreSQL: the triggers of migration 0001 keep sharded
counters, read here by summing the shards."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from itertools import islice

import asyncpg

from storage.api.records import Added, HourCount, Kind, NewPledge, Pledge, Tally
from storage.postgres.batching import PoolGroupCommit

LAST_DAY = timedelta(hours=24)
_KINDS = {"kind:cancel": Kind.CANCEL, "kind:app": Kind.APP, "kind:switch": Kind.SWITCH}
_INSERT = (
    "INSERT INTO pledges (member, platform, kinds, notice_version, pledged_hour)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::smallint[], $4::int[], $5::timestamptz[])"
    " ON CONFLICT (member) DO NOTHING"
)
_TOTAL = "SELECT COALESCE(sum(value), 0)::bigint FROM tally_shards WHERE name = 'total'"


def hour_of(moment: datetime) -> datetime:
    """Pledge times are kept to the hour: enough for the tally, less to tell."""
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _columns(pledges: Sequence[NewPledge]) -> tuple[list[object], ...]:
    return (
        [p.member for p in pledges],
        [p.platform for p in pledges],
        [int(p.kinds) for p in pledges],
        [p.notice_version for p in pledges],
        [hour_of(p.at) for p in pledges],
    )


def _pledge(row: asyncpg.Record) -> Pledge:
    return Pledge(
        member=row["member"],
        platform=row["platform"],
        kinds=Kind(row["kinds"]),
        notice_version=row["notice_version"],
        pledged_at=row["pledged_hour"],
        done_at=row["done_hour"],
    )


async def add_pledges(
    conn: asyncpg.Connection, pledges: Sequence[NewPledge], milestones: Sequence[int]
) -> list[Added]:
    """Insert the pledges of members who have none, in one statement that commits on
    its own; a member counts once, even twice in a batch. Then record the milestones
    the total crossed.

    The statement reads the total as committed when it started (its own pledges are
    counted by the triggers once it ends): `before`. Milestones are recorded after the
    commit, against the total committed then: each concurrent writer covers from the
    total before its pledges to the total after its commit, so that together they miss
    none, and the primary key gives each to one pledge only.
    """
    row = await conn.fetchrow(
        f"WITH added AS ({_INSERT} RETURNING member)"
        " SELECT ARRAY(SELECT member FROM added) AS created,"
        f" ({_TOTAL}) AS before",
        *_columns(pledges),
    )
    created, before = set(row["created"]), row["before"]
    total = before + len(created)
    candidates = [m for m in milestones if m > before]
    crossed: tuple[int, ...] = ()
    if created and candidates:
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
        results.append(Added(first, total, crossed if first else ()))
        if first:
            crossed = ()
    return results


class PostgresPledges:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    def pledge_intake(self, milestones: Sequence[int]) -> Callable[[NewPledge], Awaitable[Added]]:
        return PoolGroupCommit(
            self._pool, partial(add_pledges, milestones=tuple(milestones))
        ).submit

    async def load_pledges(self, pledges: Iterable[NewPledge], chunk: int = 50_000) -> int:
        added = 0
        items = iter(pledges)
        while batch := list(islice(items, chunk)):
            status = await self._pool.execute(_INSERT, *_columns(batch))
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
        row = await self._pool.fetchrow(
            "UPDATE pledges SET done_hour = $1 WHERE member = $2 AND done_hour IS NULL RETURNING *",
            hour_of(now),
            member,
        )
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
        return Tally(
            total=values.get("total", 0),
            done=values.get("done", 0),
            last_day=values["last_day"],
            platforms={
                name.removeprefix("platform:"): value
                for name, value in sorted(values.items())
                if name.startswith("platform:") and value
            },
            kinds={kind: values.get(name, 0) for name, kind in _KINDS.items()},
        )

    async def hourly_counts(self) -> list[HourCount]:
        rows = await self._pool.fetch(
            "SELECT hour, sum(pledged)::bigint AS pledged, sum(done)::bigint AS done"
            " FROM tally_hours GROUP BY hour HAVING sum(pledged) <> 0 OR sum(done) <> 0"
            " ORDER BY hour"
        )
        return [HourCount(row["hour"], row["pledged"], row["done"]) for row in rows]
