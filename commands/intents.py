"""What free text gets when it asks for a command: the command, or a button to it.

A command that only shows something (the tally, the guide, the help) is run at once;
one that records something the member must choose (a pledge, having cancelled) is
offered on a button, with a line saying what it does.
"""

from __future__ import annotations

from dataclasses import replace

from bot.facts.phrasebook import Intent
from bot.seam import Button, Reply
from commands.base import Context


async def wanted_reply(ctx: Context, intent: Intent) -> list[Reply]:
    spec = next(s for s in ctx.services.commands if s.name == intent.command)
    if intent.run:
        message = replace(ctx.msg, command=spec.name, args="")
        return await spec.handle(replace(ctx, msg=message))
    button = Button(ctx.t(f"intent.{intent.id}.button"), f"/{ctx.command_name(spec)}")
    return [ctx.reply(f"intent.{intent.id}", buttons=((button,),))]
