"""The SQLite database: connections, pragmas, migrations and the one write path.

Writes go through a single connection inside `BEGIN IMMEDIATE`, serialised by a
lock, because coroutines sharing an aiosqlite connection must not interleave
transactions. Reads use a second connection, so they only ever see committed
state (WAL lets them run while a write is open). A third one checkpoints the
WAL in the background, so that no write waits for it; or nothing does, when a
replicator such as Litestream must be the only one to checkpoint.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from storage.api.backends import SYNCHRONOUS_MODES, WAL_CHECKPOINT_MODES
from storage.api.errors import SchemaError
from storage.api.migrations import Migration, read_migrations

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 5_000
CHECKPOINT_INTERVAL_S = 5.0
# About 400 MB of WAL: what 10 to 20 seconds of peak pledge traffic writes.
WAL_RESTART_FRAMES = 100_000
# Writes wait for a last checkpoint pass only once there is no more than this left.
WAL_LAST_PASS_FRAMES = 500
# Once checkpointed and restarted, the WAL file is cut back to this size, so that it
# does not keep old frames (erased data among them) beyond it.
JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024
# The database and its WAL hold pseudonymous but personal data: owner only. SQLite
# gives the -wal and -shm files the database file's mode.
FILE_MODE = 0o600
log = logging.getLogger(__name__)


def known_migrations() -> list[Migration]:
    return read_migrations(MIGRATIONS_DIR)


def _create_private(path: Path) -> None:
    """Create the database file readable by its owner only (an operator's stricter umask
    still applies); an existing file keeps its mode."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))


async def _connect(path: Path) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    await conn.execute("PRAGMA foreign_keys = ON")
    # An erased pledge is overwritten in the file, not merely unlinked from its page.
    await conn.execute("PRAGMA secure_delete = ON")
    return conn


