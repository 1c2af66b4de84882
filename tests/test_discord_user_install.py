"""Discord user-installed commands: /faits and the tally in any conversation, through the
real discord.py against the loopback Discord; subscribing stays where the bot is."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from discord import app_commands

from bot.adapters.console import ConsoleAdapter
from bot.adapters.discord_adapter import DiscordAdapter
from bot.adapters.discord_publish import command_payload, digest
from bot.app import App
from tests.discord_support import discord_bot
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_installs import GUILD_INSTALL, PRIVATE_CHANNEL, USER_INSTALL

ANYWHERE = ("faits", "compteur")


@pytest.fixture
async def dc() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        server.user_installable = True  # Developer Portal > Installation > User Install
        server.add_guild(name="QuitGPT", channels=("général",))
        yield server


async def reply_to(dc: FakeDiscord, iid: int) -> Any:
    return await dc.wait_for(lambda: next((r for r in dc.responses(iid) if r.content), None))


async def test_facts_and_tally_are_user_installable_and_nothing_else(
    app: App, dc: FakeDiscord
) -> None:
    async with discord_bot(app, dc):
        commands = {c["name"]: c for c in dc.commands}
    for name, command in commands.items():
        anywhere = name in ANYWHERE
        assert command["integration_types"] == (
            [GUILD_INSTALL, USER_INSTALL] if anywhere else [GUILD_INSTALL]
        )
        assert (PRIVATE_CHANNEL in command["contexts"]) is anywhere
    assert "abonner" in commands and "pledge" in commands


async def test_an_app_without_user_install_asks_for_none(app: App, dc: FakeDiscord) -> None:
    dc.user_installable = False
    async with discord_bot(app, dc):
        commands = dc.commands
    assert all(c["integration_types"] == [GUILD_INSTALL] for c in commands)
    assert all(PRIVATE_CHANNEL not in c["contexts"] for c in commands)


async def test_facts_answer_publicly_in_a_group_dm_the_bot_is_not_in(
    app: App, dc: FakeDiscord, console: ConsoleAdapter
) -> None:
    await console.say("/pledge cancel ok2")
    async with discord_bot(app, dc):
        asked = await dc.slash(
            "faits", {"question": "combien a donné brockman ?"}, user_id=5, private_channel=True
        )
        fact = await reply_to(dc, asked)
        tally = await reply_to(dc, await dc.slash("compteur", user_id=5, user_install=True))
    assert not fact.ephemeral and "_Source : MIT Technology Review" in fact.content
    assert not tally.ephemeral and "Engagements : **1**" in tally.content


async def test_no_subscription_where_only_the_members_install_reaches(
    app: App, dc: FakeDiscord
) -> None:
    async with discord_bot(app, dc):
        with pytest.raises(LookupError, match="not offered"):  # Discord does not list it there
            await dc.slash("abonner", user_id=5, private_channel=True)
        with pytest.raises(LookupError, match="not offered"):
            await dc.slash("pledge", user_id=5, user_install=True)
        asked = await dc.slash("faits", {"question": "brockman"}, user_id=5, user_install=True)
        fact = await dc.wait_for(lambda: next((r for r in dc.responses(asked) if r.message), None))
        # A button's line is judged where it is pressed: even from the server's manager, a
        # forged /abonner is refused there, privately, since the bot could never post there.
        forged = await dc.forge_click(
            fact.message, "/abonner", user_id=5, member_permissions="manage_guild"
        )
        refusal = await reply_to(dc, forged)
    assert refusal.ephemeral and "Je ne peux pas publier ici" in refusal.content
    assert await app.storage.subscriptions.list_subscriptions() == []


async def test_the_publish_digest_covers_where_commands_may_be_used(app: App) -> None:
    adapter = DiscordAdapter(app, "token")
    before = digest(await command_payload(adapter.tree))
    faits = adapter.tree.get_command("faits")
    assert isinstance(faits, app_commands.Command)
    faits.allowed_contexts = app_commands.AppCommandContext(guild=True, dm_channel=True)
    assert digest(await command_payload(adapter.tree)) != before
