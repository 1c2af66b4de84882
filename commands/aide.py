"""/aide: every command this member may use, one line each."""

from __future__ import annotations

from bot.i18n import Raw
from bot.seam import Reply
from commands.base import CommandSpec, Context, visible_commands


def command_lines(ctx: Context) -> Raw:
    lines = [
        ctx.t("help.line", command=ctx.command_name(spec), description=Raw(ctx.t(spec.help_key)))
        for spec in visible_commands(ctx)
    ]
    return Raw("\n".join(lines))


async def handle(ctx: Context) -> list[Reply]:
    return [ctx.reply("help.text", commands=command_lines(ctx))]


SPEC = CommandSpec("aide", handle, "help.aide", aliases=("help",), localized={"en": "help"})
