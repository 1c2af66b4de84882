"""Chats subscribed to tally posts and announcements."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, stamp


@dataclass(frozen=True, slots=True)
class Subscription:
    platform: str
    chat_id: str
    chat_kind: str
    language: str
    pinned: bool
    tally_message_id: str | None


def _subscription(row: sqlite3.Row) -> Subscription:
    return Subscription(
        row["platform"],
        row["chat_id"],
        row["chat_kind"],
        row["language"],
        bool(row["pinned"]),
        row["tally_message_id"],
    )


async def subscribe(
    db: Database, platform: str, chat_id: str, chat_kind: str, language: str, now: datetime
) -> bool:
    """Subscribe a chat; False when it already was (it stays subscribed once)."""
    async with db.write() as conn:
        cursor = await conn.execute(
            "INSERT INTO subscriptions (platform, chat_id, chat_kind, language, created_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, chat_id) DO NOTHING",
            (platform, chat_id, chat_kind, language, stamp(now)),
        )
        return cursor.rowcount == 1


async def unsubscribe(db: Database, platform: str, chat_id: str) -> bool:
    async with db.write() as conn:
        cursor = await conn.execute(
            "DELETE FROM subscriptions WHERE platform = ? AND chat_id = ?", (platform, chat_id)
        )
        return cursor.rowcount == 1


async def get_subscription(db: Database, platform: str, chat_id: str) -> Subscription | None:
    row = await db.fetchone(
        "SELECT * FROM subscriptions WHERE platform = ? AND chat_id = ?", (platform, chat_id)
    )
    return None if row is None else _subscription(row)


async def list_subscriptions(db: Database) -> list[Subscription]:
    rows = await db.fetchall("SELECT * FROM subscriptions ORDER BY platform, chat_id")
    return [_subscription(row) for row in rows]


async def set_pinned(db: Database, platform: str, chat_id: str, pinned: bool) -> bool:
    async with db.write() as conn:
        cursor = await conn.execute(
            "UPDATE subscriptions SET pinned = ?, tally_message_id = NULL"
            " WHERE platform = ? AND chat_id = ?",
            (int(pinned), platform, chat_id),
        )
        return cursor.rowcount == 1


async def set_tally_message(db: Database, platform: str, chat_id: str, message_id: str) -> None:
    async with db.write() as conn:
        await conn.execute(
            "UPDATE subscriptions SET tally_message_id = ? WHERE platform = ? AND chat_id = ?",
            (message_id, platform, chat_id),
        )


async def move_subscription(
    db: Database, platform: str, old_chat_id: str, new_chat_id: str
) -> None:
    """Follow a chat that changed id (a Telegram group that became a supergroup)."""
    async with db.write() as conn:
        await conn.execute(
            "UPDATE OR REPLACE subscriptions SET chat_id = ? WHERE platform = ? AND chat_id = ?",
            (new_chat_id, platform, old_chat_id),
        )
        await conn.execute(
            "UPDATE deliveries SET chat_id = ?"
            " WHERE platform = ? AND chat_id = ? AND status = 'pending'",
            (new_chat_id, platform, old_chat_id),
        )
