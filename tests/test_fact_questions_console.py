"""Questions to /faits as they are kept: redacted, capped, never tied to who asked, erased."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.app import App, open_app
from bot.config import Config
from commands.base import Context
from commands.pledging import asker_of
from storage.api.records import QUEUED_PER_DAY, Asker, MemberQuestions
from tests.support import table_rows
from tests.test_facts_console import EXPIRED, TIMES, feedback_actions
from tests.test_tally_console import say_on


async def test_questions_are_kept_and_listed_without_what_identifies_someone(
    app: App, console: ConsoleAdapter, moderator: ConsoleAdapter
) -> None:
    typed = "recette des crêpes de marie@exemple.fr (06 12 34 56 78, @marie, example.com/crepes) ?"
    [reply] = await console.say(f"/faits {typed}")
    assert f"« {typed} »" in reply  # the member's own words come back to them as typed
    [answer] = await console.say("/faits combien a donné @Brockman ?")
    assert "Source : " in answer
    for number in ("06 12 34 56 78", "07.98.76.54.32"):
        await console.say(f"/faits la météo à Lyon ? mon numéro {number}")
    kept = "recette des crêpes de […] ([…], […], […]) ?"
    [queue] = await moderator.say("/questions")
    assert queue.split("\n")[1:] == [
        f"• 2 {TIMES} « la météo à Lyon ? mon numéro […] » — sans réponse",
        f"• 1 {TIMES} « {kept} » — sans réponse",
    ]
    with sqlite3.connect(app.config.database) as conn:
        stored = {row[0] for row in conn.execute("SELECT question FROM fact_questions")}
    assert stored == {
        kept,
        "combien a donné […] ?",
        "la météo à Lyon ? mon numéro […]",
    }


async def test_questions_kept_before_redaction_are_listed_redacted(
    app: App, moderator: ConsoleAdapter
) -> None:
    typed = "appelez-moi au 06 12 34 56 78"
    await app.storage.questions.add_unanswered_question(
        typed, typed, Asker("before"), app.services.clock()
    )
    [queue] = await moderator.say("/questions")
    assert queue.split("\n")[1] == f"• 1 {TIMES} « appelez-moi au […] » — sans réponse"


async def test_a_member_adds_a_few_questions_a_day_to_the_queue(
    config: Config, tmp_path: Path
) -> None:
    now = datetime(2026, 3, 6, 23, tzinfo=UTC)
    async with open_app(config, clock=lambda: now) as app:
        alice, bob, moderator = (
            ConsoleAdapter(app, user, language="fr", image_dir=tmp_path)
            for user in ("alice", "bob", "mod")
        )

        async def queue() -> list[str]:
            [listing] = await moderator.say("/questions")
            return listing.split("\n")[1:]

        [first] = await alice.say("/faits recette des crêpes")
        for _ in range(QUEUED_PER_DAY):  # the last one past the cap: the same reply
            assert await alice.say("/faits recette des crêpes") == [first]
        await bob.say("/faits recette des crêpes")
        expected = f"• {QUEUED_PER_DAY + 1} {TIMES} « recette des crêpes » — sans réponse"
        assert await queue() == [expected]

        [answer] = await alice.say(
            "/faits combien a donné brockman"
        )  # an unhelpful answer is not queued either
        assert (await alice.say(feedback_actions(answer)[1]))[0].startswith("Merci de l'avoir")
        assert await queue() == [expected]

        now += timedelta(hours=1)  # a new day (UTC)
        await alice.say("/faits recette des crêpes")
        assert await queue() == [expected.replace(f"{QUEUED_PER_DAY + 1}", "12")]


async def test_nothing_kept_ties_a_question_to_a_member(app: App) -> None:
    await say_on(app, "console", "alice", "/pledge cancel ok2")
    [answer] = await say_on(app, "console", "alice", "/faits combien a donné brockman")
    await say_on(app, "console", "alice", "/faits recette des crêpes")
    rows = table_rows(app.config.database)
    [(member, *_)] = rows["pledges"]
    [(*_, asker)] = [row for row in rows["fact_questions"] if row[3] is not None]
    [(counter, day, _)] = rows["queued_counts"]
    # The pledge's key alone does not find them: they hash a key made under another secret.
    guesses = {
        hashlib.sha256(f"{member}:{use}".encode()).hexdigest()[:32]
        for use in ("feedback", "questions", day)
    }
    assert asker is not None and not guesses & {asker, counter}

    await say_on(app, "console", "alice", answer.buttons[-1][1].action)  # "non"
    rows = table_rows(app.config.database)
    assert [
        (text, fact, helpful, who) for _, text, _, fact, _, helpful, who in rows["fact_questions"]
    ] == [
        ("combien a donné brockman", "brockman-maga-donation", 0, None),
        ("recette des crêpes", None, None, None),
    ]
    assert [row[2] for row in rows["queued_counts"]] == [2]
    with sqlite3.connect(app.config.database) as conn:
        columns = {
            table: [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
            for table in ("fact_questions", "queued_counts")
        }
        assert columns == {
            "fact_questions": ["id", "question", "folded", "fact", "asked_at", "helpful", "asker"],
            "queued_counts": ["counter", "day", "count"],
        }
        with pytest.raises(sqlite3.IntegrityError):  # a queued question cannot say who asked
            conn.execute("UPDATE fact_questions SET asker = 'x' WHERE fact IS NULL")


async def test_a_members_questions_are_found_and_erased_with_the_key_commands_use(
    app: App, console: ConsoleAdapter
) -> None:
    msg = app.dispatcher.message(console.chat, console.sender, "/mesdonnees")
    assert msg is not None
    alice, now = asker_of(Context(msg, app.services, "fr")), app.services.clock()
    assert await app.storage.questions.member_question_data(alice, now) == MemberQuestions(0, 0)
    [answer] = await console.say("/faits combien a donné brockman")
    await console.say("/faits recette des crêpes")
    assert await app.storage.questions.member_question_data(alice, now) == MemberQuestions(1, 1)
    assert await app.storage.members.erase_member("console", "x", "x", alice, now) == 2
    assert await console.say(feedback_actions(answer)[1]) == [EXPIRED]
    assert await app.storage.questions.member_question_data(alice, now) == MemberQuestions(0, 0)
