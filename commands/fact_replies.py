"""How facts, topics and their sources read in a reply, in the member's language."""

from __future__ import annotations

import asyncio
import re

from bot.fact_image import FactImageText, render_fact_image
from bot.facts.model import Article, Fact, FactBase, Topic
from bot.i18n import Raw
from bot.markup import escape, to_plain
from bot.seam import Button, Image, Reply
from commands.base import Context

# Button actions: short enough for Telegram's 64-byte callback data (ids are checked).
TOPIC_MARK, FACT_MARK = "#", "="


def topic_action(ctx: Context, topic: Topic) -> str:
    return ctx.action("faits", f"{TOPIC_MARK}{topic.id}")


def fact_action(ctx: Context, fact: Fact) -> str:
    return ctx.action("faits", f"{FACT_MARK}{fact.id}")


def image_action(ctx: Context, fact: Fact) -> str:
    return ctx.action("faits", f"{FACT_MARK}{fact.id}", ctx.word("image"))


def feedback_action(ctx: Context, question_id: int, helpful: bool) -> str:
    return ctx.action("avis", question_id, ctx.word("yes" if helpful else "no"))


def date_text(ctx: Context, date: str) -> str:
    """`2026-03-06` as "6 mars 2026" or "6 March 2026"; `2023-02` as "février 2023"."""
    year, month, *day = date.split("-")
    name = Raw(ctx.t(f"date.month_{int(month)}"))
    if not day:
        return ctx.t("date.month", month=name, year=year)
    key = "date.first_day" if int(day[0]) == 1 else "date.day"
    return ctx.t(key, day=int(day[0]), month=name, year=year)


# A title that quotes something, inside the quotation marks that name it: its own marks
# become the inner ones (« « QuitGPT » : … » reads “QuitGPT” inside « … »).
INNER_QUOTES = (
    (re.compile(r"“"), "\N{LEFT SINGLE QUOTATION MARK}"),
    (re.compile(r"”"), "\N{RIGHT SINGLE QUOTATION MARK}"),
    (re.compile(r"«\s*"), "“"),
    (re.compile(r"\s*»"), "”"),
)


def inner_quotes(title: str) -> str:
    for marks, inner in INNER_QUOTES:
        title = marks.sub(inner, title)
    return title


def where(ctx: Context, article: Article) -> Raw:
    """Where a member can read it: the publisher, else the article's title; and its date."""
    if article.publisher:
        text = escape(article.publisher)
    else:
        title = inner_quotes(article.title(ctx.language))
        text = ctx.t("facts.article", title=title)
    if article.date:
        text = ctx.t("facts.dated", origin=Raw(text), date=Raw(date_text(ctx, article.date)))
    return Raw(text)


def origin(ctx: Context, base: FactBase, fact: Fact) -> Raw:
    """Who said it and where: "MIT Technology Review, via Courrier international"."""
    article = where(ctx, base.article(fact.article))
    if not base.cites(fact):
        return article
    return Raw(ctx.t("facts.via", source=fact.source(ctx.language), publisher=article))


def topic_buttons(ctx: Context, base: FactBase) -> tuple[tuple[Button, ...], ...]:
    """Every topic as a button, and only so: a platform without buttons shows them as a
    list (the console prints each with the line it sends)."""
    return tuple((Button(t.label(ctx.language), topic_action(ctx, t)),) for t in base.topics)


def topics_reply(ctx: Context, base: FactBase, key: str, **params: object) -> Reply:
    return Reply(ctx.t(key, **params), topic_buttons(ctx, base))


def fact_list(ctx: Context, facts: tuple[Fact, ...]) -> tuple[Raw, tuple[tuple[Button, ...], ...]]:
    lines = [ctx.t("facts.item", title=fact.title(ctx.language)) for fact in facts]
    buttons = tuple((Button(f.title(ctx.language), fact_action(ctx, f)),) for f in facts)
    return Raw("\n".join(lines)), buttons


def topic_reply(ctx: Context, base: FactBase, topic: Topic) -> Reply:
    """A topic's facts, as buttons only (like the topics)."""
    _, buttons = fact_list(ctx, base.facts_of(topic.id))
    return ctx.reply("facts.topic", buttons=buttons, label=topic.label(ctx.language))


