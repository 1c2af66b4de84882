"""Fan-out of one announcement to 10,000 Telegram chats under Telegram's 30 messages/s.

The loopback Bot API server enforces the limit and answers 429 beyond it; the
floor is 10,000 / 30 s. Run with a smaller count: bench_broadcast_telegram.py 3000
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PTB_TIMEDELTA", "1")

from bench.fanout import report, timed_fanout
from bot.adapters.telegram import TelegramAdapter
from bot.app import open_app
from bot.config import Config
from tests.fakes.telegram_api import FakeTelegram

RATE = 30.0


async def main(chats: int) -> None:
    with tempfile.TemporaryDirectory(prefix="quitgpt-bench-") as folder:
        config = Config(database=Path(folder) / "fanout.db", quiet_hours="")
        async with FakeTelegram(enforce_limits=True) as tg, open_app(config) as app:
            for n in range(chats):
                await app.storage.subscriptions.subscribe(
                    "telegram", str(10_000 + n), "private", "fr", app.services.clock()
                )
            adapter = TelegramAdapter(app, tg.token, api_url=tg.base_url)
            elapsed, counts = await timed_fanout(app, adapter, "Annonce de test")
            rejected = tg.faults_served["429"]
    report("telegram", counts, chats, elapsed, RATE, rejected)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
