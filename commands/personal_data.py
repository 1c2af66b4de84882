"""Everything kept about the member who is asking: found and erased together."""

from __future__ import annotations

from commands.base import Context
from commands.pledging import member_of
from storage.members import MemberData, erase_member, member_data


async def my_data(ctx: Context) -> MemberData:
    msg = ctx.msg
    return await member_data(ctx.services.db, msg.platform, member_of(ctx), msg.sender.id)


async def erase_my_data(ctx: Context) -> bool:
    """Erase it all, then empty the WAL so that no old copy of it stays in the file;
    True if there was anything."""
    msg, services = ctx.msg, ctx.services
    erased = await erase_member(
        services.db, msg.platform, member_of(ctx), msg.sender.id, services.clock()
    )
    await services.db.truncate_wal()
    return erased > 0
