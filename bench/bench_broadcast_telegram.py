"""Fan-out of one announcement to 10,000 Telegram chats under Telegram's 30 messages/s.

The loopback Bot API server enforces the limit and answers 429 beyond it; the
floor is 10,000 / 30 s. Run with a smaller count: bench_broadcast_telegram.py 3000
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

from bot.adapters.telegram import TelegramAdapter
from bot.app import open_app
from bot.config import Config
from bot.delivery.publish import publish
from bot.delivery.worker import DeliveryWorker
from storage.outbox import count_deliveries
from storage.subscriptions import subscribe
from tests.fakes.telegram_api import FakeTelegram

RATE = 30.0


async def main(chats: int) -> None:
    with tempfile.TemporaryDirectory(prefix="quitgpt-bench-") as folder:
        config = Config(database=Path(folder) / "fanout.db", quiet_hours="")
        async with FakeTelegram(enforce_limits=True) as tg, open_app(config) as app:
            for n in range(chats):
                await subscribe(
                    app.db, "telegram", str(10_000 + n), "private", "fr", app.services.clock()
                )
            adapter = TelegramAdapter(app, tg.token, api_url=tg.base_url)
            await adapter.start()
            worker = DeliveryWorker(app.services, adapter)
            try:
                async with worker.active():
                    started = time.perf_counter()
                    broadcast = await publish(
                        app.services, "announcement", lambda _: "Annonce de test"
                    )
                    assert broadcast is not None
                    while (counts := await count_deliveries(app.db, broadcast)).pending:
                        await asyncio.sleep(0.2)
                    elapsed = time.perf_counter() - started
            finally:
                await adapter.stop()
            rejected = tg.faults_served["429"]
    floor = chats / RATE
    print(f"telegram fan-out: {counts.sent} of {chats} chats in {elapsed:.1f} s")
    over = 100 * (elapsed / floor - 1)
    print(f"telegram fan-out: floor {floor:.1f} s, {over:+.1f} % over; 429 received: {rejected}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
