"""/faits: the topics, one topic's facts, one fact, or the answer to a question."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.facts.knowledge import Answer, Correction, Finding, Knowledge, Unsourced, Wanted
from bot.facts.model import FactBase
from bot.facts.search import MIN_COVERAGE
from bot.facts.words import terms, words
from bot.redact import redact
from bot.seam import Reply
from commands.base import Argument, CommandSpec, Context, UserError
from commands.fact_replies import (
    FACT_MARK,
    TOPIC_MARK,
    fact_image_reply,
    fact_reply,
    topic_reply,
    topics_reply,
    unsourced_reply,
)
from commands.intents import wanted_reply
from commands.pledging import asker_of

if TYPE_CHECKING:
    from bot.services import Services

SEE_ALSO = 2
SUGGESTIONS = 10
FIGURE = re.compile(r"\d{3}")
# Members' questions run to 140 characters in the question sets; a page of text is not one.
MAX_QUESTION_CHARS = 500


async def handle(ctx: Context) -> list[Reply]:
    # One knowledge for the whole answer, even if /recharger swaps it meanwhile.
    known = ctx.services.facts
    text = ctx.msg.args.strip()
    if text.startswith((TOPIC_MARK, FACT_MARK)):
        return [await _browse(ctx, known.base, text)]
    free_text = ctx.msg.command is None
    if not _looks_up(text) and not free_text:  # "/faits", "/faits merci", "/faits 1=1"
        return [topics_reply(ctx, known.base, "facts.intro")]
    if len(text) > MAX_QUESTION_CHARS:  # and reading it would take seconds of CPU
        raise UserError("facts.too_long", max=MAX_QUESTION_CHARS, length=len(text))
    # Free text in a private chat may want a command rather than a fact, even in words
    # that look nothing up (« on est combien », "what are you for").
    found = await known.understand_soon(text, free_text)
    if isinstance(found, Wanted):
        return await wanted_reply(ctx, found.intent)
    if not _looks_up(text):  # "bonjour", "merci"
        return [topics_reply(ctx, known.base, "facts.intro")]
    return [await _answer(ctx, known, text, found)]


def _looks_up(text: str) -> bool:
    """Whether `text` has something to look up: a word that is not a little word, or a
    figure (« 17 000 »), not only digits and signs (« 1 », « 1=1 »)."""
    return bool(terms(text)) and (any(c.isalpha() for c in text) or bool(FIGURE.search(text)))


async def _browse(ctx: Context, base: FactBase, text: str) -> Reply:
    """A topic's facts (`#topic`), one fact (`=fact`) or its image (`=fact image`), as the
    buttons ask."""
    mark, (typed, _, option) = text[0], text[1:].strip().partition(" ")
    ident = typed.lower()  # the file's ids are in lower case: « #BROCKMAN » is « #brockman »
    topic = base.topic(ident) if mark == TOPIC_MARK else None
    if topic is not None:
        return topic_reply(ctx, base, topic)
    fact = base.fact(ident) if mark == FACT_MARK else None
    if fact is None:
        return topics_reply(ctx, base, "facts.unknown_entry")
    if option and ctx.means(option, "image"):
        return await fact_image_reply(ctx, base, fact)
    others = tuple(f for f in base.facts_of(fact.topic) if f != fact)
    return fact_reply(ctx, base, fact, others[:SEE_ALSO])


async def _answer(ctx: Context, known: Knowledge, question: str, found: Finding) -> Reply:
    services, base = ctx.services, known.base
    kept = redact(question)  # what is stored, and what moderators read
    folded = " ".join(words(kept))
    storage, asker, now = services.storage, asker_of(ctx), services.clock()
    if isinstance(found, (Answer, Correction)):
        services.metrics.fact_question("corrected" if isinstance(found, Correction) else "answered")
        question_id = await storage.questions.add_answered_question(
            kept, folded, found.fact.id, asker, now
        )
        figures = found.figures if isinstance(found, Correction) else ()
        return fact_reply(ctx, base, found.fact, found.see_also, question_id, figures)
    services.metrics.fact_question("refused")
    await storage.questions.add_unanswered_question(kept, folded, asker, now)
    if isinstance(found, Unsourced):
        return unsourced_reply(ctx, base, found.names, found.fact)
    return topics_reply(ctx, base, "facts.not_found", question=question)


async def suggest(services: Services, typed: str, language: str) -> list[tuple[str, str]]:
    """What to offer while a member types: the topics, then the facts that match so far."""
    index = services.facts.lexical
    if not terms(typed):
        return [(t.label(language), f"{TOPIC_MARK}{t.id}") for t in index.base.topics]
    matches = [m for m in index.rank(typed) if m.coverage >= MIN_COVERAGE]
    found = [(m.fact.title(language), f"{FACT_MARK}{m.fact.id}") for m in matches]
    # The member's own words stay the first choice: they may be asking a question.
    return [(typed, typed), *found][:SUGGESTIONS]


SPEC = CommandSpec(
    "faits",
    handle,
    "help.faits",
    aliases=("facts",),
    localized={"en": "facts"},
    argument=Argument("question", "arg.faits", suggest=suggest),
    anywhere=True,
)
