"""/oubli: erase everything kept about the member, after a confirmation."""

from __future__ import annotations

from bot.parsing import fold
from bot.seam import Button, Reply
from commands.base import CommandSpec, Context
from commands.personal_data import erase_other_data, other_data
from commands.pledging import member_of
from storage.pledges import delete_pledge, get_pledge

CONFIRM = {"confirmer", "confirm"}


async def handle(ctx: Context) -> list[Reply]:
    db, member = ctx.services.db, member_of(ctx)
    if fold(ctx.msg.args) in CONFIRM:
        # The pledge goes, and the tally with it; so do the private subscription and audit rows.
        erased = await delete_pledge(db, member)
        erased = await erase_other_data(ctx) or erased
        key = "forget.done" if erased else "forget.nothing"
        return [ctx.reply(key, private=True, edit=ctx.msg.from_button)]
    if await get_pledge(db, member) is None and (await other_data(ctx)).empty:
        return [ctx.reply("forget.nothing", private=True)]
    confirm = Button(ctx.t("forget.button_confirm"), "/oubli confirmer")
    return [ctx.reply("forget.confirm", buttons=((confirm,),), private=True)]


SPEC = CommandSpec("oubli", handle, "help.oubli", aliases=("forget",), localized={"en": "forget"})
