"""/monid: a member's own id on this platform, which an organiser needs to make them a
moderator (QUITGPT_MODERATORS); answered privately and never stored."""

from __future__ import annotations

from bot.seam import Reply
from commands.base import CommandSpec, Context

MODERATORS_SETTING = "QUITGPT_MODERATORS"


async def handle(ctx: Context) -> list[Reply]:
    platform, user_id = ctx.msg.platform, ctx.msg.sender.id
    return [
        ctx.reply(
            "myid.text",
            platform=platform,
            id=user_id,
            setting=f"{platform}:{user_id}",
            variable=MODERATORS_SETTING,
            private=True,
        )
    ]


SPEC = CommandSpec("monid", handle, "help.monid", aliases=("myid",), localized={"en": "myid"})
