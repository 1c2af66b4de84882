"""/mesdonnees: everything the bot keeps about the member, shown to them only."""

from __future__ import annotations

from bot.i18n import Raw
from bot.seam import Button, Reply
from commands.base import CommandSpec, Context
from commands.personal_data import other_data
from commands.pledging import kinds_text, member_of, platform_name, when
from storage.pledges import get_pledge


async def handle(ctx: Context) -> list[Reply]:
    pledge = await get_pledge(ctx.services.db, member_of(ctx))
    other = await other_data(ctx)
    if pledge is None and other.empty:
        return [ctx.reply("mydata.none", private=True)]
    lines = []
    if pledge is not None:
        done = (
            ctx.t("mydata.done_no")
            if pledge.done_at is None
            else ctx.t("mydata.done_yes", date=when(pledge.done_at))
        )
        lines.append(
            ctx.t(
                "mydata.pledge",
                key=pledge.member,
                platform=platform_name(pledge.platform),
                kinds=kinds_text(ctx.t, pledge.kinds),
                date=when(pledge.pledged_at),
                version=pledge.notice_version,
                done=Raw(done),
            )
        )
    if other.subscription is not None:
        lines.append(ctx.t("mydata.subscription", chat=other.subscription.chat_id))
    if other.refusals:
        lines.append(ctx.t("mydata.refusals", count=other.refusals))
    forget = Button(ctx.t("mydata.button_forget"), "/oubli")
    return [
        ctx.reply("mydata.text", lines=Raw("\n".join(lines)), buttons=((forget,),), private=True)
    ]


SPEC = CommandSpec(
    "mesdonnees", handle, "help.mesdonnees", aliases=("mydata",), localized={"en": "mydata"}
)
