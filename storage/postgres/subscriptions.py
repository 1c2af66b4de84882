"""Chats subscribed to tally posts and announcements, on PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from storage.api.records import BOT, PRIVATE, Subscription, chat_audit_detail
from storage.postgres.audit import write_audit

_COLUMNS = (
    "platform, chat_id, chat_kind, language, pinned, tally_message_id, title, pause_reason, topic"
)


def _subscription(row: asyncpg.Record) -> Subscription:
    return Subscription(*row)


class PostgresSubscriptions:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def subscribe(
        self,
        platform: str,
        chat_id: str,
        chat_kind: str,
        language: str,
        now: datetime,
        *,
        title: str = "",
        topic: str = "",
    ) -> bool:
        title = "" if chat_kind == PRIVATE else title
        # Subscribing again is how a moderator says a lost permission was given back.
        # xmax is 0 only in a row this statement inserted.
        inserted = await self._pool.fetchval(
            "INSERT INTO subscriptions"
            " (platform, chat_id, chat_kind, language, created_at, title, topic)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (platform, chat_id) DO UPDATE"
            " SET title = excluded.title, topic = excluded.topic, paused_at = NULL,"
            " pause_reason = NULL RETURNING xmax = 0",
            platform,
            chat_id,
            chat_kind,
            language,
            now,
            title,
            topic,
        )
        return bool(inserted)

    async def unsubscribe(self, platform: str, chat_id: str) -> bool:
        status = await self._pool.execute(
            "DELETE FROM subscriptions WHERE platform = $1 AND chat_id = $2", platform, chat_id
        )
        return bool(status == "DELETE 1")

    async def get_subscription(self, platform: str, chat_id: str) -> Subscription | None:
        row = await self._pool.fetchrow(
            f"SELECT {_COLUMNS} FROM subscriptions WHERE platform = $1 AND chat_id = $2",
            platform,
            chat_id,
        )
        return None if row is None else _subscription(row)

    async def list_subscriptions(
        self, *, paused_before: datetime | None = None
    ) -> list[Subscription]:
        rows = await self._pool.fetch(
            f"SELECT {_COLUMNS} FROM subscriptions WHERE $1::timestamptz IS NULL"
            " OR paused_at IS NULL OR paused_at < $1 ORDER BY platform, chat_id",
            paused_before,
        )
        return [_subscription(row) for row in rows]

    async def set_pinned(self, platform: str, chat_id: str, pinned: bool) -> bool:
        status = await self._pool.execute(
            "UPDATE subscriptions SET pinned = $1, tally_message_id = NULL"
            " WHERE platform = $2 AND chat_id = $3",
            pinned,
            platform,
            chat_id,
        )
        return bool(status == "UPDATE 1")

    async def set_tally_message(self, platform: str, chat_id: str, message_id: str) -> None:
        await self._pool.execute(
            "UPDATE subscriptions SET tally_message_id = $1 WHERE platform = $2 AND chat_id = $3",
            message_id,
            platform,
            chat_id,
        )

    async def pause_chat(
        self, platform: str, chat_id: str, reason: str, now: datetime
    ) -> Subscription | None:
        return await self._change_audited(
            "UPDATE subscriptions SET paused_at = $3, pause_reason = $4"
            f" WHERE platform = $1 AND chat_id = $2 RETURNING {_COLUMNS}",
            (platform, chat_id, now, reason),
            "paused",
            reason,
            now,
        )

    async def drop_gone_chat(
        self, platform: str, chat_id: str, reason: str, now: datetime
    ) -> Subscription | None:
        return await self._change_audited(
            f"DELETE FROM subscriptions WHERE platform = $1 AND chat_id = $2 RETURNING {_COLUMNS}",
            (platform, chat_id),
            "unsubscribed",
            reason,
            now,
        )

    async def _change_audited(
        self, sql: str, params: tuple[object, ...], action: str, reason: str, now: datetime
    ) -> Subscription | None:
        """Change a subscription and audit it by kind and title only, in one transaction."""
        async with self._pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(sql, *params)
            if row is None:
                return None
            sub = _subscription(row)
            await write_audit(conn, sub.platform, BOT, action, chat_audit_detail(sub, reason), now)
            return sub

    async def move_subscription(
        self, platform: str, old_chat_id: str, new_chat_id: str, now: datetime
    ) -> Subscription | None:
        async with self._pool.acquire() as conn, conn.transaction():
            # The old chat's subscription replaces any the new id already had.
            await conn.execute(
                "DELETE FROM subscriptions WHERE platform = $1 AND chat_id = $2 AND EXISTS"
                " (SELECT 1 FROM subscriptions WHERE platform = $1 AND chat_id = $3)",
                platform,
                new_chat_id,
                old_chat_id,
            )
            row = await conn.fetchrow(
                "UPDATE subscriptions SET chat_id = $3 WHERE platform = $1 AND chat_id = $2"
                f" RETURNING {_COLUMNS}",
                platform,
                old_chat_id,
                new_chat_id,
            )
            await conn.execute(
                "UPDATE deliveries SET chat_id = $3"
                " WHERE platform = $1 AND chat_id = $2 AND status = 'pending'",
                platform,
                old_chat_id,
                new_chat_id,
            )
            if row is None:
                return None
            sub = _subscription(row)
            await write_audit(conn, platform, BOT, "moved", chat_audit_detail(sub, "moved"), now)
            return sub
