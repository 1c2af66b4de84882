"""Slash commands built from the core's command list, localised from locales/*.json."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import Choice, locale_str

from bot.app import App
from bot.markup import to_plain
from bot.parsing import fold
from bot.services import Services
from commands.base import Argument, CommandSpec, Suggester

DESCRIPTION_CHARS = 100
CHOICE_CHARS = 100
AUTOCOMPLETE_CHOICES = 25
Run = Callable[[discord.Interaction, CommandSpec, str], Awaitable[None]]


def catalogue_language(locale: discord.Locale | str | None) -> str | None:
    """Our catalogue for a Discord locale: `fr`, `en-US` and `en-GB` have one."""
    code = str(locale.value if isinstance(locale, discord.Locale) else locale or "").split("-")[0]
    return code if code in ("fr", "en") else None


class LocaleTranslator(app_commands.Translator):
    """Names from the specs' `localized` maps, descriptions from the locale catalogues."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def translate(
        self,
        string: locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        language = catalogue_language(locale)
        if language is None:
            return None
        if "names" in string.extras:
            return str(string.extras["names"].get(language, string.message))
        return describe(self.app, language, string.extras["key"])


def describe(app: App, language: str, key: str, limit: int = DESCRIPTION_CHARS) -> str:
    text = to_plain(app.services.catalogues.get(language, key))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text(app: App, key: str) -> locale_str:
    return locale_str(describe(app, app.config.default_language, key), key=key)


def build_command(app: App, spec: CommandSpec, run: Run) -> app_commands.Command[Any, ..., None]:
    """One slash command whose callback hands the typed text to `run`."""

    async def callback(interaction: discord.Interaction, argument: str | None = None) -> None:
        await run(interaction, spec, argument or "")

    if spec.argument is None:

        async def callback_no_argument(interaction: discord.Interaction) -> None:
            await run(interaction, spec, "")

        target: Callable[..., Awaitable[None]] = callback_no_argument
    else:
        target = _with_argument(app, callback, spec.argument)
    command: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=locale_str(spec.name, names=dict(spec.localized)),
        description=_text(app, spec.help_key),
        callback=target,  # type: ignore[arg-type]
    )
    if spec.moderator_only:
        command.default_permissions = discord.Permissions(manage_guild=True)
    where_usable(command, anywhere=spec.anywhere)
    return command


def where_usable(command: app_commands.Command[Any, ..., None], *, anywhere: bool) -> None:
    """Where Discord offers the command: where the bot is (its guilds, a DM with it), and for
    an `anywhere` command also through a member's own install of the app, in any
    conversation. Said for every command: left out, Discord applies defaults of its own."""
    command.allowed_installs = app_commands.AppInstallationType(guild=True, user=anywhere)
    command.allowed_contexts = app_commands.AppCommandContext(
        guild=True, dm_channel=True, private_channel=anywhere
    )


def fit_installations(application: discord.AppInfo, tree: app_commands.CommandTree[Any]) -> None:
    """For an application not installable by users (the Developer Portal's Installation
    settings, which discord.py reads at login): no command asks for a user install."""
    if application.user_integration_config is not None:
        return
    for command in tree.get_commands():
        if isinstance(command, app_commands.Command):
            where_usable(command, anywhere=False)


def _with_argument(
    app: App, callback: Callable[..., Awaitable[None]], argument: Argument
) -> Callable[..., Awaitable[None]]:
    callback = app_commands.rename(
        argument=locale_str(argument.name, names=dict(argument.localized))
    )(callback)
    callback = app_commands.describe(argument=_text(app, argument.description_key))(callback)
    suggest = argument.suggest
    if len(argument.choices) > AUTOCOMPLETE_CHOICES:  # Discord lists at most 25 choices
        suggest = suggest or _among(argument.choices)
    elif argument.choices:
        choices = [Choice(name=_text(app, label), value=value) for value, label in argument.choices]
        callback = app_commands.choices(argument=choices)(callback)
    if suggest is not None:

        async def complete(interaction: discord.Interaction, current: str) -> list[Choice[str]]:
            language = catalogue_language(interaction.locale) or app.config.default_language
            found = await suggest(app.services, current, language)
            return [
                Choice(name=label[:CHOICE_CHARS], value=value[:CHOICE_CHARS])
                for label, value in found[:AUTOCOMPLETE_CHOICES]
            ]

        callback = app_commands.autocomplete(argument=complete)(callback)
    return callback


def _among(choices: tuple[tuple[str, str], ...]) -> Suggester:
    """Completion over more choices than Discord lists: those whose label holds the text."""

    async def suggest(services: Services, current: str, language: str) -> list[tuple[str, str]]:
        typed = fold(current)
        labels = [(services.catalogues.get(language, key), value) for value, key in choices]
        return [(label, value) for label, value in labels if typed in fold(label)]

    return suggest
