"""/accompli: the member did what they pledged (cancel, delete the app, switch: one or several)."""

from __future__ import annotations

from bot.i18n import number
from bot.seam import Reply
from commands.base import CommandSpec, Context, UserError
from commands.pledging import kinds_text, member_of, when


async def handle(ctx: Context) -> list[Reply]:
    services, member = ctx.services, member_of(ctx)
    done = await services.storage.pledges.mark_pledge_done(member, services.clock())
    if done is None:
        pledge = await services.storage.pledges.get_pledge(member)
        if pledge is None or pledge.done_at is None:
            raise UserError("pledge.none")
        kinds = kinds_text(ctx.t, pledge.kinds)
        return [
            ctx.reply("done.already", kinds=kinds, date=when(ctx, pledge.done_at), private=True)
        ]
    services.wake_delivery()  # a conditional pledge carried out may meet others' thresholds
    tally = await services.storage.pledges.get_tally(services.clock())
    return [
        ctx.reply(
            "done.thanks",
            kinds=kinds_text(ctx.t, done.kinds),
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
