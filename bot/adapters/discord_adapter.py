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
import discord.http
from discord import app_commands

from bot.adapters.discord_answer import Answer
from bot.adapters.discord_commands import LocaleTranslator, build_command, fit_installations
from bot.adapters.discord_errors import neutral, request_counter, requests_made
from bot.adapters.discord_events import PLATFORM, bot_lacks, chat_ref, component_line, sender_of
from bot.adapters.discord_http import InteractionsEndpoint, InteractionsServer
from bot.adapters.discord_publish import publish_commands
from bot.adapters.discord_render import image_file, markdown_chunks, view
from bot.app import App
from bot.delivery.deliverer import PartSent, not_recorded
from bot.delivery.pacing import DISCORD
from bot.seam import ChatKind, ChatRef, Message, PlatformUnavailable, Reply
from commands.base import CommandSpec

log = logging.getLogger(__name__)
API_PATH = "/api/v10"  # the version discord.py 2 speaks


def api_base(api_url: str) -> str:
    """Where discord.py's REST calls go: the root given, then the API version it speaks."""
    root = api_url.rstrip("/").removesuffix(API_PATH)
    return root + API_PATH


class DiscordAdapter:
    platform = PLATFORM
    pacing = DISCORD
    idempotent = True  # every new message carries a nonce Discord enforces

    def __init__(
        self,
        app: App,
        token: str,
        *,
        sharded: bool = False,
        api_url: str = "",
        interactions: InteractionsEndpoint | None = None,
        guild_ready_timeout: float = 2.0,
    ) -> None:
        """`api_url`: the root of Discord's REST API, or of a proxy in front of it;
        `interactions`: received over HTTP there, instead of a gateway connection."""
        self.app = app
        self.token = token
        self.api_base = api_base(api_url) if api_url else ""
        self._saved_base = ""
        client_class = discord.AutoShardedClient if sharded else discord.Client
        # The bot only answers interactions and posts to channels: of the gateway's events
        # it needs the guilds alone (no messages, typing or reactions).
        self.client = client_class(
            intents=discord.Intents(guilds=True),
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=guild_ready_timeout,
            http_trace=request_counter(),
        )
        self.tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(self.client)
        for spec in app.services.commands:
            if spec.listed:
                self.tree.add_command(build_command(app, spec, self._on_command))
        self.client.setup_hook = self._setup  # type: ignore[method-assign]
        self.client.event(self.on_interaction)
        for handler in (self.on_connect, self.on_resumed, self.on_disconnect):
            self.client.event(handler)
        self._gateway_up = False
        self._task: asyncio.Task[None] | None = None
        self._publishing: asyncio.Task[bool] | None = None
        self.server = InteractionsServer(self.client, interactions) if interactions else None

    async def start(self) -> None:
        if self.api_base:
            # discord.py builds every REST URL, interaction answers included, from this
            # class attribute: there is no per-client setting, and a process has one client.
            self._saved_base, discord.http.Route.BASE = discord.http.Route.BASE, self.api_base
        try:
            await self.client.login(self.token)  # also runs setup_hook: the translator
        except (discord.DiscordException, aiohttp.ClientError) as exc:
            await self.client.close()
            reason = f"{type(exc).__name__}: {exc}"
            message = f"Discord is unreachable or refused the token ({reason})"
            raise PlatformUnavailable(message) from exc
        if self.server is not None:
            await self.server.start()
        else:
            await self._connect_gateway()
        log.info("discord started", extra={"guilds": len(self.client.guilds)})
        self.app.services.entry_links[PLATFORM] = (
            f"https://discord.com/oauth2/authorize?client_id={self.client.application_id}"
        )
        # Connected first: a slow or refused sync leaves the bot serving.
        self._publishing = asyncio.create_task(
            publish_commands(self.app, self.tree), name="discord-commands"
        )

    async def _connect_gateway(self) -> None:
        self._task = asyncio.create_task(self.client.connect(), name="discord")
        ready = asyncio.create_task(self.client.wait_until_ready())
        await asyncio.wait({self._task, ready}, return_when=asyncio.FIRST_COMPLETED)
        if self._task.done():
            ready.cancel()
            self._task.result()  # raises the login or connection error
            raise ConnectionError("discord client stopped before it was ready")

    @property
    def connected(self) -> bool:
        """The gateway is connected now (discord.py reconnects by itself after a drop), or
        the interactions endpoint is served."""
        if self.server is not None:
            return self.server.running and not self.client.is_closed()
        return self._gateway_up and not self.client.is_closed()

    async def on_connect(self) -> None:
        self._gateway_up = True

    async def on_resumed(self) -> None:
        self._gateway_up = True

    async def on_disconnect(self) -> None:
        self._gateway_up = False

    async def commands_published(self) -> bool:
        """Wait for the command sync started with the bot: whether the commands are in place."""
        return self._publishing is not None and await asyncio.shield(self._publishing)

    async def stop(self) -> None:
        if self._publishing is not None:
            self._publishing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._publishing
        if self.server is not None and self.server.running:
            await self.server.stop()
        await self.client.close()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError, discord.DiscordException):
                await self._task
        if self._saved_base:
            discord.http.Route.BASE, self._saved_base = self._saved_base, ""
        log.info("discord stopped")

    async def _setup(self) -> None:
        """Run by login, once discord.py has read the application."""
        await self.tree.set_translator(LocaleTranslator(self.app))
        if self.client.application is not None:
            fit_installations(self.client.application, self.tree)

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
        start: int = 0,
        sent: PartSent = not_recorded,
        key: str = "",
    ) -> str | None:
        """Send the post's parts from `start` on. Each new message carries a nonce made
        of `key` and its index, which Discord enforces: a send retried after its answer
        was lost returns the message created the first time instead of a second one."""
        chunks = markdown_chunks(reply.text)
        editing = replace is not None and bool(chunks)  # part 0 edits message `replace`
        last: discord.Message | discord.PartialMessage | None = None
        with requests_made() as counter:
            try:
                channel = await self._channel(chat)
                for index in range(start, len(chunks)):
                    counter[0] = 0
                    await pace()
                    if editing and index == 0:
                        pinned = channel.get_partial_message(int(replace or 0))
                        last = await pinned.edit(content=chunks[0])
                    else:
                        extra = self._attachments(
                            reply, first=index == 0, last=index == len(chunks) - 1
                        )
                        if key:
                            extra["nonce"] = f"{key}.{index}"
                        last = await channel.send(chunks[index], **extra)
                    await sent(index, str(last.id))
                if pin and last is not None:
                    await self._pin(last)
            except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
                failure = neutral(error)
                failure.calls = max(counter[0], 1)
                raise failure from error
        return None if last is None else str(last.id)

    @staticmethod
    def _attachments(reply: Reply, *, first: bool, last: bool) -> dict[str, Any]:
        """The image goes with the first message of a post, the buttons with the last."""
        extra: dict[str, Any] = {}
        if last and (buttons := view(reply)) is not None:
            extra["view"] = buttons
        if first and (file := image_file(reply)) is not None:
            extra["file"] = file
        return extra

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
