"""Questions put to the fact base, kept as text only, and the moderators' queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import aiosqlite

from storage.db import Database, stamp

# Long enough for a member to press "did this help?", short enough to keep little.
KEEP_ANSWERED = timedelta(days=1)
# The moderators' queue forgets what nobody acted on in three months.
KEEP_QUEUED = timedelta(days=90)
QUEUE_LENGTH = 20


class Feedback(StrEnum):
    RECORDED = "recorded"
    ALREADY_GIVEN = "already_given"
    UNKNOWN = "unknown"  # pruned, never existed, or nothing was answered


@dataclass(frozen=True, slots=True)
class QueuedQuestion:
    question: str  # its latest wording
    fact: str | None  # the fact that did not help; None when nothing was found
    count: int


async def add_answered_question(
    db: Database, question: str, folded: str, fact: str, now: datetime
) -> int:
    """Keep an answered question for its feedback button; returns its id."""
    async with db.write() as conn:
        await _prune(conn, now)
        cursor = await conn.execute(
            "INSERT INTO fact_questions (question, folded, fact, asked_at) VALUES (?, ?, ?, ?)",
            (question, folded, fact, stamp(now)),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid


async def add_unanswered_question(db: Database, question: str, folded: str, now: datetime) -> None:
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO fact_questions (question, folded, asked_at) VALUES (?, ?, ?)",
            (question, folded, stamp(now)),
        )
        await _prune(conn, now)


async def _prune(conn: aiosqlite.Connection, now: datetime) -> None:
    """Drop answered questions past their feedback day, and queued ones past three months.

    Each statement reads through an index only the rows it deletes, so this stays cheap on
    every question however long the moderators' queue grows.
    """
    await conn.execute(
        "DELETE FROM fact_questions WHERE fact IS NOT NULL AND helpful IS NOT 0 AND asked_at < ?",
        (stamp(now - KEEP_ANSWERED),),
    )
    await conn.execute("DELETE FROM fact_questions WHERE asked_at < ?", (stamp(now - KEEP_QUEUED),))


async def record_feedback(db: Database, question_id: int, helpful: bool) -> Feedback:
    """Note whether an answer helped; the first answer for a question counts."""
    async with db.write() as conn:
        async with conn.execute(
            "SELECT helpful FROM fact_questions WHERE id = ? AND fact IS NOT NULL",
            (question_id,),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return Feedback.UNKNOWN
        if row["helpful"] is not None:
            return Feedback.ALREADY_GIVEN
        await conn.execute(
            "UPDATE fact_questions SET helpful = ? WHERE id = ?", (int(helpful), question_id)
        )
    return Feedback.RECORDED


async def list_question_queue(db: Database, limit: int = QUEUE_LENGTH) -> list[QueuedQuestion]:
    """Unanswered and unhelpfully answered questions, the most frequent first."""
    # With MAX(), SQLite takes the bare `question` column from the latest row.
    rows = await db.fetchall(
        "SELECT question, fact, COUNT(*) AS count, MAX(id) AS latest"
        " FROM fact_questions WHERE fact IS NULL OR helpful = 0"
        " GROUP BY folded, fact ORDER BY count DESC, latest DESC LIMIT ?",
        (limit,),
    )
    return [QueuedQuestion(row["question"], row["fact"], row["count"]) for row in rows]
