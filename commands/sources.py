"""/sources: the articles the facts come from, who published them, when, and whom they cite."""

from __future__ import annotations

from bot.facts.model import Article, FactBase
from bot.i18n import Raw
from bot.markup import escape
from bot.seam import Reply
from commands.base import CommandSpec, Context
from commands.fact_replies import date_text


def article_line(ctx: Context, base: FactBase, article: Article) -> str:
    details = [escape(article.publisher)] if article.publisher else []
    if article.date:
        details.append(date_text(ctx, article.date))
    facts = [f for f in base.facts if f.article == article.id and base.cites(f)]
    cited = dict.fromkeys(f.source(ctx.language) for f in facts)
    return ctx.t(
        "sources.item",
        title=article.title(ctx.language),
        details=Raw(ctx.t("sources.details", details=Raw(", ".join(details))) if details else ""),
        cites=Raw(ctx.t("sources.cites", sources=", ".join(cited)) if cited else ""),
    )


async def handle(ctx: Context) -> list[Reply]:
    base = ctx.services.facts.base
    lines = [article_line(ctx, base, article) for article in base.articles]
    return [ctx.reply("sources.list", link_previews=False, articles=Raw("\n".join(lines)))]


SPEC = CommandSpec("sources", handle, "help.sources")
