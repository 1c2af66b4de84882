"""Fan-out of one announcement to 10,000 Telegram chats under Telegram's 30 messages/s.

The loopback Bot API server enforces the limit and answers 429 beyond it; the
floor is 10,000 / 30 s. Run with a smaller count: bench_broadcast_telegram.py 3000; with
a network's round trip added to every call, in milliseconds (loopback answers in well
under one), and the messages awaiting their answer at once (TELEGRAM_MESSAGES_IN_FLIGHT):
bench_broadcast_telegram.py 1000 --round-trip 100 --in-flight 4
"""

from __future__ import annotations

import argparse
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


async def main(chats: int, round_trip: float, in_flight: int) -> None:
    with tempfile.TemporaryDirectory(prefix="quitgpt-bench-") as folder:
        config = Config(
            database=Path(folder) / "fanout.db",
            quiet_hours="",
            telegram_messages_in_flight=in_flight,
        )
        async with (
            FakeTelegram(enforce_limits=True, round_trip=round_trip) as tg,
            open_app(config) as app,
        ):
            for n in range(chats):
                await app.storage.subscriptions.subscribe(
                    "telegram", str(10_000 + n), "private", "fr", app.services.clock()
                )
            adapter = TelegramAdapter(app, tg.token, api_url=tg.base_url)
            elapsed, counts = await timed_fanout(app, adapter, "Annonce de test")
            rejected = tg.faults_served["429"]
    report("telegram", counts, chats, elapsed, RATE, rejected)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chats", type=int, nargs="?", default=10_000)
    parser.add_argument("--round-trip", type=float, default=0.0, help="milliseconds")
    parser.add_argument("--in-flight", type=int, default=1)
    options = parser.parse_args()
    asyncio.run(main(options.chats, options.round_trip / 1000, options.in_flight))
