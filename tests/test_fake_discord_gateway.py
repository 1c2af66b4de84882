"""The fake gateway's reconnections, driven by the real discord.py client."""

from __future__ import annotations

import discord
import pytest

from tests.discord_support import make_client, running
from tests.fakes.discord_api import FakeDiscord

pytestmark = pytest.mark.timeout(30)


async def test_a_close_with_4000_is_resumed_and_missed_events_replayed(dc: FakeDiscord) -> None:
    """Developer docs, "Gateway > Close Event Codes": 4000 Unknown error, "Reconnect: true";
    "Gateway > Resuming": the client sends RESUME with its session and last sequence, and
    gets the events it missed, then RESUMED."""
    client = make_client()
    created: list[str] = []

    @client.event
    async def on_guild_channel_create(channel: discord.abc.GuildChannel) -> None:
        created.append(channel.name)

    [guild] = dc.guilds.values()
    async with running(client, dc):
        assert dc.force_reconnect(close_code=4000) == 1
        dc.add_channel(guild.id, "pendant")  # dispatched while the socket closes
        await dc.wait_for(lambda: dc.resumes == 1 and created == ["pendant"])
        dc.add_channel(guild.id, "après")
        await dc.wait_for(lambda: created == ["pendant", "après"])
    closed, resumed = dc.connections[0], dc.connections[1]
    assert closed.close_code == 4000 and resumed.resumed and dc.identifies == 1
    assert resumed.path == "/resume-gateway"
