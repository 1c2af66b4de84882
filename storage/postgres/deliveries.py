"""Deliveries on PostgreSQL: claimed with `FOR UPDATE SKIP LOCKED` and a lease.

Workers of several instances claim at once: each locks the due rows no other claim
holds, skipping those another one is locking, and leases them until `lease_until`;
a lease nobody finishes expires and the row is claimed again, or sooner, when an
instance starts, if the instance that claimed it is gone (see `presence.py`).
"""

from __future__ import annotations

from datetime import datetime

import asyncpg

from storage.api.records import Backlog, Delivery
from storage.postgres.presence import LIVE_CLAIMERS

_OLDEST_OF_ITS_CHAT = (
    "NOT EXISTS (SELECT 1 FROM deliveries o WHERE o.platform = d.platform"
    " AND o.chat_id = d.chat_id AND o.status = 'pending' AND o.id < d.id)"
)
_COLUMNS = (
    "id, broadcast_id, platform, chat_id, chat_kind, text, edit_pinned, attempts, failures,"
    " parts_sent, message_id, topic"
)


def _delivery(row: asyncpg.Record) -> Delivery:
    return Delivery(*row)


class PostgresDeliveries:
    def __init__(self, pool: asyncpg.Pool, claimer: int) -> None:
        self._pool = pool
        self._claimer = claimer  # this instance's presence number

    async def claim_deliveries(
        self, platform: str, now: datetime, lease_until: datetime, limit: int
    ) -> list[Delivery]:
        """A chat's oldest pending row only, so that a chat gets its posts in order."""
        rows = await self._pool.fetch(
            "WITH due AS (SELECT d.id FROM deliveries d"
            " WHERE d.platform = $1 AND d.status = 'pending' AND d.not_before <= $2"
            " AND (d.lease_until IS NULL OR d.lease_until <= $2)"
            f" AND {_OLDEST_OF_ITS_CHAT} ORDER BY d.id LIMIT $4 FOR UPDATE SKIP LOCKED)"
            " UPDATE deliveries SET lease_until = $3, claimed_by = $5"
            " FROM due WHERE deliveries.id = due.id"
            f" RETURNING {', '.join(f'deliveries.{c.strip()}' for c in _COLUMNS.split(','))}",
            platform,
            now,
            lease_until,
            limit,
            self._claimer,
        )
        return sorted((_delivery(row) for row in rows), key=lambda d: d.id)

    async def release_claims(self, platform: str) -> int:
        """Only the claims of instances that are gone: other instances may be sending."""
        status = await self._pool.execute(
            "UPDATE deliveries SET lease_until = NULL, claimed_by = NULL"
            " WHERE platform = $1 AND status = 'pending' AND lease_until IS NOT NULL"
            f" AND (claimed_by IS NULL OR claimed_by NOT IN ({LIVE_CLAIMERS}))",
            platform,
        )
        return int(status.rsplit(" ", 1)[-1])

    async def claim_sender(
        self, platform: str, holder: str, now: datetime, expires_at: datetime
    ) -> bool:
        """One statement: two claimers at once wait on the row, and the second then sees
        the first's lease and takes nothing."""
        status = await self._pool.execute(
            "INSERT INTO sender_leases (platform, holder, expires_at) VALUES ($1, $2, $4)"
            " ON CONFLICT (platform) DO UPDATE SET holder = excluded.holder,"
            " expires_at = excluded.expires_at"
            " WHERE sender_leases.holder = excluded.holder OR sender_leases.expires_at <= $3",
            platform,
            holder,
            now,
            expires_at,
        )
        return bool(status == "INSERT 0 1")

    async def release_sender(self, platform: str, holder: str, expires_at: datetime) -> None:
        await self._pool.execute(
            "UPDATE sender_leases SET expires_at = $1 WHERE platform = $2 AND holder = $3",
            expires_at,
            platform,
            holder,
        )

    async def record_part(self, delivery_id: int, parts_sent: int, message_id: str) -> None:
        await self._pool.execute(
            "UPDATE deliveries SET parts_sent = $1, message_id = $2"
            " WHERE id = $3 AND status = 'pending'",
            parts_sent,
            message_id,
            delivery_id,
        )

    async def reschedule(
        self, delivery: Delivery, not_before: datetime, *, attempts: int, failures: int
    ) -> None:
        await self._pool.execute(
            "UPDATE deliveries SET not_before = $1, attempts = $2, failures = $3,"
            " lease_until = NULL WHERE id = $4 AND status = 'pending'",
            not_before,
            attempts,
            failures,
            delivery.id,
        )

    async def finish_delivery(
        self,
        delivery: Delivery,
        status: str,
        now: datetime,
        *,
        attempts: int,
        error: str = "",
    ) -> bool:
        async with self._pool.acquire() as conn, conn.transaction():
            # Workers finishing a broadcast's last rows at once take turns on its row, so
            # that the last one to commit sees no row pending and marks it done.
            await conn.execute(
                "SELECT 1 FROM broadcasts WHERE id = $1 FOR UPDATE", delivery.broadcast_id
            )
            if status == "sent" and delivery.edit_pinned and delivery.message_id:
                await conn.execute(
                    "UPDATE subscriptions SET tally_message_id = $1"
                    " WHERE platform = $2 AND chat_id = $3",
                    delivery.message_id,
                    delivery.platform,
                    delivery.chat_id,
                )
            # Once handled, a post to a private chat forgets which member it went to.
            await conn.execute(
                "UPDATE deliveries SET status = $1, attempts = $2, error = $3, handled_at = $4,"
                " lease_until = NULL,"
                " chat_id = CASE chat_kind WHEN 'private' THEN '' ELSE chat_id END"
                " WHERE id = $5 AND status = 'pending'",
                status,
                attempts,
                error or None,
                now,
                delivery.id,
            )
            done = await conn.execute(
                "UPDATE broadcasts SET status = 'done', finished_at = $1"
                " WHERE id = $2 AND status = 'sending' AND NOT EXISTS"
                " (SELECT 1 FROM deliveries WHERE broadcast_id = $2 AND status = 'pending')",
                now,
                delivery.broadcast_id,
            )
            return bool(done == "UPDATE 1")

    async def next_due_time(self, platform: str) -> datetime | None:
        due: datetime | None = await self._pool.fetchval(
            "SELECT MIN(GREATEST(d.not_before, COALESCE(d.lease_until, d.not_before)))"
            " FROM deliveries d WHERE d.platform = $1 AND d.status = 'pending'"
            f" AND {_OLDEST_OF_ITS_CHAT}",
            platform,
        )
        return due

    async def delivery_status(self, delivery_id: int) -> str | None:
        status = await self._pool.fetchval(
            "SELECT status FROM deliveries WHERE id = $1", delivery_id
        )
        return None if status is None else str(status)

    async def outbox_backlog(self, now: datetime) -> list[Backlog]:
        rows = await self._pool.fetch(
            "SELECT platform, COUNT(*) AS pending,"
            " MIN(CASE WHEN not_before <= $1 THEN not_before END) AS oldest_due"
            " FROM deliveries WHERE status = 'pending' GROUP BY platform ORDER BY platform",
            now,
        )
        return [
            Backlog(
                row["platform"],
                row["pending"],
                0.0
                if row["oldest_due"] is None
                else max((now - row["oldest_due"]).total_seconds(), 0.0),
            )
            for row in rows
        ]
