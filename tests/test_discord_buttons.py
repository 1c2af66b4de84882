"""Buttons on Discord: what the client keeps of them, and lists longer than Discord shows."""

from __future__ import annotations

from typing import Any

from bot.app import App
from tests.discord_support import discord_bot
from tests.fakes.discord_api import FakeDiscord


def kept_views(client: Any) -> int:
    """How many views discord.py holds for dispatching (its ViewStore)."""
    store = client._connection._view_store
    return len(store._views) + len(store._synced_message_views) + len(store.persistent_views)


async def test_answers_with_buttons_leave_no_view_in_the_client(dc: FakeDiscord, app: App) -> None:
    [guild] = dc.guilds.values()
    where = {"guild_id": guild.id, "channel_id": guild.channel("général")}
    async with discord_bot(app, dc) as adapter:
        for user_id in range(1, 21):  # public topic buttons, then a private pledge's
            for command in ("faits", "pledge"):
                iid = await dc.slash(command, user_id=user_id, **where)
                await dc.wait_for(lambda i=iid: any(r.message for r in dc.responses(i)))
        answered = [r for i in dc.interactions for r in dc.responses(i) if r.message]
        assert len(answered) == 40 and all(r.message.custom_ids() for r in answered)
        assert kept_views(adapter.client) == 0
