"""Deliveries: one outbox row per destination, claimed, sent part by part, then finished.

A worker claims the rows that are due with a lease (`lease_until`): no other worker sends
a row while its lease runs, and a lease nobody finishes (its process died) expires. Each
part of a post the platform accepted is recorded at once (`parts_sent`), so that a retry,
or a restart, resumes at the first part not yet sent.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from storage.api.records import Backlog, ButtonRows, Delivery
from storage.sqlite.db import SqliteArea, parse_stamp, stamp

_OLDEST_OF_ITS_CHAT = (
    "NOT EXISTS (SELECT 1 FROM deliveries o WHERE o.platform = d.platform"
    " AND o.chat_id = d.chat_id AND o.status = 'pending' AND o.id < d.id)"
)
_COLUMNS = (
    "id, broadcast_id, platform, chat_id, chat_kind, text, edit_pinned, attempts, failures,"
    " parts_sent, message_id, topic, buttons"
)


def _delivery(row: sqlite3.Row) -> Delivery:
    return Delivery(
        id=row["id"],
        broadcast_id=row["broadcast_id"],
        platform=row["platform"],
        chat_id=row["chat_id"],
        chat_kind=row["chat_kind"],
        text=row["text"],
        edit_pinned=bool(row["edit_pinned"]),
        attempts=row["attempts"],
        failures=row["failures"],
        parts_sent=row["parts_sent"],
        message_id=row["message_id"],
        topic=row["topic"],
        buttons=_buttons(row["buttons"]),
    )


def _buttons(stored: str) -> ButtonRows:
    rows = json.loads(stored) if stored else []
    return tuple(tuple((label, action) for label, action in row) for row in rows)


class SqliteDeliveries(SqliteArea):
    async def claim_deliveries(
        self, platform: str, now: datetime, lease_until: datetime, limit: int
    ) -> list[Delivery]:
        """Claim up to `limit` due rows, oldest first, until `lease_until`, in one statement.

        A row is claimed only when it is its chat's oldest pending one: a chat gets its
        posts in order, one at a time, and a chat waiting to be tried again holds back
        its own later posts, never the other chats'.
        """
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "UPDATE deliveries SET lease_until = ?1 WHERE id IN (SELECT d.id FROM deliveries d"
                " WHERE d.platform = ?2 AND d.status = 'pending' AND d.not_before <= ?3"
                " AND (d.lease_until IS NULL OR d.lease_until <= ?3)"
                f" AND {_OLDEST_OF_ITS_CHAT} ORDER BY d.id LIMIT ?4) RETURNING {_COLUMNS}",
                (stamp(lease_until), platform, stamp(now), limit),
            )
            rows = await cursor.fetchall()
        return sorted((_delivery(row) for row in rows), key=lambda d: d.id)

    async def release_claims(self, platform: str) -> int:
        """Give back every claim on `platform`'s rows: the claims of a process that stopped
        or died, when this one is the only process sending to it. How many there were."""
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "UPDATE deliveries SET lease_until = NULL"
                " WHERE platform = ? AND status = 'pending' AND lease_until IS NOT NULL",
                (platform,),
            )
            return cursor.rowcount

    async def claim_sender(
        self, platform: str, holder: str, now: datetime, expires_at: datetime
    ) -> bool:
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "INSERT INTO sender_leases (platform, holder, expires_at) VALUES (?1, ?2, ?4)"
                " ON CONFLICT (platform) DO UPDATE SET holder = excluded.holder,"
                " expires_at = excluded.expires_at"
                " WHERE sender_leases.holder = excluded.holder OR sender_leases.expires_at <= ?3",
                (platform, holder, stamp(now), stamp(expires_at)),
            )
            return cursor.rowcount == 1

    async def release_sender(self, platform: str, holder: str, expires_at: datetime) -> None:
        async with self._db.write() as conn:
            await conn.execute(
                "UPDATE sender_leases SET expires_at = ? WHERE platform = ? AND holder = ?",
                (stamp(expires_at), platform, holder),
            )

    async def record_part(self, delivery_id: int, parts_sent: int, message_id: str) -> None:
        """The platform accepted part `parts_sent - 1`, which is message `message_id`."""
        async with self._db.write() as conn:
            await conn.execute(
                "UPDATE deliveries SET parts_sent = ?, message_id = ?"
                " WHERE id = ? AND status = 'pending'",
                (parts_sent, message_id, delivery_id),
            )

    async def reschedule(
        self, delivery: Delivery, not_before: datetime, *, attempts: int, failures: int
    ) -> None:
        """Try again from `not_before`, giving the claim back."""
        async with self._db.write() as conn:
            await conn.execute(
                "UPDATE deliveries SET not_before = ?, attempts = ?, failures = ?,"
                " lease_until = NULL WHERE id = ? AND status = 'pending'",
                (stamp(not_before), attempts, failures, delivery.id),
            )

    async def finish_delivery(
        self, delivery: Delivery, status: str, now: datetime, *, attempts: int, error: str = ""
    ) -> bool:
        """Record a delivery's outcome, and in the same commit what follows from it: the
        chat's pinned tally message, and its broadcast done once no row is pending (its
        report then waits, see `unreported_announcements`). True if its broadcast is done."""
        async with self._db.write() as conn:
            if status == "sent" and delivery.edit_pinned and delivery.message_id:
                await conn.execute(
                    "UPDATE subscriptions SET tally_message_id = ?"
                    " WHERE platform = ? AND chat_id = ?",
                    (delivery.message_id, delivery.platform, delivery.chat_id),
                )
            # Once handled, a post to a private chat forgets which member it went to.
            await conn.execute(
                "UPDATE deliveries SET status = ?, attempts = ?, error = ?, handled_at = ?,"
                " lease_until = NULL,"
                " chat_id = CASE chat_kind WHEN 'private' THEN '' ELSE chat_id END"
                " WHERE id = ? AND status = 'pending'",
                (status, attempts, error or None, stamp(now), delivery.id),
            )
            cursor = await conn.execute(
                "UPDATE broadcasts SET status = 'done', finished_at = ?"
                " WHERE id = ? AND status = 'sending' AND NOT EXISTS"
                " (SELECT 1 FROM deliveries WHERE broadcast_id = ? AND status = 'pending')",
                (stamp(now), delivery.broadcast_id, delivery.broadcast_id),
            )
            return cursor.rowcount == 1

    async def next_due_time(self, platform: str) -> datetime | None:
        """When the next pending row of `platform` may be claimed: a chat's oldest pending
        row, once due and not claimed (a later row of that chat waits for it)."""
        row = await self._db.fetchone(
            "SELECT MIN(MAX(d.not_before, COALESCE(d.lease_until, d.not_before))) AS due"
            " FROM deliveries d WHERE d.platform = ? AND d.status = 'pending'"
            f" AND {_OLDEST_OF_ITS_CHAT}",
            (platform,),
        )
        return None if row is None or row["due"] is None else parse_stamp(row["due"])

    async def delivery_status(self, delivery_id: int) -> str | None:
        row = await self._db.fetchone("SELECT status FROM deliveries WHERE id = ?", (delivery_id,))
        return None if row is None else str(row["status"])

    async def outbox_backlog(self, now: datetime) -> list[Backlog]:
        rows = await self._db.fetchall(
            "SELECT platform, COUNT(*) AS pending,"
            " MIN(CASE WHEN not_before <= ? THEN not_before END) AS oldest_due"
            " FROM deliveries WHERE status = 'pending' GROUP BY platform ORDER BY platform",
            (stamp(now),),
        )
        return [
            Backlog(row["platform"], row["pending"], _waited(now, row["oldest_due"]))
            for row in rows
        ]


def _waited(now: datetime, since: str | None) -> float:
    return 0.0 if since is None else max((now - parse_stamp(since)).total_seconds(), 0.0)
