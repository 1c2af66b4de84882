"""Acting as Discord users against the fake: slash commands, autocomplete, buttons, selects
and plain messages, each turned into the gateway event Discord would send the bot."""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from .discord_checks import SELECTS
from .discord_command_data import CommandData
from .discord_installs import (
    GUILD,
    PRIVATE_CHANNEL,
    USER_INSTALL,
)
from .discord_records import (
    BotMessage,
    FakeInteraction,
    walk_components,
)
from .discord_state import (
    JSON,
    PERMISSIONS,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeUser,
    permission_value,
    snowflake,
)

# "Interaction Object": `app_permissions` is the app's permissions where the interaction
# happened (a guild channel's, with its overwrites), and in a DM with the bot user
# ATTACH_FILES | EMBED_LINKS | MENTION_EVERYONE | USE_EXTERNAL_EMOJIS.
BOT_DM_PERMISSIONS = sum(
    PERMISSIONS[p]
    for p in ("attach_files", "embed_links", "mention_everyone", "use_external_emojis")
)

# Where only a user's install reaches, the app has what it has in DMs (the docs' "Interaction
# Object": in DMs and group DMs ATTACH_FILES | EMBED_LINKS | MENTION_EVERYONE), and a member
# of a server what its @everyone role gives (here: view, send, read history).
ELSEWHERE_PERMISSIONS = sum(
    PERMISSIONS[p] for p in ("attach_files", "embed_links", "mention_everyone")
)
EVERYONE_IN_A_SERVER = sum(
    PERMISSIONS[p] for p in ("view_channel", "send_messages", "read_message_history")
)


class Who(TypedDict, total=False):
    """Who acts: a user id (the default user when absent), their locale and, in a guild,
    permissions overriding what their roles give them. ``age`` makes the interaction that
    many seconds old when the bot gets it (its snowflake says so), as when Discord
    replays it after a reconnect."""

    user_id: int | None
    locale: str
    member_permissions: Any
    age: float


class Where(Who, total=False):
    """Who acts and where a command is typed: a guild channel (the first guild and channel
    by default); with ``dm=True``, the user's DM with the bot; through the user's own install
    of the app (``discord_installs``), with ``private_channel=True`` a group DM of the user's
    and with ``user_install=True`` a server that did not install the app, neither with the
    bot in it."""

    guild_id: int | None
    channel_id: int | None
    dm: bool
    private_channel: bool
    user_install: bool


