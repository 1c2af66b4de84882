"""The SQLite backend, the default: one file, nothing to install."""

from __future__ import annotations

from storage.api.backends import DatabaseUrl, StorageOptions
from storage.api.protocols import Storage
from storage.sqlite.store import SqliteStorage


async def open_storage(url: DatabaseUrl, options: StorageOptions) -> Storage:
    return await SqliteStorage.open(
        url.path, synchronous=options.synchronous, checkpoints=options.wal_checkpoints
    )
