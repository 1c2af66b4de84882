"""Application commands and interactions of the fake Discord, driven by the real discord.py."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import discord
import pytest
from discord import app_commands
from discord.app_commands import locale_str

from tests.discord_support import make_client, running
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_state import EPHEMERAL, PERMISSIONS

pytestmark = pytest.mark.timeout(30)


class FrenchEnglish(app_commands.Translator):
    TEXTS: ClassVar[dict[str, tuple[str, str]]] = {
        "aide": ("aide", "help"),
        "Obtenir de l'aide": ("Obtenir de l'aide", "Get help"),
        "sujet": ("sujet", "topic"),
        "Le sujet": ("Le sujet", "The topic"),
    }

    async def translate(
        self, string: locale_str, locale: discord.Locale, context: Any
    ) -> str | None:
        french, english = self.TEXTS.get(string.message, (None, None))
        if locale is discord.Locale.french:
            return french
        if locale in (discord.Locale.american_english, discord.Locale.british_english):
            return english
        return None


async def test_sync_stores_localised_commands(dc: FakeDiscord) -> None:
    client = make_client()
    tree = app_commands.CommandTree(client)

    @tree.command(name=locale_str("aide"), description=locale_str("Obtenir de l'aide"))
    @app_commands.describe(sujet=locale_str("Le sujet"))
    @app_commands.rename(sujet=locale_str("sujet"))
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    async def aide(interaction: discord.Interaction, sujet: str) -> None: ...

    async with running(client, dc):
        await tree.set_translator(FrenchEnglish())
        synced = await tree.sync()
        assert dc.command_syncs == 1
        [command] = dc.commands
        assert synced[0].id == int(command["id"])
        assert command["name"] == "aide" and command["description"] == "Obtenir de l'aide"
        assert command["name_localizations"] == {"fr": "aide", "en-US": "help", "en-GB": "help"}
        assert command["description_localizations"]["en-US"] == "Get help"
        [option] = command["options"]
        assert option["name_localizations"]["en-GB"] == "topic"
        assert option["description_localizations"]["fr"] == "Le sujet"
        assert command["default_member_permissions"] == str(PERMISSIONS["manage_guild"])
        assert command["contexts"] == [0]
        await tree.sync()  # a second bulk overwrite keeps the command's id
        assert dc.command_syncs == 2 and dc.commands[0]["id"] == command["id"]


async def test_invalid_localisation_fails_the_sync_like_discord(dc: FakeDiscord) -> None:
    class Broken(app_commands.Translator):
        async def translate(
            self, string: locale_str, locale: discord.Locale, context: Any
        ) -> str | None:
            return "Aide Moi" if locale is discord.Locale.french else None

    client = make_client()
    tree = app_commands.CommandTree(client)

    @tree.command(name=locale_str("aide"), description="Aide")
    async def aide(interaction: discord.Interaction) -> None: ...

    async with running(client, dc):
        await tree.set_translator(Broken())
        with pytest.raises(app_commands.CommandSyncFailure) as failure:
            await tree.sync()
        assert failure.value.code == 50035 and dc.command_syncs == 0


async def test_slash_command_reaches_handler_and_answers_ephemerally(dc: FakeDiscord) -> None:
    client = make_client()
    tree = app_commands.CommandTree(client)
    seen: list[Any] = []

    @tree.command(name="annonce", description="Publier une annonce")
    async def annonce(
        interaction: discord.Interaction,
        texte: str,
        repetitions: int,
        epingler: bool,
        salon: discord.TextChannel,
    ) -> None:
        seen.append(
            (
                texte,
                repetitions,
                epingler,
                salon.id,
                interaction.locale,
                interaction.permissions.manage_guild,
                interaction.app_permissions.send_messages,
                interaction.guild_locale,
            )
        )
        await interaction.response.send_message(f"Annonce prête : {texte}", ephemeral=True)

    guild = next(iter(dc.guilds.values()))
    annonces = guild.channel("annonces")
    moderator = dc.add_member(guild.id, name="modo", permissions="manage_guild|manage_channels")
    async with running(client, dc):
        await tree.sync()
        iid = await dc.slash(
            "annonce",
            {"texte": "Quittez GPT", "repetitions": 2, "epingler": True, "salon": annonces},
            user_id=moderator.user.id,
        )
        [reply] = await dc.wait_for(lambda: dc.responses(iid))
    assert seen == [
        ("Quittez GPT", 2, True, annonces, discord.Locale.french, True, True, discord.Locale.french)
    ]
    assert reply.kind == "callback" and reply.type == 4
    assert reply.data["flags"] == EPHEMERAL and reply.ephemeral
    assert reply.content == "Annonce prête : Quittez GPT"
    assert reply.data["allowed_mentions"] == {"parse": []}
    assert dc.sent() == [] and dc.sent(interactions=True) == [reply.message]


async def test_defer_then_follow_ups(dc: FakeDiscord) -> None:
    client = make_client()
    tree = app_commands.CommandTree(client)

    @tree.command(name="faits", description="Les faits")
    async def faits(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        first = await interaction.followup.send("Fait n°1", ephemeral=False, wait=True)
        await interaction.followup.send("Fait n°2", ephemeral=True)
        await interaction.edit_original_response(content="Fait n°1 (corrigé)")
        assert first.flags.ephemeral  # the first follow-up fills the ephemeral "thinking"

    async with running(client, dc):
        await tree.sync()
        iid = await dc.slash("faits")
        replies = await dc.wait_for(lambda: len(dc.responses(iid)) == 4 and dc.responses(iid))
    defer, first, second, edit = replies
    assert (defer.kind, defer.type, defer.ephemeral) == ("callback", 5, True)
    assert first.message is defer.message is edit.message
    assert first.message.content == "Fait n°1 (corrigé)" and not first.message.loading
    assert second.kind == "followup" and second.message.ephemeral
    assert second.message.id != first.message.id
    assert edit.kind == "edit_original"


async def test_the_windows_count_from_the_snowflake_and_a_deleted_defer_is_not_refilled() -> None:
    """3 s for the first response and 15 min (here 1 s) for the token, both from the
    interaction's creation; once the loading message is deleted a follow-up is new."""
    async with FakeDiscord(token_lifetime=1.0) as dc:
        dc.add_guild()
        client = make_client()
        tree = app_commands.CommandTree(client)
        codes: list[int] = []

        @tree.command(name="lent", description="Lent")
        async def lent(interaction: discord.Interaction) -> None:
            try:
                await interaction.response.defer(thinking=True)
                await interaction.delete_original_response()
                await interaction.followup.send("à part", ephemeral=True)
                await asyncio.sleep(1.1)
                await interaction.followup.send("trop tard")
            except discord.HTTPException as error:
                codes.append(error.code)

        async with running(client, dc):
            await tree.sync()
            late = await dc.slash("lent", age=3.2)  # replayed after a reconnect
            fresh = await dc.slash("lent")
            await dc.wait_for(lambda: len(codes) == 2, timeout=5)
        _, deleted, apart = dc.responses(fresh)
    assert codes == [10062, 50027] and dc.responses(late) == []
    assert deleted.kind == "delete_original" and apart.message.ephemeral
    assert apart.message is not deleted.message


