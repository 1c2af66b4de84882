"""A broadcast killed with SIGKILL halfway reaches every chat after a restart."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from bot.app import open_app
from bot.config import Config

CHATS = 1_000
HEADER = "— message du bot pour "
ENV = {
    k: v for k, v in os.environ.items() if not k.startswith(("QUITGPT_", "TELEGRAM_", "DISCORD_"))
}


def start_bot(db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "console", "--db", str(db), "--user", "mod", "--moderator"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )


def read_deliveries(
    process: subprocess.Popen[str], received: Counter[str], done: Callable[[], bool]
) -> None:
    """Count announcement deliveries per chat until `done()` or the end of the output."""
    assert process.stdout is not None
    while not done() and (line := process.stdout.readline()):
        if line.startswith(HEADER + "member-"):
            received[line.removeprefix(HEADER).split(" ")[0]] += 1


async def test_killed_broadcast_resumes_without_loss(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    async with open_app(Config(database=db)) as app:
        for n in range(CHATS):
            await app.storage.subscriptions.subscribe(
                "console", f"member-{n:04d}", "private", "fr", app.services.clock()
            )
    # A long text keeps the output pipe small in deliveries: the bot is truly mid-way when killed.
    text = " ".join(["Altman a modifié l'accord avec le DoW."] * 50)
    received: Counter[str] = Counter()

    first = start_bot(db)
    assert first.stdin is not None
    first.stdin.write(f"/annonce {text}\n/annonce confirmer\n")
    first.stdin.flush()
    await asyncio.to_thread(read_deliveries, first, received, lambda: received.total() >= 300)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    # What it printed before the kill and nobody read yet was delivered all the same.
    read_deliveries(first, received, lambda: False)
    assert 300 <= sum(received.values()) < CHATS

    second = start_bot(db)
    await asyncio.to_thread(read_deliveries, second, received, lambda: len(received) == CHATS)
    remaining, errors = second.communicate(timeout=60)  # end of input: the console exits
    assert second.returncode == 0, errors
    for line in remaining.splitlines():
        if line.startswith(HEADER + "member-"):
            received[line.removeprefix(HEADER).split(" ")[0]] += 1
    assert len(received) == CHATS  # every destination has the announcement
    assert sum(received.values()) - CHATS <= 1  # at most the one in flight, twice
    assert "Bilan de l'annonce n°1 : 1\u202f000 discussions atteintes" in remaining
