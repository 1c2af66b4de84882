"""How long questions put to the fact base are kept: a day for feedback, three months queued."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.api.protocols import Storage
from storage.api.records import KEEP_ANSWERED, Asker, MemberQuestions
from tests.storage_backends import Backend

START = datetime(2026, 3, 6, 12, tzinfo=UTC)


async def _erase(storage: Storage, asker: Asker, now: datetime) -> int:
    """Erase a member who kept nothing but questions: how many rows went."""
    return await storage.members.erase_member("console", "no-pledge", "0", asker, now)


ALICE, BOB = Asker("alice-key"), Asker("bob-key")


async def test_answered_questions_are_kept_a_day_and_queued_ones_three_months(
    storage: Storage,
) -> None:
    helped = await storage.questions.add_answered_question(
        "brockman", "brockman", "fact-a", ALICE, START
    )
    unhelpful = await storage.questions.add_answered_question("ice", "ice", "fact-b", ALICE, START)
    assert await storage.questions.record_feedback(unhelpful, ALICE, helpful=False, now=START)
    await storage.questions.add_unanswered_question("la météo", "la meteo", BOB, START)

    later = START + timedelta(days=1, minutes=1)
    await storage.questions.add_unanswered_question("recette", "recette", BOB, later)
    assert not await storage.questions.record_feedback(helped, ALICE, helpful=True, now=later)
    queued = await storage.questions.list_question_queue()
    assert sorted(q.question for q in queued) == ["ice", "la météo", "recette"]

    await storage.questions.add_unanswered_question(
        "autre", "autre", BOB, START + timedelta(days=90, minutes=1)
    )
    assert sorted(q.question for q in await storage.questions.list_question_queue()) == [
        "autre",
        "recette",
    ]


async def test_feedback_comes_once_and_only_from_the_asker(
    backend: Backend, storage: Storage
) -> None:
    asked = await storage.questions.add_answered_question(
        "brockman", "brockman", "fact-a", ALICE, START
    )
    assert not await storage.questions.record_feedback(asked, BOB, helpful=False, now=START)
    assert not await storage.questions.record_feedback(asked + 1, ALICE, helpful=False, now=START)
    assert await storage.questions.list_question_queue() == []
    assert await storage.questions.record_feedback(asked, ALICE, helpful=False, now=START)
    assert not await storage.questions.record_feedback(asked, ALICE, helpful=True, now=START)
    [queued] = await storage.questions.list_question_queue()
    assert (queued.question, queued.fact) == ("brockman", "fact-a")
    assert backend.rows(storage, f"SELECT asker FROM fact_questions WHERE id = {asked}") == [
        (None,)
    ]


async def test_a_members_questions_are_found_and_erased_under_their_key(storage: Storage) -> None:
    first = await storage.questions.add_answered_question(
        "brockman", "brockman", "fact-a", ALICE, START
    )
    await storage.questions.add_answered_question("ice", "ice", "fact-b", ALICE, START)
    await storage.questions.add_answered_question("armée", "armee", "fact-c", BOB, START)
    await storage.questions.add_unanswered_question("la météo", "la meteo", ALICE, START)
    assert await storage.questions.member_question_data(ALICE, START) == MemberQuestions(2, 1)
    assert await storage.questions.record_feedback(first, ALICE, helpful=True, now=START)
    assert await storage.questions.member_question_data(ALICE, START) == MemberQuestions(1, 1)
    assert await storage.questions.member_question_data(BOB, START) == MemberQuestions(1, 0)

    assert await _erase(storage, ALICE, START) == 2  # one question, one count
    assert await storage.questions.member_question_data(ALICE, START) == MemberQuestions(0, 0)
    assert await _erase(storage, ALICE, START) == 0
    assert [q.question for q in await storage.questions.list_question_queue()] == [
        "la météo"
    ]  # nobody's
    assert await storage.questions.member_question_data(BOB, START) == MemberQuestions(1, 0)


async def test_a_members_questions_last_a_day(backend: Backend, storage: Storage) -> None:
    late = START.replace(hour=23)
    await storage.questions.add_answered_question("brockman", "brockman", "fact-a", ALICE, late)
    await storage.questions.add_unanswered_question("la météo", "la meteo", ALICE, late)
    next_day = late + timedelta(hours=1)
    assert await storage.questions.member_question_data(ALICE, next_day) == MemberQuestions(1, 0)
    gone = late + KEEP_ANSWERED + timedelta(seconds=1)
    assert await storage.questions.member_question_data(ALICE, gone) == MemberQuestions(0, 0)
    assert await _erase(storage, ALICE, gone) == 0
    assert backend.rows(storage, "SELECT * FROM queued_counts") == []  # the day is over
