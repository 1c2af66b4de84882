"""Questions put to the fact base and the moderators' queue, on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import asyncpg

from storage.api.askers import feedback_key, queued_count_key
from storage.api.records import (
    KEEP_ANSWERED,
    KEEP_QUEUED,
    QUEUE_LENGTH,
    QUEUED_PER_DAY,
    Asker,
    MemberQuestions,
    QueuedQuestion,
)


def _day(now: datetime) -> date:
    return now.astimezone(UTC).date()


async def _prune(conn: asyncpg.Connection, now: datetime) -> None:
    """Answered questions past their feedback day, queued ones past three months, the
    counts of days that are over; each through an index on what it deletes."""
    await conn.execute(
        "DELETE FROM fact_questions WHERE fact IS NOT NULL AND helpful IS DISTINCT FROM false"
        " AND asked_at < $1",
        now - KEEP_ANSWERED,
    )
    await conn.execute("DELETE FROM fact_questions WHERE asked_at < $1", now - KEEP_QUEUED)
    await conn.execute("DELETE FROM queued_counts WHERE day < $1", _day(now))


async def _count_queued(conn: asyncpg.Connection, asker: Asker, now: datetime) -> bool:
    """Count one more question the asker queues today; False, counting nothing, past the cap."""
    status = await conn.execute(
        "INSERT INTO queued_counts (counter, day, count) VALUES ($1, $2, 1) ON CONFLICT (counter)"
        " DO UPDATE SET count = queued_counts.count + 1 WHERE queued_counts.count < $3",
        queued_count_key(asker, now),
        _day(now),
        QUEUED_PER_DAY,
    )
    return bool(status == "INSERT 0 1")


async def delete_member_questions(conn: asyncpg.Connection, asker: Asker, now: datetime) -> int:
    """In the caller's transaction: the member's answered questions awaiting feedback and
    today's count of their queued ones; how many rows went."""
    await _prune(conn, now)
    answered = await conn.execute(
        "DELETE FROM fact_questions WHERE asker = $1", feedback_key(asker)
    )
    counted = await conn.execute(
        "DELETE FROM queued_counts WHERE counter = $1", queued_count_key(asker, now)
    )
    return sum(int(status.rsplit(" ", 1)[-1]) for status in (answered, counted))


class PostgresFactQuestions:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def add_answered_question(
        self, question: str, folded: str, fact: str, asker: Asker, now: datetime
    ) -> int:
        async with self._pool.acquire() as conn, conn.transaction():
            await _prune(conn, now)
            question_id: int = await conn.fetchval(
                "INSERT INTO fact_questions (question, folded, fact, asked_at, asker)"
                " VALUES ($1, $2, $3, $4, $5) RETURNING id",
                question,
                folded,
                fact,
                now,
                feedback_key(asker),
            )
            return question_id

    async def add_unanswered_question(
        self, question: str, folded: str, asker: Asker, now: datetime
    ) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await _prune(conn, now)
            if await _count_queued(conn, asker, now):
                await conn.execute(
                    "INSERT INTO fact_questions (question, folded, asked_at) VALUES ($1, $2, $3)",
                    question,
                    folded,
                    now,
                )

    async def record_feedback(
        self, question_id: int, asker: Asker, helpful: bool, now: datetime
    ) -> bool:
        async with self._pool.acquire() as conn, conn.transaction():
            await _prune(conn, now)
            status = await conn.execute(
                "UPDATE fact_questions SET helpful = $1, asker = NULL WHERE id = $2 AND asker = $3",
                helpful,
                question_id,
                feedback_key(asker),
            )
            if status != "UPDATE 1":
                return False
            if not helpful and not await _count_queued(conn, asker, now):
                await conn.execute("DELETE FROM fact_questions WHERE id = $1", question_id)
            return True

    async def list_question_queue(self, limit: int = QUEUE_LENGTH) -> list[QueuedQuestion]:
        """Unanswered and unhelpfully answered questions, the most frequent first, each
        in its latest wording."""
        rows = await self._pool.fetch(
            "SELECT (array_agg(question ORDER BY id DESC))[1] AS question, fact,"
            " COUNT(*) AS count FROM fact_questions WHERE fact IS NULL OR NOT helpful"
            " GROUP BY folded, fact ORDER BY count DESC, MAX(id) DESC LIMIT $1",
            limit,
        )
        return [QueuedQuestion(row["question"], row["fact"], row["count"]) for row in rows]

    async def member_question_data(self, asker: Asker, now: datetime) -> MemberQuestions:
        row = await self._pool.fetchrow(
            "SELECT (SELECT COUNT(*) FROM fact_questions WHERE asker = $1 AND asked_at >= $2)"
            " AS awaiting, (SELECT count FROM queued_counts WHERE counter = $3) AS queued",
            feedback_key(asker),
            now - KEEP_ANSWERED,
            queued_count_key(asker, now),
        )
        return MemberQuestions(row["awaiting"], row["queued"] or 0)
