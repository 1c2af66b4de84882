"""Campaign sources: the `src_<code>` deep links, the pledges they bring, counted as totals."""

from __future__ import annotations

import asyncio

from bot.i18n import Raw, number
from bot.qr import qr_png
from bot.seam import Image, Reply
from commands.base import Context
from commands.pledging import member_of
from storage.api.records import SourceCount

SOURCE_PREFIX = "src_"


async def arrived_through(ctx: Context, payload: str) -> bool:
    """Count an arrival through a configured source's link, and hold the source until the
    member pledges (in memory: `bot.arrivals`); False if `payload` names none."""
    code = payload.removeprefix(SOURCE_PREFIX)
    if not payload.startswith(SOURCE_PREFIX) or code not in ctx.services.config.sources:
        return False
    services = ctx.services
    await services.storage.sources.count_arrival(code)
    services.arrivals.arrived(member_of(ctx), code, services.clock())
    return True


async def credit_source(ctx: Context, member: str) -> None:
    """A new pledge of `member` (their key): counted under the source that brought them,
    if one did."""
    code = ctx.services.arrivals.take(member, ctx.services.clock())
    if code is not None:
        await ctx.services.storage.sources.count_source_pledge(code)


def telegram_link(ctx: Context, code: str) -> str | None:
    """The source's deep link, once the Telegram adapter has said where the bot is."""
    base = ctx.services.entry_links.get("telegram")
    return f"{base}?start={SOURCE_PREFIX}{code}" if base else None


async def source_counts_reply(ctx: Context) -> Reply:
    """Each configured source's arrivals and pledges (moderators)."""
    sources = ctx.services.config.sources
    if not sources:
        return ctx.reply("sources_admin.none", private=True)
    counts = await ctx.services.storage.sources.list_source_counts()
    lines = []
    for code in sources:
        count = counts.get(code, SourceCount(code, 0, 0))
        arrivals, pledges = number(ctx.t, count.arrivals), number(ctx.t, count.pledges)
        lines.append(ctx.t("sources_admin.line", code=code, arrivals=arrivals, pledges=pledges))
    return ctx.reply("sources_admin.counts", private=True, lines=Raw("\n".join(lines)))


async def source_links_replies(ctx: Context) -> list[Reply]:
    """The counts, then each source's link with its QR code (Telegram's deep links; Discord
    has no payload in its install link, which comes once)."""
    replies = [await source_counts_reply(ctx)]
    for code in ctx.services.config.sources:
        link = telegram_link(ctx, code)
        if link is None:
            command = f"/start {SOURCE_PREFIX}{code}"
            replies.append(
                ctx.reply("sources_admin.payload", private=True, code=code, command=command)
            )
            continue
        png = await asyncio.to_thread(qr_png, link)
        text = ctx.t("sources_admin.link", code=code, label=link, url=Raw(link))
        replies.append(Reply(text, image=Image(png, link), private=True))
    if discord := ctx.services.entry_links.get("discord"):
        replies.append(
            ctx.reply("sources_admin.discord", private=True, label=discord, url=Raw(discord))
        )
    return replies
