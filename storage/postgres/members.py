"""Everything kept about one member on PostgreSQL, read together and erased together."""

from __future__ import annotations

import asyncio
from datetime import datetime

import asyncpg

from storage.api.records import PRIVATE, Asker, MemberData
from storage.postgres.pledges import PostgresPledges
from storage.postgres.questions import delete_member_questions

# Instances rewrite tables one at a time: any constant they agree on.
REWRITE_LOCK = 0x717569_7467_7277
# An erasure's statements besides the pledge's, each with the table it changes and
# the values it takes. A deleted or updated row
# stays in its page as a dead tuple; a plain VACUUM prunes it but leaves its bytes in
# the page's free space and in the indexes' pages, so the tables an erasure changed are
# rewritten (VACUUM FULL) into new files.
_ERASE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "subscriptions",
        "DELETE FROM subscriptions WHERE platform = $1 AND chat_id = $2 AND chat_kind = $3",
        ("platform", "user_id", "private"),
    ),
    (
        "deliveries",
        "UPDATE deliveries SET chat_id = '', status = CASE status WHEN 'pending'"
        " THEN 'cancelled' ELSE status END, handled_at = COALESCE(handled_at, $4)"
        " WHERE platform = $1 AND chat_id = $2 AND chat_kind = $3",
        ("platform", "user_id", "private", "now"),
    ),
    (
        "audit_log",
        "DELETE FROM audit_log WHERE platform = $1 AND actor = $2",
        ("platform", "member"),
    ),
    (
        "broadcasts",
        "DELETE FROM broadcasts WHERE status = 'draft' AND author_platform = $1 AND author_id = $2",
        ("platform", "member"),
    ),
    (
        "broadcasts",
        "UPDATE broadcasts SET author_id = NULL WHERE author_platform = $1 AND author_id = $2",
        ("platform", "member"),
    ),
)


class PostgresMembers:
    def __init__(self, pool: asyncpg.Pool, pledges: PostgresPledges) -> None:
        self._pool = pool
        self._pledges = pledges
        self._changed: set[str] = set()  # tables erasures changed, not yet rewritten
        self._rewriting = asyncio.Lock()
        self._asked = 0  # calls to destroy_erased so far
        self._covered = 0  # of them, those a finished rewrite started after

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
        values = {
            "platform": platform,
            "member": member,
            "user_id": user_id,
            "private": PRIVATE,
            "now": now,
        }
        erased = 0
        async with self._pool.acquire() as conn, conn.transaction():
            # Only the partition that held the pledge is rewritten.
            for row in await conn.fetch(
                "DELETE FROM pledges WHERE member = $1 RETURNING tableoid::regclass::text", member
            ):
                erased += 1
                self._changed.add(row[0])
            for table, sql, params in _ERASE:
                status = await conn.execute(sql, *(values[name] for name in params))
                if changed := int(status.rsplit(" ", 1)[-1]):
                    erased += changed
                    self._changed.add(table)
            if questions := await delete_member_questions(conn, asker, now):
                erased += questions
                self._changed.update(("fact_questions", "queued_counts"))
        return erased

    async def destroy_erased(self) -> None:
        """Rewrite the tables erasures changed into new files, with their indexes, so that
        no file of the database keeps an erased row's bytes.

        VACUUM FULL holds each table's exclusive lock while it copies it: pledges wait
        meanwhile. Callers arriving during a rewrite share the next one, which covers
        every erasure made before it starts; instances take turns (an advisory lock).
        """
        self._asked += 1
        ticket = self._asked
        async with self._rewriting:
            if self._covered >= ticket:
                return
            covered, tables = self._asked, sorted(self._changed)
            self._changed.clear()
            if tables:
                async with self._pool.acquire() as conn:
                    await conn.execute("SELECT pg_advisory_lock($1)", REWRITE_LOCK)
                    try:
                        await conn.execute(f"VACUUM FULL {', '.join(tables)}")
                    finally:
                        await conn.execute("SELECT pg_advisory_unlock($1)", REWRITE_LOCK)
            self._covered = covered
