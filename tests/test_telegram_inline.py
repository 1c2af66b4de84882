"""Telegram inline mode: `@bot brockman` in any chat, answered by the real python-telegram-bot
against the fake Bot API, with the /faits search and its premise guard."""

from __future__ import annotations

import html
import re

import pytest
from telegram import Bot, InlineQueryResultArticle, InputTextMessageContent
from telegram.error import BadRequest

from bot.adapters.console import ConsoleAdapter
from bot.app import App
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_state import JSON
from tests.support import table_rows
from tests.telegram_support import telegram_bot


def texts(answer: JSON) -> dict[str, str]:
    """Each result's id and the message it posts, as Telegram shows it (tags stripped)."""
    return {
        r["id"]: tags_out(r["input_message_content"]["message_text"]) for r in answer["results"]
    }


def tags_out(html_text: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", html_text)).replace("\u2060", "")


async def test_a_topic_name_offers_its_facts_with_sources_and_the_live_counter(
    app: App, tg: FakeTelegram, console: ConsoleAdapter
) -> None:
    await console.say("/pledge cancel ok2")
    total = (await app.storage.pledges.get_tally(app.services.clock())).total
    async with telegram_bot(app, tg):
        answer = await tg.inline_answer(tg.user_types_inline("brockman", language_code="fr"))
    cards = texts(answer)
    facts = [ident for ident in cards if ident.startswith("fact:")]
    assert facts and all("Source :" in cards[ident] for ident in facts)
    base = app.services.facts.base
    for ident in facts:  # each with its article's date, as /faits gives it
        fact = base.fact(ident.removeprefix("fact:"))
        assert fact is not None and fact.statement("fr") in cards[ident]
        assert base.article(fact.article).date[:4] in cards[ident]
    assert f"Engagements à quitter ChatGPT : {total}" in cards["tally"]
    assert answer["is_personal"] is True  # in the member's language
    assert table_rows(app.config.database)["fact_questions"] == []  # typing is not asking
    assert answer["cache_time"] <= 60  # the counter is live


async def test_an_empty_query_offers_the_counter_first_then_a_few_facts_in_english(
    app: App, tg: FakeTelegram
) -> None:
    async with telegram_bot(app, tg):
        answer = await tg.inline_answer(tg.user_types_inline("", language_code="en-GB"))
    [first, *others] = answer["results"]
    assert first["id"] == "tally" and first["title"].startswith("📊 QuitGPT tally: 0 pledges")
    assert 1 <= len(others) <= 5 and all(r["id"].startswith("fact:") for r in others)
    assert all("Source:" in text for ident, text in texts(answer).items() if ident != "tally")


async def test_a_wrong_figure_never_gets_a_plain_confirming_card(
    app: App, tg: FakeTelegram
) -> None:
    async with telegram_bot(app, tg):
        query = tg.user_types_inline("Brockman gave 50 million to MAGA Inc", language_code="en")
        cards = texts(await tg.inline_answer(query))
    assert not [ident for ident in cards if ident.startswith("fact:")]
    [correction] = [text for ident, text in cards.items() if ident.startswith("correction:")]
    assert correction.startswith("⚠️ That is not what our sources say (“50 million”).")
    assert "$12.5 million each" in correction


async def test_a_claim_about_someone_no_fact_covers_is_introduced_as_such(
    app: App, tg: FakeTelegram
) -> None:
    async with telegram_bot(app, tg):
        query = tg.user_types_inline("Zuckerberg a donné à MAGA Inc", language_code="fr")
        answer = await tg.inline_answer(query)
    cards = texts(answer)
    assert not [ident for ident in cards if ident.startswith(("fact:", "correction:"))]
    [nearby] = [r for r in answer["results"] if r["id"].startswith("nearby:")]
    assert nearby["title"].startswith("Mes sources ne disent rien de tel sur Zuckerberg")
    assert cards[nearby["id"]].startswith("Mes sources ne disent rien de tel sur Zuckerberg")


async def test_a_refused_question_offers_only_the_counter(app: App, tg: FakeTelegram) -> None:
    async with telegram_bot(app, tg):
        answer = await tg.inline_answer(
            tg.user_types_inline("recette des crêpes", language_code="fr")
        )
    assert [r["id"] for r in answer["results"]] == ["tally"]
    assert "recette" not in str(table_rows(app.config.database)["fact_questions"])


def article(ident: str) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(ident, "title", InputTextMessageContent("text"))


async def test_the_fake_refuses_what_the_bot_api_refuses(tg: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)results_too_much"):
        await bot.answer_inline_query(
            tg.user_types_inline("x"), [article(str(i)) for i in range(51)]
        )
    with pytest.raises(BadRequest, match=r"(?i)result_id_invalid"):
        await bot.answer_inline_query(tg.user_types_inline("x"), [article("é" * 33)])
    with pytest.raises(BadRequest, match=r"(?i)result_id_duplicate"):
        await bot.answer_inline_query(tg.user_types_inline("x"), [article("a"), article("a")])
    answered = tg.user_types_inline("x")
    assert await bot.answer_inline_query(answered, [article("a" * 64)], is_personal=True)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_inline_query(answered, [article("b")])
