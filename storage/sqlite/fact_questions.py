"""Questions put to the fact base, kept as text only, and the moderators' queue.

An answered question also keeps, until its "did this help?" is answered, a hash
of who asked, so that nobody else can answer for them. How many questions each
member added to the queue today is counted apart, under another hash.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.api.askers import feedback_key, queued_count_key, utc_day
from storage.api.records import (
    KEEP_ANSWERED,
    KEEP_QUEUED,
    QUEUE_LENGTH,
    QUEUED_PER_DAY,
    Asker,
    MemberQuestions,
    QueuedQuestion,
)
from storage.sqlite.db import SqliteArea, stamp


class SqliteFactQuestions(SqliteArea):
    async def add_answered_question(
        self, question: str, folded: str, fact: str, asker: Asker, now: datetime
    ) -> int:
        """Keep an answered question for its asker's feedback button; returns its id."""
        async with self._db.write() as conn:
            await _prune(conn, now)
            cursor = await conn.execute(
                "INSERT INTO fact_questions (question, folded, fact, asked_at, asker)"
                " VALUES (?, ?, ?, ?, ?)",
                (question, folded, fact, stamp(now), feedback_key(asker)),
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    async def add_unanswered_question(
        self, question: str, folded: str, asker: Asker, now: datetime
    ) -> None:
        """Queue a question that found nothing, unless its asker reached today's cap."""
        async with self._db.write() as conn:
            await _prune(conn, now)
            if await _count_queued(conn, asker, now):
                await conn.execute(
                    "INSERT INTO fact_questions (question, folded, asked_at) VALUES (?, ?, ?)",
                    (question, folded, stamp(now)),
                )

    async def record_feedback(
        self, question_id: int, asker: Asker, helpful: bool, now: datetime
    ) -> bool:
        """Note whether an answer helped, once and only from its asker, then forget who asked.

        An unhelpful answer joins the moderators' queue, unless its asker reached today's cap.
        False when there is nothing to note: pruned, never existed, nothing was answered,
        already noted, or asked by someone else; the caller cannot tell which.
        """
        async with self._db.write() as conn:
            await _prune(conn, now)
            cursor = await conn.execute(
                "UPDATE fact_questions SET helpful = ?, asker = NULL WHERE id = ? AND asker = ?",
                (int(helpful), question_id, feedback_key(asker)),
            )
            if cursor.rowcount != 1:
                return False
            if not helpful and not await _count_queued(conn, asker, now):
                await conn.execute("DELETE FROM fact_questions WHERE id = ?", (question_id,))
            return True

    async def list_question_queue(self, limit: int = QUEUE_LENGTH) -> list[QueuedQuestion]:
        """Unanswered and unhelpfully answered questions, the most frequent first."""
        # With MAX(), SQLite takes the bare `question` column from the latest row.
        rows = await self._db.fetchall(
            "SELECT question, fact, COUNT(*) AS count, MAX(id) AS latest"
            " FROM fact_questions WHERE fact IS NULL OR helpful = 0"
            " GROUP BY folded, fact ORDER BY count DESC, latest DESC LIMIT ?",
            (limit,),
        )
        return [QueuedQuestion(row["question"], row["fact"], row["count"]) for row in rows]

    async def member_question_data(self, asker: Asker, now: datetime) -> MemberQuestions:
        awaiting = await self._db.fetchone(
            "SELECT COUNT(*) AS count FROM fact_questions WHERE asker = ? AND asked_at >= ?",
            (feedback_key(asker), stamp(now - KEEP_ANSWERED)),
        )
        queued = await self._db.fetchone(
            "SELECT count FROM queued_counts WHERE counter = ?", (queued_count_key(asker, now),)
        )
        return MemberQuestions(
            awaiting["count"] if awaiting else 0, queued["count"] if queued else 0
        )


async def _count_queued(conn: aiosqlite.Connection, asker: Asker, now: datetime) -> bool:
    """Count one more question the asker queues today; False, counting nothing, past the cap."""
    day = utc_day(now)
    cursor = await conn.execute(
        "INSERT INTO queued_counts (counter, day, count) VALUES (?, ?, 1)"
        " ON CONFLICT (counter) DO UPDATE SET count = count + 1 WHERE count < ?",
        (queued_count_key(asker, now), day, QUEUED_PER_DAY),
    )
    return cursor.rowcount == 1


async def _prune(conn: aiosqlite.Connection, now: datetime) -> None:
    """Drop answered questions past their feedback day, queued ones past three months,
    and the counts of days that are over.

    Each statement reads through an index only the rows it deletes, so this stays cheap on
    every question however long the moderators' queue grows.
    """
    await conn.execute(
        "DELETE FROM fact_questions WHERE fact IS NOT NULL AND helpful IS NOT 0 AND asked_at < ?",
        (stamp(now - KEEP_ANSWERED),),
    )
    await conn.execute("DELETE FROM fact_questions WHERE asked_at < ?", (stamp(now - KEEP_QUEUED),))
    await conn.execute("DELETE FROM queued_counts WHERE day < ?", (utc_day(now),))


async def delete_member_questions(conn: aiosqlite.Connection, asker: Asker, now: datetime) -> int:
    """In the caller's transaction, delete the member's answered questions awaiting feedback
    and today's count of their queued questions; how many rows went."""
    await _prune(conn, now)
    answered = await conn.execute(
        "DELETE FROM fact_questions WHERE asker = ?", (feedback_key(asker),)
    )
    counted = await conn.execute(
        "DELETE FROM queued_counts WHERE counter = ?", (queued_count_key(asker, now),)
    )
    return answered.rowcount + counted.rowcount
