"""Everything kept about one member, read together and erased together.

A member is found by their member key (pledge, audit entries, announcements
they wrote) and, for their private chat, by their user id, which is that
chat's id on every platform; the id is only ever a query parameter here.
"""

from __future__ import annotations

from datetime import datetime

from storage.api.records import PRIVATE, Asker, MemberData
from storage.sqlite.db import Database, stamp
from storage.sqlite.fact_questions import delete_member_questions
from storage.sqlite.pledges import SqlitePledges
from storage.sqlite.subscriptions import SqliteSubscriptions


class SqliteMembers:
    def __init__(
        self, db: Database, pledges: SqlitePledges, subscriptions: SqliteSubscriptions
    ) -> None:
        self._db = db
        self._pledges = pledges
        self._subscriptions = subscriptions

    async def member_data(self, platform: str, member: str, user_id: str) -> MemberData:
        subscribed, pending = await self._subscriptions.private_chat_data(platform, user_id)
        row = await self._db.fetchone(
            "SELECT (SELECT COUNT(*) FROM audit_log WHERE platform = ?1 AND actor = ?2) AS audit,"
            " (SELECT COUNT(*) FROM broadcasts WHERE author_platform = ?1 AND author_id = ?2)"
            " AS announcements,"
            " (SELECT COUNT(*) FROM pledge_notices WHERE member = ?2) AS notices",
            (platform, member),
        )
        assert row is not None
        return MemberData(
            await self._pledges.get_pledge(member),
            subscribed,
            pending,
            row["audit"],
            row["announcements"],
            row["notices"],
        )

    async def erase_member(
        self, platform: str, member: str, user_id: str, asker: Asker, now: datetime
    ) -> int:
        """Erase all of it in one transaction; how many rows held something of the member.

        The pledge goes (and the tally with it) with the private messages asked for and
        their sealed chat references, the private chat's subscription and
        the posts waiting for it, audit entries under the member's key, the key on
        announcements they wrote (the announcements themselves were public), and what is
        kept under their question key (`asker`).
        """
        statements = (
            ("DELETE FROM pledge_notices WHERE member = ?", (member,)),
            ("DELETE FROM pledges WHERE member = ?", (member,)),
            (
                "DELETE FROM subscriptions WHERE platform = ? AND chat_id = ? AND chat_kind = ?",
                (platform, user_id, PRIVATE),
            ),
            (
                "UPDATE deliveries SET chat_id = '', status = CASE status WHEN 'pending'"
                " THEN 'cancelled' ELSE status END, handled_at = COALESCE(handled_at, ?)"
                " WHERE platform = ? AND chat_id = ? AND chat_kind = ?",
                (stamp(now), platform, user_id, PRIVATE),
            ),
            ("DELETE FROM audit_log WHERE platform = ? AND actor = ?", (platform, member)),
            (
                "DELETE FROM broadcasts"
                " WHERE status = 'draft' AND author_platform = ? AND author_id = ?",
                (platform, member),
            ),
            (
                "UPDATE broadcasts SET author_id = NULL"
                " WHERE author_platform = ? AND author_id = ?",
                (platform, member),
            ),
        )
        erased = 0
        async with self._db.write() as conn:
            for sql, params in statements:
                cursor = await conn.execute(sql, params)
                erased += max(cursor.rowcount, 0)
            erased += await delete_member_questions(conn, asker, now)
        return erased

    async def destroy_erased(self) -> None:
        """Empty the WAL, so that no old copy of erased rows stays in its frames."""
        await self._db.truncate_wal()
