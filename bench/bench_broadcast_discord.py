"""Fan-out of one announcement to 10,000 Discord channels at our Discord pacing.

The loopback server enforces a per-channel bucket with 429s; the bot paces its
posts at 40 messages/s overall (under Discord's 50/s global limit), so the
floor is 10,000 / 40 s. Run with a smaller count: bench_broadcast_discord.py 2000
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.adapters.discord_adapter import DiscordAdapter
from bot.app import open_app
from bot.config import Config
from bot.delivery.pacing import DISCORD
from bot.delivery.publish import publish
from bot.delivery.worker import DeliveryWorker
from storage.outbox import count_deliveries
from storage.subscriptions import subscribe
from tests.fakes.discord_api import FakeDiscord


async def main(channels: int) -> None:
    with tempfile.TemporaryDirectory(prefix="quitgpt-bench-") as folder:
        config = Config(database=Path(folder) / "fanout.db", quiet_hours="")
        async with FakeDiscord(limit_per_channel=5, per_seconds=5.0) as dc, open_app(config) as app:
            guild = dc.add_guild(name="QuitGPT", channels=[f"salon-{n}" for n in range(channels)])
            now = app.services.clock()
            for n in range(channels):
                channel_id = str(guild.channel(f"salon-{n}"))
                await subscribe(app.db, "discord", channel_id, "group", "fr", now)
            adapter = DiscordAdapter(app, dc.token, guild_ready_timeout=0.05)
            await adapter.start()
            try:
                async with DeliveryWorker(app.services, adapter).active():
                    started = time.perf_counter()
                    broadcast = await publish(app.services, "announcement", lambda _: "Annonce")
                    assert broadcast is not None
                    while (counts := await count_deliveries(app.db, broadcast)).pending:
                        await asyncio.sleep(0.2)
                    elapsed = time.perf_counter() - started
            finally:
                await adapter.stop()
            rejected = dc.rate_limited
    assert DISCORD.per_second is not None
    floor = channels / DISCORD.per_second
    over = 100 * (elapsed / floor - 1)
    print(f"discord fan-out: {counts.sent} of {channels} channels in {elapsed:.1f} s")
    print(f"discord fan-out: floor {floor:.1f} s, {over:+.1f} % over; 429 received: {rejected}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
