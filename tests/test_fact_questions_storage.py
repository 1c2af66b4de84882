"""How long questions put to the fact base are kept: a day for feedback, three months queued."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.db import Database
from storage.fact_questions import (
    KEEP_ANSWERED,
    Asker,
    MemberQuestions,
    add_answered_question,
    add_unanswered_question,
    delete_member_questions,
    list_question_queue,
    member_question_data,
    record_feedback,
)

START = datetime(2026, 3, 6, 12, tzinfo=UTC)


async def _erase(db: Database, asker: Asker, now: datetime) -> int:
    async with db.write() as conn:
        return await delete_member_questions(conn, asker, now)


ALICE, BOB = Asker("alice-key"), Asker("bob-key")


async def test_answered_questions_are_kept_a_day_and_queued_ones_three_months(
    db: Database,
) -> None:
    helped = await add_answered_question(db, "brockman", "brockman", "fact-a", ALICE, START)
    unhelpful = await add_answered_question(db, "ice", "ice", "fact-b", ALICE, START)
    assert await record_feedback(db, unhelpful, ALICE, helpful=False, now=START)
    await add_unanswered_question(db, "la météo", "la meteo", BOB, START)

    later = START + timedelta(days=1, minutes=1)
    await add_unanswered_question(db, "recette", "recette", BOB, later)
    assert not await record_feedback(db, helped, ALICE, helpful=True, now=later)
    queued = await list_question_queue(db)
    assert sorted(q.question for q in queued) == ["ice", "la météo", "recette"]

    await add_unanswered_question(db, "autre", "autre", BOB, START + timedelta(days=90, minutes=1))
    assert sorted(q.question for q in await list_question_queue(db)) == ["autre", "recette"]


async def test_feedback_comes_once_and_only_from_the_asker(db: Database) -> None:
    asked = await add_answered_question(db, "brockman", "brockman", "fact-a", ALICE, START)
    assert not await record_feedback(db, asked, BOB, helpful=False, now=START)
    assert not await record_feedback(db, asked + 1, ALICE, helpful=False, now=START)
    assert await list_question_queue(db) == []
    assert await record_feedback(db, asked, ALICE, helpful=False, now=START)
    assert not await record_feedback(db, asked, ALICE, helpful=True, now=START)
    [queued] = await list_question_queue(db)
    assert (queued.question, queued.fact) == ("brockman", "fact-a")
    row = await db.fetchone("SELECT asker FROM fact_questions WHERE id = ?", (asked,))
    assert row is not None and row["asker"] is None


async def test_a_members_questions_are_found_and_erased_under_their_key(db: Database) -> None:
    first = await add_answered_question(db, "brockman", "brockman", "fact-a", ALICE, START)
    await add_answered_question(db, "ice", "ice", "fact-b", ALICE, START)
    await add_answered_question(db, "armée", "armee", "fact-c", BOB, START)
    await add_unanswered_question(db, "la météo", "la meteo", ALICE, START)
    assert await member_question_data(db, ALICE, START) == MemberQuestions(2, 1)
    assert await record_feedback(db, first, ALICE, helpful=True, now=START)
    assert await member_question_data(db, ALICE, START) == MemberQuestions(1, 1)
    assert await member_question_data(db, BOB, START) == MemberQuestions(1, 0)

    assert await _erase(db, ALICE, START) == 2  # one question, one count
    assert await member_question_data(db, ALICE, START) == MemberQuestions(0, 0)
    assert await _erase(db, ALICE, START) == 0
    assert [q.question for q in await list_question_queue(db)] == ["la météo"]  # nobody's
    assert await member_question_data(db, BOB, START) == MemberQuestions(1, 0)


async def test_a_members_questions_last_a_day(db: Database) -> None:
    late = START.replace(hour=23)
    await add_answered_question(db, "brockman", "brockman", "fact-a", ALICE, late)
    await add_unanswered_question(db, "la météo", "la meteo", ALICE, late)
    next_day = late + timedelta(hours=1)
    assert await member_question_data(db, ALICE, next_day) == MemberQuestions(1, 0)
    gone = late + KEEP_ANSWERED + timedelta(seconds=1)
    assert await member_question_data(db, ALICE, gone) == MemberQuestions(0, 0)
    assert await _erase(db, ALICE, gone) == 0
    assert await db.fetchall("SELECT * FROM queued_counts") == []  # the day is over
