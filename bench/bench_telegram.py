"""End-to-end Telegram throughput and latency: member sends /faits, bot reply received.

The real python-telegram-bot adapter polls a Bot API server on 127.0.0.1; 100
members ask questions concurrently, each waiting for its answer before the next.
Telegram's own 30 messages/s ceiling is switched off here to measure our stack.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PTB_TIMEDELTA", "1")

from bench.stats import latency_summary
from bot.adapters.telegram import TelegramAdapter
from bot.app import open_app
from bot.config import Config
from bot.runtime import serving
from tests.fakes.telegram_api import FakeTelegram

MEMBERS = 100
QUESTIONS_EACH = 20
QUESTION = "/faits combien a donné Brockman ?"


async def member(tg: FakeTelegram, user_id: int, latencies: list[float]) -> None:
    for n in range(QUESTIONS_EACH):
        started = time.perf_counter()
        tg.user_sends(QUESTION, user_id=user_id, language_code="fr")
        await tg.wait_for(n + 1, chat_id=user_id, timeout=60)
        latencies.append(time.perf_counter() - started)


async def main() -> None:
    with tempfile.TemporaryDirectory(prefix="quitgpt-bench-") as folder:
        config = Config(database=Path(folder) / "bench.db")
        async with FakeTelegram() as tg, open_app(config) as app:
            adapter = TelegramAdapter(app, tg.token, api_url=tg.base_url, flood_limits=False)
            async with serving(app, adapter):
                latencies: list[float] = []
                started = time.perf_counter()
                await asyncio.gather(*(member(tg, 5000 + i, latencies) for i in range(MEMBERS)))
                elapsed = time.perf_counter() - started
    total = MEMBERS * QUESTIONS_EACH
    print(f"telegram: {total} questions from {MEMBERS} concurrent members in {elapsed:.1f} s")
    print(f"telegram: {total / elapsed:.0f} messages/s; latency {latency_summary(latencies)}")


if __name__ == "__main__":
    asyncio.run(main())
