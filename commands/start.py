"""/start: the welcome, the campaign in two lines and a button for each first step.

A deep link opens the bot with a payload (`t.me/<bot>?start=<payload>`, Telegram's `/start
<payload>`): `engagement` (`pledge`) starts a pledge, `faits_<topic>` (`facts_<topic>`) shows
a topic's facts, and `src_<code>` welcomes a member brought by a campaign source, counted
under it (`commands.campaign_sources`).
"""

from __future__ import annotations

from dataclasses import replace

from bot.seam import Button, Reply
from commands import aide, compteur, faits, pledge, resilier
from commands.base import CommandSpec, Context
from commands.campaign_sources import arrived_through
from commands.fact_replies import TOPIC_MARK

# (label key, command) pairs, two buttons a row: what a newcomer comes to do.
FIRST_STEPS = (
    (("start.button_pledge", pledge.SPEC), ("start.button_facts", faits.SPEC)),
    (("start.button_tally", compteur.SPEC), ("start.button_guide", resilier.SPEC)),
    (("start.button_help", aide.SPEC),),
)
PLEDGE_PAYLOADS = ("engagement", "pledge")
TOPIC_PAYLOADS = ("faits_", "facts_")


async def handle(ctx: Context) -> list[Reply]:
    payload = ctx.msg.args.strip()
    if payload in PLEDGE_PAYLOADS:
        return await pledge.handle(_with_args(ctx, ""))
    if payload.startswith(TOPIC_PAYLOADS):
        topic = payload.split("_", 1)[1]
        return await faits.handle(_with_args(ctx, f"{TOPIC_MARK}{topic}"))
    await arrived_through(ctx, payload)
    buttons = tuple(
        tuple(Button(ctx.t(key), f"/{ctx.command_name(spec)}") for key, spec in row)
        for row in FIRST_STEPS
    )
    return [ctx.reply("start.text", buttons=buttons)]


def _with_args(ctx: Context, args: str) -> Context:
    return replace(ctx, msg=replace(ctx.msg, args=args))


SPEC = CommandSpec("start", handle, "help.start", aliases=("bienvenue", "welcome"))
