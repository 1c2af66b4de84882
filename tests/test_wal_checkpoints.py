"""With `QUITGPT_WAL_CHECKPOINTS=external` the bot never checkpoints the WAL, so that a
replicator such as Litestream sees every frame before it is copied into the database."""

from __future__ import annotations

import asyncio
import struct
from pathlib import Path

import pytest

from bot.config import load_config
from storage.sqlite.db import Database
from storage.sqlite.settings import SqliteSettings


def wal_index(database: Path) -> tuple[int, int]:
    """(frames in the WAL, frames already copied into the database), from the wal-index
    in the -shm file: `mxFrame` at byte 16 of its header, `nBackfill` at byte 96, after
    the header's two copies of 48 bytes, in the machine's byte order
    (https://sqlite.org/walformat.html, "The WAL-Index Header")."""
    index = Path(f"{database}-shm").read_bytes()
    (frames,) = struct.unpack_from("=I", index, 16)
    (backfilled,) = struct.unpack_from("=I", index, 96)
    return frames, backfilled


async def written_and_waited(path: Path, checkpoints: str) -> tuple[int, int, int, int]:
    """Write, wait for ten background checkpoint periods, then empty the WAL as /oubli
    does: the wal-index before, the WAL's and the database's sizes after."""
    db = await Database.open(path, checkpoint_every=0.02, checkpoints=checkpoints)
    try:
        async with db.write() as conn:
            (autocheckpoint,) = await (await conn.execute("PRAGMA wal_autocheckpoint")).fetchone()
        assert autocheckpoint == 0
        size_before = path.stat().st_size
        for n in range(40):
            await SqliteSettings(db).put_setting(f"key-{n}", "x" * 2000)
        await asyncio.sleep(0.2)
        frames, backfilled = wal_index(path)
        await db.truncate_wal()
        wal_size = Path(f"{path}-wal").stat().st_size
        assert frames > 40
        return frames, backfilled, wal_size, path.stat().st_size - size_before
    finally:
        await db.close()


async def test_external_checkpoints_leave_the_wal_alone(tmp_path: Path) -> None:
    _, backfilled, wal_size, grown = await written_and_waited(tmp_path / "e.db", "external")
    assert backfilled == 0  # no background checkpoint
    assert wal_size > 0 and grown == 0  # nor the truncation /oubli asks for


async def test_auto_checkpoints_copy_and_empty_the_wal(tmp_path: Path) -> None:
    """The same writes with the bot checkpointing: what the other test's zeros mean."""
    frames, backfilled, wal_size, grown = await written_and_waited(tmp_path / "a.db", "auto")
    assert backfilled == frames
    assert wal_size == 0 and grown > 0


@pytest.mark.parametrize("raw", ["external", "EXTERNAL", "auto"])
def test_the_setting_reaches_the_configuration(raw: str) -> None:
    config = load_config(environ={"QUITGPT_WAL_CHECKPOINTS": raw})
    assert config.wal_checkpoints == raw.lower()
