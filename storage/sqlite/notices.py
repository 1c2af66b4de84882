"""Sealed references to the private chats of members who asked to be told when their
conditional pledge becomes firm: kept while it waits, gone once the message is queued."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from storage.api.records import DueNotice, NewDelivery
from storage.sqlite.db import SqliteArea
from storage.sqlite.outbox import insert_broadcast, insert_deliveries

# The private messages of a threshold met are posts that follow a milestone.
NOTICE_KIND = "milestone"


class SqliteNotices(SqliteArea):
    async def keep_notice(self, member: str, sealed: bytes) -> bool:
        """Only for a conditional pledge still waiting; replaces an earlier one."""
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "INSERT INTO pledge_notices (member, sealed) SELECT member, ? FROM pledges"
                " WHERE member = ? AND threshold IS NOT NULL"
                " ON CONFLICT (member) DO UPDATE SET sealed = excluded.sealed",
                (sealed, member),
            )
            return cursor.rowcount == 1

    async def forget_notice(self, member: str) -> bool:
        async with self._db.write() as conn:
            cursor = await conn.execute("DELETE FROM pledge_notices WHERE member = ?", (member,))
            return cursor.rowcount == 1

    async def has_notice(self, member: str) -> bool:
        row = await self._db.fetchone("SELECT 1 FROM pledge_notices WHERE member = ?", (member,))
        return row is not None

    async def due_notices(self, limit: int) -> list[DueNotice]:
        rows = await self._db.fetchall(
            "SELECT member, sealed FROM pledge_notices WHERE due_at IS NOT NULL"
            " ORDER BY due_at, member LIMIT ?",
            (limit,),
        )
        return [DueNotice(row["member"], bytes(row["sealed"])) for row in rows]

    async def queue_notices(self, notices: Sequence[tuple[str, NewDelivery]], now: datetime) -> int:
        """Each due notice of `notices` (member, its message) queued and its sealed
        reference deleted, in one transaction; one already queued is skipped."""
        async with self._db.write() as conn:
            deliveries = []
            for member, delivery in notices:
                cursor = await conn.execute(
                    "DELETE FROM pledge_notices WHERE member = ? AND due_at IS NOT NULL",
                    (member,),
                )
                if cursor.rowcount == 1:
                    deliveries.append(delivery)
            if deliveries:
                broadcast_id = await insert_broadcast(conn, NOTICE_KIND, "", now)
                await insert_deliveries(conn, broadcast_id, deliveries, now)
        return len(deliveries)
