"""The outbox on PostgreSQL: broadcasts and their one-row-per-destination deliveries."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime

import asyncpg

from storage.api.records import Action, Broadcast, Cause, Counts, NewDelivery
from storage.postgres.audit import write_action
from storage.postgres.settings import advance_setting, write_settings

# Instances confirming drafts at once take turns for the next number, so none is skipped.
NUMBERING_LOCK = 0x717569_7467_6E6F  # any constant the instances agree on
_COLUMNS = (
    "id, kind, status, text, content_hash, author_platform, author_id, origin_language,"
    " created_at, number, publish_at, text_en"
)


def _broadcast(row: asyncpg.Record) -> Broadcast:
    return Broadcast(*row)


class PostgresOutbox:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def _one(self, where: str, *params: object) -> Broadcast | None:
        row = await self._pool.fetchrow(f"SELECT {_COLUMNS} FROM broadcasts WHERE {where}", *params)
        return None if row is None else _broadcast(row)

    async def _many(self, where: str, *params: object) -> list[Broadcast]:
        rows = await self._pool.fetch(f"SELECT {_COLUMNS} FROM broadcasts WHERE {where}", *params)
        return [_broadcast(row) for row in rows]

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
        async with self._pool.acquire() as conn, conn.transaction():
            broadcast_id: int = await conn.fetchval(
                "INSERT INTO broadcasts (kind, status, text, text_en, content_hash,"
                " author_platform, author_id, origin_language, created_at, publish_at)"
                " VALUES ('announcement', 'draft', $1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                text,
                text_en,
                content_hash,
                author_platform,
                author,
                origin_language,
                now,
                publish_at,
            )
            if audit is not None:
                await write_action(conn, audit, now, broadcast=broadcast_id)
        return broadcast_id

    async def scheduled_announcements(self) -> list[Broadcast]:
        return await self._many(
            "status = 'draft' AND publish_at IS NOT NULL ORDER BY publish_at, id"
        )

    async def get_broadcast(self, broadcast_id: int) -> Broadcast | None:
        return await self._one("id = $1", broadcast_id)

    async def numbered_announcement(self, number: int) -> Broadcast | None:
        return await self._one("number = $1", number)

    async def latest_draft(self, author_platform: str, author: str) -> Broadcast | None:
        return await self._one(
            "status = 'draft' AND publish_at IS NULL AND author_platform = $1 AND author_id = $2"
            " ORDER BY id DESC LIMIT 1",
            author_platform,
            author,
        )

    async def find_recent_duplicate(self, content_hash: str, since: datetime) -> Broadcast | None:
        return await self._one(
            "kind = 'announcement' AND content_hash = $1 AND status IN ('sending', 'done')"
            " AND created_at >= $2 ORDER BY id DESC LIMIT 1",
            content_hash,
            since,
        )

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
        async with self._pool.acquire() as conn, conn.transaction():
            if cause is not None and not await _claim_cause(conn, cause, now):
                return None
            if draft_id is not None:
                await conn.execute("SELECT pg_advisory_xact_lock($1)", NUMBERING_LOCK)
                broadcast_id = await conn.fetchval(
                    "UPDATE broadcasts SET status = 'sending', created_at = $1, number ="
                    " (SELECT COALESCE(MAX(number), 0) + 1 FROM broadcasts)"
                    " WHERE id = $2 AND status = 'draft' RETURNING id",
                    now,
                    draft_id,
                )
                if broadcast_id is None:
                    return None
            else:
                broadcast_id = await insert_broadcast(conn, kind, text, now)
            await insert_deliveries(conn, broadcast_id, deliveries, now)
            await write_settings(conn, settings or {})
            if audit is not None:
                await write_action(conn, audit, now, broadcast=broadcast_id)
        return int(broadcast_id)

    async def unannounced_milestones(self) -> list[int]:
        rows = await self._pool.fetch(
            "SELECT value FROM milestones WHERE announced_at IS NULL ORDER BY value"
        )
        return [row["value"] for row in rows]

    async def unreported_announcements(self) -> list[Broadcast]:
        return await self._many(
            "kind = 'announcement' AND status = 'done' AND reported_at IS NULL ORDER BY id"
        )

    async def cancel_broadcast(self, broadcast_id: int, now: datetime, audit: Action) -> int | None:
        async with self._pool.acquire() as conn, conn.transaction():
            status = await conn.execute(
                "UPDATE broadcasts SET status = 'cancelled', finished_at = $1"
                " WHERE id = $2 AND kind = 'announcement' AND status IN ('draft', 'sending')",
                now,
                broadcast_id,
            )
            if status != "UPDATE 1":
                return None
            status = await conn.execute(
                "UPDATE deliveries SET status = 'cancelled', handled_at = $1"
                " WHERE broadcast_id = $2 AND status = 'pending'",
                now,
                broadcast_id,
            )
            stopped = int(status.rsplit(" ", 1)[-1])
            await write_action(conn, audit, now, broadcast=broadcast_id, stopped=stopped)
            return stopped

    async def count_deliveries(self, broadcast_id: int) -> Counts:
        rows = await self._pool.fetch(
            "SELECT status, error, COUNT(*) AS n FROM deliveries WHERE broadcast_id = $1"
            " GROUP BY status, error",
            broadcast_id,
        )
        return Counts.of_groups(rows)

    async def recent_announcements(self, limit: int = 10) -> list[Broadcast]:
        return await self._many("number IS NOT NULL ORDER BY number DESC LIMIT $1", limit)


async def insert_broadcast(conn: asyncpg.Connection, kind: str, text: str, now: datetime) -> int:
    broadcast_id = await conn.fetchval(
        "INSERT INTO broadcasts (kind, status, text, created_at)"
        " VALUES ($1, 'sending', $2, $3) RETURNING id",
        kind,
        text,
        now,
    )
    return int(broadcast_id)


async def insert_deliveries(
    conn: asyncpg.Connection, broadcast_id: int, deliveries: Sequence[NewDelivery], now: datetime
) -> None:
    """One row per destination, in one statement; a broadcast with none is done at once."""
    await conn.execute(
        "INSERT INTO deliveries (broadcast_id, platform, chat_id, chat_kind, text, edit_pinned,"
        " not_before, topic, buttons) SELECT $1, * FROM unnest($2::text[], $3::text[],"
        " $4::text[], $5::text[], $6::boolean[], $7::timestamptz[], $8::text[], $9::jsonb[])",
        broadcast_id,
        [d.platform for d in deliveries],
        [d.chat_id for d in deliveries],
        [d.chat_kind for d in deliveries],
        [d.text for d in deliveries],
        [d.edit_pinned for d in deliveries],
        [d.not_before for d in deliveries],
        [d.topic for d in deliveries],
        [json.dumps(d.buttons, ensure_ascii=False) for d in deliveries],
    )
    if not deliveries:
        await conn.execute(
            "UPDATE broadcasts SET status = 'done', finished_at = $1 WHERE id = $2",
            now,
            broadcast_id,
        )


async def _claim_cause(conn: asyncpg.Connection, cause: Cause, now: datetime) -> bool:
    """Mark the cause as posted with a conditional write; False if another worker or
    instance was first (it holds the row until it commits, then this one sees it)."""
    if cause.milestone is not None:
        status = await conn.execute(
            "UPDATE milestones SET announced_at = $1 WHERE value = $2 AND announced_at IS NULL",
            now,
            cause.milestone,
        )
        return bool(status == "UPDATE 1")
    if cause.report_of is not None:
        status = await conn.execute(
            "UPDATE broadcasts SET reported_at = $1 WHERE id = $2 AND reported_at IS NULL",
            now,
            cause.report_of,
        )
        return bool(status == "UPDATE 1")
    if cause.tick is not None:
        return await advance_setting(conn, cause.tick.key, cause.tick.number)
    return True
