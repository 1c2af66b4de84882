"""Pledges, keyed by a member's pseudonymous key; the tally follows by triggers."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntFlag
from functools import partial
from itertools import islice

import aiosqlite

from storage.db import Database, stamp
from storage.group_commit import GroupCommit

HOUR_FORMAT = "%Y-%m-%dT%H"


class Kind(IntFlag):
    """What a member pledges; a pledge is one or several of these."""

    CANCEL = 1  # cancel a ChatGPT subscription
    APP = 2  # delete the app
    SWITCH = 4  # switch to another assistant


ALL_KINDS = Kind.CANCEL | Kind.APP | Kind.SWITCH


def hour_of(moment: datetime) -> str:
    """Pledge times are kept to the hour: enough for the tally, less to tell."""
    return moment.astimezone(UTC).strftime(HOUR_FORMAT)


def parse_hour(text: str) -> datetime:
    return datetime.strptime(text, HOUR_FORMAT).replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Pledge:
    member: str
    platform: str
    kinds: Kind
    notice_version: int
    pledged_at: datetime
    done_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewPledge:
    member: str
    platform: str
    kinds: Kind
    notice_version: int
    at: datetime


@dataclass(frozen=True, slots=True)
class Added:
    """`created` is False when the member had already pledged (nothing changed).

    `crossed` holds the milestones this pledge made the total reach for the
    first time ever; each is given to one pledge only.
    """

    created: bool
    total: int
    crossed: tuple[int, ...] = ()


def _pledge(row: sqlite3.Row) -> Pledge:
    done = row["done_hour"]
    return Pledge(
        member=row["member"],
        platform=row["platform"],
        kinds=Kind(row["kinds"]),
        notice_version=row["notice_version"],
        pledged_at=parse_hour(row["pledged_hour"]),
        done_at=None if done is None else parse_hour(done),
    )


_INSERT_BATCH = (
    "INSERT INTO pledges (member, platform, kinds, notice_version, pledged_hour)"
    " SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),"
    " json_extract(value, '$[3]'), json_extract(value, '$[4]') FROM json_each(?)"
    " WHERE true"  # an upsert after INSERT ... SELECT needs a WHERE to parse
    " ON CONFLICT (member) DO NOTHING RETURNING member"
)


async def add_pledges(
    conn: aiosqlite.Connection, pledges: Sequence[NewPledge], milestones: Sequence[int]
) -> list[Added]:
    """Insert the pledges of members who have none, in one statement, and record
    the milestones the total crossed. A member counts once, even twice in a batch."""
    rows = [[p.member, p.platform, int(p.kinds), p.notice_version, hour_of(p.at)] for p in pledges]
    created = {row[0] for row in await conn.execute_fetchall(_INSERT_BATCH, (json.dumps(rows),))}
    [(total,)] = await conn.execute_fetchall(
        "SELECT COALESCE((SELECT value FROM tally_counters WHERE name = 'total'), 0)"
    )
    before = total - len(created)
    crossed = await _record_milestones(
        conn, [m for m in milestones if before < m <= total], pledges[-1].at
    )
    results = []
    for pledge in pledges:
        first = pledge.member in created
        created.discard(pledge.member)
        results.append(Added(first, total, crossed if first else ()))
        if first:
            crossed = ()
    return results


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


def pledge_intake(
    db: Database, milestones: Sequence[int]
) -> Callable[[NewPledge], Awaitable[Added]]:
    """Add one pledge, sharing the transaction with those that arrive meanwhile."""
    return GroupCommit(db, partial(add_pledges, milestones=tuple(milestones))).submit


async def any_pledge(db: Database) -> bool:
    return await db.fetchone("SELECT 1 FROM pledges LIMIT 1") is not None


async def get_pledge(db: Database, member: str) -> Pledge | None:
    row = await db.fetchone("SELECT * FROM pledges WHERE member = ?", (member,))
    return None if row is None else _pledge(row)


async def change_pledge(db: Database, member: str, kinds: Kind) -> Pledge | None:
    """Change what an existing pledge covers; None when the member has no pledge."""
    async with db.write() as conn:
        rows = list(
            await conn.execute_fetchall(
                "UPDATE pledges SET kinds = ? WHERE member = ? RETURNING *", (int(kinds), member)
            )
        )
    return _pledge(rows[0]) if rows else None


async def mark_pledge_done(db: Database, member: str, now: datetime) -> Pledge | None:
    """Mark a pledge carried out; None when there is none or it already was."""
    async with db.write() as conn:
        rows = list(
            await conn.execute_fetchall(
                "UPDATE pledges SET done_hour = ? WHERE member = ? AND done_hour IS NULL"
                " RETURNING *",
                (hour_of(now), member),
            )
        )
    return _pledge(rows[0]) if rows else None


async def delete_pledge(db: Database, member: str) -> bool:
    """Remove the member's pledge, the only data kept about a member."""
    async with db.write() as conn:
        cursor = await conn.execute("DELETE FROM pledges WHERE member = ?", (member,))
        return cursor.rowcount == 1


async def load_pledges(db: Database, pledges: Iterable[NewPledge], chunk: int = 50_000) -> int:
    """Bulk-insert pledges (imports, benchmarks): the triggers keep the tally exact,
    milestones are not announced. Returns how many were new."""
    added = 0
    items = iter(pledges)
    while rows := [
        (p.member, p.platform, int(p.kinds), p.notice_version, hour_of(p.at))
        for p in islice(items, chunk)
    ]:
        async with db.write() as conn:
            cursor = await conn.executemany(
                "INSERT INTO pledges (member, platform, kinds, notice_version, pledged_hour)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (member) DO NOTHING",
                rows,
            )
            added += cursor.rowcount
    return added
