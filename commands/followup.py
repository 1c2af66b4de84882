"""Follow-ups, by consent only: « Rappelle-moi dans 3 jours / 7 jours » after pledging, one
private message at that time with « C'est fait » (/accompli) and « Pas encore »."""

from __future__ import annotations

from datetime import timedelta

from bot.i18n import number
from bot.seam import Button, Reply
from commands.base import Context, UserError
from commands.pledging import member_of, sealed_chat, when
from storage.api.records import NoticeKind

DAYS = (3, 7)
Rows = tuple[tuple[Button, ...], ...]


def remind_buttons(ctx: Context) -> Rows:
    """« Rappelle-moi dans 3 jours », « … 7 jours »: each first shows what is kept."""
    return (
        tuple(
            Button(
                ctx.t("followup.button_in", days=number(ctx.t, days)),
                ctx.action("pledge", ctx.word("remind"), days),
            )
            for days in DAYS
        ),
    )


def wants_followup(ctx: Context) -> bool:
    first = ctx.msg.args.split(maxsplit=1)[:1]
    return bool(first) and ctx.means(first[0], "remind", "not_yet")


async def followup_choice(ctx: Context) -> list[Reply]:
    """`remind 3`: what is kept; `remind 3 confirm`: kept; `remind cancel`; `not_yet`."""
    first, *rest = ctx.msg.args.split()
    edit = ctx.msg.from_button
    if ctx.means(first, "not_yet"):
        guide = Button(ctx.t("pledge.button_guide"), ctx.action("resilier"))
        buttons = ((guide,), *remind_buttons(ctx))
        return [ctx.reply("followup.not_yet", buttons=buttons, private=True, edit=edit)]
    storage, member = ctx.services.storage, member_of(ctx)
    if rest and ctx.means(rest[0], "cancel"):
        forgotten = await storage.notices.forget_notice(member, NoticeKind.FOLLOWUP)
        key = "followup.cancelled" if forgotten else "followup.none"
        return [ctx.reply(key, private=True, edit=edit)]
    days = int(rest[0]) if rest and rest[0].isdigit() else 0
    if days not in DAYS:
        raise UserError("followup.unknown_delay")
    pledge = await storage.pledges.get_pledge(member)
    if pledge is None or pledge.done_at is not None:
        raise UserError("followup.no_pledge")
    if not (len(rest) > 1 and ctx.means(rest[1], "confirm")):
        agree = Button(
            ctx.t("followup.button_agree"),
            ctx.action("pledge", ctx.word("remind"), days, ctx.word("confirm")),
        )
        notice = ctx.reply(
            "followup.notice",
            days=number(ctx.t, days),
            buttons=((agree,),),
            private=True,
            edit=edit,
        )
        return [notice]
    due = ctx.services.clock() + timedelta(days=days)
    if not await storage.notices.keep_notice(member, NoticeKind.FOLLOWUP, sealed_chat(ctx), due):
        raise UserError("followup.no_pledge")  # withdrawn or carried out meanwhile
    cancel = Button(
        ctx.t("followup.button_cancel"),
        ctx.action("pledge", ctx.word("remind"), ctx.word("cancel")),
    )
    return [
        ctx.reply(
            "followup.set",
            date=when(ctx, due),
            buttons=((cancel,),),
            private=True,
            edit=edit,
        )
    ]