class Users(CommandData):
    """Mixin: the test acting as users."""

    if TYPE_CHECKING:
        bot: FakeUser
        users: dict[int, FakeUser]
        default_user: FakeUser
        application_id: int
        channels: dict[int, FakeChannel]
        messages: dict[int, BotMessage]
        interactions: dict[int, FakeInteraction]
        _tokens: dict[str, FakeInteraction]
        interactions_url: str | None
        http_answers: dict[int, int]

        async def post_to_endpoint(self, payload: JSON) -> tuple[int, bytes]: ...

        async def wait_connected(self) -> None: ...
        def user(self, user_id: int | None = None, name: str = "membre") -> FakeUser: ...
        def dm_channel(self, user_id: int) -> FakeChannel: ...
        def command(self, name: str, guild_id: int | None = None) -> JSON: ...
        def bot_permissions(self, channel_id: int) -> int: ...
        def _guild(self, guild_id: int | None) -> FakeGuild: ...
        def _channel(self, channel_id: int) -> FakeChannel: ...
        def _echo(self, event: str, message: BotMessage) -> None: ...
        def _dispatch(
            self, event: str, data: Any, *, guild_id: int | None = None, intent: int = 0
        ) -> int: ...

    async def slash(
        self, name: str, options: JSON | list[JSON] | None = None, **where: Unpack[Where]
    ) -> int:
        """Invoke ``/name`` (``"group sub"`` for subcommands) as a user; returns the
        interaction id. ``options`` maps option names to values (typed per the registered
        command; users/channels/roles by id) or is a raw option list."""
        data = self._command_data(name, options, None, None, where)
        return await self._interact(2, data, **where)

    async def autocomplete(
        self,
        name: str,
        focused_option: str,
        value: Any,
        options: JSON | None = None,
        **where: Unpack[Where],
    ) -> int:
        """The user typing ``value`` into ``focused_option`` of ``/name``."""
        data = self._command_data(name, options, focused_option, value, where)
        return await self._interact(4, data, **where)

    async def click(self, message: BotMessage | int, custom_id: str, **who: Unpack[Who]) -> int:
        """Press the button ``custom_id`` on a bot message (it must be there and enabled)."""
        msg, _ = self._component(message, custom_id, (2,))
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._interact(3, data, message=msg, **who)

    async def forge_click(
        self, message: BotMessage | int, custom_id: str, **who: Unpack[Who]
    ) -> int:
        """A component interaction naming a custom id the message does not carry.

        An unmodified client only sends the ids of the components shown
        (Discord developer docs, "Interactions > Receiving and Responding": the
        payload's `data.custom_id` is the component's); this stands for any payload
        the bot did not make — a stale button of an older version, a modified
        client — so that tests check the bot judges the line, not where it came from.
        """
        msg = self.messages[message if isinstance(message, int) else message.id]
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._interact(3, data, message=msg, **who)

    async def select(
        self, message: BotMessage | int, custom_id: str, values: list[str], **who: Unpack[Who]
    ) -> int:
        """Pick ``values`` in the select menu ``custom_id`` of a bot message."""
        msg, component = self._component(message, custom_id, SELECTS)
        if component["type"] == 3:
            allowed = {o["value"] for o in component.get("options") or []}
            if unknown := [v for v in values if v not in allowed]:
                raise ValueError(f"{unknown} are not options of select {custom_id!r}")
        low, high = component.get("min_values", 1), component.get("max_values", 1)
        if not low <= len(values) <= high:
            raise ValueError(f"select {custom_id!r} takes {low}..{high} values")
        data = {
            "custom_id": custom_id,
            "component_type": component["type"],
            "values": [str(v) for v in values],
        }
        return await self._interact(3, data, message=msg, **who)

    def user_message(self, channel_id: int, content: str, user_id: int | None = None) -> int:
        """A user posts in a channel (MESSAGE_CREATE, content hidden from bots without the
        message_content intent unless they are mentioned). Returns the message id."""
        channel = self._channel(channel_id)
        user = self.user(user_id, "membre") if user_id else self.default_user
        if channel.guild_id is not None:
            self._guild(channel.guild_id).members.setdefault(user.id, FakeMember(user, []))
        message = BotMessage(snowflake(), channel.id, channel.guild_id, user, content=content)
        self.messages[message.id] = message
        channel.last_message_id = message.id
        self._echo("MESSAGE_CREATE", message)
        return message.id

    def _component(
        self, message: BotMessage | int, custom_id: str, types: tuple[int, ...]
    ) -> tuple[BotMessage, JSON]:
        msg = self.messages[message if isinstance(message, int) else message.id]
        for component in walk_components(msg.components):
            if component.get("custom_id") == custom_id and component["type"] in types:
                if component.get("disabled"):
                    raise ValueError(f"component {custom_id!r} is disabled")
                return msg, component
        raise LookupError(f"no component {custom_id!r} on message {msg.id}: {msg.custom_ids()}")

    async def _interact(
        self,
        kind: int,
        data: JSON,
        *,
        user_id: int | None = None,
        locale: str = "fr",
        member_permissions: Any = None,
        guild_id: int | None = None,
        channel_id: int | None = None,
        dm: bool = False,
        private_channel: bool = False,
        user_install: bool = False,
        message: BotMessage | None = None,
        age: float = 0.0,
    ) -> int:
        if self.interactions_url is None:
            await self.wait_connected()
        user = self.user(user_id, "membre") if user_id else self.default_user
        guild: FakeGuild | None = None
        if message is not None and self.channels[message.channel_id].bot_absent:
            channel = self.channels[message.channel_id]
        elif private_channel or user_install:
            channel = self._elsewhere(user, private_channel)
        elif message is not None:
            channel = self._channel(message.channel_id)
            guild = self._guild(channel.guild_id) if channel.guild_id else None
        elif dm:
            channel = self.dm_channel(user.id)
        else:
            guild = self._guild(guild_id)
            channel = self._channel(channel_id or next(iter(guild.channels)))
        interaction_id = snowflake(time.time() - age)
        token = "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(96)
        payload: JSON = {
            "id": str(interaction_id), "application_id": str(self.application_id), "type": kind,
            "data": data, "token": token, "version": 1, "locale": locale,
            "channel_id": str(channel.id), "channel": channel.json(), "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
        }  # fmt: skip
        if channel.bot_absent:
            payload.update(self._elsewhere_fields(channel, user, member_permissions))
        elif guild is not None:
            member = guild.members.setdefault(user.id, FakeMember(user, []))
            perms = (
                guild.permissions_in(channel, user.id)
                if member_permissions is None
                else permission_value(member_permissions)
            )
            payload.update(
                {
                    "guild_id": str(guild.id),
                    "guild_locale": guild.locale,
                    "guild": {"id": str(guild.id), "locale": guild.locale, "features": []},
                    "member": member.json(permissions=perms),
                    "context": 0,
                    "app_permissions": str(guild.permissions_in(channel, self.bot.id)),
                    "authorizing_integration_owners": {"0": str(guild.id)},
                }
            )
        else:
            payload.update(
                {
                    "user": user.json(),
                    "context": 1,
                    "app_permissions": str(BOT_DM_PERMISSIONS),
                    "authorizing_integration_owners": {"0": "0"},
                }
            )
        if message is not None:
            payload["message"] = message.json()
        interaction = FakeInteraction(
            interaction_id,
            token,
            kind,
            channel.id,
            guild.id if guild else None,
            user,
            payload,
            message=message,
        )
        self.interactions[interaction_id] = self._tokens[token] = interaction
        if self.interactions_url is not None:  # Discord no longer uses the gateway for them
            status, _ = await self.post_to_endpoint(payload)
            self.http_answers[interaction_id] = status
        else:
            self._dispatch("INTERACTION_CREATE", payload, guild_id=guild.id if guild else None)
        return interaction_id

    def _elsewhere(self, user: FakeUser, private_channel: bool) -> FakeChannel:
        """A conversation of the user's that the bot is not in: a group DM, or a channel of
        a server that did not install the app."""
        if private_channel:
            channel = FakeChannel(snowflake(), "", None, type=3, recipient=user)
        else:
            channel = FakeChannel(snowflake(), "ailleurs", snowflake(), type=0)
        channel.bot_absent = True
        self.channels[channel.id] = channel
        return channel

    def _elsewhere_fields(
        self, channel: FakeChannel, user: FakeUser, member_permissions: Any = None
    ) -> JSON:
        """What an interaction carries where only the user's install of the app reaches."""
        fields: JSON = {
            "context": PRIVATE_CHANNEL if channel.guild_id is None else GUILD,
            "app_permissions": str(ELSEWHERE_PERMISSIONS),
            "authorizing_integration_owners": {str(USER_INSTALL): str(user.id)},
        }
        if channel.guild_id is None:
            return {**fields, "user": user.json()}
        guild = {"id": str(channel.guild_id), "locale": "fr", "features": []}
        permissions = (
            EVERYONE_IN_A_SERVER
            if member_permissions is None
            else permission_value(member_permissions)
        )
        member = FakeMember(user, []).json(permissions=permissions)
        return {**fields, "guild_id": guild["id"], "guild_locale": "fr", "guild": guild,
                "member": member}  # fmt: skip
