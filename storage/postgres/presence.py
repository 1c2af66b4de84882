"""An instance's presence on the database: a session advisory lock held for as long
as it runs, on a connection of its own.

Claims on deliveries carry the instance's number, so that an instance starting up
takes back only the claims of instances that are gone (their lock went with their
session), never those of one still sending.
"""

from __future__ import annotations

import random

import asyncpg

# The advisory lock namespace of presences (the first of the two int4 keys).
PRESENCE_LOCKS = 0x7167_7074
# Live claimers: those whose presence lock some session of this database holds.
LIVE_CLAIMERS = (
    "SELECT objid::integer FROM pg_locks WHERE locktype = 'advisory' AND granted"
    f" AND classid = {PRESENCE_LOCKS} AND objsubid = 2"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


class Presence:
    def __init__(self, conn: asyncpg.Connection, number: int) -> None:
        self._conn = conn
        self.number = number

    @classmethod
    async def take(cls, url: str) -> Presence:
        """A number no running instance holds, locked until `release`."""
        conn = await asyncpg.connect(url)
        try:
            while True:
                number = random.randrange(1, 2**31)
                if await conn.fetchval(
                    "SELECT pg_try_advisory_lock($1, $2)", PRESENCE_LOCKS, number
                ):
                    return cls(conn, number)
        except BaseException:
            await conn.close()
            raise

    async def release(self) -> None:
        await self._conn.close()  # the session's locks go with it
