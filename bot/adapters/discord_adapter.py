"""The Discord adapter, on discord.py inside the shared event loop.

Slash commands and button presses both become one command line for the
dispatcher; a button's custom id is that line, so buttons keep working after a
restart without registering views.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import aiohttp
import discord
from discord import app_commands

from bot.adapters.discord_answer import Answer
from bot.adapters.discord_commands import LocaleTranslator, build_command, catalogue_language
from bot.adapters.discord_publish import publish_commands
from bot.adapters.discord_render import MENU_PREFIX, image_file, markdown_chunks, view
from bot.app import App
from bot.delivery.errors import (
    ChatGone,
    DeliveryError,
    PermanentFailure,
    RetryLater,
    TemporaryFailure,
)
from bot.delivery.pacing import DISCORD
from bot.seam import Capability, ChatKind, ChatRef, Message, Reply, Sender
from commands.base import CommandSpec

log = logging.getLogger(__name__)
PLATFORM = "discord"


def chat_ref(interaction: discord.Interaction) -> ChatRef:
    """Where an interaction happened. A DM is named by the member's user id, as private
    chats are on every platform; a guild channel by its id, titled with its names."""
    channel = interaction.channel
    if interaction.guild_id is None:
        return ChatRef(PLATFORM, str(interaction.user.id), ChatKind.PRIVATE)
    if isinstance(channel, discord.TextChannel) and channel.is_news():
        kind = ChatKind.CHANNEL
    else:
        kind = ChatKind.GROUP
    guild = interaction.guild.name if interaction.guild is not None else ""
    name = getattr(channel, "name", None) or ""
    title = " #".join(part for part in (guild, name) if part)
    return ChatRef(PLATFORM, str(interaction.channel_id), kind, title)


def sender_of(interaction: discord.Interaction) -> Sender:
    """The member as this interaction shows them: whether they manage this guild or
    channel, and their roles in it (as `guild_id:role_id`)."""
    permissions = interaction.permissions
    user = interaction.user
    roles: frozenset[str] = frozenset()
    if isinstance(user, discord.Member) and interaction.guild is not None:
        roles = frozenset(f"{interaction.guild_id}:{role.id}" for role in user.roles)
    return Sender(
        str(user.id),
        catalogue_language(interaction.locale) or str(interaction.locale.value),
        is_chat_admin=(
            permissions.manage_guild or permissions.manage_channels or permissions.administrator
        ),
        roles=roles,
    )


def bot_lacks(interaction: discord.Interaction) -> frozenset[Capability]:
    """What the bot may not do where the interaction happened, from the `app_permissions`
    Discord sends with it (a DM with the bot has no such limits)."""
    if interaction.guild_id is None:
        return frozenset()
    allowed = interaction.app_permissions
    can = {
        Capability.SEE: allowed.view_channel,
        Capability.POST: allowed.send_messages,
        Capability.PIN: allowed.pin_messages or allowed.manage_messages,
    }
    return frozenset(capability for capability, yes in can.items() if not yes)


def component_line(interaction: discord.Interaction) -> str | None:
    """The command line a pressed button sends (its custom id), or the one chosen in one
    of our select menus (the option's value)."""
    data: Any = interaction.data or {}
    custom_id = data.get("custom_id")
    if not isinstance(custom_id, str):
        return None
    if custom_id.startswith(MENU_PREFIX):
        values = data.get("values") or [None]
        return values[0] if isinstance(values[0], str) else None
    return custom_id


def _retry_after(error: discord.HTTPException) -> float:
    """The response's Retry-After in seconds, within reason; 5 s when it gives none."""
    try:
        return min(max(float(error.response.headers.get("Retry-After", 5)), 0.5), 300.0)
    except (AttributeError, ValueError):
        return 5.0


def neutral(error: Exception) -> DeliveryError:
    if isinstance(error, discord.RateLimited):
        return RetryLater(error.retry_after)
    if isinstance(error, discord.Forbidden):
        return ChatGone("forbidden")
    if isinstance(error, discord.NotFound):
        if error.code == 10003:
            return ChatGone("channel_deleted")
        return PermanentFailure("message_gone" if error.code == 10008 else "not_found")
    if isinstance(error, discord.DiscordServerError):
        return TemporaryFailure("server_error")
    if isinstance(error, discord.HTTPException) and error.status == 429:
        # A 429 discord.py did not wait out: Cloudflare's, without `Via`, or one after its
        # own retries. It is "later", never "failed".
        return RetryLater(_retry_after(error))
    if isinstance(error, discord.HTTPException):
        return PermanentFailure("bad_request")
    return TemporaryFailure("network")


class DiscordAdapter:
    platform = PLATFORM
    pacing = DISCORD

    def __init__(
        self, app: App, token: str, *, sharded: bool = False, guild_ready_timeout: float = 2.0
    ) -> None:
        self.app = app
        self.token = token
        client_class = discord.AutoShardedClient if sharded else discord.Client
        # The bot only answers interactions and posts to channels: of the gateway's events
        # it needs the guilds alone (no messages, typing or reactions).
        self.client = client_class(
            intents=discord.Intents(guilds=True),
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=guild_ready_timeout,
        )
        self.tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(self.client)
        for spec in app.services.commands:
            if spec.listed:
                self.tree.add_command(build_command(app, spec, self._on_command))
        self.client.setup_hook = self._setup  # type: ignore[method-assign]
        self.client.event(self.on_interaction)
        self._task: asyncio.Task[None] | None = None
        self._publishing: asyncio.Task[bool] | None = None

    async def start(self) -> None:
        await self.client.login(self.token)  # also runs setup_hook: the translator
        self._task = asyncio.create_task(self.client.connect(), name="discord")
        ready = asyncio.create_task(self.client.wait_until_ready())
        await asyncio.wait({self._task, ready}, return_when=asyncio.FIRST_COMPLETED)
        if self._task.done():
            ready.cancel()
            self._task.result()  # raises the login or connection error
            raise ConnectionError("discord client stopped before it was ready")
        log.info("discord started", extra={"guilds": len(self.client.guilds)})
        # Connected first: a slow or refused sync leaves the bot serving.
        self._publishing = asyncio.create_task(
            publish_commands(self.app, self.tree), name="discord-commands"
        )

    async def commands_published(self) -> bool:
        """Wait for the command sync started with the bot: whether the commands are in place."""
        return self._publishing is not None and await asyncio.shield(self._publishing)

    async def stop(self) -> None:
        if self._publishing is not None:
            self._publishing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._publishing
        await self.client.close()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError, discord.DiscordException):
                await self._task
        log.info("discord stopped")

    async def _setup(self) -> None:
        await self.tree.set_translator(LocaleTranslator(self.app))

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is not discord.InteractionType.component:
            return  # slash commands and autocomplete are routed by the command tree
        line = component_line(interaction)
        dispatcher = self.app.dispatcher
        msg = None
        if line is not None:
            msg = dispatcher.message(
                chat_ref(interaction),
                sender_of(interaction),
                line,
                from_button=True,
                bot_lacks=bot_lacks(interaction),
            )
        if msg is None or not msg.command or dispatcher.command(msg.command) is None:
            text = self.app.services.catalogues.get(
                dispatcher.language_of(sender_of(interaction)), "error.stale_button"
            )

            async def stale() -> list[Reply]:
                return [Reply(text, private=True)]

            await Answer(interaction, private=True).run(stale, self.app.services.clock())
            return
        await self._answer(interaction, msg)

    async def _on_command(
        self, interaction: discord.Interaction, spec: CommandSpec, text: str
    ) -> None:
        line = f"/{spec.name} {text}".strip()
        msg = self.app.dispatcher.message(
            chat_ref(interaction), sender_of(interaction), line, bot_lacks=bot_lacks(interaction)
        )
        if msg is not None:
            await self._answer(interaction, msg)

    async def _answer(self, interaction: discord.Interaction, msg: Message) -> None:
        """Answer within Discord's windows, privately when the command answers privately."""
        spec = self.app.dispatcher.command(msg.command) if msg.command else None
        answer = Answer(interaction, private=spec is not None and spec.answers_privately)
        await answer.run(partial(self.app.dispatcher.handle, msg), self.app.services.clock())

    async def deliver(
        self,
        chat: ChatRef,
        reply: Reply,
        *,
        pace: Callable[[], Awaitable[None]],
        replace: str | None = None,
        pin: bool = False,
    ) -> str | None:
        chunks = markdown_chunks(reply.text)
        last: discord.Message | discord.PartialMessage | None = None
        try:
            channel = await self._channel(chat)
            if replace is not None and chunks:
                await pace()
                last = await channel.get_partial_message(int(replace)).edit(content=chunks.pop(0))
            for index, chunk in enumerate(chunks):
                extra: dict[str, Any] = {}
                if index == len(chunks) - 1 and (buttons := view(reply)) is not None:
                    extra["view"] = buttons
                if index == 0 and (file := image_file(reply)) is not None:
                    extra["file"] = file
                await pace()
                last = await channel.send(chunk, **extra)
            if pin and last is not None:
                await self._pin(last)
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
            raise neutral(error) from error
        return None if last is None else str(last.id)

    async def _channel(self, chat: ChatRef) -> discord.DMChannel | discord.PartialMessageable:
        """A guild channel by id; a member's DM opened from their user id (Discord gives
        the existing DM channel back, and discord.py keeps it)."""
        if chat.kind is ChatKind.PRIVATE:
            return await self.client.create_dm(discord.Object(int(chat.id)))
        return self.client.get_partial_messageable(int(chat.id))

    async def _pin(self, message: discord.Message | discord.PartialMessage) -> None:
        try:
            await message.pin()
        except discord.HTTPException as error:  # no right to pin: the post itself went through
            log.warning("discord pin failed", extra={"status": error.status})
