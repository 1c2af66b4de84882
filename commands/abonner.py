"""/abonner: this chat receives tally posts and moderator announcements."""

from __future__ import annotations

from bot.parsing import fold
from bot.seam import Capability, Reply
from commands.base import Argument, CommandSpec, Context, UserError

PINNED_WORDS = {"epingle", "epinglee", "pinned", "pin"}
# What the bot must be able to do in a chat that receives the posts; pinned, also pin.
NEEDED = (Capability.SEE, Capability.POST)
CAPABILITY_KEYS = {
    Capability.SEE: "capability.see",
    Capability.POST: "capability.post",
    Capability.PIN: "capability.pin",
}


async def handle(ctx: Context) -> list[Reply]:
    chat, storage = ctx.msg.chat, ctx.services.storage
    pinned = fold(ctx.msg.args) in PINNED_WORDS
    needed = (*NEEDED, Capability.PIN) if pinned else NEEDED
    if missing := [c for c in needed if c in ctx.msg.bot_lacks]:
        names = ", ".join(ctx.t(CAPABILITY_KEYS[c]) for c in missing)
        raise UserError("subscribe.bot_cannot", missing=names)
    created = await storage.subscriptions.subscribe(
        chat.platform,
        chat.id,
        chat.kind.value,
        ctx.language,
        ctx.services.clock(),
        title=chat.title,
        topic=chat.topic,
    )
    if pinned:
        before = (
            None
            if created
            else await storage.subscriptions.get_subscription(chat.platform, chat.id)
        )
        if before is not None and before.pinned:
            return [ctx.reply("subscribe.pinned_already")]
        await storage.subscriptions.set_pinned(chat.platform, chat.id, True)
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
