"""/mesdonnees: everything the bot keeps about the member, shown to them only."""

from __future__ import annotations

from bot.i18n import Raw, number
from bot.seam import Button, Reply
from commands.base import CommandSpec, Context
from commands.personal_data import my_data
from commands.pledging import kinds_text, member_of, platform_name, when
from storage.api.records import NoticeKind, Pledge


def _pledge_line(ctx: Context, pledge: Pledge) -> str:
    done = (
        ctx.t("mydata.done_no")
        if pledge.done_at is None
        else ctx.t("mydata.done_yes", date=when(ctx, pledge.done_at))
    )
    condition = (
        ""
        if pledge.threshold is None
        else "\n" + ctx.t("mydata.conditional", count=number(ctx.t, pledge.threshold))
    )
    return (
        ctx.t(
            "mydata.pledge",
            key=pledge.member,
            platform=platform_name(pledge.platform),
            kinds=kinds_text(ctx.t, pledge.kinds),
            date=when(ctx, pledge.pledged_at),
            version=pledge.notice_version,
            done=Raw(done),
        )
        + condition
    )


async def _notice_lines(ctx: Context) -> list[str]:
    """The private messages asked for, each kept with a sealed reference to the chat."""
    notices = await ctx.services.storage.notices.member_notices(member_of(ctx))
    lines = [ctx.t("mydata.notice")] if NoticeKind.FIRM in notices else []
    if (due := notices.get(NoticeKind.FOLLOWUP)) is not None:
        lines.append(ctx.t("mydata.followup", date=when(ctx, due)))
    return lines


async def handle(ctx: Context) -> list[Reply]:
    mine = await my_data(ctx)
    note = Raw(ctx.t("mydata.questions_note"))
    source = ctx.services.arrivals.held(member_of(ctx), ctx.services.clock())
    if mine.empty and source is None:
        return [ctx.reply("mydata.none", questions=note, private=True)]
    data, questions = mine.stored, mine.questions
    lines = [] if data.pledge is None else [_pledge_line(ctx, data.pledge)]
    lines += [ctx.t("mydata.source", code=source)] if source else []
    if data.notices:
        lines += await _notice_lines(ctx)
    counted = (
        ("mydata.subscription", int(data.private_subscription)),
        ("mydata.pending_posts", data.pending_posts),
        ("mydata.audit", data.audit_entries),
        ("mydata.announcements", data.announcements),
        ("mydata.questions_awaiting", questions.awaiting_feedback),
        ("mydata.questions_today", questions.queued_today),
    )
    lines += [ctx.t(key, count=n, key=member_of(ctx)) for key, n in counted if n]
    forget = Button(ctx.t("mydata.button_forget"), ctx.action("oubli"))
    return [
        ctx.reply(
            "mydata.text",
            lines=Raw("\n".join(lines)),
            questions=note,
            buttons=((forget,),),
            private=True,
        )
    ]


SPEC = CommandSpec(
    "mesdonnees",
    handle,
    "help.mesdonnees",
    aliases=("mydata",),
    localized={"en": "mydata"},
    answers_privately=True,
)
