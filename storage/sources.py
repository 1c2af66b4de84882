"""Counts per campaign source: how many arrived through its link, how many then pledged.

Only the counts are kept: no row says who came through which source.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Database


@dataclass(frozen=True, slots=True)
class SourceCount:
    code: str
    arrivals: int
    pledges: int


async def count_arrival(db: Database, code: str) -> None:
    await _count(db, code, arrivals=1, pledges=0)


async def count_source_pledge(db: Database, code: str) -> None:
    await _count(db, code, arrivals=0, pledges=1)


async def _count(db: Database, code: str, *, arrivals: int, pledges: int) -> None:
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO source_counts (code, arrivals, pledges) VALUES (?, ?, ?)"
            " ON CONFLICT (code) DO UPDATE SET arrivals = arrivals + excluded.arrivals,"
            " pledges = pledges + excluded.pledges",
            (code, arrivals, pledges),
        )


async def list_source_counts(db: Database) -> dict[str, SourceCount]:
    rows = await db.fetchall("SELECT code, arrivals, pledges FROM source_counts")
    return {row["code"]: SourceCount(row["code"], row["arrivals"], row["pledges"]) for row in rows}
