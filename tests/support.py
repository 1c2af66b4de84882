"""Helpers shared by tests: the installed command as a subprocess, the database's rows,
a broadcast's outcome."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from bot.app import App
from storage.api.records import Counts

ENV = {
    k: v for k, v in os.environ.items() if not k.startswith(("QUITGPT_", "TELEGRAM_", "DISCORD_"))
}


def run_bot(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS`, with no configuration from the environment but `env`."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={**ENV, **(env or {})},
    )


def table_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of a SQLite file."""
    with sqlite3.connect(path) as conn:
        names = [
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return {name: conn.execute(f"SELECT * FROM {name}").fetchall() for name in names}


def tables_holding(path: Path, needle: str) -> list[str]:
    """The tables of a SQLite file where `needle` appears in any column, as text or bytes."""
    return [
        table
        for table, rows in table_rows(path).items()
        for row in rows
        for value in row
        if needle in (value.decode("latin-1") if isinstance(value, bytes) else str(value))
    ]


async def handled(app: App, broadcast: int | None, timeout: float = 15.0) -> Counts:
    """The broadcast's counts once none of its deliveries is pending."""
    assert broadcast is not None
    deadline = asyncio.get_running_loop().time() + timeout
    while (counts := await app.storage.outbox.count_deliveries(broadcast)).pending:
        assert asyncio.get_running_loop().time() < deadline, f"still pending: {counts}"
        await asyncio.sleep(0.05)
    return counts
