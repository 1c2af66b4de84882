"""/abonner: this chat receives tally posts and moderator announcements."""

from __future__ import annotations

from bot.parsing import fold
from bot.seam import ChatKind, Reply
from commands.base import Argument, CommandSpec, Context, UserError
from storage.subscriptions import set_pinned, subscribe

PINNED_WORDS = {"epingle", "epinglee", "pinned", "pin"}


def require_chat_manager(ctx: Context) -> None:
    """In a group or channel only its admins or a moderator manage subscriptions."""
    sender = ctx.msg.sender
    if ctx.msg.chat.kind is not ChatKind.PRIVATE and not (
        sender.is_chat_admin or sender.is_moderator
    ):
        raise UserError("subscribe.admins_only")


async def handle(ctx: Context) -> list[Reply]:
    require_chat_manager(ctx)
    chat, db = ctx.msg.chat, ctx.services.db
    created = await subscribe(
        db, chat.platform, chat.id, chat.kind.value, ctx.language, ctx.services.clock()
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
    argument=Argument("mode", "arg.abonner", choices=(("epingle", "arg.abonner_pinned"),)),
)
