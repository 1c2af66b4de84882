"""Named values kept between runs."""

from __future__ import annotations

from storage.db import Database


async def get_setting(db: Database, key: str) -> str | None:
    row = await db.fetchone("SELECT value FROM settings WHERE key = ?", (key,))
    return None if row is None else str(row["value"])


async def put_setting(db: Database, key: str, value: str) -> None:
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
