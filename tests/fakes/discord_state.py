"""The data model of the fake Discord: snowflakes, users, guilds and their JSON payloads.

Everything here is plain data; the server (``discord_api``) and the gateway
(``discord_gateway``) read and mutate it. Payload builders produce the JSON shapes
discord.py 2.7 parses (``Guild._from_data``, ``Member``, ``TextChannel``...); what the bot
did (messages, calls, interaction responses) is kept in ``discord_records``.
"""

from __future__ import annotations

import datetime
import itertools
import re
import time
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]

DISCORD_EPOCH_MS = 1_420_070_400_000
API_VERSION = 10
EPHEMERAL = 1 << 6
LOADING = 1 << 7

# Permission bits (https://discord.com/developers/docs/topics/permissions).
PERMISSIONS = {
    "create_instant_invite": 1 << 0, "kick_members": 1 << 1, "ban_members": 1 << 2,
    "administrator": 1 << 3, "manage_channels": 1 << 4, "manage_guild": 1 << 5,
    "add_reactions": 1 << 6, "view_audit_log": 1 << 7, "view_channel": 1 << 10,
    "send_messages": 1 << 11, "manage_messages": 1 << 13, "embed_links": 1 << 14,
    "attach_files": 1 << 15, "read_message_history": 1 << 16, "mention_everyone": 1 << 17,
    "use_external_emojis": 1 << 18, "change_nickname": 1 << 26, "manage_roles": 1 << 28,
    "manage_webhooks": 1 << 29, "use_application_commands": 1 << 31,
    "send_messages_in_threads": 1 << 38, "moderate_members": 1 << 40, "pin_messages": 1 << 51,
}  # fmt: skip
ALL_PERMISSIONS = (1 << 53) - 1
EVERYONE_DEFAULT = sum(
    PERMISSIONS[p]
    for p in (
        "create_instant_invite",
        "add_reactions",
        "view_channel",
        "send_messages",
        "embed_links",
        "attach_files",
        "read_message_history",
        "use_external_emojis",
        "change_nickname",
        "use_application_commands",
        "send_messages_in_threads",
    )
)
BOT_DEFAULT = EVERYONE_DEFAULT | PERMISSIONS["manage_messages"] | PERMISSIONS["pin_messages"]

# Gateway intents the fake honours.
INTENT_GUILDS = 1 << 0
INTENT_MEMBERS = 1 << 1
INTENT_PRESENCES = 1 << 8
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DM_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15


_counter = itertools.count(1)


def snowflake(at: float | None = None) -> int:
    """A fresh, time-ordered snowflake made at ``at`` (a Unix time; now by default).

    Developer docs, "Reference > Snowflakes": the top 42 bits are milliseconds since the
    Discord epoch (2015-01-01), so ``(id >> 22) + 1420070400000`` is when it was made."""
    ms = int((time.time() if at is None else at) * 1000) - DISCORD_EPOCH_MS
    return (ms << 22) | (next(_counter) % (1 << 22))


def snowflake_time(snowflake_id: int) -> float:
    """When a snowflake was made, as a Unix time."""
    return ((snowflake_id >> 22) + DISCORD_EPOCH_MS) / 1000


def iso_now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat()


def permission_value(permissions: int | str | Any) -> int:
    """An int, a permission name (``"manage_guild"``), names joined by ``|``/``,``,
    an iterable of names, or anything with ``.value`` (``discord.Permissions``)."""
    if isinstance(permissions, int):
        return permissions
    if hasattr(permissions, "value"):
        return int(permissions.value)
    names = re.split(r"[|,\s]+", permissions) if isinstance(permissions, str) else permissions
    return sum(PERMISSIONS[name] for name in names if name)


