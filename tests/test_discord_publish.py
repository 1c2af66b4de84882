"""Publishing the slash commands: after connecting, again whenever anything in them changed,
retried in the background and never fatal."""

from __future__ import annotations

import logging
from functools import partial

import pytest

from bot.adapters.discord_adapter import DiscordAdapter
from bot.app import App
from bot.delivery.outbox import announcement_markup
from bot.delivery.publish import publish
from bot.runtime import serving
from tests.discord_support import discord_bot
from tests.fakes.discord_api import FakeDiscord

COMMANDS = r"^/applications/\d+/commands$"


def adapter(app: App, dc: FakeDiscord) -> DiscordAdapter:
    return DiscordAdapter(app, dc.token, guild_ready_timeout=0.05)


async def test_a_refused_sync_is_logged_and_the_bot_keeps_serving(
    dc: FakeDiscord, app: App, caplog: pytest.LogCaptureFixture
) -> None:
    channel = next(iter(dc.guilds.values())).channel("annonces")
    await app.storage.subscriptions.subscribe(
        "discord", str(channel), "channel", "fr", app.services.clock()
    )
    dc.fail_next("PUT", COMMANDS, "400")
    async with serving(app, adapter(app, dc)) as bot:
        assert not await bot.commands_published()
        markup = partial(announcement_markup, app.services.catalogues, text="Toujours là")
        await publish(app.services, "announcement", markup)
        [post] = await dc.wait_for(lambda: dc.sent(channel) or None)
    [refused] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert refused.message == "discord commands refused" and not refused.exc_info
    assert "50035" in refused.__dict__["detail"] and "Toujours là" in post.content


async def test_a_rate_limited_sync_waits_in_the_background(dc: FakeDiscord, app: App) -> None:
    dc.fail_next("PUT", COMMANDS, "429_cloudflare")  # discord.py does not wait this one out
    async with serving(app, adapter(app, dc)) as bot:
        assert dc.command_syncs == 0  # connected and serving before the commands are in
        assert await bot.commands_published()
    assert dc.command_syncs == 1 and dc.command("aide")["name"] == "aide"


async def test_any_change_in_the_commands_publishes_them_again(dc: FakeDiscord, app: App) -> None:
    async with discord_bot(app, dc):
        pass
    english = app.services.catalogues.languages["en"]
    english["arg.abonner"] = "how this chat gets the tally"  # an option's description
    english["arg.abonner_pinned"] = "one pinned message"  # a choice's label
    async with discord_bot(app, dc):
        pass
    async with discord_bot(app, dc):
        pass
    assert dc.command_syncs == 2
    [option] = dc.command("abonner")["options"]
    assert option["description_localizations"]["en-US"] == "how this chat gets the tally"
    assert option["choices"][0]["name_localizations"]["en-US"] == "one pinned message"


async def test_commands_that_cannot_be_built_leave_the_bot_serving(
    dc: FakeDiscord, app: App, caplog: pytest.LogCaptureFixture
) -> None:
    bot = adapter(app, dc)
    del app.services.catalogues.languages["fr"]["arg.abonner_pinned"]  # a text gone missing
    async with serving(app, bot):
        assert not await bot.commands_published()
        assert bot.client.is_ready()
    [failed] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert failed.message == "discord commands not published" and failed.exc_info
