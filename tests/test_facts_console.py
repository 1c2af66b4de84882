"""/faits and its companions through the console, as members and moderators use them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.app import App, open_app
from bot.config import DEFAULT_FACTS, Config
from bot.facts.embedding import vector_file
from bot.facts.loader import load_factbase
from tests.support import table_rows
from tests.test_factbase import minimal
from tests.test_tally_console import say_on
from tests.tomlfile import read_toml, write_base, write_toml

BASE = load_factbase(DEFAULT_FACTS)
TIMES = "\N{MULTIPLICATION SIGN}"
FEEDBACK = re.compile(r"\[(/avis \d+ oui)\] Oui\n\[(/avis \d+ non)\] Non$")
EXPIRED = (
    "Ce bouton n'est plus valable : seule la personne qui a posé la question peut donner son "
    "avis, une fois et pendant un jour. Reposez votre question avec /faits si besoin."
)
NOTHING_QUEUED = ["Aucune question en attente."]


def feedback_actions(reply: str) -> tuple[str, str]:
    match = FEEDBACK.search(reply)
    assert match, reply
    return match[1], match[2]


async def test_faits_alone_shows_each_topic_once(console: ConsoleAdapter) -> None:
    """The topics are buttons; the console, which has none, prints each with its line."""
    [reply] = await console.say("/faits")
    assert reply.startswith("Les faits, sources à l'appui\n")
    for topic in BASE.topics:
        assert reply.count(topic.label.fr) == 1
        assert f"\n[/faits #{topic.id}] {topic.label.fr}" in reply


async def test_a_topic_button_lists_its_facts_once_in_english(console_en: ConsoleAdapter) -> None:
    topic = BASE.topics[0]
    [reply] = await console_en.say(f"/faits #{topic.id}")
    assert reply.startswith(f"{topic.label.en}\n")
    for fact in BASE.facts_of(topic.id):
        assert reply.count(fact.title.en) == 1
        assert f"\n[/facts ={fact.id}] {fact.title.en}" in reply


async def test_a_fact_button_shows_the_fact_and_its_source(console: ConsoleAdapter) -> None:
    fact = BASE.facts[0]
    [reply] = await console.say(f"/faits ={fact.id}")
    assert reply.startswith(f"{fact.title.fr}\n{fact.statement.fr}\nSource : ")
    assert "aidé" not in reply  # browsing asks no feedback


async def test_a_source_names_who_is_cited_and_where_to_read_it(
    console: ConsoleAdapter, console_en: ConsoleAdapter
) -> None:
    """The cited source, then the publisher or, when unknown, the article's title; and its date."""
    expected = {
        (
            console,
            "brockman-maga-donation",
        ): "Source : MIT Technology Review, via Courrier international",
        (
            console_en,
            "altman-note-interne-x",
        ): "Source: Sam Altman on X, via “Sam Altman posted on X "
        "an internal note about the deal signed with the US military”, 6 March 2026",
        (
            console,
            "musk-100-millions-2015",
        ): "Source : « Elon Musk veut créer un concurrent à ChatGPT »",
        (console_en, "quitgpt-origine-reddit"): "Source: Courrier international\n",
    }
    for (member, fact_id), source in expected.items():
        [reply] = await member.say(f"/faits ={fact_id}")
        assert source in reply, reply


async def test_a_stale_button_shows_the_topics(console: ConsoleAdapter) -> None:
    for action in ("/faits =fait-disparu", "/faits #sujet-disparu"):
        [reply] = await console.say(action)
        assert reply.startswith("Cette fiche n'existe plus")
        assert f"[/faits #{BASE.topics[0].id}]" in reply


