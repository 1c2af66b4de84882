"""/mesdonnees: everything the bot keeps about the member, shown to them only."""

from __future__ import annotations

from bot.i18n import Raw
from bot.seam import Button, Reply
from commands.base import CommandSpec, Context
from commands.personal_data import my_data
from commands.pledging import kinds_text, member_of, platform_name, when
from storage.pledges import Pledge


def _pledge_line(ctx: Context, pledge: Pledge) -> str:
    done = (
        ctx.t("mydata.done_no")
        if pledge.done_at is None
        else ctx.t("mydata.done_yes", date=when(pledge.done_at))
    )
    return ctx.t(
        "mydata.pledge",
        key=pledge.member,
        platform=platform_name(pledge.platform),
        kinds=kinds_text(ctx.t, pledge.kinds),
        date=when(pledge.pledged_at),
        version=pledge.notice_version,
        done=Raw(done),
    )


async def handle(ctx: Context) -> list[Reply]:
    data = await my_data(ctx)
    if data.empty:
        return [ctx.reply("mydata.none", private=True)]
    lines = [] if data.pledge is None else [_pledge_line(ctx, data.pledge)]
    if data.private_subscription:
        lines.append(ctx.t("mydata.subscription"))
    if data.pending_posts:
        lines.append(ctx.t("mydata.pending_posts", count=data.pending_posts))
    if data.audit_entries:
        lines.append(ctx.t("mydata.audit", count=data.audit_entries, key=member_of(ctx)))
    if data.announcements:
        lines.append(ctx.t("mydata.announcements", count=data.announcements))
    forget = Button(ctx.t("mydata.button_forget"), "/oubli")
    return [
        ctx.reply("mydata.text", lines=Raw("\n".join(lines)), buttons=((forget,),), private=True)
    ]


SPEC = CommandSpec(
    "mesdonnees", handle, "help.mesdonnees", aliases=("mydata",), localized={"en": "mydata"}
)
