"""How long questions put to the fact base are kept: a day for feedback, three months queued."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.db import Database
from storage.fact_questions import (
    Feedback,
    add_answered_question,
    add_unanswered_question,
    list_question_queue,
    record_feedback,
)

START = datetime(2026, 3, 6, 12, tzinfo=UTC)


async def test_answered_questions_are_kept_a_day_and_queued_ones_three_months(
    db: Database,
) -> None:
    helped = await add_answered_question(db, "brockman", "brockman", "fact-a", START)
    unhelpful = await add_answered_question(db, "ice", "ice", "fact-b", START)
    await record_feedback(db, unhelpful, helpful=False)
    await add_unanswered_question(db, "la météo", "la meteo", START)

    later = START + timedelta(days=1, minutes=1)
    await add_unanswered_question(db, "recette", "recette", later)
    assert await record_feedback(db, helped, helpful=True) is Feedback.UNKNOWN
    queued = await list_question_queue(db)
    assert sorted(q.question for q in queued) == ["ice", "la météo", "recette"]

    await add_unanswered_question(db, "autre", "autre", START + timedelta(days=90, minutes=1))
    assert sorted(q.question for q in await list_question_queue(db)) == ["autre", "recette"]