async def test_an_off_topic_question_gets_no_fact_but_the_topics(
    console: ConsoleAdapter, console_en: ConsoleAdapter
) -> None:
    [reply] = await console.say("/faits quel temps fera-t-il à Lyon demain ?")
    assert reply.startswith(
        "Je n'ai pas de fait sourcé qui réponde à « quel temps fera-t-il à Lyon demain ? »."
    )
    assert "Source" not in reply
    assert f"[/faits #{BASE.topics[0].id}]" in reply
    [reply] = await console_en.say("/facts a good recipe for pancakes")
    assert reply.startswith("I have no sourced fact that answers “a good recipe for pancakes”.")


async def test_greetings_and_empty_questions_show_the_introduction(console: ConsoleAdapter) -> None:
    [intro] = await console.say("/faits")
    assert await console.say("bonjour !") == [intro]
    assert await console.say("/faits merci") == [intro]
    for nothing_to_look_up in ("/faits 1", "/faits 1=1", "/faits 2 + 2"):
        assert await console.say(nothing_to_look_up) == [intro]


async def test_a_topic_typed_in_capitals_is_the_topic(console: ConsoleAdapter) -> None:
    topic = BASE.topics[0].id
    assert await console.say(f"/faits #{topic.upper()}") == await console.say(f"/faits #{topic}")


async def test_feedback_and_the_moderators_queue(
    console: ConsoleAdapter, moderator: ConsoleAdapter
) -> None:
    assert await moderator.say("/questions") == NOTHING_QUEUED
    [answer] = await console.say("/faits combien a donné brockman")
    yes, no = feedback_actions(answer)
    assert await console.say(no) == [
        "Merci de l'avoir signalé : votre question est transmise aux modérateurs, "
        "qui compléteront les fiches."
    ]
    assert await console.say(yes) == [EXPIRED]  # one opinion per answer
    [answer] = await console.say("/faits Brockman")
    assert await console.say(feedback_actions(answer)[0]) == [
        "Merci ! Ravi que cela vous ait aidé."
    ]
    for _ in range(2):
        await console.say("/faits recette des crêpes")
    await console.say("/faits Recette des crepes !")
    [queue] = await moderator.say("/questions")
    lines = queue.split("\n")
    assert lines[0] == "Questions en attente (les plus fréquentes d'abord)"
    assert lines[1] == f"• 3 {TIMES} « Recette des crepes ! » — sans réponse"
    assert lines[2].startswith(
        f"• 1 {TIMES} « combien a donné brockman » — réponse jugée inutile : "
    )
    assert len(lines) == 3


async def test_questions_are_for_moderators_only(console: ConsoleAdapter) -> None:
    assert await console.say("/questions") == ["/questions est réservée aux modérateurs."]


async def test_only_the_asker_may_say_whether_an_answer_helped(
    app: App, console: ConsoleAdapter, console_en: ConsoleAdapter, moderator: ConsoleAdapter
) -> None:
    [answer] = await console.say("/faits combien a donné brockman")
    yes, no = feedback_actions(answer)
    assert await moderator.say(no) == [EXPIRED]
    assert await console_en.say(no) == [
        "This button is no longer valid: only the member who asked can give their opinion, "
        "once and within a day. Ask your question again with /facts if needed."
    ]
    [other] = await say_on(app, "telegram", "alice", no)  # the same id on another platform
    assert other.text == EXPIRED
    assert await moderator.say("/questions") == NOTHING_QUEUED
    assert await console.say(yes) == ["Merci ! Ravi que cela vous ait aidé."]
    assert await moderator.say(no) == [EXPIRED]
    assert await moderator.say("/questions") == NOTHING_QUEUED


async def test_stale_or_forged_feedback_is_answered_politely(console: ConsoleAdapter) -> None:
    for line in ("/avis 999 oui", "/avis " + "9" * 30 + " oui"):
        assert await console.say(line) == [EXPIRED]
    # What no button sends was typed by hand: told what /avis is for.
    for line in ("/avis x non", "/avis", "/avis 1 peut-être", "/avis \u0661 oui"):
        [typed] = await console.say(line)
        assert typed.startswith("/avis est ce qu'envoient les boutons « Cette réponse vous")
    await console.say("/faits recette des crêpes")  # nothing answered: no feedback to give
    assert await console.say("/avis 1 non") == [EXPIRED]


