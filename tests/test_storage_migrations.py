"""Migrations on a real SQLite file: fresh, existing, newer and broken."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

import pytest

from storage.api.errors import SchemaError
from storage.sqlite.db import Database, Migration, known_migrations
from storage.sqlite.fact_questions import SqliteFactQuestions
from storage.sqlite.settings import SqliteSettings


def _versions(path: Path) -> list[int]:
    with sqlite3.connect(path) as conn:
        return [row[0] for row in conn.execute("SELECT version FROM schema_migrations ORDER BY 1")]


async def test_fresh_database_gets_every_migration_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    db = await Database.open(path)
    await db.close()
    assert _versions(path) == [m.version for m in known_migrations()]
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_reopening_is_idempotent_and_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "existing.db"
    db = await Database.open(path)
    await SqliteSettings(db).put_setting("k", "v1")
    await db.close()
    db = await Database.open(path)
    assert await SqliteSettings(db).get_setting("k") == "v1"
    await db.close()
    assert _versions(path) == [m.version for m in known_migrations()]


async def test_existing_database_gets_only_the_new_migrations(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    first = Migration(1, "first", "CREATE TABLE a (x INTEGER);")
    second = Migration(2, "second", "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1);")
    db = await Database.open(path, [first])
    await db.close()
    db = await Database.open(path, [first, second])
    assert (await db.fetchone("SELECT COUNT(*) AS n FROM a"))["n"] == 1
    await db.close()
    assert _versions(path) == [1, 2]


async def test_newer_schema_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    db = await Database.open(path)
    await db.close()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')")
    with pytest.raises(SchemaError, match="schema version 999, newer than this bot knows"):
        await Database.open(path)


async def test_failed_migration_leaves_nothing_behind(tmp_path: Path) -> None:
    path = tmp_path / "broken.db"
    good = Migration(1, "good", "CREATE TABLE a (x INTEGER);")
    bad = Migration(2, "bad", "CREATE TABLE b (y INTEGER); INSERT INTO missing VALUES (1);")
    with pytest.raises(SchemaError, match="migration 2_bad failed"):
        await Database.open(path, [good, bad])
    assert _versions(path) == [1]
    with sqlite3.connect(path) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert "b" not in tables


async def test_failed_write_rolls_back(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "rollback.db")
    with pytest.raises(RuntimeError):
        async with db.write() as conn:
            await conn.execute("INSERT INTO settings (key, value) VALUES ('a', 'b')")
            raise RuntimeError("boom")
    assert await SqliteSettings(db).get_setting("a") is None
    await db.close()


def test_migration_files_are_numbered_without_gaps() -> None:
    versions = [m.version for m in known_migrations()]
    assert versions == list(range(1, len(versions) + 1))


async def test_the_wal_is_copied_into_the_database_file_in_the_background(
    tmp_path: Path,
) -> None:
    path = tmp_path / "checkpointed.db"
    db = await Database.open(path, checkpoint_every=0.02)
    await SqliteSettings(db).put_setting("k", "v")
    await asyncio.sleep(0.2)
    alone = tmp_path / "alone.db"  # the database file without its WAL
    shutil.copy(path, alone)
    await db.close()
    with sqlite3.connect(alone) as conn:
        assert conn.execute("SELECT value FROM settings WHERE key = 'k'").fetchone() == ("v",)


async def test_a_write_cancelled_midway_leaves_the_database_usable(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "cancel.db")

    async def slow_write() -> None:
        async with db.write() as conn:
            await conn.execute("INSERT INTO settings (key, value) VALUES ('half', 'done')")
            await asyncio.sleep(10)

    task = asyncio.create_task(slow_write())
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await SqliteSettings(db).put_setting("next", "ok")
    assert await SqliteSettings(db).get_setting("half") is None
    assert await SqliteSettings(db).get_setting("next") == "ok"
    await db.close()


async def test_questions_kept_before_askers_were_stay_queued_and_nobodys(tmp_path: Path) -> None:
    path = tmp_path / "questions.db"
    db = await Database.open(path, known_migrations()[:4])
    await db.close()
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO fact_questions (question, folded, fact, asked_at, helpful)"
            " VALUES (?, ?, ?, '2026-03-06T12:00:00.000000Z', ?)",
            [
                ("météo", "meteo", None, None),
                ("ice", "ice", "fact-b", 0),
                ("x", "x", "fact-a", None),
            ],
        )
    db = await Database.open(path)
    assert [q.question for q in await SqliteFactQuestions(db).list_question_queue()] == [
        "ice",
        "météo",
    ]
    await db.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT asker FROM fact_questions").fetchall() == [(None,)] * 3


async def test_announcements_published_before_numbers_are_numbered_in_order(
    tmp_path: Path,
) -> None:
    """Discarded drafts, drafts and the bot's own posts get no number; stopped ones keep it."""
    path = tmp_path / "numbers.db"
    db = await Database.open(path, known_migrations()[:7])
    await db.close()
    rows = [  # (id, kind, status, has deliveries)
        (1, "announcement", "done", True),
        (2, "announcement", "cancelled", False),  # a discarded draft
        (3, "tally", "done", True),
        (4, "announcement", "cancelled", True),  # stopped while sending
        (5, "announcement", "draft", False),
        (6, "announcement", "sending", True),
    ]
    with sqlite3.connect(path) as conn:
        for ident, kind, status, delivered in rows:
            conn.execute(
                "INSERT INTO broadcasts (id, kind, status, created_at)"
                " VALUES (?, ?, ?, '2026-03-06T12:00:00.000000Z')",
                (ident, kind, status),
            )
            if delivered:
                conn.execute(
                    "INSERT INTO deliveries (broadcast_id, platform, chat_id, chat_kind, text,"
                    " not_before) VALUES (?, 'console', 'a', 'private', '', '')",
                    (ident,),
                )
    db = await Database.open(path)
    await db.close()
    with sqlite3.connect(path) as conn:
        numbers = conn.execute("SELECT id, number FROM broadcasts ORDER BY id").fetchall()
    assert numbers == [(1, 1), (2, None), (3, None), (4, 2), (5, None), (6, 3)]


async def test_the_writer_syncs_as_configured(tmp_path: Path) -> None:
    for mode, level in [("normal", 1), ("full", 2)]:
        db = await Database.open(tmp_path / f"{mode}.db", synchronous=mode)
        async with db.write() as conn:
            assert next(iter(await conn.execute_fetchall("PRAGMA synchronous")))[0] == level
        await db.close()
