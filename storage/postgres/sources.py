"""Counts per campaign source on PostgreSQL: how many arrived through its link, how many
then pledged."""

from __future__ import annotations

import asyncpg

from storage.api.records import SourceCount


class PostgresSources:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def count_arrival(self, code: str) -> None:
        await self._count(code, arrivals=1, pledges=0)

    async def count_source_pledge(self, code: str) -> None:
        await self._count(code, arrivals=0, pledges=1)

    async def _count(self, code: str, *, arrivals: int, pledges: int) -> None:
        await self._pool.execute(
            "INSERT INTO source_counts (code, arrivals, pledges) VALUES ($1, $2, $3)"
            " ON CONFLICT (code) DO UPDATE SET arrivals = source_counts.arrivals"
            " + excluded.arrivals, pledges = source_counts.pledges + excluded.pledges",
            code,
            arrivals,
            pledges,
        )

    async def list_source_counts(self) -> dict[str, SourceCount]:
        rows = await self._pool.fetch("SELECT code, arrivals, pledges FROM source_counts")
        return {row["code"]: SourceCount(*row) for row in rows}