class ApiError(Exception):
    """An error answer: HTTP ``status`` with Discord's ``{"code", "message"}`` body."""

    def __init__(self, status: int, code: int, message: str, errors: JSON | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status, self.code, self.message, self.errors = status, code, message, errors

    def body(self) -> JSON:
        body: JSON = {"code": self.code, "message": self.message}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def unknown_channel() -> ApiError:
    return ApiError(404, 10003, "Unknown Channel")


def unknown_message() -> ApiError:
    return ApiError(404, 10008, "Unknown Message")


def missing_permissions() -> ApiError:
    return ApiError(403, 50013, "Missing Permissions")


def invalid_form(errors: JSON) -> ApiError:
    return ApiError(400, 50035, "Invalid Form Body", errors)


def form_error(code: str, message: str) -> JSON:
    return {"_errors": [{"code": code, "message": message}]}


def check_nonce(nonce: Any) -> int | str | None:
    """Create Message's ``nonce``: "integer or string", "up to 25 characters" (Channel
    resource > Create Message); anything else is an Invalid Form Body (the error's code for
    a wrong type is the fake's own). discord.py sends one with every ``send``
    (``secrets.randbits(64)`` as a string, with ``enforce_nonce``: its http.py)."""
    if nonce is None:
        return None
    if isinstance(nonce, bool) or not isinstance(nonce, int | str):
        raise invalid_form(
            {"nonce": form_error("NONCE_TYPE_INVALID", "Must be an integer or string.")}
        )
    if len(str(nonce)) > 25:
        raise invalid_form(
            {"nonce": form_error("BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")}
        )
    return nonce


# --- the world --------------------------------------------------------------------------------


@dataclass
class FakeUser:
    id: int
    name: str
    bot: bool = False

    def json(self) -> JSON:
        return {
            "id": str(self.id), "username": self.name, "discriminator": "0",
            "global_name": None if self.bot else self.name, "avatar": None, "bot": self.bot,
            "public_flags": 0, "flags": 0,
        }  # fmt: skip


@dataclass
class FakeRole:
    id: int
    name: str
    permissions: int
    position: int = 0
    bot_id: int | None = None

    def json(self) -> JSON:
        data: JSON = {
            "id": str(self.id), "name": self.name, "permissions": str(self.permissions),
            "position": self.position, "color": 0, "colors": {"primary_color": 0}, "hoist": False,
            "managed": self.bot_id is not None, "mentionable": False, "icon": None,
            "unicode_emoji": None, "flags": 0,
        }  # fmt: skip
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass
class FakeMember:
    user: FakeUser
    roles: list[int]
    joined_at: str = field(default_factory=iso_now)

    def json(self, *, with_user: bool = True, permissions: int | None = None) -> JSON:
        data: JSON = {
            "roles": [str(r) for r in self.roles], "joined_at": self.joined_at, "nick": None,
            "avatar": None, "banner": None, "premium_since": None, "deaf": False, "mute": False,
            "pending": False, "flags": 0, "communication_disabled_until": None,
        }  # fmt: skip
        if with_user:
            data["user"] = self.user.json()
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass
class FakeChannel:
    id: int
    name: str
    guild_id: int | None
    type: int = 0  # 0 text, 5 announcement, 1 DM, 3 group DM
    position: int = 0
    topic: str | None = None
    overwrites: list[JSON] = field(default_factory=list)
    recipient: FakeUser | None = None
    deleted: bool = False
    last_message_id: int | None = None
    # a conversation the bot is not in, reached through a user's install of the app
    bot_absent: bool = False

    def json(self) -> JSON:
        if self.type in (1, 3):  # a DM with the bot, a group DM (without it)
            assert self.recipient is not None
            return {
                "id": str(self.id),
                "type": self.type,
                "recipients": [self.recipient.json()],
                "last_message_id": _opt(self.last_message_id),
                "flags": 0,
            }
        return {
            "id": str(self.id), "type": self.type, "guild_id": str(self.guild_id),
            "name": self.name, "position": self.position, "permission_overwrites": self.overwrites,
            "parent_id": None, "topic": self.topic, "nsfw": False, "rate_limit_per_user": 0,
            "last_message_id": _opt(self.last_message_id), "flags": 0,
        }  # fmt: skip


@dataclass
class FakeGuild:
    id: int
    name: str
    owner_id: int
    locale: str
    roles: dict[int, FakeRole] = field(default_factory=dict)
    channels: dict[int, FakeChannel] = field(default_factory=dict)
    members: dict[int, FakeMember] = field(default_factory=dict)
    joined_at: str = field(default_factory=iso_now)
    removed: bool = False

    def channel(self, name: str) -> int:
        """The id of the (live) channel called ``name``."""
        for channel in self.channels.values():
            if channel.name == name:
                return channel.id
        raise KeyError(f"no channel {name!r} in guild {self.name!r}")

    @property
    def channel_ids(self) -> list[int]:
        return list(self.channels)

    def base_permissions(self, user_id: int) -> int:
        if user_id == self.owner_id:
            return ALL_PERMISSIONS
        member = self.members.get(user_id)
        perms = self.roles[self.id].permissions
        for role_id in member.roles if member else ():
            perms |= self.roles[role_id].permissions if role_id in self.roles else 0
        return ALL_PERMISSIONS if perms & PERMISSIONS["administrator"] else perms

    def permissions_in(self, channel: FakeChannel, user_id: int) -> int:
        """Channel permissions as Discord computes them (roles, then overwrites)."""
        perms = self.base_permissions(user_id)
        if perms == ALL_PERMISSIONS:
            return perms
        member = self.members.get(user_id)
        roles = {str(r) for r in member.roles} if member else set()
        by_id = {o["id"]: o for o in channel.overwrites}
        if (everyone := by_id.get(str(self.id))) is not None:
            perms = (perms & ~int(everyone["deny"])) | int(everyone["allow"])
        allow = deny = 0
        for o in channel.overwrites:
            if o["type"] == 0 and o["id"] in roles:
                allow, deny = allow | int(o["allow"]), deny | int(o["deny"])
        perms = (perms & ~deny) | allow
        if (own := by_id.get(str(user_id))) is not None and own["type"] == 1:
            perms = (perms & ~int(own["deny"])) | int(own["allow"])
        return perms

    def json(self, *, members: list[FakeMember], unavailable: bool | None) -> JSON:
        data: JSON = {
            "id": str(self.id), "name": self.name, "owner_id": str(self.owner_id), "icon": None,
            "splash": None, "discovery_splash": None, "banner": None, "description": None,
            "features": [], "preferred_locale": self.locale, "verification_level": 0,
            "default_message_notifications": 1, "explicit_content_filter": 0, "mfa_level": 0,
            "nsfw_level": 0, "premium_tier": 0, "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "system_channel_id": _opt(next(iter(self.channels), None)), "system_channel_flags": 0,
            "rules_channel_id": None, "afk_channel_id": None, "afk_timeout": 300,
            "public_updates_channel_id": None, "vanity_url_code": None, "max_members": 500000,
            "max_video_channel_users": 25, "application_id": None,
            "roles": [r.json() for r in self.roles.values()], "emojis": [], "stickers": [],
            "joined_at": self.joined_at, "large": False, "member_count": len(self.members),
            "members": [m.json() for m in members],
            "channels": [c.json() for c in self.channels.values()], "threads": [], "presences": [],
            "voice_states": [], "stage_instances": [], "guild_scheduled_events": [],
            "soundboard_sounds": [], "lazy": True,
        }  # fmt: skip
        if unavailable is not None:
            data["unavailable"] = unavailable
        return data


def _opt(value: int | None) -> str | None:
    return None if value is None else str(value)
