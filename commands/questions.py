"""/questions (moderators): what members asked that the fact base did not answer well."""

from __future__ import annotations

from bot.i18n import Raw
from bot.redact import redact
from bot.seam import Reply
from commands.base import CommandSpec, Context


async def handle(ctx: Context) -> list[Reply]:
    queue = await ctx.services.storage.questions.list_question_queue()
    if not queue:
        return [ctx.reply("questions.empty", private=True)]
    base = ctx.services.facts.base
    lines = []
    for entry in queue:
        # Redacted again for the questions kept before redaction came in.
        question = redact(entry.question)
        if entry.fact is None:
            lines.append(ctx.t("questions.unanswered", count=entry.count, question=question))
            continue
        fact = base.fact(entry.fact)
        title = fact.title(ctx.language) if fact else entry.fact  # gone since a reload
        lines.append(ctx.t("questions.unhelpful", count=entry.count, question=question, fact=title))
    return [ctx.reply("questions.list", private=True, questions=Raw("\n".join(lines)))]


SPEC = CommandSpec(
    "questions", handle, "help.questions", moderator_only=True, answers_privately=True
)
