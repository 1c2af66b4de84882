"""Running the real Discord adapter against the loopback Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.adapters.discord_adapter import DiscordAdapter
from bot.app import App
from bot.delivery.worker import DeliveryWorker
from tests.fakes.discord_api import FakeDiscord

MANAGE_GUILD = "manage_guild"


@asynccontextmanager
async def discord_bot(app: App, dc: FakeDiscord) -> AsyncIterator[DiscordAdapter]:
    """The adapter connected to the fake, with its delivery worker, until the block ends."""
    adapter = DiscordAdapter(app, dc.token, guild_ready_timeout=0.05)
    await adapter.start()
    try:
        async with DeliveryWorker(app.services, adapter).active():
            yield adapter
    finally:
        await adapter.stop()
