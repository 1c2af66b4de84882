"""Named values kept between runs."""

from __future__ import annotations

from collections.abc import Mapping

import aiosqlite

from storage.sqlite.db import SqliteArea


class SqliteSettings(SqliteArea):
    async def get_setting(self, key: str) -> str | None:
        row = await self._db.fetchone("SELECT value FROM settings WHERE key = ?", (key,))
        return None if row is None else str(row["value"])

    async def put_setting(self, key: str, value: str) -> None:
        async with self._db.write() as conn:
            await write_settings(conn, {key: value})

    async def claim_setting(self, key: str, value: str) -> str:
        async with self._db.write() as conn:
            await conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                (key, value),
            )
            cursor = await conn.execute("SELECT value FROM settings WHERE key = ?", (key,))
            row = await cursor.fetchone()
        assert row is not None
        return str(row["value"])

    async def advance_setting(self, key: str, value: int) -> bool:
        async with self._db.write() as conn:
            return await advance_setting(conn, key, value)


async def write_settings(conn: aiosqlite.Connection, values: Mapping[str, str]) -> None:
    """Store `values` inside a transaction the caller holds, with whatever else it writes."""
    await conn.executemany(
        "INSERT INTO settings (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        list(values.items()),
    )


async def advance_setting(conn: aiosqlite.Connection, key: str, value: int) -> bool:
    """In the caller's transaction, store `value` if the stored number is lower or absent."""
    cursor = await conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key)"
        " DO UPDATE SET value = excluded.value WHERE CAST(settings.value AS INTEGER) < ?3",
        (key, str(value), value),
    )
    return cursor.rowcount == 1
