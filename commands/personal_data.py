"""Everything kept about the member who is asking: found and erased together."""

from __future__ import annotations

from dataclasses import dataclass

from commands.base import Context
from commands.pledging import asker_of, member_of
from storage.api.records import MemberData, MemberQuestions


@dataclass(frozen=True, slots=True)
class MyData:
    stored: MemberData
    questions: MemberQuestions

    @property
    def empty(self) -> bool:
        return self.stored.empty and not (
            self.questions.awaiting_feedback or self.questions.queued_today
        )


async def my_data(ctx: Context) -> MyData:
    msg, services = ctx.msg, ctx.services
    stored = await services.storage.members.member_data(msg.platform, member_of(ctx), msg.sender.id)
    questions = await services.storage.questions.member_question_data(
        asker_of(ctx), services.clock()
    )
    return MyData(stored, questions)


async def erase_my_data(ctx: Context) -> bool:
    """Erase it all, then make sure no old copy of it stays in the database's files;
    True if there was anything."""
    msg, services = ctx.msg, ctx.services
    services.arrivals.forget(member_of(ctx))
    erased = await services.storage.members.erase_member(
        msg.platform, member_of(ctx), msg.sender.id, asker_of(ctx), services.clock()
    )
    await services.storage.members.destroy_erased()
    return erased > 0
