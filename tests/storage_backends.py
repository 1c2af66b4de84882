"""The storage backends every storage test runs against (the `storage` fixture).

To add a backend, write one `Backend`: `open` gives a fresh, migrated, empty database for
one test as an async context manager (a server the tests start themselves, or a new
database on it), and `rows` runs a read-only SQL query on it for the checks that count
rows the slow way. Then add it to `BACKENDS`: every test taking `storage` runs on it too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from storage.api.protocols import Storage
from storage.sqlite.store import SqliteStorage
from tests.postgres_server import postgres_database, postgres_rows


@dataclass(frozen=True, slots=True)
class Backend:
    open: Callable[[Path], AbstractAsyncContextManager[Storage]]
    # (storage, query without parameters) -> rows as tuples
    rows: Callable[[Storage, str], list[tuple[Any, ...]]]
    # a session fixture the backend needs running (a server), if any
    server: str | None = None


@asynccontextmanager
async def _sqlite(tmp_path: Path) -> AsyncIterator[Storage]:
    storage = await SqliteStorage.open(tmp_path / "storage.db")
    try:
        yield storage
    finally:
        await storage.close()


def _sqlite_rows(storage: Storage, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(cast(SqliteStorage, storage).database.path) as conn:
        return [tuple(row) for row in conn.execute(sql)]


BACKENDS: dict[str, Backend] = {
    "sqlite": Backend(_sqlite, _sqlite_rows),
    "postgresql": Backend(postgres_database, postgres_rows, server="postgres_server"),
}
