"""Everything kept about one member besides the pledge: found and erased together."""

from __future__ import annotations

from dataclasses import dataclass

from bot.seam import ChatKind
from commands.base import Context
from commands.pledging import member_of
from storage.audit import count_audit_by, delete_audit_by
from storage.subscriptions import Subscription, get_subscription, unsubscribe


@dataclass(frozen=True, slots=True)
class OtherData:
    subscription: Subscription | None
    refusals: int

    @property
    def empty(self) -> bool:
        return self.subscription is None and not self.refusals


async def private_subscription(ctx: Context) -> Subscription | None:
    """The member's own private chat subscription: this chat when private, else the
    private chat platforms key by the user id (Telegram, the console)."""
    msg, db = ctx.msg, ctx.services.db
    chat_id = msg.chat.id if msg.chat.kind is ChatKind.PRIVATE else msg.sender.id
    sub = await get_subscription(db, msg.platform, chat_id)
    return sub if sub is not None and sub.chat_kind == ChatKind.PRIVATE.value else None


async def other_data(ctx: Context) -> OtherData:
    refusals = await count_audit_by(ctx.services.db, ctx.msg.platform, member_of(ctx))
    return OtherData(await private_subscription(ctx), refusals)


async def erase_other_data(ctx: Context) -> bool:
    """Erase the member's private subscription and audit entries; True if there were any."""
    data = await other_data(ctx)
    if data.subscription is not None:
        await unsubscribe(ctx.services.db, data.subscription.platform, data.subscription.chat_id)
    if data.refusals:
        await delete_audit_by(ctx.services.db, ctx.msg.platform, member_of(ctx))
    return not data.empty
