"""The storage backends every storage test runs against (the `storage` fixture).

To add a backend, write one `Backend`: `open` gives a fresh, migrated, empty database for
one test as an async context manager (a server the tests start themselves, or a new
database on it), and `rows` runs a read-only SQL query on it for the checks that count
rows the slow way; `shared` gives a database for bot processes to share. Then add it to
`BACKENDS`: every test taking `storage` (or `backend`) runs on it too.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, cast

from bot.config import Config, Secret
from storage.api.protocols import Storage
from storage.sqlite.store import SqliteStorage
from tests.postgres_server import postgres_database, postgres_rows, rows_at, session_database


@dataclass(frozen=True, slots=True)
class SharedDatabase:
    """One database for several bot processes: the settings that point a process at it,
    the same as a `Config` (to seed it from the test), and read-only queries for checks."""

    settings: dict[str, str]
    config: Config
    rows: Callable[[str], list[tuple[Any, ...]]]


@dataclass(frozen=True, slots=True)
class Backend:
    open: Callable[[Path], AbstractAsyncContextManager[Storage]]
    # (storage, query without parameters) -> rows as tuples
    rows: Callable[[Storage, str], list[tuple[Any, ...]]]
    # a fresh database for bot processes, given the test's temporary directory
    shared: Callable[[Path], AbstractAsyncContextManager[SharedDatabase]]
    # a session fixture the backend needs running (a server), if any
    server: str | None = None


@asynccontextmanager
async def _sqlite(tmp_path: Path) -> AsyncIterator[Storage]:
    storage = await SqliteStorage.open(tmp_path / "storage.db")
    try:
        yield storage
    finally:
        await storage.close()


def _file_rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return [tuple(row) for row in conn.execute(sql)]


def _sqlite_rows(storage: Storage, sql: str) -> list[tuple[Any, ...]]:
    return _file_rows(cast(SqliteStorage, storage).database.path, sql)


@asynccontextmanager
async def _sqlite_shared(tmp_path: Path) -> AsyncIterator[SharedDatabase]:
    """A file (the member key secret is made beside it, where every process finds it)."""
    path = tmp_path / "shared.db"
    yield SharedDatabase(
        {"QUITGPT_DB": str(path)}, Config(database=path), partial(_file_rows, path)
    )


@asynccontextmanager
async def _postgres_shared(tmp_path: Path) -> AsyncIterator[SharedDatabase]:
    """A fresh database on the session's server; the member secret given by configuration,
    the same to every process."""
    secret = secrets.token_hex(32)
    async with session_database() as url:
        settings = {"QUITGPT_DATABASE_URL": url, "QUITGPT_MEMBER_SECRET": secret}
        config = Config(database_url=Secret(url), member_secret=Secret(secret))
        yield SharedDatabase(settings, config, partial(rows_at, url))


BACKENDS: dict[str, Backend] = {
    "sqlite": Backend(_sqlite, _sqlite_rows, _sqlite_shared),
    "postgresql": Backend(postgres_database, postgres_rows, _postgres_shared, "postgres_server"),
}
