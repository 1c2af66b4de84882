"""Cards a member posts in any chat (Telegram inline mode): facts with their source, and the
live counter, from the same search and premise guard as /faits."""

from __future__ import annotations

from bot.facts.knowledge import Answer, Correction, Finding, Unsourced
from bot.facts.model import Fact, FactBase
from bot.facts.words import terms
from bot.i18n import number
from bot.markup import to_plain
from bot.seam import Card
from commands.base import Context
from commands.fact_replies import corrected_card, fact_card, nearby_text, unsourced_text

# Facts offered before the member types anything: the first of each topic, up to this many.
TOP_FACTS = 5
# How much of a fact's statement the list shows under its title.
DESCRIPTION_CHARS = 120


async def share_cards(ctx: Context) -> list[Card]:
    """The cards for what the member typed after the bot's name (`ctx.msg.text`).

    Nothing is stored: the query arrives at each keystroke. A question the sources do not
    back gets no card that could read as a confirmation: a correction comes as one, a claim
    about someone no source names comes introduced as such, and a refused one gets none.
    """
    counter = await counter_card(ctx)
    known = ctx.services.facts
    query = ctx.msg.text.strip()
    if not terms(query):
        tops = [facts[0] for t in known.base.topics if (facts := known.base.facts_of(t.id))]
        return [counter, *(_fact(ctx, known.base, fact) for fact in tops[:TOP_FACTS])]
    found = await known.understand_soon(query)
    return [*_found(ctx, known.base, found), counter]


def _found(ctx: Context, base: FactBase, found: Finding) -> list[Card]:
    if isinstance(found, Answer):
        return [_fact(ctx, base, fact) for fact in (found.fact, *found.see_also)]
    if isinstance(found, Correction):
        text = corrected_card(ctx, base, found.fact, found.figures)
        return [_card(ctx, f"correction:{found.fact.id}", "inline.correction", found.fact, text)]
    if isinstance(found, Unsourced) and found.fact is not None:
        text = nearby_text(ctx, base, found.names, found.fact)
        title = to_plain(unsourced_text(ctx, found.names))
        return [Card(f"nearby:{found.fact.id}", title, _describe(found.fact, ctx), text)]
    return []


def _fact(ctx: Context, base: FactBase, fact: Fact) -> Card:
    return Card(
        f"fact:{fact.id}",
        to_plain(fact.title(ctx.language)),
        _describe(fact, ctx),
        fact_card(ctx, base, fact),
    )


def _card(ctx: Context, ident: str, title_key: str, fact: Fact, text: str) -> Card:
    title = ctx.t(title_key, title=fact.title(ctx.language))
    return Card(ident, to_plain(title), _describe(fact, ctx), text)


def _describe(fact: Fact, ctx: Context) -> str:
    text = to_plain(fact.statement(ctx.language))
    return text if len(text) <= DESCRIPTION_CHARS else text[: DESCRIPTION_CHARS - 1] + "…"


async def counter_card(ctx: Context) -> Card:
    tally = await ctx.services.storage.pledges.get_tally(ctx.services.clock())
    total = number(ctx.t, tally.total)
    text = ctx.t("inline.tally_text", total=total, done=number(ctx.t, tally.done))
    return Card("tally", to_plain(ctx.t("inline.tally_title", total=total)), to_plain(text), text)
