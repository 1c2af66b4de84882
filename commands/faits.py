"""/faits: the topics, one topic's facts, one fact, or the answer to a question."""

from __future__ import annotations

from bot.facts.search import FactIndex
from bot.facts.words import terms, words
from bot.seam import Reply
from commands.base import CommandSpec, Context
from commands.fact_replies import (
    FACT_MARK,
    TOPIC_MARK,
    fact_reply,
    topic_reply,
    topics_reply,
)
from storage.fact_questions import add_answered_question, add_unanswered_question

SEE_ALSO = 2


async def handle(ctx: Context) -> list[Reply]:
    # One index for the whole answer, even if /recharger swaps it meanwhile.
    index = ctx.services.facts
    text = ctx.msg.args.strip()
    if text.startswith((TOPIC_MARK, FACT_MARK)):
        return [_browse(ctx, index, text)]
    if not terms(text):  # nothing to look up: "/faits", "bonjour", "merci"
        return [topics_reply(ctx, index.base, "facts.intro")]
    return [await _answer(ctx, index, text)]


def _browse(ctx: Context, index: FactIndex, text: str) -> Reply:
    """A topic's facts (`#topic`) or one fact (`=fact`), as the buttons ask."""
    base, mark, ident = index.base, text[0], text[1:].strip()
    topic = base.topic(ident) if mark == TOPIC_MARK else None
    if topic is not None:
        return topic_reply(ctx, base, topic)
    fact = base.fact(ident) if mark == FACT_MARK else None
    if fact is None:
        return topics_reply(ctx, base, "facts.unknown_entry")
    others = tuple(f for f in base.facts_of(fact.topic) if f != fact)
    return fact_reply(ctx, base, fact, others[:SEE_ALSO])


async def _answer(ctx: Context, index: FactIndex, question: str) -> Reply:
    services = ctx.services
    folded = " ".join(words(question))
    answer = index.answer(question)
    if answer is None:
        await add_unanswered_question(services.db, question, folded, services.clock())
        return topics_reply(ctx, index.base, "facts.not_found", question=question)
    question_id = await add_answered_question(
        services.db, question, folded, answer.fact.id, services.clock()
    )
    return fact_reply(ctx, index.base, answer.fact, answer.see_also, feedback_id=question_id)


SPEC = CommandSpec("faits", handle, "help.faits", aliases=("facts",), localized={"en": "facts"})