async def test_sources_lists_every_article(console: ConsoleAdapter) -> None:
    [reply] = await console.say("/sources")
    assert reply.startswith("Sources\n")
    lines = reply.splitlines()[1:]
    assert [line.split(" — ")[0].split(" ; ")[0] for line in lines] == [
        f"• {article.title.fr}" for article in BASE.articles
    ]
    assert (
        "• Libre de ChatGPT : le mouvement s'intensifie pour résilier — Courrier international"
        " ; cite : MIT Technology Review, Dana Fisher, sociologue" in lines
    )
    assert (
        "• Elon Musk insatisfait du partenariat entre Microsoft et OpenAI — février 2023" in reply
    )


# A copy of the fact base has no vectors beside it: they are all computed at start, 31 s
# on a quiet machine and several times that on a busy one.
@pytest.mark.timeout(300)
async def test_reload_keeps_the_running_base_when_the_file_is_invalid(tmp_path: Path) -> None:
    facts = write_base(tmp_path / "facts.toml", read_toml(DEFAULT_FACTS))
    # The shipped vectors serve the same texts: the test reloads, it does not re-embed.
    shutil.copy(vector_file(DEFAULT_FACTS), vector_file(facts))
    config = Config(
        database=tmp_path / "bot.db", facts=facts, moderators={"console": frozenset({"mod"})}
    )
    async with open_app(config) as app:
        moderator = ConsoleAdapter(app, "mod", language="fr", image_dir=tmp_path)
        member = ConsoleAdapter(app, "alice", language="fr", image_dir=tmp_path)
        [before] = await member.say("/faits")
        assert await member.say("/recharger") == ["/recharger est réservée aux modérateurs."]

        broken = minimal()
        broken["fact"][0]["source"] = ""
        write_toml(facts, broken)
        [refused] = await moderator.say("/reload")
        assert refused.startswith(f"La base de faits n'a pas été rechargée : {facts} contient")
        assert "\n• fact 'fact-1': source is missing or empty" in refused
        assert await member.say("/faits") == [before]

        write_toml(facts, minimal())
        assert await moderator.say("/recharger") == [
            "Base de faits rechargée (faits : 2, sujets : 1)."
        ]
        [after] = await member.say("/faits")
        assert "[/faits #dons] Dons" in after
        audit = await app.storage.audit.recent_audit()
    mod = app.services.member_key("console", "mod")
    assert [(e.actor, e.action, e.detail) for e in audit[:2]] == [
        (mod, "reload_facts", "facts=2 topics=1"),
        (mod, "reload_facts", "refused problems=1"),
    ]


async def test_free_text_in_a_private_chat_is_a_question(console: ConsoleAdapter) -> None:
    [typed] = await console.say("/faits combien a donné Brockman ?")
    [free] = await console.say("combien a donné Brockman ?")
    assert free.split("\n")[:3] == typed.split("\n")[:3]


def test_every_button_action_fits_telegram_callback_data() -> None:
    actions = [f"/faits #{t.id}" for t in BASE.topics] + [f"/faits ={f.id}" for f in BASE.facts]
    assert max(len(a.encode()) for a in actions) <= 64


async def test_the_fact_base_is_in_help(console: ConsoleAdapter, moderator: ConsoleAdapter) -> None:
    [help_text] = await console.say("/aide")
    assert "• /faits — vérifier les faits" in help_text
    assert "/questions" not in help_text and "/avis" not in help_text
    [help_text] = await moderator.say("/aide")
    assert "• /questions — " in help_text and "• /recharger — " in help_text


async def test_the_app_fixture_uses_the_shipped_base(app: App) -> None:
    assert app.services.facts.base == BASE


async def test_a_question_naming_only_a_topic_gets_its_headline(console: ConsoleAdapter) -> None:
    for name, topic in (("OpenAI", "openai"), ("brockman", "brockman"), ("l'ICE", "ice")):
        [reply] = await console.say(f"/faits {name}")
        headline, *others = BASE.facts_of(topic)
        assert reply.startswith(f"{headline.title.fr}\n")
        assert f"[/faits ={others[0].id}]" in reply


