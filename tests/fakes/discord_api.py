"""A fake Discord (gateway + REST) on 127.0.0.1 for driving the real discord.py in tests.

    async with FakeDiscord() as dc:            # serves, and points discord.py at itself
        guild = dc.add_guild(name="QuitGPT", channels=["général", "annonces"])
        client = discord.Client(intents=discord.Intents.default())
        task = asyncio.create_task(client.start(dc.token))
        await client.wait_until_ready()
        iid = await dc.slash("aide", {"sujet": "faits"})
        [reply] = await dc.wait_for(lambda: dc.responses(iid))
        ...
        await client.close(); await task

One aiohttp app serves the websocket gateway (``/gateway``, and ``/resume-gateway`` given as
``resume_gateway_url``) and the REST API (``/api/v10``). The bot user's id is the application
id. Test-side: build the world (``add_guild``, ``add_member``, ``add_channel``,
``delete_channel``, ``deny_send``, ``remove_guild``, ``block_dms``), act as users (``slash``,
``autocomplete``, ``click``, ``select``, ``user_message``), inject faults (``fail_next``,
``fail_channel``, ``clear_faults``, ``force_reconnect``, ``invalidate_sessions``) and read
what the bot did (``sent``, ``responses``, ``commands``, ``calls``, ``events``,
``wait_for``). Setting ``interactions_url`` posts interactions there, signed, instead of
sending them over the gateway (``discord_http.py``). Not simulated: voice, threads,
reactions, modals' submission, user/role/channel selects' ``resolved`` data, zstd.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import ipaddress
import re
import secrets
import socket
import time
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any

from aiohttp import web

from .discord_app_commands import Interactions
from .discord_faults import KINDS
from .discord_gateway import Gateway
from .discord_http import InteractionsWebhook
from .discord_records import (
    ApiCall,
    BotMessage,
    FakeInteraction,
    Fault,
    Reply,
)
from .discord_rest import Rest
from .discord_servers import Servers
from .discord_state import (
    JSON,
    FakeChannel,
    FakeGuild,
    FakeUser,
    snowflake,
)
from .discord_users import Users
from .signal import Signal

__all__ = ["BotMessage", "FakeDiscord", "Reply"]


class FakeDiscord(Gateway, Rest, Interactions, Users, Servers, InteractionsWebhook):
    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        bot_name: str = "QuitGPT",
        token: str | None = None,
        limit_per_channel: int | None = None,
        per_seconds: float = 5.0,
        heartbeat_interval: float = 41.25,
        interaction_deadline: float = 3.0,
        token_lifetime: float = 15 * 60.0,
        shard_count: int = 1,
        application_flags: int = 1 << 23,  # APPLICATION_COMMAND_BADGE
        patch: bool = True,
    ) -> None:
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError(f"FakeDiscord only binds loopback addresses, not {host!r}")
        self.host = host
        self.bot = FakeUser(snowflake(), bot_name, bot=True)
        self.owner = FakeUser(snowflake(), "owner")
        self.default_user = FakeUser(snowflake(), "alice")
        self.users = {u.id: u for u in (self.bot, self.owner, self.default_user)}
        self.application_id = self.bot.id
        self.application_flags = application_flags
        # Developer Portal > Installation: guild install only, unless a test ticks User Install
        self.user_installable = False
        bot_id = base64.b64encode(str(self.bot.id).encode()).decode().rstrip("=")
        self.token = token or f"{bot_id}.GfAkE0.{secrets.token_urlsafe(27)}"
        self.limit_per_channel, self.per_seconds = limit_per_channel, per_seconds
        self.heartbeat_interval = heartbeat_interval
        self.interaction_deadline = interaction_deadline
        self.token_lifetime = token_lifetime
        self.shard_count = shard_count
        self.guilds: dict[int, FakeGuild] = {}
        self._signal = Signal()
        self._patch = patch
        self._exit = contextlib.ExitStack()
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._init_gateway()
        self._init_rest()
        self._init_http()

    # --- lifecycle ------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self._port}/api/v10"

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        if self._patch:
            self._exit.enter_context(self.patch_discord())
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._exit.close()
        await self.stop()

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway_handler)
        app.router.add_get("/resume-gateway", self._gateway_handler)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest_handler)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET)
        sock.bind((self.host, 0))
        await web.SockSite(self._runner, sock).start()
        self._port = sock.getsockname()[1]

    async def stop(self) -> None:
        self._stopping.set()
        for conn in self.connections:
            if conn.close_code is None:
                conn.close(1001)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(3):
                while any(c.close_code is None and not c.ws.closed for c in self.connections):
                    await self._signal.wait(0.1)
        for conn in self.connections:
            await conn.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @contextlib.contextmanager
    def patch_discord(self) -> Iterator[FakeDiscord]:
        """Point discord.py's REST base and default gateway here; restore them afterwards."""
        import discord.gateway
        import discord.http
        import yarl

        route, websocket = discord.http.Route, discord.gateway.DiscordWebSocket
        saved = route.BASE, websocket.DEFAULT_GATEWAY
        route.BASE = self.base_url
        websocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield self
        finally:
            route.BASE, websocket.DEFAULT_GATEWAY = saved

    # --- building the world -------------------------------------------------------------------

    def user(self, user_id: int | None = None, name: str = "membre") -> FakeUser:
        """The user ``user_id`` (created if new; a fresh id when None)."""
        user_id = user_id or snowflake()
        if user_id not in self.users:
            self.users[user_id] = FakeUser(user_id, name)
        return self.users[user_id]

    def block_dms(self, user_id: int) -> None:
        """DMs to this user then fail with 403 / 50007."""
        self.blocked_dms.add(user_id)

    def fail_next(
        self, method: str, path_regex: str, kind: str, times: int = 1, **options: Any
    ) -> None:
        """The next ``times`` requests matching fail: ``"429"``, ``"429_global"``,
        ``"429_cloudflare"`` (no ``Via``, an HTML body), ``"500"``,
        ``"502"``, ``"503"``, ``"504"``, ``"524"``, ``"400"``, ``"401"``,
        ``"403_permissions"``, ``"403_access"``, ``"403_dm"``, ``"404_channel"``,
        ``"404_message"``, ``"404_interaction"``, or
        ``"lost"``: the request takes effect, then the connection closes without an answer
        (discord.py raises aiohttp's ServerDisconnectedError and does not retry; aiohttp
        itself retries an idempotent GET, PUT or DELETE once, its client.py);
        ``"slow"`` (``seconds=``): answered normally after that long; ``"timeout"``
        (``seconds=``, 12 by default): held that long, then the connection closes and the
        request never takes effect (a proxy that gave up on it first: discord.py sets no
        time-out of its own, so aiohttp's default of five minutes in all applies).
        A 429's ``retry_after=`` (seconds; None: a Cloudflare 429 without Retry-After) and
        ``code=`` (e.g. 20028, "Rate Limits": some limits carry an error code) shape its answer.
        ``path_regex`` is searched in the path after ``/api/v10``. Standing faults of a
        channel: ``fail_channel``."""
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}")
        self._faults.append(
            Fault(method.upper(), re.compile(path_regex), kind, times, options=options)
        )

    # --- reading what the bot did -------------------------------------------------------------

    def sent(
        self, channel_id: int | None = None, *, interactions: bool = False
    ) -> list[BotMessage]:
        """The bot's channel posts (deleted ones too, see ``.deleted``), oldest first;
        with ``interactions=True`` also its interaction responses and follow-ups."""
        return [
            m
            for m in self.messages.values()
            if m.author.id == self.bot.id
            and (interactions or m.interaction_id is None)
            and (channel_id is None or m.channel_id == channel_id)
        ]

    def responses(self, interaction_id: int) -> list[Reply]:
        """The callback, follow-ups, edits and deletions for one interaction, in order."""
        return list(self.interactions[interaction_id].replies)

    def interaction(self, interaction_id: int) -> FakeInteraction:
        return self.interactions[interaction_id]

    def message(self, message_id: int) -> BotMessage:
        return self.messages[message_id]

    @property
    def commands(self) -> list[JSON]:
        """The global application commands as stored (ids, localisations, options...)."""
        return list(self.global_commands)

    def guild_commands(self, guild_id: int) -> list[JSON]:
        return list(self.guild_command_lists.get(guild_id, []))

    def command(self, name: str, guild_id: int | None = None) -> JSON:
        """The registered command ``name`` as seen in a guild (guild ones first) or in DMs."""
        lists = [self.guild_command_lists.get(guild_id or 0, []), self.global_commands]
        for command in (c for commands in lists for c in commands):
            if command["name"] == name and command.get("type", 1) == 1:
                return command
        raise LookupError(f"/{name} is not registered (did the bot sync its command tree?)")

    def calls_to(self, method: str = "*", path_regex: str = "") -> list[ApiCall]:
        pattern = re.compile(path_regex)
        return [c for c in self.calls if method in ("*", c.method) and pattern.search(c.path)]

    async def wait_for(
        self, predicate: Callable[[], Any], timeout: float = 5.0, recheck: float = 0.01
    ) -> Any:
        """Wait until ``predicate()`` is truthy and return its value; AssertionError after
        ``timeout`` s. Re-checked whenever the fake handles a request or dispatches an event,
        and every ``recheck`` s for conditions on the bot's side (its cache, its handlers)."""
        deadline = time.monotonic() + timeout
        while not (result := predicate()):
            left = deadline - time.monotonic()
            if left <= 0:
                last = [(c.method, c.path, c.status) for c in self.calls[-8:]]
                raise AssertionError(f"condition not met within {timeout}s; last calls: {last}")
            await self._signal.wait(min(left, recheck))
        return result

    # --- internals --------------------------------------------------------------------------

    def _guild(self, guild_id: int | None) -> FakeGuild:
        if guild_id is not None:
            return self.guilds[guild_id]
        for guild in self.guilds.values():
            if not guild.removed:
                return guild
        raise LookupError("no guild: call add_guild() first")

    def _channel(self, channel_id: int) -> FakeChannel:
        channel = self.channels[channel_id]
        if channel.deleted:
            raise LookupError(f"channel {channel_id} was deleted")
        return channel

    def bot_permissions(self, channel_id: int) -> int:
        """The bot's permissions in a guild channel, as Discord computes them."""
        channel = self.channels[channel_id]
        if channel.guild_id is None:
            return 0
        return self.guilds[channel.guild_id].permissions_in(channel, self.bot.id)
