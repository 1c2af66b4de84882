"""The PostgreSQL backend: several instances of the bot on one database."""

from __future__ import annotations

from storage.api.backends import DatabaseUrl, StorageOptions
from storage.api.protocols import Storage
from storage.postgres.store import PostgresStorage


async def open_storage(url: DatabaseUrl, options: StorageOptions) -> Storage:
    """`options` tune SQLite only."""
    return await PostgresStorage.open(url.target, url.redacted())
