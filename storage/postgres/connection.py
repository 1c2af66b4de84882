"""The PostgreSQL connection pool and the numbered migrations.

Each instance of the bot holds a pool of its own. Migrations run under an advisory
lock, so that instances started together apply each one once, each with its
bookkeeping row in one transaction.
"""

from __future__ import annotations

import logging
from pathlib import Path

import asyncpg

from storage.api.errors import BackendError, SchemaError
from storage.api.migrations import Migration, read_migrations

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Any constant: instances agree on it to take turns migrating.
MIGRATION_LOCK = 0x717569_7467_7074  # "quitgpt"
POOL_SIZE = 12
CONNECT_TIMEOUT_S = 10.0
log = logging.getLogger(__name__)


def known_migrations() -> list[Migration]:
    return read_migrations(MIGRATIONS_DIR)


async def migrate(conn: asyncpg.Connection, migrations: list[Migration] | None = None) -> None:
    """Bring the schema up to date, once even when several instances start together."""
    migrations = known_migrations() if migrations is None else migrations
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY,"
            " name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        current = await conn.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
    if current > len(migrations):
        raise SchemaError(
            f"the database is at schema version {current}, newer than this bot knows "
            f"({len(migrations)}); upgrade quitgpt-bot"
        )
    for migration in migrations[current:]:
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
            done = await conn.fetchval(
                "SELECT 1 FROM schema_migrations WHERE version = $1", migration.version
            )
            if done:
                continue  # another instance applied it while this one waited
            try:
                await conn.execute(migration.sql)
            except asyncpg.PostgresError as exc:
                raise SchemaError(
                    f"migration {migration.version}_{migration.name} failed: {exc}"
                ) from exc
            await conn.execute(
                "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                migration.version,
                migration.name,
            )
        log.info(
            "migration applied", extra={"version": migration.version, "migration": migration.name}
        )


async def open_pool(url: str, redacted: str, *, size: int = POOL_SIZE) -> asyncpg.Pool:
    """A migrated pool; BackendError, naming the database without its password, when
    the server cannot be reached or refuses the connection."""
    try:
        pool = await asyncpg.create_pool(
            url,
            min_size=1,
            max_size=size,
            timeout=CONNECT_TIMEOUT_S,
            server_settings={"timezone": "UTC"},
        )
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        raise BackendError(f"cannot connect to {redacted}: {exc}") from exc
    try:
        async with pool.acquire() as conn:
            await migrate(conn)
    except BaseException:
        await pool.close()
        raise
    return pool
