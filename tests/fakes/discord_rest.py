"""The REST side of the fake Discord (``/api/v10``), as a mixin of :class:`FakeDiscord`.

Answers carry ``Content-Type: application/json`` exactly (discord.py only decodes that) and
errors are ``{"code", "message"}``. Message sends carry X-RateLimit-* headers (one bucket per
channel); the faults it can inject are in :mod:`discord_faults`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .discord_checks import check_message, read_body
from .discord_faults import DELAYS, Faults, RateLimited, json_response
from .discord_records import (
    ApiCall,
    BotMessage,
    FakeInteraction,
    Upload,
)
from .discord_rest_lookups import RestLookups
from .discord_state import (
    INTENT_DM_MESSAGES,
    INTENT_GUILD_MESSAGES,
    INTENT_MESSAGE_CONTENT,
    JSON,
    LOADING,
    PERMISSIONS,
    ApiError,
    FakeChannel,
    check_nonce,
    iso_now,
    missing_permissions,
    snowflake,
    unknown_channel,
    unknown_message,
)
from .signal import Signal

if TYPE_CHECKING:
    from .discord_gateway import EventData, Session

ID = r"(\d+)"
TOKEN = r"([^/]+)"


@dataclass
class Req:
    method: str
    path: str
    args: tuple[str, ...]
    query: dict[str, str]
    json: Any
    files: list[Upload]


Handler = Callable[[Req], Awaitable[Any]]


class Rest(Faults, RestLookups):
    """Mixin: REST routing and the handlers (faults and the bucket: :class:`Faults`)."""

    if TYPE_CHECKING:  # the rest is declared by RestLookups
        token: str
        _signal: Signal

        def _dispatch(
            self, event: str, data: EventData, *, guild_id: int | None = None, intent: int = 0
        ) -> int: ...

    def _init_rest(self) -> None:
        self.calls: list[ApiCall] = []
        self.messages: dict[int, BotMessage] = {}  # every message, the bot's and users'
        self.interactions: dict[int, FakeInteraction] = {}
        self.channels: dict[int, FakeChannel] = {}  # guild channels and DMs, deleted ones too
        self.global_commands: list[JSON] = []
        self.guild_command_lists: dict[int, list[JSON]] = {}
        self.command_syncs = 0
        self.blocked_dms: set[int] = set()
        self.nonce_window = 300.0  # seconds a nonce stays taken ("the past few minutes")
        self._nonces: dict[tuple[int, int, str], tuple[float, BotMessage]] = {}
        self._init_faults()
        self._tokens: dict[str, FakeInteraction] = {}
        self._dm_channels: dict[int, FakeChannel] = {}
        route = self._route
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = [
            route("GET", "/gateway", self._get_gateway),
            route("GET", "/gateway/bot", self._get_gateway_bot),
            route("GET", "/users/@me", self._get_me),
            route("GET", f"/users/{ID}", self._get_user),
            route("POST", "/users/@me/channels", self._create_dm),
            route("GET", "/oauth2/applications/@me", self._get_application),
            route("GET", "/applications/@me", self._get_application),
            route("GET", f"/applications/{ID}/commands", self._list_commands),
            route("PUT", f"/applications/{ID}/commands", self._bulk_commands),
            route("POST", f"/applications/{ID}/commands", self._create_command),
            route("*", f"/applications/{ID}/commands/{ID}", self._one_command),
            route("GET", f"/applications/{ID}/guilds/{ID}/commands", self._list_commands),
            route("PUT", f"/applications/{ID}/guilds/{ID}/commands", self._bulk_commands),
            route("POST", f"/applications/{ID}/guilds/{ID}/commands", self._create_command),
            route("*", f"/applications/{ID}/guilds/{ID}/commands/{ID}", self._one_command),
            route("POST", f"/interactions/{ID}/{TOKEN}/callback", self._callback),
            route("POST", f"/webhooks/{ID}/{TOKEN}", self._followup),
            route("*", f"/webhooks/{ID}/{TOKEN}/messages/(@original|\\d+)", self._webhook_message),
            route("GET", f"/channels/{ID}", self._get_channel),
            route("POST", f"/channels/{ID}/messages", self._create_message),
            route("*", f"/channels/{ID}/messages/{ID}", self._channel_message),
            route("*", f"/channels/{ID}/(?:messages/)?pins/{ID}", self._pin),
            route("POST", f"/channels/{ID}/typing", self._typing),
            route("GET", f"/guilds/{ID}", self._get_guild),
            route("GET", f"/guilds/{ID}/channels", self._get_guild_channels),
            route("GET", f"/guilds/{ID}/members/{ID}", self._get_member),
        ]

    @staticmethod
    def _route(method: str, pattern: str, handler: Handler) -> tuple[str, re.Pattern[str], Handler]:
        return method, re.compile(f"^{pattern}$"), handler

    # --- plumbing ---------------------------------------------------------------------------

    async def _rest_handler(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body, files = await read_body(request)
        call = ApiCall(request.method, path, body, dict(request.query), files)
        self.calls.append(call)
        fault = self._take_fault(call.method, call.path)
        if fault is not None and fault.kind in ("slow", "timeout"):
            await self._hold(float(fault.options.get("seconds", 12)))
            if fault.kind == "timeout" and request.transport is not None:
                request.transport.close()  # given up on: never applied, never answered
                return web.Response(status=504)
        try:
            if fault is not None and fault.kind not in DELAYS:
                response = self._fault_response(fault)
            else:
                response = await self._answer(request, call)
        except RateLimited as error:
            response = error.response()
        except ApiError as error:
            response = json_response(error.status, error.body())
        call.status = response.status
        if fault is not None and fault.kind == "lost" and request.transport is not None:
            call.lost = True  # applied, but the answer never leaves: the connection closes
            request.transport.close()
        self._signal.fire()
        return response

    async def _answer(self, request: web.Request, call: ApiCall) -> web.StreamResponse:
        handler, m = self._find_route(call.method, call.path)
        public = call.path.startswith(("/interactions/", "/webhooks/"))
        if not public and request.headers.get("Authorization") != f"Bot {self.token}":
            raise ApiError(401, 0, "401: Unauthorized")
        req = Req(call.method, call.path, m.groups(), call.query, call.json, call.files)
        headers: dict[str, str] = {}
        if handler == self._create_message:
            headers = self._take_token(int(m.group(1)))
        result = await handler(req)
        if result is None:
            return web.Response(status=204, headers=headers)
        status, body = result if isinstance(result, tuple) else (200, result)
        return json_response(status, body, headers)

    def _find_route(self, method: str, path: str) -> tuple[Handler, re.Match[str]]:
        for allowed, pattern, handler in self._routes:
            if (m := pattern.match(path)) and allowed in ("*", method):
                return handler, m
        raise ApiError(404, 0, "404: Not Found")

    def _channel_for_rest(self, channel_id: int) -> FakeChannel:
        channel = self.channels.get(channel_id)
        if channel is None or channel.deleted:
            raise unknown_channel()
        if channel.guild_id is not None and self.guilds[channel.guild_id].removed:
            raise ApiError(403, 50001, "Missing Access")
        return channel

    def _require(self, channel: FakeChannel, *names: str) -> None:
        if channel.guild_id is None:
            return
        perms = self.guilds[channel.guild_id].permissions_in(channel, self.bot.id)
        if not all(perms & PERMISSIONS[n] for n in names):
            raise missing_permissions()

    # --- messages and their gateway echo -----------------------------------------------------

    def _new_message(
        self, channel: FakeChannel, payload: JSON, files: list[Upload], **fields: Any
    ) -> BotMessage:
        check_message(payload, files, creating=True)
        message = BotMessage(snowflake(), channel.id, channel.guild_id, self.bot, **fields)
        message.request = payload
        message.apply(payload, files)
        self.messages[message.id] = message
        channel.last_message_id = message.id
        self._echo("MESSAGE_CREATE", message)
        return message

    def _edit(self, message: BotMessage, payload: JSON, files: list[Upload]) -> BotMessage:
        if message.deleted:
            raise unknown_message()
        check_message(payload, files, creating=False)
        message.apply(payload, files)
        message.flags &= ~LOADING
        message.edited_at = iso_now()
        message.edits.append(payload)
        self._echo("MESSAGE_UPDATE", message)
        return message

    def _delete(self, message: BotMessage) -> None:
        if message.deleted:
            raise unknown_message()
        message.deleted = True
        data: JSON = {"id": str(message.id), "channel_id": str(message.channel_id)}
        if message.guild_id is not None:
            data["guild_id"] = str(message.guild_id)
        if not message.ephemeral:
            self._dispatch(
                "MESSAGE_DELETE", data, guild_id=message.guild_id, intent=_message_intent(message)
            )

    def _echo(self, event: str, message: BotMessage) -> None:
        """MESSAGE_CREATE/UPDATE as each session sees it (ephemeral messages are never sent,
        nor any from a conversation the bot is not in)."""
        if message.ephemeral or self.channels[message.channel_id].bot_absent:
            return

        def payload(session: Session) -> JSON:
            data = message.json()
            if message.guild_id is not None:
                data["guild_id"] = str(message.guild_id)
                member = self.guilds[message.guild_id].members.get(message.author.id)
                if member is not None:
                    data["member"] = member.json(with_user=False)
            mentioned = f"<@{self.bot.id}>" in message.content
            mine = message.author.id == self.bot.id
            dm = message.guild_id is None
            if not (session.intents & INTENT_MESSAGE_CONTENT or mine or mentioned or dm):
                data.update(content="", embeds=[], attachments=[], components=[])
            if mentioned:
                data["mentions"] = [self.bot.json()]
            return data

        self._dispatch(event, payload, guild_id=message.guild_id, intent=_message_intent(message))

    # --- handlers: channels, messages, guilds --------------------------------------------------

    async def _get_channel(self, req: Req) -> JSON:
        return self._channel_for_rest(int(req.args[0])).json()

    async def _create_message(self, req: Req) -> JSON:
        channel = self._channel_for_rest(int(req.args[0]))
        if channel.recipient is not None and channel.recipient.id in self.blocked_dms:
            raise ApiError(403, 50007, "Cannot send messages to this user")
        self._require(channel, "view_channel", "send_messages")
        if req.files:
            self._require(channel, "attach_files")
        payload = req.json or {}
        nonce = check_nonce(payload.get("nonce"))
        key = (channel.id, self.bot.id, str(nonce))
        if nonce is not None and payload.get("enforce_nonce") and (earlier := self._nonce(key)):
            return earlier.json()
        message = self._new_message(channel, payload, req.files, nonce=nonce)
        if nonce is not None:
            self._nonces[key] = (time.monotonic(), message)
        return message.json()

    def _nonce(self, key: tuple[int, int, str]) -> BotMessage | None:
        """The message created with this (channel, author, nonce) within ``nonce_window``.

        Channel resource, Create Message: "enforce_nonce: If true and nonce is present, it
        will be checked for uniqueness in the past few minutes. If another message was
        created by the same author with the same nonce, that message will be returned and no
        new message will be created." The docs give no figure; five minutes is assumed."""
        created, message = self._nonces.get(key, (0.0, None))
        if message is not None and time.monotonic() - created >= self.nonce_window:
            del self._nonces[key]
            return None
        return message

    def _message_in(self, req: Req) -> BotMessage:
        channel = self._channel_for_rest(int(req.args[0]))
        message = self.messages.get(int(req.args[1]))
        if message is None or message.deleted or message.channel_id != channel.id:
            raise unknown_message()
        return message

    async def _channel_message(self, req: Req) -> JSON | None:
        message = self._message_in(req)
        if req.method == "GET":
            return message.json()
        channel = self.channels[message.channel_id]
        if req.method == "DELETE":
            if message.author.id != self.bot.id:
                self._require(channel, "manage_messages")
            self._delete(message)
            return None
        if message.author.id != self.bot.id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        return self._edit(message, req.json or {}, req.files).json()

    async def _pin(self, req: Req) -> None:
        message = self._message_in(req)
        channel = self.channels[message.channel_id]
        perms = 0
        if channel.guild_id is not None:
            perms = self.guilds[channel.guild_id].permissions_in(channel, self.bot.id)
            if not perms & (PERMISSIONS["manage_messages"] | PERMISSIONS["pin_messages"]):
                raise missing_permissions()
        message.pinned = req.method == "PUT"
        data: JSON = {"channel_id": str(channel.id), "last_pin_timestamp": iso_now()}
        if channel.guild_id is not None:
            data["guild_id"] = str(channel.guild_id)
        self._dispatch("CHANNEL_PINS_UPDATE", data, guild_id=channel.guild_id)
        return None

    async def _typing(self, req: Req) -> None:
        self._channel_for_rest(int(req.args[0]))
        return None


def _message_intent(message: BotMessage) -> int:
    return INTENT_DM_MESSAGES if message.guild_id is None else INTENT_GUILD_MESSAGES
