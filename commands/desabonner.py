"""/desabonner: this chat stops receiving tally posts and announcements."""

from __future__ import annotations

from bot.seam import Reply
from commands.base import CommandSpec, Context


async def handle(ctx: Context) -> list[Reply]:
    chat = ctx.msg.chat
    removed = await ctx.services.storage.subscriptions.unsubscribe(chat.platform, chat.id)
    return [ctx.reply("unsubscribe.done" if removed else "unsubscribe.not_subscribed")]


SPEC = CommandSpec(
    "desabonner",
    handle,
    "help.desabonner",
    aliases=("unsubscribe",),
    localized={"en": "unsubscribe"},
    chat_manager_only=True,
)
