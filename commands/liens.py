"""/liens: moderators get each campaign source's link, its QR code and what it brought."""

from __future__ import annotations

from bot.seam import Reply
from commands.base import CommandSpec, Context
from commands.campaign_sources import source_links_replies


async def handle(ctx: Context) -> list[Reply]:
    return await source_links_replies(ctx)


SPEC = CommandSpec(
    "liens",
    handle,
    "help.liens",
    aliases=("links",),
    localized={"en": "links"},
    moderator_only=True,
    answers_privately=True,
)
