"""Fan-out of one announcement to 10,000 Discord channels at our Discord pacing.

The loopback server enforces a per-channel bucket with 429s; the bot paces its
posts at 40 messages/s overall (under Discord's 50/s global limit), so the
floor is 10,000 / 40 s. Run with a smaller count: bench_broadcast_discord.py 2000
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.fanout import report, timed_fanout
from bot.adapters.discord_adapter import DiscordAdapter
from bot.app import open_app
from bot.config import Config
from bot.delivery.pacing import DISCORD
from tests.fakes.discord_api import FakeDiscord


async def main(channels: int) -> None:
    with tempfile.TemporaryDirectory(prefix="quitgpt-bench-") as folder:
        config = Config(database=Path(folder) / "fanout.db", quiet_hours="")
        async with FakeDiscord(limit_per_channel=5, per_seconds=5.0) as dc, open_app(config) as app:
            guild = dc.add_guild(name="QuitGPT", channels=[f"salon-{n}" for n in range(channels)])
            now = app.services.clock()
            for n in range(channels):
                channel_id = str(guild.channel(f"salon-{n}"))
                await app.storage.subscriptions.subscribe("discord", channel_id, "group", "fr", now)
            adapter = DiscordAdapter(app, dc.token, guild_ready_timeout=0.05)
            elapsed, counts = await timed_fanout(app, adapter, "Annonce")
            rejected = dc.rate_limited
    assert DISCORD.per_second is not None
    report("discord", counts, channels, elapsed, DISCORD.per_second, rejected)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
