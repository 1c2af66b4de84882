"""Named values kept between runs, on PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping

import asyncpg

_ADVANCE = (
    "INSERT INTO settings (key, value) VALUES ($1, $2::bigint::text) ON CONFLICT (key)"
    " DO UPDATE SET value = excluded.value WHERE settings.value::bigint < $2::bigint"
)


class PostgresSettings:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def get_setting(self, key: str) -> str | None:
        value = await self._pool.fetchval("SELECT value FROM settings WHERE key = $1", key)
        return None if value is None else str(value)

    async def put_setting(self, key: str, value: str) -> None:
        async with self._pool.acquire() as conn:
            await write_settings(conn, {key: value})

    async def claim_setting(self, key: str, value: str) -> str:
        """Two statements, each reading what is committed when it starts: an insert that
        lost to a concurrent one waits for it, and the read then sees its value."""
        await self._pool.execute(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            key,
            value,
        )
        kept = await self._pool.fetchval("SELECT value FROM settings WHERE key = $1", key)
        return str(kept)

    async def advance_setting(self, key: str, value: int) -> bool:
        async with self._pool.acquire() as conn:
            return await advance_setting(conn, key, value)


async def write_settings(conn: asyncpg.Connection, values: Mapping[str, str]) -> None:
    """Store `values` in the caller's transaction, with whatever else it writes."""
    if values:
        await conn.execute(
            "INSERT INTO settings (key, value) SELECT * FROM unnest($1::text[], $2::text[])"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            list(values),
            list(values.values()),
        )


async def advance_setting(conn: asyncpg.Connection, key: str, value: int) -> bool:
    """Store `value` if the stored number is lower or absent: a conditional write, so
    that of several instances advancing it at once exactly one succeeds (the others
    wait for its row lock, then see the new value and write nothing)."""
    return bool(await conn.execute(_ADVANCE, key, value) == "INSERT 0 1")
