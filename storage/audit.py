"""The audit log of moderator actions and refusals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import aiosqlite

from storage.db import Database, parse_stamp, stamp

KEEP_AUDIT = timedelta(days=365)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    platform: str
    actor: str
    action: str
    detail: str


@dataclass(frozen=True, slots=True)
class Action:
    """A moderator's action, audited in the transaction that makes the change."""

    platform: str
    actor: str  # a member key
    action: str
    detail: str = ""


async def write_action(
    conn: aiosqlite.Connection, action: Action, now: datetime, **facts: object
) -> None:
    """Audit `action` inside the caller's transaction, `facts` (as `name=value`) first."""
    detail = " ".join([*(f"{name}={value}" for name, value in facts.items()), action.detail])
    await write_audit(conn, action.platform, action.actor, action.action, detail.strip(), now)


async def record_audit(
    db: Database, platform: str, actor: str, action: str, detail: str, now: datetime
) -> None:
    """Audit an action. `actor` is a member key or "bot", never a platform id."""
    async with db.write() as conn:
        await write_audit(conn, platform, actor, action, detail, now)


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


async def recent_audit(
    db: Database, limit: int = 50, *, action: str | None = None, since: datetime | None = None
) -> list[AuditEntry]:
    """The latest entries, newest first; only one `action`, or only `since`, when given."""
    rows = await db.fetchall(
        "SELECT at, platform, actor, action, detail FROM audit_log"
        " WHERE (?1 IS NULL OR action = ?1) AND (?2 IS NULL OR at >= ?2) ORDER BY id DESC LIMIT ?3",
        (action, stamp(since) if since else None, limit),
    )
    return [
        AuditEntry(parse_stamp(r["at"]), *(r[k] for k in ("platform", "actor", "action", "detail")))
        for r in rows
    ]
