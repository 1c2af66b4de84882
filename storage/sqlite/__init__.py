"""The SQLite backend, the default: one file, nothing to install."""

from __future__ import annotations

import sqlite3

from storage.api.backends import DatabaseUrl, StorageOptions
from storage.api.errors import DatabaseUnusable
from storage.api.protocols import Storage
from storage.sqlite.store import SqliteStorage


async def open_storage(url: DatabaseUrl, options: StorageOptions) -> Storage:
    try:
        return await SqliteStorage.open(
            url.path, synchronous=options.synchronous, checkpoints=options.wal_checkpoints
        )
    except (sqlite3.DatabaseError, OSError) as exc:  # not a database, damaged, not allowed
        raise DatabaseUnusable(f"{url.path} cannot be used as a SQLite database: {exc}") from exc
