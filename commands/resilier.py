"""/resilier: how to cancel a ChatGPT subscription, export one's data first, and where to go."""

from __future__ import annotations

from bot.seam import Button, Reply
from commands.base import CommandSpec, Context


async def handle(ctx: Context) -> list[Reply]:
    done = Button(ctx.t("guide.button_done"), ctx.action("accompli"))
    return [ctx.reply("guide.text", buttons=((done,),), link_previews=False)]


SPEC = CommandSpec(
    "resilier", handle, "help.resilier", aliases=("guide",), localized={"en": "guide"}
)
