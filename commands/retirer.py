"""/retirer: withdraw one's pledge; the tally goes down at once."""

from __future__ import annotations

from bot.i18n import number
from bot.seam import Reply
from commands.base import CommandSpec, Context, UserError
from commands.pledging import member_of


async def handle(ctx: Context) -> list[Reply]:
    services = ctx.services
    if not await services.storage.pledges.delete_pledge(member_of(ctx)):
        raise UserError("pledge.none")
    tally = await services.storage.pledges.get_tally(services.clock())
    return [
        ctx.reply(
            "withdraw.done",
            total=number(ctx.t, tally.total),
            private=True,
            edit=ctx.msg.from_button,
        )
    ]


SPEC = CommandSpec(
    "retirer",
    handle,
    "help.retirer",
    aliases=("withdraw",),
    localized={"en": "withdraw"},
    answers_privately=True,
)
