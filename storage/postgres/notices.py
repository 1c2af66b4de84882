"""Private messages members asked for (their conditional pledge made firm, a reminder) on
PostgreSQL, each with a sealed reference to their private chat: kept until the message is
queued."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import asyncpg

from storage.api.records import DueNotice, NewDelivery, NoticeKind
from storage.postgres.outbox import insert_broadcast, insert_deliveries

# These private messages are posts that follow from a pledge's milestone.
NOTICE_BROADCAST = "milestone"
# Which pledges may have each kind: one still conditional, one not yet carried out.
_FOR = {NoticeKind.FIRM: "threshold IS NOT NULL", NoticeKind.FOLLOWUP: "done_hour IS NULL"}


class PostgresNotices:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def keep_notice(
        self, member: str, kind: NoticeKind, sealed: bytes, due: datetime | None = None
    ) -> bool:
        """The pledge's row is held (`FOR SHARE`) until the notice commits: a pledge being
        made firm or carried out meanwhile is waited for and then seen, and one that
        waits for this notice then sees it (see `firm_up`)."""
        status = await self._pool.execute(
            "INSERT INTO pledge_notices (member, kind, sealed, due_at)"
            f" SELECT member, $2, $3, $4 FROM pledges WHERE member = $1 AND {_FOR[kind]}"
            " FOR SHARE ON CONFLICT (member, kind) DO UPDATE"
            " SET sealed = excluded.sealed, due_at = excluded.due_at",
            member,
            kind.value,
            sealed,
            due,
        )
        return bool(status == "INSERT 0 1")

    async def forget_notice(self, member: str, kind: NoticeKind) -> bool:
        status = await self._pool.execute(
            "DELETE FROM pledge_notices WHERE member = $1 AND kind = $2", member, kind.value
        )
        return bool(status == "DELETE 1")

    async def member_notices(self, member: str) -> Mapping[NoticeKind, datetime | None]:
        rows = await self._pool.fetch(
            "SELECT kind, due_at FROM pledge_notices WHERE member = $1", member
        )
        return {NoticeKind(row["kind"]): row["due_at"] for row in rows}

    async def due_notices(self, now: datetime, limit: int) -> list[DueNotice]:
        rows = await self._pool.fetch(
            "SELECT member, kind, sealed FROM pledge_notices WHERE due_at <= $1"
            ' ORDER BY due_at, member COLLATE "C", kind LIMIT $2',
            now,
            limit,
        )
        return [DueNotice(row["member"], NoticeKind(row["kind"]), row["sealed"]) for row in rows]

    async def queue_notices(
        self, notices: Sequence[tuple[DueNotice, NewDelivery]], now: datetime
    ) -> int:
        """Each notice still due queued and deleted, in one transaction: of two workers
        deleting the same row, the second waits for the first and then deletes nothing."""
        async with self._pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                "DELETE FROM pledge_notices n USING unnest($1::text[], $2::text[])"
                " AS q (member, kind) WHERE n.member = q.member AND n.kind = q.kind"
                " AND n.due_at <= $3 RETURNING n.member, n.kind",
                [notice.member for notice, _ in notices],
                [notice.kind.value for notice, _ in notices],
                now,
            )
            queued = {(row["member"], row["kind"]) for row in rows}
            deliveries = []
            for notice, delivery in notices:  # a notice given twice is queued once
                if (notice.member, notice.kind.value) in queued:
                    queued.discard((notice.member, notice.kind.value))
                    deliveries.append(delivery)
            if deliveries:
                broadcast_id = await insert_broadcast(conn, NOTICE_BROADCAST, "", now)
                await insert_deliveries(conn, broadcast_id, deliveries, now)
        return len(deliveries)
