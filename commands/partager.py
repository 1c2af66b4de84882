"""/partager: a member chooses to say in the chat that they pledged.

Pledges are private by default (a political opinion); this is the one reply
about a member's pledge that is public, and only because they asked for it.
Nothing is stored: the post is built from the pledge and the tally.
"""

from __future__ import annotations

from bot.i18n import Raw, number
from bot.seam import Reply
from commands.base import CommandSpec, Context, UserError
from commands.pledging import kinds_text, member_of


async def handle(ctx: Context) -> list[Reply]:
    services = ctx.services
    pledge = await services.storage.pledges.get_pledge(member_of(ctx))
    if pledge is None:
        raise UserError("pledge.none")
    tally = await services.storage.pledges.get_tally(services.clock())
    key = "share.done" if pledge.done_at is not None else "share.pledged"
    us = ctx.t("share.tally", total=number(ctx.t, tally.total))
    text = ctx.t(key, kinds=kinds_text(ctx.t, pledge.kinds), tally=Raw(us))
    return [Reply(text)]


SPEC = CommandSpec(
    "partager", handle, "help.partager", aliases=("share",), localized={"en": "share"}
)
