"""Stopping another process right after one of its SQLite commits, from the outside.

The gate holds the database's write lock (`BEGIN IMMEDIATE` on a connection of its own),
so the other process's next write waits in its busy handler (5 s). To move on by one
commit, the gate lets go, watches `PRAGMA data_version` (which changes when another
connection commits) and takes the lock back at once: the other process's next write
then waits again. Between two writes of the bot lie thread hops and reads (about a
millisecond), so the watcher must answer faster than that, loaded machine or not: it
runs in a process of its own (`python -m tests.commit_gate`), as a thread of the test it
would wait for the interpreter lock, which the event loop serving the fake API holds for
up to `sys.getswitchinterval()` (5 ms) at a time, and the bot's next commit would slip
into the same step. A test tells from the rows a step changed whether the commit it
wants is the last one made (a second commit that slipped through would show in the rows,
but for a claim's lease or the sender lease, which are not compared).
"""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
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
_HELD, _LATE = "held", "late"


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
    """The test's side: asks the watcher process to hold, step or let go, and reads the
    rows (on a connection of its own, while the watcher holds the lock)."""

    def __init__(self, db: Path) -> None:
        self._conn = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
        self._watcher = subprocess.Popen(
            [sys.executable, "-m", "tests.commit_gate", str(db)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=Path(__file__).parents[1],
            text=True,
            bufsize=1,
        )
        self.holding = False

    def close(self) -> None:
        self.release()
        assert self._watcher.stdin is not None
        self._watcher.stdin.close()
        self._watcher.wait(timeout=10)
        self._conn.close()

    def release(self) -> None:
        if self.holding:
            self._ask("release")
            self.holding = False

    def snapshot(self) -> Snapshot:
        return {
            table: {row[0]: tuple(row[1:]) for row in self._conn.execute(query)}
            for table, query in _QUERIES.items()
        }

    async def hold(self, timeout: float = 10.0) -> None:
        """Take the write lock (waiting for the bot's transaction in progress, if any)."""
        answer = await asyncio.to_thread(self._ask, f"hold {timeout}")
        assert answer == _HELD, "the bot kept the write lock"
        self.holding = True

    async def step_until(self, landed: Callable[[Step], bool], timeout: float = 60.0) -> Step:
        """Let the bot commit one transaction at a time until `landed(step)` says the last
        one is the boundary wanted; returns holding the lock, so the bot commits no more."""
        await self.hold()
        deadline = time.monotonic() + timeout
        seen: dict[str, object] = {}  # what the last step that changed rows changed
        while True:
            before = self.snapshot()
            self.holding = False
            left = deadline - time.monotonic()
            answer = await asyncio.to_thread(self._ask, f"step {left}")
            assert answer == _HELD, f"no commit boundary reached in time; last step: {seen}"[:800]
            self.holding = True
            step = Step(before, self.snapshot())
            if landed(step):
                return step
            seen = {table: rows for table in TABLES if (rows := step.changed(table))} or seen

    def _ask(self, command: str) -> str:
        stdin, stdout = self._watcher.stdin, self._watcher.stdout
        assert stdin is not None and stdout is not None
        stdin.write(command + "\n")
        return stdout.readline().strip()


def watch(db: str) -> None:
    """The watcher process: holds, steps past one commit, or lets go, as asked on stdin."""
    conn = sqlite3.connect(db, isolation_level=None, timeout=0)
    for line in sys.stdin:
        command, *args = line.split()
        answer = _HELD
        if command == "release":
            conn.execute("ROLLBACK")
        elif command == "hold":
            answer = _HELD if _spin(conn, _try_hold, float(args[0])) else _LATE
        else:  # step: let one commit through, then hold again before the next
            answer = _HELD if _step(conn, float(args[0])) else _LATE
        print(answer, flush=True)


def _step(conn: sqlite3.Connection, timeout: float) -> bool:
    seen = _version(conn)
    conn.execute("ROLLBACK")
    committed = _spin(conn, lambda c: _version(c) != seen, timeout)
    return committed and _spin(conn, _try_hold, 10.0)


def _spin(
    conn: sqlite3.Connection, until: Callable[[sqlite3.Connection], bool], timeout: float
) -> bool:
    deadline = time.monotonic() + timeout
    while not until(conn):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.0001)
    return True


def _version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def _try_hold(conn: sqlite3.Connection) -> bool:
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:  # the bot is writing
        return False
    return True


if __name__ == "__main__":
    watch(sys.argv[1])
