"""A question echoed back stays text through the real adapters and the fake platforms."""

from __future__ import annotations

from bot.app import App
from tests.discord_support import discord_bot
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_markdown import live_constructs, unescape


async def test_links_and_mentions_in_a_question_stay_text_on_discord(
    dc: FakeDiscord, app: App
) -> None:
    question = "[a](https://evil.example/a) [b](https://evil.example/b) @everyone <@123>"
    [guild] = dc.guilds.values()
    where = {"user_id": 5, "guild_id": guild.id, "channel_id": guild.channel("général")}
    async with discord_bot(app, dc):
        asked = await dc.slash("faits", {"question": question}, **where)
        reply = await dc.wait_for(lambda: next((r for r in dc.responses(asked) if r.content), None))
    content = reply.content or ""
    assert f"« {question} »" in unescape(content)[0]
    assert not {kind for kind, _ in live_constructs(content)} & {"masked link", "link", "mention"}
