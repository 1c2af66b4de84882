"""Buttons on Discord: what the client keeps of them, and lists longer than Discord shows."""

from __future__ import annotations

from typing import Any

from bot.app import App
from bot.facts.model import Fact
from bot.seam import Button, ChatKind, ChatRef, Reply
from tests.discord_support import discord_bot
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_records import walk_components


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


async def test_a_list_longer_than_discord_shows_becomes_select_menus(
    dc: FakeDiscord, app: App
) -> None:
    """53 facts, one button each, then a row of two: 25 + 25 + 3 choices in three menus
    (Discord validates them in the fake), the row of two kept; choosing runs the line."""
    [guild] = dc.guilds.values()
    general = guild.channel("général")
    facts = app.services.facts.base.facts
    rows = tuple((Button(f.title("fr"), fact_action(f)),) for f in facts)
    rows += ((Button("Oui", "/avis 1 oui"), Button("Non", "/avis 1 non")),)
    async with discord_bot(app, dc) as adapter:
        chat = ChatRef("discord", str(general), ChatKind.GROUP)
        await adapter.deliver(chat, Reply("Les faits", rows), pace=nothing)
        [post] = dc.sent(general)
        menus = [c for c in walk_components(post.components) if c["type"] == 3]
        chosen = await dc.select(post, menus[1]["custom_id"], [fact_action(facts[30])], user_id=5)
        [answer] = await dc.wait_for(lambda: [r for r in dc.responses(chosen) if r.content])
    assert [len(m["options"]) for m in menus] == [25, 25, len(facts) - 50]
    values = [o["value"] for m in menus for o in m["options"]]
    assert values == [fact_action(f) for f in facts]
    assert post.custom_ids()[-2:] == ["/avis 1 oui", "/avis 1 non"]
    assert (answer.content or "").startswith(f"**{facts[30].title('fr')}**")


def fact_action(fact: Fact) -> str:
    """The line a French member's fact button sends."""
    return f"/faits ={fact.id}"


async def nothing() -> None:
    """No pacing: one post."""
