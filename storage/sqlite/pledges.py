"""Pledges, keyed by a member's pseudonymous key; the tally follows by triggers and is
read from the counters they keep (never a COUNT)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from itertools import islice

import aiosqlite

from storage.api.batching import Batcher
from storage.api.conditional import met_threshold
from storage.api.records import Added, HourCount, Kind, NewPledge, Pledge, Tally
from storage.sqlite.db import SqliteArea, stamp

HOUR_FORMAT = "%Y-%m-%dT%H"
LAST_DAY = timedelta(hours=24)
LOAD_CHUNK = 50_000


def hour_of(moment: datetime) -> str:
    """Pledge times are kept to the hour: enough for the tally, less to tell."""
    return moment.astimezone(UTC).strftime(HOUR_FORMAT)


def parse_hour(text: str) -> datetime:
    return datetime.strptime(text, HOUR_FORMAT).replace(tzinfo=UTC)


def _pledge(row: sqlite3.Row) -> Pledge:
    done = row["done_hour"]
    return Pledge(
        member=row["member"],
        platform=row["platform"],
        kinds=Kind(row["kinds"]),
        notice_version=row["notice_version"],
        pledged_at=parse_hour(row["pledged_hour"]),
        done_at=None if done is None else parse_hour(done),
        threshold=row["threshold"],
    )


_INSERT_BATCH = (
    "INSERT INTO pledges (member, platform, kinds, notice_version, pledged_hour, threshold)"
    " SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),"
    " json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]')"
    " FROM json_each(?)"
    " WHERE true"  # an upsert after INSERT ... SELECT needs a WHERE to parse
    " ON CONFLICT (member) DO NOTHING RETURNING member"
)


async def _counters(conn: aiosqlite.Connection) -> tuple[int, int]:
    """(total, conditional) as the counters hold them."""
    rows = await conn.execute_fetchall(
        "SELECT name, value FROM tally_counters WHERE name IN ('total', 'conditional')"
    )
    values = {row[0]: row[1] for row in rows}
    return values.get("total", 0), values.get("conditional", 0)


async def add_pledges(
    conn: aiosqlite.Connection, pledges: Sequence[NewPledge], milestones: Sequence[int]
) -> list[Added]:
    """Insert the pledges of members who have none, in one statement, make firm the
    conditional pledges whose thresholds that meets, and record the milestones the total
    crossed. A member counts once, even twice in a batch."""
    rows = [
        [p.member, p.platform, int(p.kinds), p.notice_version, hour_of(p.at), p.threshold]
        for p in pledges
    ]
    created = {row[0] for row in await conn.execute_fetchall(_INSERT_BATCH, (json.dumps(rows),))}
    total, waiting = await _counters(conn)
    threshold: dict[str, int | None] = {}
    for pledge in pledges:  # of a member twice in a batch, the first is the one inserted
        threshold.setdefault(pledge.member, pledge.threshold)
    before = total - sum(1 for member in created if threshold[member] is None)
    # Only when some pledge waits: a batch without any pays no more than one read.
    firmed = await firm_up(conn, total, pledges[-1].at) if waiting else 0
    total += firmed
    crossed = await _record_milestones(
        conn, [m for m in milestones if before < m <= total], pledges[-1].at
    )
    results = []
    for pledge in pledges:
        first = pledge.member in created
        created.discard(pledge.member)
        results.append(Added(first, total, crossed if first else (), firmed if first else 0))
        if first:
            crossed, firmed = (), 0
    return results


async def firm_up(conn: aiosqlite.Connection, firm: int, now: datetime) -> int:
    """Make firm the conditional pledges whose thresholds `firm` pledges and those met
    meet, in the caller's transaction; their notices become due. How many were made firm."""
    waiting = await conn.execute_fetchall(
        "SELECT threshold, COUNT(*) FROM pledges WHERE threshold IS NOT NULL"
        " GROUP BY threshold ORDER BY threshold"
    )
    met = met_threshold(firm, [(row[0], row[1]) for row in waiting])
    if met is None:
        return 0
    await conn.execute(
        "UPDATE pledge_notices SET due_at = ? WHERE kind = 'firm' AND member IN"
        " (SELECT member FROM pledges WHERE threshold <= ?)",
        (stamp(now), met),
    )
    cursor = await conn.execute(
        "UPDATE pledges SET threshold = NULL, pledged_hour = ? WHERE threshold <= ?",
        (hour_of(now), met),
    )
    return cursor.rowcount


