"""Stopping another process right after one of its SQLite commits, from the outside.

The gate holds the database's write lock (`BEGIN IMMEDIATE` on a connection of its own),
so the other process's next write waits in its busy handler (5 s). To move on by one
commit, the gate lets go, watches `PRAGMA data_version` (which changes when another
connection commits) and takes the lock back at once: the other process's next write
then waits again. Between two writes of the bot lie thread hops and reads (milliseconds),
while the gate takes the lock back within a tenth of one. A test tells from the rows a
step changed whether the commit it wants is the last one made (a second commit that
slipped through would show in the rows, but for a claim's lease, which is not compared).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# What a test compares from one commit to the next: the deliveries (id -> status, parts
# sent), the broadcasts (id -> kind, status, reported), the milestones (value -> announced).
Snapshot = dict[str, dict[int, tuple[object, ...]]]
_QUERIES = {
    "deliveries": "SELECT id, status, parts_sent FROM deliveries",
    "broadcasts": "SELECT id, kind, status, reported_at IS NOT NULL FROM broadcasts",
    "milestones": "SELECT value, announced_at IS NOT NULL FROM milestones",
    "audit": "SELECT rowid, action FROM audit_log",
}
TABLES = tuple(_QUERIES)


@dataclass(frozen=True, slots=True)
class Step:
    before: Snapshot
    after: Snapshot

    def changed(
        self, table: str
    ) -> dict[int, tuple[tuple[object, ...] | None, tuple[object, ...]]]:
        """The rows of `table` the commit added or changed: id -> (before or None, after)."""
        old, new = self.before[table], self.after[table]
        return {key: (old.get(key), row) for key, row in new.items() if old.get(key) != row}


class CommitGate:
    def __init__(self, db: Path) -> None:
        self._conn = sqlite3.connect(db, isolation_level=None, timeout=0, check_same_thread=False)
        self.holding = False

    def close(self) -> None:
        self.release()
        self._conn.close()

    def release(self) -> None:
        if self.holding:
            self._conn.execute("ROLLBACK")
            self.holding = False

    def snapshot(self) -> Snapshot:
        return {
            table: {row[0]: tuple(row[1:]) for row in self._conn.execute(query)}
            for table, query in _QUERIES.items()
        }

    async def hold(self, timeout: float = 10.0) -> None:
        """Take the write lock (waiting for the bot's transaction in progress, if any)."""
        deadline = time.monotonic() + timeout
        while not self._try_hold():
            assert time.monotonic() < deadline, "the bot kept the write lock"
            await asyncio.sleep(0.001)

    async def step_until(self, landed: Callable[[Step], bool], timeout: float = 60.0) -> Step:
        """Let the bot commit one transaction at a time until `landed(step)` says the last
        one is the boundary wanted; returns holding the lock, so the bot commits no more."""
        await self.hold()
        deadline = time.monotonic() + timeout
        while True:
            before = self.snapshot()
            version = self._version()
            self.release()
            await asyncio.to_thread(self._hold_after_next_commit, version, deadline)
            step = Step(before, self.snapshot())
            if landed(step):
                return step

    def _hold_after_next_commit(self, version: int, deadline: float) -> None:
        """Spin (off the event loop, which serves the fake API) until another connection
        commits, then take the lock back before the bot's next write."""
        while self._version() == version:
            assert time.monotonic() < deadline, "no commit boundary reached in time"
            time.sleep(0.0001)
        while not self._try_hold():
            time.sleep(0.0001)

    def _version(self) -> int:
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def _try_hold(self) -> bool:
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:  # the bot is writing
            return False
        self.holding = True
        return True
