"""Mixin: the test shaping the servers the bot is in, each change sent to the bot as the
gateway event Discord sends for it (discord.com/developers/docs/events/gateway-events:
GUILD_CREATE when the bot joins, GUILD_ROLE_CREATE, GUILD_MEMBER_ADD / UPDATE,
CHANNEL_CREATE / UPDATE / DELETE, GUILD_DELETE when it is removed)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .discord_state import (
    BOT_DEFAULT,
    EVERYONE_DEFAULT,
    INTENT_GUILDS,
    INTENT_MEMBERS,
    JSON,
    PERMISSIONS,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    permission_value,
    snowflake,
)


class Servers:
    """Mixin: guilds, their members and channels, as the test makes and changes them."""

    if TYPE_CHECKING:
        bot: FakeUser
        owner: FakeUser
        channels: dict[int, FakeChannel]
        guilds: dict[int, FakeGuild]

        def user(self, user_id: int | None = None, name: str = "membre") -> FakeUser: ...
        def _guild(self, guild_id: int | None) -> FakeGuild: ...
        def _guild_create(self, guild: FakeGuild, session: Any, initial: bool) -> JSON: ...
        def _dispatch(
            self, event: str, data: Any, *, guild_id: int | None = None, intent: int = 0
        ) -> int: ...

    def add_guild(
        self,
        guild_id: int | None = None,
        name: str = "QuitGPT",
        channels: Iterable[str] = ("général", "annonces"),
        owner_id: int | None = None,
        *,
        locale: str = "fr",
        news: Iterable[str] = (),
        bot_permissions: Any = BOT_DEFAULT,
        everyone_permissions: Any = EVERYONE_DEFAULT,
    ) -> FakeGuild:
        """A guild the bot is in, with text channels (``news`` ones are announcement
        channels). Sent as GUILD_CREATE (a join) if the bot is already connected."""
        owner = self.user(owner_id, "owner") if owner_id else self.owner
        guild = FakeGuild(guild_id or snowflake(), name, owner.id, locale)
        guild.roles[guild.id] = FakeRole(
            guild.id, "@everyone", permission_value(everyone_permissions)
        )
        bot_role = FakeRole(
            snowflake(), self.bot.name, permission_value(bot_permissions), 1, bot_id=self.bot.id
        )
        guild.roles[bot_role.id] = bot_role
        guild.members[owner.id] = FakeMember(owner, [])
        guild.members[self.bot.id] = FakeMember(self.bot, [bot_role.id])
        news = set(news)
        for position, channel_name in enumerate(channels):
            channel = FakeChannel(
                snowflake(),
                channel_name,
                guild.id,
                position=position,
                type=5 if channel_name in news else 0,
            )
            guild.channels[channel.id] = self.channels[channel.id] = channel
        self.guilds[guild.id] = guild
        self._dispatch(
            "GUILD_CREATE",
            lambda s: self._guild_create(guild, s, False),
            guild_id=guild.id,
            intent=INTENT_GUILDS,
        )
        return guild

    def add_member(
        self,
        guild_id: int | None = None,
        user_id: int | None = None,
        name: str = "membre",
        permissions: Any = 0,
    ) -> FakeMember:
        """A member; ``permissions`` (an int, names like ``"manage_guild|manage_channels"`` or
        ``discord.Permissions``) become a role of their own."""
        guild = self._guild(guild_id)
        user = self.user(user_id, name)
        roles = []
        if value := permission_value(permissions):
            role = FakeRole(snowflake(), f"{name}-role", value, len(guild.roles))
            guild.roles[role.id] = role
            roles.append(role.id)
            self._dispatch(
                "GUILD_ROLE_CREATE",
                {"guild_id": str(guild.id), "role": role.json()},
                guild_id=guild.id,
                intent=INTENT_GUILDS,
            )
        event = "GUILD_MEMBER_UPDATE" if user.id in guild.members else "GUILD_MEMBER_ADD"
        member = guild.members[user.id] = FakeMember(user, roles)
        self._dispatch(
            event,
            {**member.json(), "guild_id": str(guild.id)},
            guild_id=guild.id,
            intent=INTENT_MEMBERS,
        )
        return member

    def add_channel(
        self, guild_id: int | None = None, name: str = "salon", *, news: bool = False
    ) -> int:
        guild = self._guild(guild_id)
        channel = FakeChannel(
            snowflake(), name, guild.id, type=5 if news else 0, position=len(guild.channels)
        )
        guild.channels[channel.id] = self.channels[channel.id] = channel
        self._dispatch("CHANNEL_CREATE", channel.json(), guild_id=guild.id, intent=INTENT_GUILDS)
        return channel.id

    def delete_channel(self, channel_id: int) -> None:
        """CHANNEL_DELETE; REST calls to the channel then fail with 404 / 10003."""
        channel = self.channels[channel_id]
        channel.deleted = True
        if channel.guild_id is not None:
            self.guilds[channel.guild_id].channels.pop(channel_id, None)
        self._dispatch(
            "CHANNEL_DELETE", channel.json(), guild_id=channel.guild_id, intent=INTENT_GUILDS
        )

    def deny_send(self, channel_id: int, deny: bool = True) -> None:
        """A member overwrite denying the bot SEND_MESSAGES (CHANNEL_UPDATE): sends then fail
        with 403 / 50013 and ``channel.permissions_for(guild.me).send_messages`` is False."""
        channel = self.channels[channel_id]
        channel.overwrites = [o for o in channel.overwrites if o["id"] != str(self.bot.id)]
        if deny:
            channel.overwrites.append(
                {
                    "id": str(self.bot.id),
                    "type": 1,
                    "allow": "0",
                    "deny": str(PERMISSIONS["send_messages"]),
                }
            )
        self._dispatch(
            "CHANNEL_UPDATE", channel.json(), guild_id=channel.guild_id, intent=INTENT_GUILDS
        )

    def remove_guild(self, guild_id: int) -> None:
        """The bot is kicked: GUILD_DELETE; its channels then answer 403 / 50001."""
        self.guilds[guild_id].removed = True
        self._dispatch(
            "GUILD_DELETE", {"id": str(guild_id)}, guild_id=guild_id, intent=INTENT_GUILDS
        )
