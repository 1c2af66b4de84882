"""A planned announcement on Discord, through discord.py and the fake: scheduled by a
moderator with the slash command (another one cancelled by its button), not sent before its
time, sent once at its time to each subscribed channel in that channel's language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import open_app
from bot.config import Config
from bot.delivery.outbox import publish_due
from tests.discord_support import discord_bot
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_records import Reply
from tests.telegram_support import eventually
from tests.test_tally_console import Clock

MODERATOR = 9001
DUE = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # 18:00 in Paris
PLANNED = "programmer 2026-12-01 18:00 Rassemblement samedi [en] Rally on Saturday"
DROPPED = "programmer 2026-12-01 17:30 Réunion reportée [en] Meeting postponed"


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(
        database=tmp_path / "dc.db",
        moderators={"discord": frozenset({str(MODERATOR)})},
        quiet_hours="",
    )


async def answered(dc: FakeDiscord, interaction: int) -> Reply:
    reply: Reply = await dc.wait_for(
        lambda: next((r for r in dc.responses(interaction) if r.content), None)
    )
    return reply


async def test_a_planned_announcement_reaches_each_channel_in_its_language(
    config: Config, dc: FakeDiscord
) -> None:
    guild = next(iter(dc.guilds.values()))
    french, english = guild.channel("général"), guild.channel("annonces")
    clock = Clock()
    clock.now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    async with open_app(config, clock=clock) as app, discord_bot(app, dc):
        for channel, locale in ((french, "fr"), (english, "en-US")):
            subscribed = await dc.slash(
                "abonner",
                user_id=MODERATOR,
                locale=locale,
                member_permissions="manage_channels",
                guild_id=guild.id,
                channel_id=channel,
            )
            await answered(dc, subscribed)
        asked = await dc.slash(
            "annonce", {"texte": PLANNED}, user_id=MODERATOR, guild_id=guild.id, channel_id=french
        )
        planned = await answered(dc, asked)
        assert planned.ephemeral
        assert (planned.content or "").startswith("**Annonce programmée** pour le 1 décembre 2026")
        assert planned.message.custom_ids() == ["/annonce deprogrammer 1"]
        other = await dc.slash(
            "annonce", {"texte": DROPPED}, user_id=MODERATOR, guild_id=guild.id, channel_id=french
        )
        dropped = (await answered(dc, other)).message
        assert dropped.custom_ids() == ["/annonce deprogrammer 2"]
        pressed = await dc.click(dropped, "/annonce deprogrammer 2", user_id=MODERATOR)
        cancelled = await answered(dc, pressed)
        assert (cancelled.content or "").startswith("Annonce programmée pour le 1 décembre 2026")
        assert (cancelled.content or "").endswith("annulée : elle ne partira pas.")
        clock.now = DUE - timedelta(minutes=1)
        assert await publish_due(app.services) == []
        assert not dc.sent(french) and not dc.sent(english)
        clock.now = DUE
        assert await publish_due(app.services) == [1]
        await eventually(lambda: all(dc.sent(channel) for channel in (french, english)))
        clock.now += timedelta(minutes=1)
        assert await publish_due(app.services) == []
    [in_french], [in_english] = dc.sent(french), dc.sent(english)
    assert "Rassemblement samedi" in in_french.content and "Rally" not in in_french.content
    assert "Rally on Saturday" in in_english.content and "Rassemblement" not in in_english.content
    assert not any("Réunion" in m.content or "Meeting" in m.content for m in dc.sent())
