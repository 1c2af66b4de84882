"""Everything kept about the member who is asking: found and erased together."""

from __future__ import annotations

from dataclasses import dataclass

from commands.base import Context
from commands.pledging import asker_of, member_of
from storage.fact_questions import MemberQuestions, member_question_data
from storage.members import MemberData, erase_member, member_data


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
    stored = await member_data(services.db, msg.platform, member_of(ctx), msg.sender.id)
    questions = await member_question_data(services.db, asker_of(ctx), services.clock())
    return MyData(stored, questions)


async def erase_my_data(ctx: Context) -> bool:
    """Erase it all, then empty the WAL so that no old copy of it stays in the file;
    True if there was anything."""
    msg, services = ctx.msg, ctx.services
    services.arrivals.forget(member_of(ctx))
    erased = await erase_member(
        services.db, msg.platform, member_of(ctx), msg.sender.id, asker_of(ctx), services.clock()
    )
    await services.db.truncate_wal()
    return erased > 0
