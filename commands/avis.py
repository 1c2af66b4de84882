"""/avis: the "did this help?" buttons under an answer from /faits."""

from __future__ import annotations

from bot.seam import Reply
from commands.base import CommandSpec, Context, UserError
from commands.pledging import asker_of

# Question ids are SQLite row ids; anything longer is not one of ours.
MAX_ID_DIGITS = 12


async def handle(ctx: Context) -> list[Reply]:
    """`/avis 42 oui`: the buttons send this; a stale, repeated, forged or someone else's
    press is told so politely, without saying which."""
    parts = ctx.msg.args.split()
    number = parts[0] if parts else ""
    if len(parts) != 2 or not (number.isascii() and number.isdigit()):
        raise UserError("feedback.typed")  # never what a button sends: typed by hand
    helpful = ctx.means(parts[1], "yes")
    if not helpful and not ctx.means(parts[1], "no"):
        raise UserError("feedback.typed")
    if len(number) > MAX_ID_DIGITS:
        raise UserError("feedback.expired")
    services = ctx.services
    if not await services.storage.questions.record_feedback(
        int(number), asker_of(ctx), helpful, services.clock()
    ):
        raise UserError("feedback.expired")
    return [ctx.reply("feedback.helpful" if helpful else "feedback.unhelpful", private=True)]


SPEC = CommandSpec(
    "avis",
    handle,
    "help.avis",
    aliases=("feedback",),
    localized={"en": "feedback"},
    listed=False,
    answers_privately=True,
)
