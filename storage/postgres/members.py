"""Everything kept about one member on PostgreSQL, read together and erased together."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from storage.api.records import PRIVATE, Asker, MemberData
from storage.postgres.pledges import PostgresPledges
from storage.postgres.questions import delete_member_questions

# The tables an erasure deletes from or updates: a deleted or updated row stays in
# its page as a dead tuple until a vacuum of its table prunes it.
ERASED_TABLES = (
    "pledges",
    "subscriptions",
    "deliveries",
    "audit_log",
    "broadcasts",
    "fact_questions",
    "queued_counts",
)


class PostgresMembers:
    def __init__(self, pool: asyncpg.Pool, pledges: PostgresPledges) -> None:
        self._pool = pool
        self._pledges = pledges

    async def member_data(self, platform: str, member: str, user_id: str) -> MemberData:
        row = await self._pool.fetchrow(
            "SELECT EXISTS (SELECT 1 FROM subscriptions WHERE platform = $1 AND chat_id = $3"
            " AND chat_kind = $4) AS subscribed,"
            " (SELECT COUNT(*) FROM deliveries WHERE platform = $1 AND chat_id = $3"
            " AND chat_kind = $4 AND status = 'pending') AS pending,"
            " (SELECT COUNT(*) FROM audit_log WHERE platform = $1 AND actor = $2) AS audit,"
            " (SELECT COUNT(*) FROM broadcasts WHERE author_platform = $1 AND author_id = $2)"
            " AS announcements",
            platform,
            member,
            user_id,
            PRIVATE,
        )
        return MemberData(
            await self._pledges.get_pledge(member),
            row["subscribed"],
            row["pending"],
            row["audit"],
            row["announcements"],
        )

    async def erase_member(
        self, platform: str, member: str, user_id: str, asker: Asker, now: datetime
    ) -> int:
        """The pledge (and the tally with it), the private chat's subscription and the
        posts waiting for it, audit entries under the member's key, the key on the
        announcements they wrote, what is kept under their question key."""
        statements: tuple[tuple[str, tuple[object, ...]], ...] = (
            ("DELETE FROM pledges WHERE member = $1", (member,)),
            (
                "DELETE FROM subscriptions WHERE platform = $1 AND chat_id = $2 AND chat_kind = $3",
                (platform, user_id, PRIVATE),
            ),
            (
                "UPDATE deliveries SET chat_id = '', status = CASE status WHEN 'pending'"
                " THEN 'cancelled' ELSE status END, handled_at = COALESCE(handled_at, $1)"
                " WHERE platform = $2 AND chat_id = $3 AND chat_kind = $4",
                (now, platform, user_id, PRIVATE),
            ),
            ("DELETE FROM audit_log WHERE platform = $1 AND actor = $2", (platform, member)),
            (
                "DELETE FROM broadcasts"
                " WHERE status = 'draft' AND author_platform = $1 AND author_id = $2",
                (platform, member),
            ),
            (
                "UPDATE broadcasts SET author_id = NULL"
                " WHERE author_platform = $1 AND author_id = $2",
                (platform, member),
            ),
        )
        erased = 0
        async with self._pool.acquire() as conn, conn.transaction():
            for sql, params in statements:
                status = await conn.execute(sql, *params)
                erased += int(status.rsplit(" ", 1)[-1])
            erased += await delete_member_questions(conn, asker, now)
        return erased

    async def destroy_erased(self) -> None:
        """Vacuum the tables an erasure touches, so that the erased rows' dead tuples are
        pruned from their pages and from the indexes."""
        await self._pool.execute(f"VACUUM {', '.join(ERASED_TABLES)}")
