"""End-to-end Discord throughput and latency: /faits with a question in, its answer out.

The real discord.py adapter is connected to a loopback gateway and REST server;
100 members run commands concurrently, each waiting for its answer first.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stats import latency_summary
from bot.adapters.discord_adapter import DiscordAdapter
from bot.app import open_app
from bot.config import Config
from bot.runtime import serving
from tests.fakes.discord_api import FakeDiscord

MEMBERS = 100
COMMANDS_EACH = 10
COMMAND, OPTIONS = "faits", {"question": "combien a donné Brockman ?"}


async def member(
    dc: FakeDiscord, guild: int, channel: int, user: int, latencies: list[float]
) -> None:
    for _ in range(COMMANDS_EACH):
        started = time.perf_counter()
        iid = await dc.slash(COMMAND, OPTIONS, user_id=user, guild_id=guild, channel_id=channel)
        await dc.wait_for(lambda: any(r.content for r in dc.responses(iid)), 30)  # noqa: B023
        latencies.append(time.perf_counter() - started)


async def main() -> None:
    with tempfile.TemporaryDirectory(prefix="quitgpt-bench-") as folder:
        config = Config(database=Path(folder) / "bench.db")
        # The fake shares this process's CPU: its 3 s answer deadline would measure itself.
        async with FakeDiscord(interaction_deadline=60) as dc, open_app(config) as app:
            guild = dc.add_guild(name="QuitGPT", channels=("général",))
            bot = DiscordAdapter(app, dc.token, guild_ready_timeout=0.05)
            async with serving(app, bot) as adapter:
                await adapter.commands_published()
                latencies: list[float] = []
                started = time.perf_counter()
                channel = guild.channel("général")
                users = range(70_000, 70_000 + MEMBERS)
                await asyncio.gather(*(member(dc, guild.id, channel, u, latencies) for u in users))
                elapsed = time.perf_counter() - started
    total = MEMBERS * COMMANDS_EACH
    print(f"discord: {total} /{COMMAND} from {MEMBERS} concurrent members in {elapsed:.1f} s")
    print(f"discord: {total / elapsed:.0f} interactions/s; latency {latency_summary(latencies)}")


if __name__ == "__main__":
    asyncio.run(main())