def fact_reply(
    ctx: Context,
    base: FactBase,
    fact: Fact,
    see_also: tuple[Fact, ...],
    feedback_id: int | None = None,
    wrong_figures: tuple[str, ...] = (),
) -> Reply:
    """The fact with its source, the related facts, and the "did this help?" buttons; when the
    question stated figures the fact does not, the fact comes as a correction of them."""
    parts = [corrected_card(ctx, base, fact, wrong_figures)]
    buttons: tuple[tuple[Button, ...], ...] = ()
    if see_also:
        items, buttons = fact_list(ctx, see_also)
        parts.append(ctx.t("facts.see_also", facts=items))
    buttons = (*buttons, (Button(ctx.t("facts.share_image"), image_action(ctx, fact)),))
    if feedback_id is not None:
        parts.append(ctx.t("facts.ask_feedback"))
        yes = Button(ctx.t("facts.yes"), feedback_action(ctx, feedback_id, helpful=True))
        no = Button(ctx.t("facts.no"), feedback_action(ctx, feedback_id, helpful=False))
        buttons = (*buttons, (yes, no))
    return Reply("\n\n".join(parts), buttons)


async def fact_image_reply(ctx: Context, base: FactBase, fact: Fact) -> Reply:
    """The fact as an image to share, with its card as the caption (and the image's alt)."""
    card = fact_card(ctx, base, fact)
    source = to_plain(ctx.t("facts.source", origin=origin(ctx, base, fact)))
    if date := base.article(fact.article).date:  # "6 mars 2026" kept on one line
        written = to_plain(date_text(ctx, date))
        source = source.replace(written, written.replace(" ", "\u00a0"))
    text = FactImageText(
        to_plain(ctx.t("card.campaign")),
        fact.title(ctx.language),
        fact.statement(ctx.language),
        source,
        to_plain(ctx.t("card.footer")),
    )
    png = await asyncio.to_thread(render_fact_image, text)
    return Reply(card, image=Image(png, to_plain(card)))


def unsourced_reply(
    ctx: Context, base: FactBase, names: tuple[str, ...], nearby: Fact | None
) -> Reply:
    """No sourced fact about `names`; what the sources say nearby, introduced as such, or the
    topics."""
    if nearby is None:
        said = unsourced_text(ctx, names)
        return Reply(ctx.t("facts.unsourced_topics", unsourced=Raw(said)), topic_buttons(ctx, base))
    return Reply(nearby_text(ctx, base, names, nearby), (_topics_button(ctx),))


def unsourced_text(ctx: Context, names: tuple[str, ...]) -> str:
    return ctx.t("facts.unsourced", names=Raw(listing(ctx, [escape(n) for n in names])))


def nearby_text(ctx: Context, base: FactBase, names: tuple[str, ...], nearby: Fact) -> str:
    """No source says this of `names`; then what the sources do say nearby, as such."""
    card = ctx.t("facts.nearby", fact=Raw(fact_card(ctx, base, nearby)))
    return f"{unsourced_text(ctx, names)}\n\n{card}"


def corrected_card(ctx: Context, base: FactBase, fact: Fact, wrong_figures: tuple[str, ...]) -> str:
    """The fact's card, introduced as a correction of the figures the question stated."""
    card = fact_card(ctx, base, fact)
    if not wrong_figures:
        return card
    figures = Raw(listing(ctx, [ctx.t("facts.quoted", text=f) for f in wrong_figures]))
    return f"{ctx.t('facts.correction', figures=figures)}\n\n{card}"


def fact_card(ctx: Context, base: FactBase, fact: Fact) -> str:
    source = ctx.t("facts.source", origin=origin(ctx, base, fact))
    return ctx.t(
        "facts.fact",
        title=fact.title(ctx.language),
        statement=fact.statement(ctx.language),
        source=Raw(source),
    )


def listing(ctx: Context, items: list[str]) -> str:
    """« Apple », « Apple et Trump », « Apple, Meta et Trump » (items already marked up)."""
    if len(items) < 2:
        return "".join(items)
    return ctx.t("facts.list", items=Raw(", ".join(items[:-1])), last=Raw(items[-1]))


def _topics_button(ctx: Context) -> tuple[Button, ...]:
    return (Button(ctx.t("facts.topics_button"), ctx.action("faits")),)
