"""The audit log on PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from storage.api.records import KEEP_AUDIT, Action, AuditEntry


async def write_audit(
    conn: asyncpg.Connection, platform: str, actor: str, action: str, detail: str, now: datetime
) -> None:
    """Audit in the caller's transaction, with the change it records; entries older than
    a year go (through the index on `at`)."""
    await conn.execute("DELETE FROM audit_log WHERE at < $1", now - KEEP_AUDIT)
    await conn.execute(
        "INSERT INTO audit_log (at, platform, actor, action, detail) VALUES ($1, $2, $3, $4, $5)",
        now,
        platform,
        actor,
        action,
        detail,
    )


async def write_action(
    conn: asyncpg.Connection, action: Action, now: datetime, **facts: object
) -> None:
    await write_audit(
        conn, action.platform, action.actor, action.action, action.detail_with(**facts), now
    )


class PostgresAudit:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def record_audit(
        self, platform: str, actor: str, action: str, detail: str, now: datetime
    ) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await write_audit(conn, platform, actor, action, detail, now)

    async def recent_audit(
        self, limit: int = 50, *, action: str | None = None, since: datetime | None = None
    ) -> list[AuditEntry]:
        rows = await self._pool.fetch(
            "SELECT at, platform, actor, action, detail FROM audit_log"
            " WHERE ($1::text IS NULL OR action = $1) AND ($2::timestamptz IS NULL OR at >= $2)"
            " ORDER BY id DESC LIMIT $3",
            action,
            since,
            limit,
        )
        return [AuditEntry(*row) for row in rows]
