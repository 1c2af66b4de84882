"""The outbox: broadcasts and their one-row-per-destination deliveries."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime

import aiosqlite

from storage.api.records import Action, Broadcast, Cause, Counts, NewDelivery
from storage.sqlite.audit import write_action
from storage.sqlite.db import SqliteArea, parse_stamp, stamp
from storage.sqlite.settings import advance_setting, write_settings


def _broadcast(row: sqlite3.Row) -> Broadcast:
    return Broadcast(
        id=row["id"],
        kind=row["kind"],
        status=row["status"],
        text=row["text"],
        content_hash=row["content_hash"],
        author_platform=row["author_platform"],
        author=row["author_id"],
        origin_language=row["origin_language"],
        created_at=parse_stamp(row["created_at"]),
        number=row["number"],
        publish_at=parse_stamp(row["publish_at"]) if row["publish_at"] else None,
        text_en=row["text_en"],
    )


async def insert_broadcast(conn: aiosqlite.Connection, kind: str, text: str, now: datetime) -> int:
    cursor = await conn.execute(
        "INSERT INTO broadcasts (kind, status, text, created_at) VALUES (?, 'sending', ?, ?)",
        (kind, text, stamp(now)),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


async def insert_deliveries(
    conn: aiosqlite.Connection, broadcast_id: int, deliveries: Sequence[NewDelivery], now: datetime
) -> None:
    """One row per destination; a broadcast with none is done at once."""
    await conn.executemany(
        "INSERT INTO deliveries (broadcast_id, platform, chat_id, chat_kind, text,"
        " edit_pinned, not_before, topic, buttons) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                broadcast_id,
                d.platform,
                d.chat_id,
                d.chat_kind,
                d.text,
                int(d.edit_pinned),
                stamp(d.not_before),
                d.topic,
                json.dumps(d.buttons, ensure_ascii=False) if d.buttons else "",
            )
            for d in deliveries
        ],
    )
    if not deliveries:
        await conn.execute(
            "UPDATE broadcasts SET status = 'done', finished_at = ? WHERE id = ?",
            (stamp(now), broadcast_id),
        )


class SqliteOutbox(SqliteArea):
    async def create_draft(
        self,
        *,
        text: str,
        content_hash: str,
        author_platform: str,
        author: str,
        origin_language: str,
        now: datetime,
        text_en: str = "",
        publish_at: datetime | None = None,
        audit: Action | None = None,
    ) -> int:
        """A moderator's announcement, kept as a draft until confirmed, or with
        `publish_at` confirmed for that time; `author` is their member key (the report
        finds their private chat through the configuration)."""
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "INSERT INTO broadcasts (kind, status, text, text_en, content_hash,"
                " author_platform, author_id, origin_language, created_at, publish_at)"
                " VALUES ('announcement', 'draft', ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    text,
                    text_en,
                    content_hash,
                    author_platform,
                    author,
                    origin_language,
                    stamp(now),
                    stamp(publish_at) if publish_at else None,
                ),
            )
            assert cursor.lastrowid is not None
            if audit is not None:
                await write_action(conn, audit, now, broadcast=cursor.lastrowid)
            return cursor.lastrowid

    async def scheduled_announcements(self) -> list[Broadcast]:
        rows = await self._db.fetchall(
            "SELECT * FROM broadcasts WHERE status = 'draft' AND publish_at IS NOT NULL"
            " ORDER BY publish_at, id"
        )
        return [_broadcast(row) for row in rows]

    async def get_broadcast(self, broadcast_id: int) -> Broadcast | None:
        row = await self._db.fetchone("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        return None if row is None else _broadcast(row)

    async def numbered_announcement(self, number: int) -> Broadcast | None:
        """The announcement published under `number`, if any."""
        row = await self._db.fetchone("SELECT * FROM broadcasts WHERE number = ?", (number,))
        return None if row is None else _broadcast(row)

    async def latest_draft(self, author_platform: str, author: str) -> Broadcast | None:
        row = await self._db.fetchone(
            "SELECT * FROM broadcasts WHERE status = 'draft' AND publish_at IS NULL"
            " AND author_platform = ? AND author_id = ? ORDER BY id DESC LIMIT 1",
            (author_platform, author),
        )
        return None if row is None else _broadcast(row)

    async def find_recent_duplicate(self, content_hash: str, since: datetime) -> Broadcast | None:
        """An announcement with the same content queued since `since`, if any."""
        row = await self._db.fetchone(
            "SELECT * FROM broadcasts WHERE kind = 'announcement' AND content_hash = ?"
            " AND status IN ('sending', 'done') AND created_at >= ? ORDER BY id DESC LIMIT 1",
            (content_hash, stamp(since)),
        )
        return None if row is None else _broadcast(row)

    async def start_broadcast(
        self,
        deliveries: Sequence[NewDelivery],
        now: datetime,
        *,
        draft_id: int | None = None,
        kind: str = "announcement",
        text: str = "",
        settings: Mapping[str, str] | None = None,
        audit: Action | None = None,
        cause: Cause | None = None,
    ) -> int | None:
        """Queue every delivery in one transaction, from a confirmed draft or a new post.

        `settings` (what a scheduler has posted), the moderator's `audit` entry and the
        `cause` marked done are written in the same transaction. Returns the broadcast id,
        or None when the draft was already confirmed or gone, or the cause already posted.
        """
        async with self._db.write() as conn:
            if cause is not None and not await _claim_cause(conn, cause, now):
                return None
            if draft_id is not None:
                # Numbered as it is published: a discarded draft leaves no gap.
                cursor = await conn.execute(
                    "UPDATE broadcasts SET status = 'sending', created_at = ?, number ="
                    " (SELECT COALESCE(MAX(number), 0) + 1 FROM broadcasts)"
                    " WHERE id = ? AND status = 'draft'",
                    (stamp(now), draft_id),
                )
                if cursor.rowcount != 1:
                    return None
                broadcast_id = draft_id
            else:
                broadcast_id = await insert_broadcast(conn, kind, text, now)
            await insert_deliveries(conn, broadcast_id, deliveries, now)
            await write_settings(conn, settings or {})
            if audit is not None:
                await write_action(conn, audit, now, broadcast=broadcast_id)
        return broadcast_id

    async def unannounced_milestones(self) -> list[int]:
        """Milestones reached (recorded with the pledge that reached them) not yet posted."""
        rows = await self._db.fetchall(
            "SELECT value FROM milestones WHERE announced_at IS NULL ORDER BY value"
        )
        return [row["value"] for row in rows]

    async def unreported_announcements(self) -> list[Broadcast]:
        """Announcements that reached every chat, whose author has not been told yet."""
        rows = await self._db.fetchall(
            "SELECT * FROM broadcasts WHERE kind = 'announcement' AND status = 'done'"
            " AND reported_at IS NULL ORDER BY id"
        )
        return [_broadcast(row) for row in rows]

    async def cancel_broadcast(self, broadcast_id: int, now: datetime, audit: Action) -> int | None:
        """Stop the remaining deliveries, audited in the same transaction; how many were
        stopped, None if nothing was to cancel."""
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "UPDATE broadcasts SET status = 'cancelled', finished_at = ?"
                " WHERE id = ? AND kind = 'announcement' AND status IN ('draft', 'sending')",
                (stamp(now), broadcast_id),
            )
            if cursor.rowcount != 1:
                return None
            cursor = await conn.execute(
                "UPDATE deliveries SET status = 'cancelled', handled_at = ?"
                " WHERE broadcast_id = ? AND status = 'pending'",
                (stamp(now), broadcast_id),
            )
            stopped = cursor.rowcount
            await write_action(conn, audit, now, broadcast=broadcast_id, stopped=stopped)
            return stopped

    async def count_deliveries(self, broadcast_id: int) -> Counts:
        rows = await self._db.fetchall(
            "SELECT status, error, COUNT(*) AS n FROM deliveries WHERE broadcast_id = ?"
            " GROUP BY status, error",
            (broadcast_id,),
        )
        return Counts.of_groups(rows)

    async def recent_announcements(self, limit: int = 10) -> list[Broadcast]:
        """The last published announcements (a discarded draft never was)."""
        rows = await self._db.fetchall(
            "SELECT * FROM broadcasts WHERE number IS NOT NULL ORDER BY number DESC LIMIT ?",
            (limit,),
        )
        return [_broadcast(row) for row in rows]


async def _claim_cause(conn: aiosqlite.Connection, cause: Cause, now: datetime) -> bool:
    """Mark the cause as posted; False if it already was (another worker was first)."""
    if cause.milestone is not None:
        cursor = await conn.execute(
            "UPDATE milestones SET announced_at = ? WHERE value = ? AND announced_at IS NULL",
            (stamp(now), cause.milestone),
        )
        return cursor.rowcount == 1
    if cause.report_of is not None:
        cursor = await conn.execute(
            "UPDATE broadcasts SET reported_at = ? WHERE id = ? AND reported_at IS NULL",
            (stamp(now), cause.report_of),
        )
        return cursor.rowcount == 1
    if cause.tick is not None:
        return await advance_setting(conn, cause.tick.key, cause.tick.number)
    return True
