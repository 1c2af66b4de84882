"""Counts per campaign source: how many arrived through its link, how many then pledged."""

from __future__ import annotations

from storage.api.records import SourceCount
from storage.sqlite.db import SqliteArea


class SqliteSources(SqliteArea):
    async def count_arrival(self, code: str) -> None:
        await self._count(code, arrivals=1, pledges=0)

    async def count_source_pledge(self, code: str) -> None:
        await self._count(code, arrivals=0, pledges=1)

    async def _count(self, code: str, *, arrivals: int, pledges: int) -> None:
        async with self._db.write() as conn:
            await conn.execute(
                "INSERT INTO source_counts (code, arrivals, pledges) VALUES (?, ?, ?)"
                " ON CONFLICT (code) DO UPDATE SET arrivals = arrivals + excluded.arrivals,"
                " pledges = pledges + excluded.pledges",
                (code, arrivals, pledges),
            )

    async def list_source_counts(self) -> dict[str, SourceCount]:
        rows = await self._db.fetchall("SELECT code, arrivals, pledges FROM source_counts")
        return {
            row["code"]: SourceCount(row["code"], row["arrivals"], row["pledges"]) for row in rows
        }
