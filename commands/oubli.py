"""/oubli: erase everything kept about the member, after a confirmation."""

from __future__ import annotations

from bot.seam import Button, Reply
from commands.base import CommandSpec, Context
from commands.personal_data import erase_my_data, my_data


async def handle(ctx: Context) -> list[Reply]:
    if ctx.means(ctx.msg.args, "confirm"):
        key = "forget.done" if await erase_my_data(ctx) else "forget.nothing"
        return [ctx.reply(key, private=True, edit=ctx.msg.from_button)]
    if (await my_data(ctx)).empty:
        return [ctx.reply("forget.nothing", private=True)]
    confirm = Button(ctx.t("forget.button_confirm"), ctx.action("oubli", ctx.word("confirm")))
    return [ctx.reply("forget.confirm", buttons=((confirm,),), private=True)]


SPEC = CommandSpec(
    "oubli",
    handle,
    "help.oubli",
    aliases=("forget",),
    localized={"en": "forget"},
    answers_privately=True,
)
