"""/oubli: erase everything kept about the member, after a confirmation."""

from __future__ import annotations

from bot.seam import Button, Reply
from commands.base import CommandSpec, Context
from commands.personal_data import erase_my_data, my_data


async def handle(ctx: Context) -> list[Reply]:
    data = await my_data(ctx)
    # Whether a pledge stops counting: said only to a member who has one.
    pledged = "" if data.stored.pledge is not None else "_no_pledge"
    if ctx.means(ctx.msg.args, "confirm"):
        key = f"forget.done{pledged}" if await erase_my_data(ctx) else "forget.nothing"
        return [ctx.reply(key, private=True, edit=ctx.msg.from_button)]
    if data.empty:
        return [ctx.reply("forget.nothing", private=True)]
    confirm = Button(ctx.t("forget.button_confirm"), ctx.action("oubli", ctx.word("confirm")))
    return [ctx.reply(f"forget.confirm{pledged}", buttons=((confirm,),), private=True)]


SPEC = CommandSpec(
    "oubli",
    handle,
    "help.oubli",
    aliases=("forget",),
    localized={"en": "forget"},
    answers_privately=True,
)
