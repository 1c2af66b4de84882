"""/start: the welcome, the campaign in two lines and the commands."""

from __future__ import annotations

from bot.seam import Reply
from commands.aide import command_lines
from commands.base import CommandSpec, Context


async def handle(ctx: Context) -> list[Reply]:
    return [ctx.reply("start.text", commands=command_lines(ctx))]


SPEC = CommandSpec("start", handle, "help.start", aliases=("bienvenue", "welcome"))
