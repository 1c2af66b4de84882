"""Named values kept between runs."""

from __future__ import annotations

from collections.abc import Mapping

import aiosqlite

from storage.db import Database


async def get_setting(db: Database, key: str) -> str | None:
    row = await db.fetchone("SELECT value FROM settings WHERE key = ?", (key,))
    return None if row is None else str(row["value"])


async def put_setting(db: Database, key: str, value: str) -> None:
    async with db.write() as conn:
        await write_settings(conn, {key: value})


async def claim_setting(db: Database, key: str, value: str) -> str:
    """Store `value` unless `key` already holds one; the value kept either way.

    Instances starting together on one database agree on the first value written.
    """
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
            (key, value),
        )
        cursor = await conn.execute("SELECT value FROM settings WHERE key = ?", (key,))
        row = await cursor.fetchone()
    assert row is not None
    return str(row["value"])


async def write_settings(conn: aiosqlite.Connection, values: Mapping[str, str]) -> None:
    """Store `values` inside a transaction the caller holds, with whatever else it writes."""
    await conn.executemany(
        "INSERT INTO settings (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        list(values.items()),
    )