async def _record_milestones(
    conn: aiosqlite.Connection, candidates: list[int], now: datetime
) -> tuple[int, ...]:
    """Record each milestone once ever: a total that falls and rises again does not repeat it."""
    if not candidates:
        return ()
    rows = await conn.execute_fetchall(
        "INSERT INTO milestones (value, reached_at) SELECT value, ? FROM json_each(?) WHERE true"
        " ON CONFLICT (value) DO NOTHING RETURNING value",
        (stamp(now), json.dumps(candidates)),
    )
    return tuple(sorted(row[0] for row in rows))


class SqlitePledges(SqliteArea):
    def pledge_intake(self, milestones: Sequence[int]) -> Callable[[NewPledge], Awaitable[Added]]:
        """Add one pledge, sharing the transaction with those that arrive meanwhile."""
        marks = tuple(milestones)

        async def write(pledges: Sequence[NewPledge]) -> list[Added]:
            async with self._db.write() as conn:  # the single writer: one batch at a time
                return await add_pledges(conn, pledges, marks)

        return Batcher(write).submit

    async def any_pledge(self) -> bool:
        return await self._db.fetchone("SELECT 1 FROM pledges LIMIT 1") is not None

    async def get_pledge(self, member: str) -> Pledge | None:
        row = await self._db.fetchone("SELECT * FROM pledges WHERE member = ?", (member,))
        return None if row is None else _pledge(row)

    async def change_pledge(self, member: str, kinds: Kind) -> Pledge | None:
        return await self._update_one(
            "UPDATE pledges SET kinds = ? WHERE member = ? RETURNING *", (int(kinds), member)
        )

    async def mark_pledge_done(self, member: str, now: datetime) -> Pledge | None:
        """Carried out, a conditional pledge is firm: it waits for no one, needs no notice,
        and may meet others' thresholds."""
        async with self._db.write() as conn:
            rows = list(
                await conn.execute_fetchall(
                    "UPDATE pledges SET done_hour = ?1, threshold = NULL,"
                    " pledged_hour = CASE WHEN threshold IS NULL THEN pledged_hour ELSE ?1 END"
                    " WHERE member = ?2 AND done_hour IS NULL RETURNING *",
                    (hour_of(now), member),
                )
            )
            if rows:
                await conn.execute("DELETE FROM pledge_notices WHERE member = ?", (member,))
                total, waiting = await _counters(conn)
                if waiting:
                    await firm_up(conn, total, now)
        return _pledge(rows[0]) if rows else None

    async def _update_one(self, sql: str, params: tuple[object, ...]) -> Pledge | None:
        async with self._db.write() as conn:
            rows = list(await conn.execute_fetchall(sql, params))
        return _pledge(rows[0]) if rows else None

    async def delete_pledge(self, member: str) -> bool:
        """Remove the member's pledge, the only data kept about a member."""
        async with self._db.write() as conn:
            cursor = await conn.execute("DELETE FROM pledges WHERE member = ?", (member,))
            return cursor.rowcount == 1

    async def load_pledges(self, pledges: Iterable[NewPledge], chunk: int = LOAD_CHUNK) -> int:
        """Bulk-insert pledges (imports, benchmarks): the triggers keep the tally exact,
        milestones are not announced. Returns how many were new."""
        added = 0
        items = iter(pledges)
        while rows := [
            (p.member, p.platform, int(p.kinds), p.notice_version, hour_of(p.at))
            for p in islice(items, chunk)
        ]:
            async with self._db.write() as conn:
                cursor = await conn.executemany(
                    "INSERT INTO pledges (member, platform, kinds, notice_version, pledged_hour)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (member) DO NOTHING",
                    rows,
                )
                added += cursor.rowcount
        return added

    async def get_tally(self, now: datetime) -> Tally:
        """A few counter rows plus at most 25 hourly buckets, at any number of pledges."""
        rows = await self._db.fetchall(
            "SELECT name, value FROM tally_counters UNION ALL"
            " SELECT 'last_day', COALESCE(SUM(pledged), 0) FROM tally_hours WHERE hour >= ?",
            (hour_of(now - LAST_DAY),),
        )
        values = {row["name"]: row["value"] for row in rows}
        return Tally.of_counters(values, values.get("conditional", 0))

    async def hourly_counts(self) -> list[HourCount]:
        """Pledges and pledges carried out per hour that has any, oldest first, for the chart."""
        rows = await self._db.fetchall(
            "SELECT hour, pledged, done FROM tally_hours WHERE pledged OR done ORDER BY hour"
        )
        return [HourCount(parse_hour(row["hour"]), row["pledged"], row["done"]) for row in rows]
