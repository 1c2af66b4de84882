"""/moderateurs: who may use the moderator commands."""

from __future__ import annotations

from bot.i18n import Raw
from bot.seam import Reply
from commands.base import CommandSpec, Context


async def handle(ctx: Context) -> list[Reply]:
    moderators = ctx.services.config.moderators
    lines = [
        ctx.t("moderators.line", platform=platform, ids=", ".join(sorted(ids)))
        for platform, ids in sorted(moderators.items())
        if ids
    ]
    listed = Raw("\n".join(lines)) if lines else Raw(ctx.t("moderators.none"))
    return [ctx.reply("moderators.list", lines=listed, private=True)]


SPEC = CommandSpec(
    "moderateurs",
    handle,
    "help.moderateurs",
    aliases=("moderators",),
    localized={"en": "moderators"},
    moderator_only=True,
    answers_privately=True,
)
