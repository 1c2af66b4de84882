"""`quitgpt-bot backup` while pledges keep coming, then `restore`, through the installed command."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from bot.app import open_app
from bot.config import Config
from bot.privacy import FINGERPRINT_SETTING, fingerprint, member_key_function, read_secret
from storage.api.records import Kind, NewPledge
from storage.sqlite.db import Database, known_migrations
from storage.sqlite.settings import SqliteSettings
from tests.support import ENV, run_bot

PREFILL = 60_000  # a few MB, so that the copy takes many steps while pledges are written


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def backup_under_load(tmp_path: Path, config: Config, dest: Path) -> tuple[set[str], int]:
    """Pledges keep arriving through the app while the command copies the database: the
    members whose pledge was committed before the copy started, and how many were
    committed while it ran."""
    async with open_app(config) as app:
        key, now = app.services.member_key, app.services.clock()
        await app.services.storage.pledges.load_pledges(
            (
                NewPledge(key("telegram", f"p{i}"), "telegram", Kind(i % 7 + 1), 1, now)
                for i in range(PREFILL)
            ),
        )
        committed: list[str] = []

        async def pledge_forever() -> None:
            for i in range(10**9):
                member = key("discord", f"live{i}")
                kinds = Kind(i % 7 + 1)
                at = now + timedelta(milliseconds=i)
                await app.services.add_pledge(NewPledge(member, "discord", kinds, 1, at))
                committed.append(member)

        writer = asyncio.create_task(pledge_forever())
        while len(committed) < 200:
            await asyncio.sleep(0.01)
        before = set(committed)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "backup", "--db", str(config.database), str(dest),
            env=ENV, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await process.communicate()
        during = len(committed) - len(before)
        writer.cancel()
        await asyncio.gather(writer, return_exceptions=True)
    assert process.returncode == 0, err.decode()
    assert "integrity ok" in out.decode()
    return before, during


async def test_a_backup_taken_under_load_restores_every_pledge(tmp_path: Path) -> None:
    live = tmp_path / "live" / "quitgpt.db"
    live.parent.mkdir()
    config = Config(database=live)
    dest = tmp_path / "backups" / "quitgpt.db"
    dest.parent.mkdir()
    before, during = await backup_under_load(tmp_path, config, dest)
    assert during > 0  # writes went on while the copy ran
    assert (mode(dest), mode(dest.with_name("quitgpt.db.secret"))) == (0o600, 0o600)
    assert run_bot("backup", "--db", str(live), str(dest)).returncode == 2  # never overwrites

    restored = tmp_path / "restored" / "quitgpt.db"
    restored.parent.mkdir()
    result = run_bot("restore", "--db", str(restored), str(dest))
    assert result.returncode == 0, result.stderr
    restored_secret = restored.with_name("quitgpt.db.secret")
    assert (mode(restored), mode(restored_secret)) == (0o600, 0o600)
    with sqlite3.connect(restored) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        members = {row[0] for row in conn.execute("SELECT member FROM pledges")}
        counters = dict(conn.execute("SELECT name, value FROM tally_counters").fetchall())
        by_platform = dict(conn.execute("SELECT platform, COUNT(*) FROM pledges GROUP BY 1"))
        cancels = conn.execute("SELECT COUNT(*) FROM pledges WHERE kinds & 1").fetchone()[0]
    assert before <= members
    assert len(members) >= PREFILL + len(before)
    assert counters["total"] == len(members)
    assert counters["platform:telegram"] == by_platform["telegram"] == PREFILL
    assert counters["platform:discord"] == by_platform["discord"]
    assert counters["kind:cancel"] == cancels
    original = member_key_function(read_secret(live.with_name("quitgpt.db.secret")))
    again = member_key_function(read_secret(restored_secret))
    assert again("telegram", "p1") == original("telegram", "p1")

    # The restored database serves the bot: a pledged member is recognised.
    async with open_app(Config(database=restored)) as app:
        assert app.services.member_key("telegram", "p1") == original("telegram", "p1")

    refused = run_bot("restore", "--db", str(restored), str(dest))
    assert refused.returncode == 2
    assert "--force" in refused.stderr
    assert run_bot("restore", "--force", "--db", str(restored), str(dest)).returncode == 0


def a_copy(backup: Path, name: str) -> Path:
    copy = backup.with_name(name)
    shutil.copyfile(backup, copy)
    shutil.copyfile(backup.with_name(backup.name + ".secret"), copy.with_name(name + ".secret"))
    return copy


def test_restore_refuses_a_swapped_secret_a_damaged_file_and_a_newer_schema(
    tmp_path: Path,
) -> None:
    live = tmp_path / "live.db"
    assert run_bot("console", "--db", str(live), stdin="/aide\n").returncode == 0
    backup = tmp_path / "backup.db"
    assert run_bot("backup", "--db", str(live), str(backup)).returncode == 0

    swapped = a_copy(backup, "swapped.db")
    swapped.with_name("swapped.db.secret").write_bytes(secrets.token_bytes(32))
    damaged = a_copy(backup, "damaged.db")
    with damaged.open("r+b") as file:
        file.seek(4096 * 2)
        file.write(b"\xff" * 4096 * 3)
    newer = a_copy(backup, "newer.db")
    with sqlite3.connect(newer) as conn:
        conn.execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')")
    without_secret = a_copy(backup, "alone.db")
    os.remove(without_secret.with_name("alone.db.secret"))

    target = tmp_path / "target.db"
    for source, reason in [
        (swapped, "is not the secret"),
        (damaged, "damaged"),
        (newer, "newer than this bot knows"),
        (without_secret, "is missing"),
    ]:
        result = run_bot("restore", "--db", str(target), str(source))
        assert (result.returncode, result.stderr.count(reason)) == (2, 1), result.stderr
        assert "Traceback" not in result.stderr
        assert not target.exists()
        assert not target.with_name("target.db.secret").exists()


async def test_restore_refuses_a_database_the_bot_has_open(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    backup = tmp_path / "backup.db"
    async with open_app(Config(database=live)):
        assert run_bot("backup", "--db", str(live), str(backup)).returncode == 0
        result = await asyncio.to_thread(
            run_bot, "restore", "--force", "--db", str(live), str(backup)
        )
    assert result.returncode == 2
    assert "in use" in result.stderr


def test_a_backup_needs_the_databases_own_secret(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    assert run_bot("console", "--db", str(live), stdin="/aide\n").returncode == 0
    other = tmp_path / "other.secret"
    other.write_bytes(secrets.token_bytes(32))
    result = run_bot(
        "backup", "--db", str(live), str(tmp_path / "b.db"),
        env={"QUITGPT_MEMBER_SECRET_FILE": str(other)},
    )  # fmt: skip
    assert result.returncode == 2
    assert "not the one" in result.stderr
    assert not (tmp_path / "b.db").exists()


async def test_a_backup_of_an_older_schema_is_restored_and_migrated_at_the_next_start(
    tmp_path: Path,
) -> None:
    old = tmp_path / "old.db"
    secret = secrets.token_bytes(32)
    db = await Database.open(old, known_migrations()[:3])
    await SqliteSettings(db).put_setting(FINGERPRINT_SETTING, fingerprint(secret))
    await db.close()
    old.with_name("old.db.secret").write_bytes(secret)
    target = tmp_path / "target.db"
    result = run_bot("restore", "--db", str(target), str(old))
    assert result.returncode == 0, result.stderr
    assert "schema version 3" in result.stdout
    async with open_app(Config(database=target)):
        pass
    with sqlite3.connect(target) as conn:
        version = conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0]
    assert version == len(known_migrations())


def test_a_restore_whose_secret_cannot_be_put_in_place_leaves_the_old_database(
    tmp_path: Path,
) -> None:
    """The database is renamed first; when its secret then cannot replace the old one,
    the old database comes back, so the two never belong to different members' keys."""
    live, other = tmp_path / "live.db", tmp_path / "other.db"
    for db in (live, other):
        assert run_bot("console", "--db", str(db), stdin="/engagement\n").returncode == 0
    backup = tmp_path / "backup.db"
    assert run_bot("backup", "--db", str(other), str(backup)).returncode == 0
    before = live.read_bytes()
    secret = live.with_name("live.db.secret")
    secret.unlink()
    secret.mkdir()  # os.replace cannot put a file in place of a non-empty directory
    (secret / "keep").write_text("x")

    result = run_bot("restore", "--force", "--db", str(live), str(backup))
    assert result.returncode == 2, result.stderr
    assert "cannot be replaced" in result.stderr and "Traceback" not in result.stderr
    assert live.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "backup.db", "backup.db.secret", "live.db", "live.db.secret",
        "other.db", "other.db.secret",
    ]  # fmt: skip


def test_a_backup_stopped_by_sigterm_leaves_no_file_and_can_be_taken_again(
    tmp_path: Path,
) -> None:
    live, dest = tmp_path / "live.db", tmp_path / "out.db"
    assert run_bot("console", "--db", str(live), stdin="/aide\n").returncode == 0
    with sqlite3.connect(live) as conn:  # a large file, so that the copy takes a while
        conn.execute("CREATE TABLE filler (data BLOB)")
        conn.executemany(
            "INSERT INTO filler VALUES (?)", ((os.urandom(4000),) for _ in range(40_000))
        )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "backup", "--db", str(live), str(dest)],
        env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while not (dest.exists() and dest.stat().st_size > 0) and process.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.002)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 128 + signal.SIGTERM, err
    assert "Traceback" not in err
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith("out.db")]
    assert run_bot("backup", "--db", str(live), str(dest)).returncode == 0
