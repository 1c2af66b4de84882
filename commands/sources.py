"""/sources: the articles the facts come from, who they cite, and when."""

from __future__ import annotations

from bot.i18n import Raw
from bot.seam import Reply
from commands.base import CommandSpec, Context
from commands.fact_replies import origin


async def handle(ctx: Context) -> list[Reply]:
    base = ctx.services.facts.base
    lines = []
    for article in base.articles:
        cited = [f.source for f in base.facts if f.article == article.id]
        cited = [s for s in dict.fromkeys(cited) if s != article.publisher]
        params = {
            "title": article.title(ctx.language),
            "origin": origin(ctx, article.publisher, article),
        }
        if cited:
            lines.append(ctx.t("sources.item_cites", sources=", ".join(cited), **params))
        else:
            lines.append(ctx.t("sources.item", **params))
    return [ctx.reply("sources.list", articles=Raw("\n".join(lines)))]


SPEC = CommandSpec("sources", handle, "help.sources")
