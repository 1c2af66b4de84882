"""A question echoed back stays text through the real adapters and the fake platforms."""

from __future__ import annotations

from bot.app import App
from tests.discord_support import discord_bot
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_markdown import live_constructs, unescape
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_state import utf16_len
from tests.telegram_support import telegram_bot

FOUND_BY_TELEGRAM = {"mention", "hashtag", "cashtag", "bot_command", "url", "email", "phone_number"}


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


async def test_handles_commands_and_links_in_a_question_stay_text_on_telegram(
    app: App, tg: FakeTelegram
) -> None:
    question = "@someone_42 #tag $USD /start@robot_bot https://evil.example/x +1-212-555-0123"
    async with telegram_bot(app, tg):
        tg.user_sends(f"/faits {question}", user_id=42, language_code="fr")
        [reply] = await tg.wait_for(1, chat_id=42)
    assert reply.message is not None and reply.plain_text is not None
    text = reply.plain_text
    start, end = utf16_len(text[: text.index("«")]), utf16_len(text[: text.index("»")])
    echoed = [e for e in reply.message.get("entities", []) if start <= e["offset"] < end]
    assert not [e["type"] for e in echoed if e["type"] in FOUND_BY_TELEGRAM]
