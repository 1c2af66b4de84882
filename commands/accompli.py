"""/accompli: the member did it — their ChatGPT subscription is cancelled."""

from __future__ import annotations

from bot.i18n import number
from bot.seam import Reply
from commands.base import CommandSpec, Context, UserError
from commands.pledging import member_of, when
from storage.pledges import get_pledge, mark_pledge_done
from storage.tally import get_tally


async def handle(ctx: Context) -> list[Reply]:
    services, member = ctx.services, member_of(ctx)
    if await mark_pledge_done(services.db, member, services.clock()) is None:
        pledge = await get_pledge(services.db, member)
        if pledge is None or pledge.done_at is None:
            raise UserError("pledge.none")
        return [ctx.reply("done.already", date=when(ctx, pledge.done_at), private=True)]
    tally = await get_tally(services.db, services.clock())
    return [
        ctx.reply(
            "done.thanks",
            done=number(ctx.t, tally.done),
            total=number(ctx.t, tally.total),
            private=True,
            edit=ctx.msg.from_button,
        )
    ]


SPEC = CommandSpec(
    "accompli",
    handle,
    "help.accompli",
    aliases=("done",),
    localized={"en": "done"},
    answers_privately=True,
)
