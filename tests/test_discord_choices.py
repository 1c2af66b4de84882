"""A command argument with more choices than Discord lists is completed while typing."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.adapters.discord_commands import LocaleTranslator, build_command, describe
from bot.app import App
from bot.i18n import placeholders
from bot.seam import Reply
from commands.base import Argument, CommandSpec, Context
from tests.discord_support import make_client, running
from tests.fakes.discord_api import FakeDiscord


async def nothing(ctx: Context) -> list[Reply]:
    return []


async def unused(interaction: discord.Interaction, spec: CommandSpec, text: str) -> None:
    """Only completion is exercised here."""


async def test_thirty_choices_are_offered_by_completion(dc: FakeDiscord, app: App) -> None:
    french = app.services.catalogues.languages["fr"]
    keys = [k for k, v in french.items() if not placeholders(v) and len(v) < 90][:30]
    choices = tuple((f"v{n}", key) for n, key in enumerate(keys))
    argument = Argument("quoi", "arg.abonner", choices=choices)
    spec = CommandSpec("choisir", nothing, "help.aide", argument=argument)
    client = make_client()
    tree = app_commands.CommandTree(client)
    tree.add_command(build_command(app, spec, unused))
    async with running(client, dc):
        await tree.set_translator(LocaleTranslator(app))
        await tree.sync()  # Discord, and the fake, refuse more than 25 listed choices
        [option] = dc.command("choisir")["options"]
        last = describe(app, "fr", keys[-1])
        typed = await dc.autocomplete("choisir", "quoi", last[:12])
        [completion] = await dc.wait_for(lambda: dc.responses(typed) or None)
    assert len(keys) == 30 and option["autocomplete"] and not option.get("choices")
    assert {"name": last, "value": "v29"} in completion.data["choices"]
