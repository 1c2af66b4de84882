"""/abonner: this chat receives tally posts and moderator announcements."""

from __future__ import annotations

from bot.parsing import fold
from bot.seam import Reply
from commands.base import Argument, CommandSpec, Context
from storage.subscriptions import set_pinned, subscribe

PINNED_WORDS = {"epingle", "epinglee", "pinned", "pin"}


async def handle(ctx: Context) -> list[Reply]:
    chat, db = ctx.msg.chat, ctx.services.db
    created = await subscribe(
        db,
        chat.platform,
        chat.id,
        chat.kind.value,
        ctx.language,
        ctx.services.clock(),
        title=chat.title,
    )
    if fold(ctx.msg.args) in PINNED_WORDS:
        await set_pinned(db, chat.platform, chat.id, True)
        return [ctx.reply("subscribe.pinned")]
    return [ctx.reply("subscribe.done" if created else "subscribe.already")]


SPEC = CommandSpec(
    "abonner",
    handle,
    "help.abonner",
    aliases=("subscribe",),
    localized={"en": "subscribe"},
    chat_manager_only=True,
    argument=Argument("mode", "arg.abonner", choices=(("epingle", "arg.abonner_pinned"),)),
)
