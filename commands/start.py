"""/start: the welcome, the campaign in two lines and a button for each first step."""

from __future__ import annotations

from bot.seam import Button, Reply
from commands import aide, compteur, faits, pledge, resilier
from commands.base import CommandSpec, Context

# (label key, command) pairs, two buttons a row: what a newcomer comes to do.
FIRST_STEPS = (
    (("start.button_pledge", pledge.SPEC), ("start.button_facts", faits.SPEC)),
    (("start.button_tally", compteur.SPEC), ("start.button_guide", resilier.SPEC)),
    (("start.button_help", aide.SPEC),),
)


async def handle(ctx: Context) -> list[Reply]:
    buttons = tuple(
        tuple(Button(ctx.t(key), f"/{ctx.command_name(spec)}") for key, spec in row)
        for row in FIRST_STEPS
    )
    return [ctx.reply("start.text", buttons=buttons)]


SPEC = CommandSpec("start", handle, "help.start", aliases=("bienvenue", "welcome"))
