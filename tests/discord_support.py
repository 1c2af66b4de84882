"""Running the real Discord adapter against the loopback Discord."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import discord

from bot.adapters.discord_adapter import DiscordAdapter
from bot.app import App
from bot.runtime import serving
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_records import BotMessage

MANAGE_GUILD = "manage_guild"
MESSAGES = r"^/channels/\d+/messages$"  # the path of a channel post, for fail_next


@contextlib.asynccontextmanager
async def discord_bot(app: App, dc: FakeDiscord) -> AsyncIterator[DiscordAdapter]:
    """The adapter connected to the fake, its commands published, with its delivery worker,
    until the block ends."""
    async with serving(app, DiscordAdapter(app, dc.token, guild_ready_timeout=0.05)) as adapter:
        async with asyncio.timeout(10):
            assert await adapter.commands_published()
        yield adapter


def make_client(**options: Any) -> discord.Client:
    """The bot's client; a short ``guild_ready_timeout`` skips discord.py's 2 s wait."""
    options.setdefault("intents", discord.Intents.default())
    options.setdefault("guild_ready_timeout", 0.05)
    return discord.Client(allowed_mentions=discord.AllowedMentions.none(), **options)


@contextlib.asynccontextmanager
async def running(client: discord.Client, dc: FakeDiscord) -> AsyncIterator[discord.Client]:
    task = asyncio.create_task(client.start(dc.token))
    ready = asyncio.create_task(client.wait_until_ready())
    try:
        await asyncio.wait({task, ready}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            task.result()  # raises the start-up error
        assert ready.done(), "client not ready within 10 s"
        yield client
    finally:
        ready.cancel()
        await client.close()
        await task


async def press(dc: FakeDiscord, message: BotMessage, action: str, user: int) -> BotMessage:
    """Press a button; the message answering it."""
    pressed = await dc.click(message, action, user_id=user)
    answer: BotMessage = await dc.wait_for(
        lambda: next((r.message for r in dc.responses(pressed) if r.message), None)
    )
    return answer


async def pledge_on_discord(
    dc: FakeDiscord, user: int, action: str, where: dict[str, int]
) -> BotMessage:
    """`/pledge` where given, then the notice's button `action`; the message answering it."""
    asked = await dc.slash("pledge", user_id=user, **where)  # type: ignore[arg-type]
    notice: BotMessage = await dc.wait_for(
        lambda: next((r.message for r in dc.responses(asked) if r.message), None)
    )
    return await press(dc, notice, action, user)
