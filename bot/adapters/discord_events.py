"""Discord interactions read as the neutral seam: where it happened, who acted, what the
bot may do there, and the command line a pressed component sends."""

from __future__ import annotations

from typing import Any

import discord

from bot.adapters.discord_commands import catalogue_language
from bot.adapters.discord_render import MENU_PREFIX
from bot.seam import Capability, ChatKind, ChatRef, Sender

PLATFORM = "discord"


def chat_ref(interaction: discord.Interaction) -> ChatRef:
    """Where an interaction happened. A DM is named by the member's user id, as private
    chats are on every platform; a guild channel by its id, titled with its names."""
    channel = interaction.channel
    if interaction.context.private_channel:  # a group DM, or a DM between other people
        return ChatRef(PLATFORM, str(interaction.channel_id), ChatKind.GROUP)
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
    Discord sends with it (a DM with the bot has no such limits). Where only the member's own
    install of the app reaches (a group DM, a server that did not install it), the bot is not
    there at all: it may only answer the member."""
    if bot_absent(interaction):
        return frozenset(Capability)
    if interaction.guild_id is None:
        return frozenset()
    allowed = interaction.app_permissions
    can = {
        Capability.SEE: allowed.view_channel,
        Capability.POST: allowed.send_messages,
        Capability.PIN: allowed.pin_messages or allowed.manage_messages,
    }
    return frozenset(capability for capability, yes in can.items() if not yes)


def bot_absent(interaction: discord.Interaction) -> bool:
    """Whether the interaction comes from where the bot user is not: Discord says which
    installations authorise it (`authorizing_integration_owners`), the server's own (key 0,
    the guild id) only where the server installed the app."""
    if interaction.context.private_channel:
        return True
    return interaction.guild_id is not None and not interaction.is_guild_integration()


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
