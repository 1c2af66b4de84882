"""The fake Discord's REST answers that only look things up: the gateway, the bot user,
users and DM channels, the application, guilds, their channels and members
(https://discord.com/developers/docs/resources/user, /application, /guild)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .discord_state import JSON, ApiError, FakeChannel, FakeGuild, FakeUser, snowflake

if TYPE_CHECKING:
    from .discord_rest import Req


class RestLookups:
    """Mixin of :class:`Rest`: the read-only handlers, and the DM channels they open."""

    if TYPE_CHECKING:
        bot: FakeUser
        owner: FakeUser
        application_id: int
        application_flags: int
        user_installable: bool
        shard_count: int
        guilds: dict[int, FakeGuild]
        users: dict[int, FakeUser]
        channels: dict[int, FakeChannel]
        interactions_url: str | None
        _dm_channels: dict[int, FakeChannel]

        @property
        def gateway_url(self) -> str: ...

        @property
        def public_key(self) -> str: ...

    # --- handlers: gateway, users, application -----------------------------------------------

    async def _get_gateway(self, req: Req) -> JSON:
        return {"url": self.gateway_url}

    async def _get_gateway_bot(self, req: Req) -> JSON:
        return {
            "url": self.gateway_url,
            "shards": self.shard_count,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 14_400_000,
                "max_concurrency": 1,
            },
        }

    async def _get_me(self, req: Req) -> JSON:
        return {**self.bot.json(), "verified": True, "mfa_enabled": False, "email": None}

    async def _get_user(self, req: Req) -> JSON:
        user = self.users.get(int(req.args[0]))
        if user is None:
            raise ApiError(404, 10013, "Unknown User")
        return user.json()

    async def _create_dm(self, req: Req) -> JSON:
        user = self.users.get(int((req.json or {}).get("recipient_id") or 0))
        if user is None:
            raise ApiError(400, 50033, "Invalid Recipient(s)")
        return self.dm_channel(user.id).json()

    def dm_channel(self, user_id: int) -> FakeChannel:
        """The DM channel between the bot and ``user_id`` (created on first use)."""
        if user_id not in self._dm_channels:
            channel = FakeChannel(snowflake(), "", None, type=1, recipient=self.users[user_id])
            self._dm_channels[user_id] = self.channels[channel.id] = channel
        return self._dm_channels[user_id]

    async def _get_application(self, req: Req) -> JSON:
        return {
            "id": str(self.application_id), "name": self.bot.name, "icon": None, "description": "",
            "summary": "", "type": None, "bot_public": True, "bot_require_code_grant": False,
            "verify_key": self.public_key, "flags": self.application_flags,
            "owner": self.owner.json(), "team": None, "bot": self.bot.json(),
            "interactions_endpoint_url": self.interactions_url,
            "redirect_uris": [], "tags": [], "approximate_guild_count": len(self.guilds),
            "integration_types_config": {"0": {}, **({"1": {}} if self.user_installable else {})},
        }  # fmt: skip

    def _guild_for_rest(self, guild_id: str) -> FakeGuild:
        guild = self.guilds.get(int(guild_id))
        if guild is None or guild.removed:
            raise ApiError(404, 10004, "Unknown Guild")
        return guild

    async def _get_guild(self, req: Req) -> JSON:
        guild = self._guild_for_rest(req.args[0])
        data = guild.json(members=[], unavailable=None)
        for key in ("members", "channels", "threads", "presences", "voice_states", "joined_at"):
            data.pop(key)
        return data

    async def _get_guild_channels(self, req: Req) -> list[JSON]:
        return [c.json() for c in self._guild_for_rest(req.args[0]).channels.values()]

    async def _get_member(self, req: Req) -> JSON:
        member = self._guild_for_rest(req.args[0]).members.get(int(req.args[1]))
        if member is None:
            raise ApiError(404, 10007, "Unknown Member")
        return member.json()
