"""Copies of the database: taken while the bot writes, checked, put back in place.

The copy uses SQLite's online backup API from a connection of its own, which holds
one read snapshot for the whole copy: in WAL mode a reader never blocks the writer,
and a snapshot held across steps keeps the backup from restarting each time a
pledge is committed. The steps only let the copy yield between batches of pages.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from storage.api.errors import BackupError
from storage.sqlite.db import FILE_MODE, known_migrations

PAGES_PER_STEP = 1024
PAUSE_BETWEEN_STEPS_S = 0.001


@dataclass(frozen=True, slots=True)
class CopyFacts:
    """What a database file says about itself."""

    schema_version: int
    setting: str | None  # the value of the setting asked for, when present


def _open_existing(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    # mode=ro would fail on a WAL database whose -shm file is not writable; plain
    # read-write never creates anything here, since the file exists.
    conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


def _create_private(path: Path) -> None:
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError as exc:
        raise BackupError(f"{path} already exists: choose another file name") from exc
    except OSError as exc:
        raise BackupError(f"{path} cannot be created: {exc.strerror}") from exc


def copy_database(source: Path, dest: Path, pages: int = PAGES_PER_STEP) -> int:
    """Copy `source` into the new file `dest` (mode 0600); the number of pages copied.

    Refuses an existing `dest`. A failed copy leaves no file behind.
    """
    src = _open_existing(source)
    try:
        _create_private(dest)
        try:
            target = sqlite3.connect(dest, isolation_level=None)
            try:
                src.execute("BEGIN")
                src.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # takes the snapshot
                copied = 0

                def progress(status: int, remaining: int, total: int) -> None:
                    nonlocal copied
                    copied = total

                src.backup(target, pages=pages, progress=progress, sleep=PAUSE_BETWEEN_STEPS_S)
                src.execute("COMMIT")
                # The copy stands alone: no -wal file to carry along with it.
                target.execute("PRAGMA journal_mode = DELETE")
            finally:
                target.close()
            _fsync(dest)
        except BaseException:
            with contextlib.suppress(OSError):
                dest.unlink()
            raise
    except sqlite3.Error as exc:
        raise BackupError(f"{source} cannot be copied: {exc}") from exc
    finally:
        src.close()
    return copied


def check_copy(path: Path, setting: str) -> CopyFacts:
    """Integrity and schema version of a copy, and one of its settings; raises
    BackupError when the file is damaged or newer than this code."""
    try:
        conn = _open_existing(path)
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
            if [tuple(r) for r in rows] != [("ok",)]:
                problems = "; ".join(str(r[0]) for r in rows[:3])
                raise BackupError(f"{path} is damaged: {problems}")
            version = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
            schema = int(version.fetchone()[0])
            found = conn.execute("SELECT value FROM settings WHERE key = ?", (setting,)).fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{path} is not a usable database: {exc}") from exc
    latest = len(known_migrations())
    if schema > latest:
        raise BackupError(
            f"{path} is at schema version {schema}, newer than this bot knows ({latest}): "
            "restore it with the version of quitgpt-bot that made it"
        )
    return CopyFacts(schema, None if found is None else str(found[0]))


def refuse_if_in_use(database: Path) -> None:
    """Raise BackupError when another connection (a running bot) has `database` open."""
    if not database.exists():
        return
    conn = sqlite3.connect(database, isolation_level=None, timeout=0)
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        raise BackupError(f"{database} is in use: stop the bot before restoring") from exc
    finally:
        conn.close()


def install_copy(source: Path, database: Path, then: Callable[[], None] = lambda: None) -> None:
    """Put the copy `source` in place of `database`, replacing it and its WAL, then call
    `then` (which puts the files that go with it in place).

    Written beside the target first, then renamed, so a failure midway leaves the old
    database as it was; the old one is kept under another name until `then` returns,
    and put back if it raises. The bot must not be running on `database`.
    """
    staged = database.with_name(database.name + ".restoring")
    previous = database.with_name(database.name + ".previous")
    for leftover in (staged, previous):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
    copy_database(source, staged)
    try:
        with contextlib.suppress(FileNotFoundError):
            os.link(database, previous)
        for suffix in ("-wal", "-shm"):  # the bot is stopped: its WAL is checkpointed
            with contextlib.suppress(FileNotFoundError):
                database.with_name(database.name + suffix).unlink()
        os.replace(staged, database)
        try:
            then()
        except BaseException:
            if previous.exists():
                os.replace(previous, database)
            else:
                database.unlink()
            raise
    finally:
        for leftover in (staged, previous):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    _fsync_directory(database.parent)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_directory(path: Path) -> None:
    with contextlib.suppress(OSError):
        _fsync(path)
