"""Private messages members asked for (their conditional pledge made firm, a reminder),
each with a sealed reference to their private chat: kept until the message is queued."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from storage.api.records import DueNotice, NewDelivery, NoticeKind
from storage.sqlite.db import SqliteArea, parse_stamp, stamp
from storage.sqlite.outbox import insert_broadcast, insert_deliveries

# These private messages are posts that follow from a pledge's milestone.
NOTICE_BROADCAST = "milestone"
# Which pledges may have each kind: one still conditional, one not yet carried out.
_FOR = {NoticeKind.FIRM: "threshold IS NOT NULL", NoticeKind.FOLLOWUP: "done_hour IS NULL"}


class SqliteNotices(SqliteArea):
    async def keep_notice(
        self, member: str, kind: NoticeKind, sealed: bytes, due: datetime | None = None
    ) -> bool:
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "INSERT INTO pledge_notices (member, kind, sealed, due_at)"
                f" SELECT member, ?, ?, ? FROM pledges WHERE member = ? AND {_FOR[kind]}"
                " ON CONFLICT (member, kind) DO UPDATE"
                " SET sealed = excluded.sealed, due_at = excluded.due_at",
                (kind.value, sealed, None if due is None else stamp(due), member),
            )
            return cursor.rowcount == 1

    async def forget_notice(self, member: str, kind: NoticeKind) -> bool:
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "DELETE FROM pledge_notices WHERE member = ? AND kind = ?", (member, kind.value)
            )
            return cursor.rowcount == 1

    async def member_notices(self, member: str) -> Mapping[NoticeKind, datetime | None]:
        rows = await self._db.fetchall(
            "SELECT kind, due_at FROM pledge_notices WHERE member = ?", (member,)
        )
        return {
            NoticeKind(row["kind"]): None if row["due_at"] is None else parse_stamp(row["due_at"])
            for row in rows
        }

    async def due_notices(self, now: datetime, limit: int) -> list[DueNotice]:
        rows = await self._db.fetchall(
            "SELECT member, kind, sealed FROM pledge_notices WHERE due_at <= ?"
            " ORDER BY due_at, member, kind LIMIT ?",
            (stamp(now), limit),
        )
        return [
            DueNotice(row["member"], NoticeKind(row["kind"]), bytes(row["sealed"])) for row in rows
        ]

    async def queue_notices(
        self, notices: Sequence[tuple[DueNotice, NewDelivery]], now: datetime
    ) -> int:
        """Each notice still due queued and deleted, in one transaction."""
        async with self._db.write() as conn:
            deliveries = []
            for notice, delivery in notices:
                cursor = await conn.execute(
                    "DELETE FROM pledge_notices WHERE member = ? AND kind = ? AND due_at <= ?",
                    (notice.member, notice.kind.value, stamp(now)),
                )
                if cursor.rowcount == 1:
                    deliveries.append(delivery)
            if deliveries:
                broadcast_id = await insert_broadcast(conn, NOTICE_BROADCAST, "", now)
                await insert_deliveries(conn, broadcast_id, deliveries, now)
        return len(deliveries)
