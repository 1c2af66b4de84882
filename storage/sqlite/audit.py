"""The audit log of moderator actions and refusals."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.api.records import KEEP_AUDIT, Action, AuditEntry
from storage.sqlite.db import SqliteArea, parse_stamp, stamp


class SqliteAudit(SqliteArea):
    async def record_audit(
        self, platform: str, actor: str, action: str, detail: str, now: datetime
    ) -> None:
        async with self._db.write() as conn:
            await write_audit(conn, platform, actor, action, detail, now)

    async def recent_audit(
        self, limit: int = 50, *, action: str | None = None, since: datetime | None = None
    ) -> list[AuditEntry]:
        rows = await self._db.fetchall(
            "SELECT at, platform, actor, action, detail FROM audit_log WHERE (?1 IS NULL"
            " OR action = ?1) AND (?2 IS NULL OR at >= ?2) ORDER BY id DESC LIMIT ?3",
            (action, stamp(since) if since else None, limit),
        )
        return [
            AuditEntry(parse_stamp(r["at"]), r["platform"], r["actor"], r["action"], r["detail"])
            for r in rows
        ]


async def write_action(
    conn: aiosqlite.Connection, action: Action, now: datetime, **facts: object
) -> None:
    """Audit `action` inside the caller's transaction, `facts` (as `name=value`) first."""
    detail = action.detail_with(**facts)
    await write_audit(conn, action.platform, action.actor, action.action, detail, now)


async def write_audit(
    conn: aiosqlite.Connection, platform: str, actor: str, action: str, detail: str, now: datetime
) -> None:
    """Audit inside a transaction the caller holds, with the change it records; entries
    older than a year go (through the index on `at`, so this stays cheap)."""
    await conn.execute("DELETE FROM audit_log WHERE at < ?", (stamp(now - KEEP_AUDIT),))
    await conn.execute(
        "INSERT INTO audit_log (at, platform, actor, action, detail) VALUES (?, ?, ?, ?, ?)",
        (stamp(now), platform, actor, action, detail),
    )
