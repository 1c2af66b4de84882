"""Conditional pledges (« Je résilie si 10 000 autres le font ») and, by consent only, a
private message when one becomes firm: what `/pledge` offers, says and keeps for them."""

from __future__ import annotations

from bot.i18n import Raw, number
from bot.seam import Button, Reply
from commands.base import Context, UserError
from commands.pledging import NOTICE_VERSION, kinds_action, kinds_text, member_of, sealed_chat
from storage.api.records import Kind, NoticeKind, Pledge

Rows = tuple[tuple[Button, ...], ...]


def checked_threshold(ctx: Context, threshold: int | None) -> int | None:
    """Only the thresholds the moderators offer."""
    offered = ctx.services.config.pledge_thresholds
    if threshold is not None and threshold not in offered:
        counts = ", ".join(number(ctx.t, n).markup for n in offered)
        raise UserError("conditional.unknown_threshold", thresholds=Raw(counts))
    return threshold


def threshold_buttons(ctx: Context, kinds: Kind) -> Rows:
    """« Si 10 000 autres le font » for each threshold offered: each accepts the notice."""
    return tuple(
        (
            Button(
                ctx.t(
                    "conditional.button_if", kinds=kinds_text(ctx.t, kinds), count=number(ctx.t, n)
                ),
                ctx.action(
                    "pledge",
                    kinds_action(ctx, kinds),
                    f"{ctx.word('if')}{n}",
                    f"ok{NOTICE_VERSION}",
                ),
            ),
        )
        for n in ctx.services.config.pledge_thresholds
    )


def wants_notice(ctx: Context) -> bool:
    """`/pledge notify …` or `/pledge quiet`: about being told, not a pledge."""
    first = ctx.msg.args.split(maxsplit=1)[:1]
    return bool(first) and ctx.means(first[0], "notify", "quiet")


async def notice_choice(ctx: Context) -> list[Reply]:
    """Explain what is kept, then keep it once the member agrees; or forget it."""
    first, _, rest = ctx.msg.args.strip().partition(" ")
    storage, member = ctx.services.storage, member_of(ctx)
    edit = ctx.msg.from_button
    if ctx.means(first, "quiet"):
        forgotten = await storage.notices.forget_notice(member, NoticeKind.FIRM)
        key = "conditional.notify_off" if forgotten else "conditional.notify_none"
        return [ctx.reply(key, private=True, edit=edit)]
    pledge = await storage.pledges.get_pledge(member)
    if pledge is None or pledge.threshold is None:
        raise UserError("conditional.none")
    if not ctx.means(rest, "confirm"):
        agree = Button(
            ctx.t("conditional.button_agree"),
            ctx.action("pledge", ctx.word("notify"), ctx.word("confirm")),
        )
        return [
            ctx.reply("conditional.notify_notice", buttons=((agree,),), private=True, edit=edit)
        ]
    if not await storage.notices.keep_notice(member, NoticeKind.FIRM, sealed_chat(ctx)):
        raise UserError("conditional.none")  # made firm meanwhile
    return [ctx.reply("conditional.notify_on", private=True, edit=edit)]


async def waiting(ctx: Context, pledge: Pledge) -> tuple[str, Rows]:
    """For a conditional pledge: what it waits for, and a button to be told or not."""
    if pledge.threshold is None:
        return "", ()
    told = NoticeKind.FIRM in await ctx.services.storage.notices.member_notices(pledge.member)
    word, label = (
        ("quiet", "conditional.button_quiet") if told else ("notify", "conditional.button_notify")
    )
    text = ctx.t("conditional.waiting", count=number(ctx.t, pledge.threshold))
    return "\n" + text, ((Button(ctx.t(label), ctx.action("pledge", ctx.word(word))),),)


async def conditional_thanks(ctx: Context, pledge: Pledge) -> Reply:
    """A conditional pledge recorded: counted apart until its threshold is met."""
    tally = await ctx.services.storage.pledges.get_tally(ctx.services.clock())
    text = ctx.t(
        "conditional.thanks",
        kinds=kinds_text(ctx.t, pledge.kinds),
        count=number(ctx.t, pledge.threshold or 0),
        waiting=number(ctx.t, tally.conditional),
        total=number(ctx.t, tally.total),
    )
    notify = Button(ctx.t("conditional.button_notify"), ctx.action("pledge", ctx.word("notify")))
    return Reply(text, ((notify,),), private=True, edit=ctx.msg.from_button)