async def test_autocomplete_returns_choices(dc: FakeDiscord) -> None:
    client = make_client()
    tree = app_commands.CommandTree(client)
    topics = ["climat", "données", "emploi"]

    async def complete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=t.title(), value=t) for t in topics if current in t]

    @tree.command(name="aide", description="Aide")
    @app_commands.autocomplete(sujet=complete)
    async def aide(interaction: discord.Interaction, sujet: str) -> None: ...

    async with running(client, dc):
        await tree.sync()
        iid = await dc.autocomplete("aide", "sujet", "on")
        [reply] = await dc.wait_for(lambda: dc.responses(iid))
    assert reply.type == 8
    assert reply.data["choices"] == [{"name": "Données", "value": "données"}]


class Pledge(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Je m'engage", custom_id="quitgpt:pledge")
    async def pledge(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        button.disabled = True
        await interaction.response.edit_message(content="Merci !", view=self)

    @discord.ui.select(
        custom_id="quitgpt:topic",
        options=[
            discord.SelectOption(label="Climat", value="climat"),
            discord.SelectOption(label="Emploi", value="emploi"),
        ],
    )
    async def topic(self, interaction: discord.Interaction, select: discord.ui.Select[Any]) -> None:
        await interaction.response.defer()
        await interaction.followup.send(f"Sujet : {select.values[0]}", ephemeral=True)


async def test_persistent_view_handles_click_and_select(dc: FakeDiscord) -> None:
    client = make_client()
    channel_id = next(iter(dc.guilds.values())).channel("général")
    async with running(client, dc):
        client.add_view(Pledge())  # persistent: dispatched by custom_id alone
        channel = client.get_channel(channel_id)
        assert isinstance(channel, discord.TextChannel)
        await channel.send("Rejoignez la campagne", view=Pledge())
        [post] = dc.sent(channel_id)
        assert post.custom_ids() == ["quitgpt:pledge", "quitgpt:topic"]
        click = await dc.click(post, "quitgpt:pledge")
        [update] = await dc.wait_for(lambda: dc.responses(click))
        chosen = await dc.select(post, "quitgpt:topic", ["emploi"])
        defer, follow = await dc.wait_for(
            lambda: len(dc.responses(chosen)) == 2 and dc.responses(chosen)
        )
    assert update.type == 7 and update.message is post
    assert post.content == "Merci !" and len(post.edits) == 1
    assert post.components[0]["components"][0]["disabled"] is True
    with pytest.raises(ValueError, match="disabled"):
        await dc.click(post, "quitgpt:pledge")
    assert defer.type == 6 and follow.content == "Sujet : emploi" and follow.ephemeral