async def test_free_text_that_wants_a_command_gets_it(console: ConsoleAdapter) -> None:
    [tally] = await console.say("on est combien à s'être engagés ?")
    [typed] = await console.say("/compteur")
    assert tally == typed
    [guide] = await console.say("comment je résilie mon abonnement ?")
    assert guide == (await console.say("/resilier"))[0]
    [pledge] = await console.say("je veux m'engager moi aussi")
    assert pledge.startswith("Vous voulez vous engager") and pledge.endswith(
        "[/engagement] ✊ M'engager"
    )
    [done] = await console.say("c'est bon j'ai résilié mon abonnement")
    assert done.endswith("[/accompli] ✅ J'ai résilié")
    # Asked through /faits, the same words are a question for the fact base.
    [asked] = await console.say("/faits je veux m'engager moi aussi")
    assert not asked.startswith("Vous voulez vous engager")
    # Asking why people cancel is a question, however close to the guide it sounds.
    [why] = await console.say("pourquoi les gens résilient leur abonnement chatgpt ?")
    assert why != guide


async def test_a_command_asked_in_words_that_look_nothing_up_is_recognised(
    console: ConsoleAdapter, console_en: ConsoleAdapter
) -> None:
    """Words of a command made only of little words (« on est combien ») are not a
    question for the fact base, but they may still ask for a command."""
    [tally] = await console.say("on est combien")
    assert tally == (await console.say("/compteur"))[0]
    [tally_en] = await console_en.say("how many are we")
    assert tally_en == (await console_en.say("/tally"))[0]
    [hello] = await console.say("bonjour")
    assert hello == (await console.say("/faits"))[0]


async def test_a_page_of_text_is_not_read_as_a_question(app: App, console: ConsoleAdapter) -> None:
    """Reading it would cost seconds of CPU: it is refused, and nothing of it is kept."""
    page = " ".join(["brockman openai trump donation"] * 100)
    for typed in (f"/faits {page}", page):
        [refused] = await console.say(typed)
        assert refused == (
            f"Votre question est trop longue ({len(page)} caractères, 500 au plus) :"
            " posez-la en quelques mots."
        )
    assert table_rows(app.config.database)["fact_questions"] == []


async def test_a_question_about_someone_no_fact_covers_says_so(console: ConsoleAdapter) -> None:
    [reply] = await console.say("/faits Zuckerberg a donné de l'argent à Maga Inc ?")
    said, nearby = reply.split("\n\n", 1)
    assert said == (
        "Mes sources ne disent rien de tel sur Zuckerberg :"
        " je ne peux ni le confirmer ni le démentir."
    )
    assert nearby.startswith("Ce que disent nos sources sur un sujet voisin")
    assert "Oui" not in reply  # nothing to rate: it is not an answer


async def test_a_wrong_figure_gets_the_fact_as_a_correction(console_en: ConsoleAdapter) -> None:
    [reply] = await console_en.say("/facts Brockman gave 50 million to MAGA Inc, right?")
    assert reply.startswith("⚠️ That is not what our sources say (“50 million”).")
    assert "$12.5 million each" in reply


async def test_a_title_that_quotes_keeps_its_quotes_inside_the_others(
    console: ConsoleAdapter, console_en: ConsoleAdapter
) -> None:
    """« « QuitGPT » : … » would read as two titles: the title's own marks become inner ones."""
    [reply] = await console.say("/faits =florian-temoignage")
    assert "via « “QuitGPT” : le soutien à Trump" in reply
    [reply_en] = await console_en.say("/facts =florian-temoignage")
    assert (
        "via “\N{LEFT SINGLE QUOTATION MARK}QuitGPT\N{RIGHT SINGLE QUOTATION MARK}: support"
        in reply_en
    )
