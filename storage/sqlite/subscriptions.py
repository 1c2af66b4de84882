"""Chats subscribed to tally posts and announcements."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import aiosqlite

from storage.api.records import BOT, PRIVATE, Subscription, chat_audit_detail
from storage.sqlite.audit import write_audit
from storage.sqlite.db import SqliteArea, stamp


def _subscription(row: sqlite3.Row) -> Subscription:
    return Subscription(
        row["platform"],
        row["chat_id"],
        row["chat_kind"],
        row["language"],
        bool(row["pinned"]),
        row["tally_message_id"],
        row["title"],
        row["pause_reason"],
        row["topic"],
    )


class SqliteSubscriptions(SqliteArea):
    async def subscribe(
        self,
        platform: str,
        chat_id: str,
        chat_kind: str,
        language: str,
        now: datetime,
        *,
        title: str = "",
        topic: str = "",
    ) -> bool:
        """Subscribe a chat, its posts going to `topic` (a forum topic; "" for the main
        thread); False when it already was (it stays subscribed once, its title kept up to
        date, its posts moved to the topic it was subscribed from again). A private chat's
        title is never stored."""
        title = "" if chat_kind == PRIVATE else title
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "INSERT INTO subscriptions"
                " (platform, chat_id, chat_kind, language, created_at, title, topic)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (platform, chat_id) DO NOTHING",
                (platform, chat_id, chat_kind, language, stamp(now), title, topic),
            )
            if cursor.rowcount == 1:
                return True
            # Subscribing again is how a moderator says a lost permission was given back.
            await conn.execute(
                "UPDATE subscriptions SET title = ?, topic = ?, paused_at = NULL,"
                " pause_reason = NULL WHERE platform = ? AND chat_id = ?",
                (title, topic, platform, chat_id),
            )
            return False

    async def unsubscribe(self, platform: str, chat_id: str) -> bool:
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "DELETE FROM subscriptions WHERE platform = ? AND chat_id = ?", (platform, chat_id)
            )
            return cursor.rowcount == 1

    async def get_subscription(self, platform: str, chat_id: str) -> Subscription | None:
        row = await self._db.fetchone(
            "SELECT * FROM subscriptions WHERE platform = ? AND chat_id = ?", (platform, chat_id)
        )
        return None if row is None else _subscription(row)

    async def list_subscriptions(
        self, *, paused_before: datetime | None = None
    ) -> list[Subscription]:
        """Every subscribed chat; with `paused_before`, not those paused since then."""
        rows = await self._db.fetchall(
            "SELECT * FROM subscriptions WHERE ?1 IS NULL OR paused_at IS NULL"
            " OR paused_at < ?1 ORDER BY platform, chat_id",
            (None if paused_before is None else stamp(paused_before),),
        )
        return [_subscription(row) for row in rows]

    async def pause_chat(
        self, platform: str, chat_id: str, reason: str, now: datetime
    ) -> Subscription | None:
        """Stop posting to a chat where the bot lacks a permission it needs, audited by kind
        and title only, in one transaction. The subscription, if there was one."""
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "UPDATE subscriptions SET paused_at = ?, pause_reason = ?"
                " WHERE platform = ? AND chat_id = ? RETURNING *",
                (stamp(now), reason, platform, chat_id),
            )
            return await _audit_change(conn, cursor, "paused", reason, now)

    async def set_pinned(self, platform: str, chat_id: str, pinned: bool) -> bool:
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "UPDATE subscriptions SET pinned = ?, tally_message_id = NULL"
                " WHERE platform = ? AND chat_id = ?",
                (int(pinned), platform, chat_id),
            )
            return cursor.rowcount == 1

    async def set_tally_message(self, platform: str, chat_id: str, message_id: str) -> None:
        async with self._db.write() as conn:
            await conn.execute(
                "UPDATE subscriptions SET tally_message_id = ? WHERE platform = ? AND chat_id = ?",
                (message_id, platform, chat_id),
            )

    async def move_subscription(
        self, platform: str, old_chat_id: str, new_chat_id: str, now: datetime
    ) -> Subscription | None:
        """Follow a chat that changed id (a Telegram group that became a supergroup), with
        its pending posts; audited without either id. The subscription, if there was one."""
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "UPDATE OR REPLACE subscriptions SET chat_id = ?"
                " WHERE platform = ? AND chat_id = ? RETURNING *",
                (new_chat_id, platform, old_chat_id),
            )
            moved = await cursor.fetchone()
            await conn.execute(
                "UPDATE deliveries SET chat_id = ?"
                " WHERE platform = ? AND chat_id = ? AND status = 'pending'",
                (new_chat_id, platform, old_chat_id),
            )
            sub = None if moved is None else _subscription(moved)
            if sub is not None:
                detail = chat_audit_detail(sub, "moved")
                await write_audit(conn, platform, BOT, "moved", detail, now)
        return sub

    async def drop_gone_chat(
        self, platform: str, chat_id: str, reason: str, now: datetime
    ) -> Subscription | None:
        """Unsubscribe a chat the bot can no longer reach (blocked, removed, deleted) and
        audit it, by kind and title only, in one transaction. The subscription, if any."""
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "DELETE FROM subscriptions WHERE platform = ? AND chat_id = ? RETURNING *",
                (platform, chat_id),
            )
            return await _audit_change(conn, cursor, "unsubscribed", reason, now)

    async def private_chat_data(self, platform: str, user_id: str) -> tuple[bool, int]:
        """(whether the member's private chat is subscribed, how many posts wait for it)."""
        sub = await self.get_subscription(platform, user_id)
        row = await self._db.fetchone(
            "SELECT COUNT(*) AS n FROM deliveries"
            " WHERE platform = ? AND chat_id = ? AND chat_kind = ? AND status = 'pending'",
            (platform, user_id, PRIVATE),
        )
        subscribed = sub is not None and sub.chat_kind == PRIVATE
        return subscribed, int(row["n"]) if row else 0


async def _audit_change(
    conn: aiosqlite.Connection, changed: aiosqlite.Cursor, action: str, reason: str, now: datetime
) -> Subscription | None:
    """Audit what the bot did to the subscription `changed` returned, if it did."""
    row = await changed.fetchone()
    if row is None:
        return None
    sub = _subscription(row)
    await write_audit(conn, sub.platform, BOT, action, chat_audit_detail(sub, reason), now)
    return sub