class Database:
    def __init__(
        self,
        path: Path,
        writer: aiosqlite.Connection,
        reader: aiosqlite.Connection,
        checkpointer: aiosqlite.Connection,
        *,
        checkpoint_every: float = CHECKPOINT_INTERVAL_S,
        wal_restart_frames: int = WAL_RESTART_FRAMES,
        checkpoints: str = "auto",
    ) -> None:
        self.path = path
        self._writer = writer
        self._reader = reader
        self._checkpointer = checkpointer
        self._lock = asyncio.Lock()
        self._interrupted = False
        self.checkpoints_external = checkpoints == "external"
        self._checkpoints: asyncio.Task[None] | None = None
        if not self.checkpoints_external:
            self._checkpoints = asyncio.create_task(
                self._checkpoint_regularly(checkpoint_every, wal_restart_frames)
            )

    @classmethod
    async def open(
        cls,
        path: Path,
        migrations: list[Migration] | None = None,
        *,
        checkpoint_every: float = CHECKPOINT_INTERVAL_S,
        wal_restart_frames: int = WAL_RESTART_FRAMES,
        synchronous: str = "normal",
        checkpoints: str = "auto",
    ) -> Database:
        """Open (creating if needed) and bring the schema up to date.

        `synchronous`: `normal` does not fsync each commit, so a power loss (not a
        process crash) can lose the last ones; `full` fsyncs every commit.
        `checkpoints`: `auto` checkpoints the WAL in the background, `external` never.
        """
        if synchronous not in SYNCHRONOUS_MODES:
            raise SchemaError(f"synchronous must be one of {', '.join(SYNCHRONOUS_MODES)}")
        if checkpoints not in WAL_CHECKPOINT_MODES:
            raise SchemaError(f"checkpoints must be one of {', '.join(WAL_CHECKPOINT_MODES)}")
        path.parent.mkdir(parents=True, exist_ok=True)
        _create_private(path)
        writer = await _connect(path)
        try:
            row = await (await writer.execute("PRAGMA journal_mode = WAL")).fetchone()
            mode = row[0] if row else None
            if mode != "wal":
                raise SchemaError(f"{path}: cannot switch to WAL journal mode (got {mode})")
            await writer.execute(f"PRAGMA synchronous = {synchronous.upper()}")
            # Left on, SQLite checkpoints (and fsyncs) inside whichever COMMIT makes
            # the WAL pass 1,000 pages, stalling that write and all queued behind it.
            await writer.execute("PRAGMA wal_autocheckpoint = 0")
            await writer.execute(f"PRAGMA journal_size_limit = {JOURNAL_SIZE_LIMIT}")
            await _migrate(writer, known_migrations() if migrations is None else migrations)
            reader = await _connect(path)
            checkpointer = await _connect(path)
        except BaseException:
            await writer.close()
            raise
        return cls(
            path,
            writer,
            reader,
            checkpointer,
            checkpoint_every=checkpoint_every,
            wal_restart_frames=wal_restart_frames,
            checkpoints=checkpoints,
        )

    async def close(self) -> None:
        if self._checkpoints is not None:
            self._checkpoints.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._checkpoints
        async with self._lock:
            await self._checkpointer.close()
            await self._reader.close()
            await self._writer.close()

    async def _checkpoint_regularly(self, every: float, restart_frames: int) -> None:
        """Copy the WAL into the database file, off the write path.

        A passive checkpoint never blocks writers, but while writes keep coming it
        never quite catches up, and the WAL starts over only once it has. So when
        the WAL has grown large, more passes copy what was written during the
        previous one, until so little is left that a last pass holding the write
        lock is short; the next write then restarts the WAL.
        """
        while True:
            await asyncio.sleep(every)
            try:
                frames = await self._checkpoint()
                if frames > restart_frames:
                    await self._restart_wal(frames)
            except sqlite3.Error:
                log.warning("WAL checkpoint failed", exc_info=True)

    async def _restart_wal(self, frames: int, max_passes: int = 8) -> None:
        for _ in range(max_passes):
            previous, frames = frames, await self._checkpoint()
            if frames - previous <= WAL_LAST_PASS_FRAMES:
                break
        async with self._lock:
            await self._checkpoint()

    async def truncate_wal(self) -> None:
        """Copy the whole WAL into the database and empty the file, so that erased data
        does not linger in old frames. Waits for the write lock and for readers. Not
        when checkpoints are external: the replicator empties the WAL in its own time."""
        if self.checkpoints_external:
            log.info("WAL truncation left to the external replicator")
            return
        async with self._lock:
            rows = await self._checkpointer.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)")
        busy = int(next(iter(rows))[0])
        if busy:
            log.warning("WAL truncation was blocked by a reader; it is retried on the next one")

    async def _checkpoint(self) -> int:
        """A passive checkpoint; how many frames the WAL held."""
        rows = await self._checkpointer.execute_fetchall("PRAGMA wal_checkpoint(PASSIVE)")
        return int(next(iter(rows))[1])

    @asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction; commits on success, rolls back on any error.

        A task cancelled mid-transaction leaves the statements it queued to run
        on the connection's thread; the next write first waits for them and
        rolls back whatever transaction they left open.
        """
        async with self._lock:
            if self._interrupted:
                await self._writer.execute("SELECT 1")  # runs after everything queued before
                if self._writer.in_transaction:
                    await self._writer.execute("ROLLBACK")
            self._interrupted = True
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer
            except BaseException:
                await self._writer.execute("ROLLBACK")
                raise
            await self._writer.execute("COMMIT")
            self._interrupted = False

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        async with self._reader.execute(sql, tuple(params)) as cursor:
            row: sqlite3.Row | None = await cursor.fetchone()
            return row

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        async with self._reader.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())


class SqliteArea:
    """One storage area on the database: it writes through the database's one write path."""

    def __init__(self, db: Database) -> None:
        self._db = db


async def schema_version(conn: aiosqlite.Connection) -> int:
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))"
    )
    async with conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def _migrate(conn: aiosqlite.Connection, migrations: list[Migration]) -> None:
    current = await schema_version(conn)
    latest = migrations[-1].version if migrations else 0
    if current > latest:
        raise SchemaError(
            f"the database is at schema version {current}, newer than this bot knows "
            f"({latest}); upgrade quitgpt-bot or use another database file"
        )
    for migration in migrations[current:]:
        script = (
            f"BEGIN IMMEDIATE;\n{migration.sql}\n;"
            f"INSERT INTO schema_migrations (version, name) VALUES "
            f"({migration.version}, '{migration.name}');\nCOMMIT;"
        )
        try:
            await conn.executescript(script)
        except sqlite3.Error as exc:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            raise SchemaError(
                f"migration {migration.version}_{migration.name} failed: {exc}"
            ) from exc
        log.info(
            "migration applied", extra={"version": migration.version, "migration": migration.name}
        )


def stamp(moment: datetime) -> str:
    """A UTC timestamp of fixed width, so that text order is time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_stamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
