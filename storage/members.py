"""Everything kept about one member, read together and erased together.

A member is found by their member key (pledge, audit entries, announcements
they wrote) and, for their private chat, by their user id, which is that
chat's id on every platform; the id is only ever a query parameter here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, stamp
from storage.fact_questions import Asker, delete_member_questions
from storage.pledges import Pledge, get_pledge
from storage.subscriptions import PRIVATE, private_chat_data


@dataclass(frozen=True, slots=True)
class MemberData:
    pledge: Pledge | None
    private_subscription: bool
    pending_posts: int  # posts waiting (quiet hours) for the member's private chat
    audit_entries: int  # refused moderator commands, or a moderator's own actions
    announcements: int  # announcements a moderator wrote, kept under their key

    @property
    def empty(self) -> bool:
        counts = (self.pending_posts, self.audit_entries, self.announcements)
        return self.pledge is None and not self.private_subscription and not any(counts)


async def member_data(db: Database, platform: str, member: str, user_id: str) -> MemberData:
    subscribed, pending = await private_chat_data(db, platform, user_id)
    row = await db.fetchone(
        "SELECT (SELECT COUNT(*) FROM audit_log WHERE platform = ?1 AND actor = ?2) AS audit,"
        " (SELECT COUNT(*) FROM broadcasts WHERE author_platform = ?1 AND author_id = ?2)"
        " AS announcements",
        (platform, member),
    )
    assert row is not None
    return MemberData(
        await get_pledge(db, member), subscribed, pending, row["audit"], row["announcements"]
    )


async def erase_member(
    db: Database, platform: str, member: str, user_id: str, asker: Asker, now: datetime
) -> int:
    """Erase all of it in one transaction; how many rows held something of the member.

    The pledge goes (and the tally with it), the private chat's subscription and
    the posts waiting for it, audit entries under the member's key, the key on
    announcements they wrote (the announcements themselves were public), and what is
    kept under their question key (`asker`).
    """
    statements = (
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
            "UPDATE broadcasts SET author_id = NULL WHERE author_platform = ? AND author_id = ?",
            (platform, member),
        ),
    )
    erased = 0
    async with db.write() as conn:
        for sql, params in statements:
            cursor = await conn.execute(sql, params)
            erased += max(cursor.rowcount, 0)
        erased += await delete_member_questions(conn, asker, now)
    return erased
