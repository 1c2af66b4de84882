"""Search quality: members' questions get the fact a well-informed person would answer with.

Sets of questions typed the way members type them. blind_set1.toml to blind_set20.toml
were each written by someone who had read only the articles; questions.toml and
questions_heldout.toml before them, by the project. All but questions_heldout.toml,
blind_set11.toml and blind_set17.toml to blind_set19.toml (scored before and after their
round, never read) were tuned on, each blind set after its first score (bench/calibrate_facts.py
fits the answer model on blind_set1, blind_set3 and questions, and chooses its threshold on
the six first blind sets and questions). The floors below are
what the sets reached when the settings were chosen; a change that lowers them must say
why. The lexical rules the search relies on are checked at the end on a small base of
their own, so that a failure names the broken rule.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

import pytest

from bench.score_questions import knowledge, verdict
from bot.facts.knowledge import Answer, Correction, Finding, Unsourced
from bot.facts.model import Article, Fact, FactBase, Localized, Topic
from bot.facts.search import FactIndex

DATA = Path(__file__).resolve().parent / "data"
KNOWN = knowledge()
# (file, kind) -> the share of its questions read right, at least
FLOORS = {
    ("questions.toml", "answer"): 0.98,
    ("questions.toml", "refuse"): 1.0,
    ("questions_heldout.toml", "answer"): 0.96,
    ("questions_heldout.toml", "refuse"): 1.0,
    # 0.89 since "did Anthropic sign with the DoW too?" is corrected (« s'est retiré »),
    # which the set counts as a wrong answer.
    ("blind_set1.toml", "answer"): 0.89,
    ("blind_set1.toml", "correct"): 1.0,
    ("blind_set1.toml", "refuse"): 1.0,
    ("blind_set1.toml", "intent"): 0.91,
    ("blind_set2.toml", "answer"): 0.93,
    ("blind_set2.toml", "correct"): 1.0,
    ("blind_set2.toml", "refuse"): 0.97,
    ("blind_set2.toml", "intent"): 1.0,
    ("blind_set3.toml", "answer"): 0.81,
    ("blind_set3.toml", "correct"): 0.84,
    ("blind_set3.toml", "refuse"): 0.95,
    ("blind_set3.toml", "intent"): 0.93,
    ("blind_set4.toml", "answer"): 0.87,
    ("blind_set4.toml", "correct"): 0.95,
    ("blind_set4.toml", "refuse"): 0.95,
    ("blind_set4.toml", "intent"): 0.93,
    ("blind_set5.toml", "answer"): 0.83,  # the same question, in French
    # « Pourquoi Leonardo DiCaprio a rejoint QuitGPT ? » is refused (no fact on him), with the
    # 17,000 supporters rather than Mark Ruffalo shown as what the sources say nearby.
    ("blind_set5.toml", "correct"): 0.89,
    ("blind_set5.toml", "refuse"): 0.94,
    ("blind_set5.toml", "intent"): 1.0,
    ("blind_set6.toml", "answer"): 0.86,
    ("blind_set6.toml", "correct"): 0.91,
    ("blind_set6.toml", "refuse"): 1.0,
    ("blind_set6.toml", "intent"): 1.0,
    ("blind_set7.toml", "answer"): 0.89,
    ("blind_set7.toml", "correct"): 1.0,
    ("blind_set7.toml", "refuse"): 1.0,
    ("blind_set7.toml", "intent"): 1.0,
    ("blind_set8.toml", "answer"): 0.88,
    ("blind_set8.toml", "correct"): 0.95,
    ("blind_set8.toml", "refuse"): 1.0,
    ("blind_set8.toml", "intent"): 1.0,
    ("blind_set9.toml", "answer"): 0.83,
    ("blind_set9.toml", "correct"): 0.82,
    ("blind_set9.toml", "refuse"): 0.97,
    ("blind_set9.toml", "intent"): 1.0,
    ("blind_set10.toml", "answer"): 0.85,
    ("blind_set10.toml", "correct"): 0.9,
    ("blind_set10.toml", "refuse"): 1.0,
    ("blind_set10.toml", "intent"): 0.86,
    ("blind_set11.toml", "answer"): 0.82,
    ("blind_set11.toml", "correct"): 0.82,
    ("blind_set11.toml", "refuse"): 1.0,
    ("blind_set11.toml", "intent"): 0.86,
    ("blind_set12.toml", "answer"): 0.85,
    ("blind_set12.toml", "correct"): 0.83,
    ("blind_set12.toml", "refuse"): 1.0,
    ("blind_set12.toml", "intent"): 1.0,
    ("blind_set13.toml", "answer"): 0.8,
    ("blind_set13.toml", "correct"): 0.82,
    ("blind_set13.toml", "refuse"): 1.0,
    ("blind_set13.toml", "intent"): 0.66,
    ("blind_set14.toml", "answer"): 0.87,
    ("blind_set14.toml", "correct"): 0.82,
    ("blind_set14.toml", "refuse"): 1.0,
    ("blind_set14.toml", "intent"): 0.8,
    ("blind_set15.toml", "answer"): 0.77,
    ("blind_set15.toml", "correct"): 0.9,
    ("blind_set15.toml", "refuse"): 1.0,
    ("blind_set15.toml", "intent"): 0.9,
    ("blind_set16.toml", "answer"): 0.87,
    ("blind_set16.toml", "correct"): 0.83,
    ("blind_set16.toml", "refuse"): 1.0,
    ("blind_set16.toml", "intent"): 0.9,
    ("blind_set17.toml", "answer"): 0.88,
    ("blind_set17.toml", "correct"): 0.85,
    ("blind_set17.toml", "refuse"): 0.97,
    ("blind_set17.toml", "intent"): 0.93,
    ("blind_set18.toml", "answer"): 0.9,
    ("blind_set18.toml", "correct"): 0.67,
    ("blind_set18.toml", "refuse"): 1.0,
    ("blind_set18.toml", "intent"): 0.93,
    ("blind_set19.toml", "answer"): 0.86,
    ("blind_set19.toml", "correct"): 0.8,
    ("blind_set19.toml", "refuse"): 0.97,
    ("blind_set19.toml", "intent"): 0.93,
    ("blind_set20.toml", "answer"): 0.87,
    ("blind_set20.toml", "correct"): 0.84,
    ("blind_set20.toml", "refuse"): 1.0,
    ("blind_set20.toml", "intent"): 0.93,
}
BLIND_SETS = [f"blind_set{n}.toml" for n in range(1, 21)]
# Over the twenty blind sets: false premises answered as if true, off-topic questions given a
# fact (bench/score_questions.py counts them alike).
MOST_CONFIRMED = 55
MOST_OFF_TOPIC_ANSWERED = 5


@functools.cache
def _found(text: str) -> Finding:
    """How the bot reads a question in a private chat (each asked once for all the tests:
    the sets hold more questions than the bot keeps vectors for)."""
    return KNOWN.understand(text, intents=True)


def _questions(name: str) -> list[dict[str, object]]:
    return tomllib.loads((DATA / name).read_text(encoding="utf-8"))["question"]


def _kind(question: dict[str, object]) -> str:
    return str(question.get("kind") or ("answer" if question["expect"] else "refuse"))


@pytest.mark.parametrize(("name", "kind"), sorted(FLOORS))
def test_each_kind_of_question_is_read_right(name: str, kind: str) -> None:
    questions = [q for q in _questions(name) if _kind(q) == kind]
    wrong = [
        f"  {q['text']!r}: got {found!r:.120}"
        for q in questions
        if not verdict(q, found := _found(str(q["text"])))
    ]
    share = 1 - len(wrong) / len(questions)
    assert share >= FLOORS[name, kind], f"{share:.1%} of {len(questions)}:\n" + "\n".join(wrong)


@pytest.mark.timeout(900)  # alone, it embeds every question of the twenty sets
def test_false_premises_and_off_topic_questions_stay_unanswered() -> None:
    questions = [q for name in BLIND_SETS for q in _questions(name)]
    confirmed, off_topic = [], []
    for q in questions:
        found = _found(str(q["text"]))
        if isinstance(found, Answer) and (
            q["kind"] == "correct" or q["category"] == "false_premise_entity"
        ):
            confirmed.append(q["text"])
        if (
            isinstance(found, (Answer, Correction))
            and q["kind"] == "refuse"
            and q["category"] != "false_premise_entity"
        ):
            off_topic.append(q["text"])
    assert len(confirmed) <= MOST_CONFIRMED, confirmed
    assert len(off_topic) <= MOST_OFF_TOPIC_ANSWERED, off_topic
    assert not [q for q in confirmed if q in {x["text"] for x in _questions("blind_set1.toml")}]


def test_a_question_about_someone_no_fact_covers_is_not_answered_about_someone_else() -> None:
    found = KNOWN.understand("Zuckerberg a donné de l'argent à Maga Inc ?")
    assert isinstance(found, Unsourced) and found.names == ("Zuckerberg",)
    found = KNOWN.understand("Apple a financé Trump ?")
    assert isinstance(found, Unsourced) and "Apple" in found.names


def test_a_wrong_figure_gets_the_fact_as_a_correction() -> None:
    found = KNOWN.understand("brockman a filé 50 millions à maga c'est vrai ?")
    assert isinstance(found, Correction) and found.figures == ("50 millions",)
    assert found.fact.id == "brockman-maga-donation"
    # Less sure of the fact, the bot says it has none rather than confirm.
    assert not isinstance(KNOWN.understand("openai a filé 50 millions à maga c'est vrai ?"), Answer)
    found = KNOWN.understand("Brockman et sa femme ont donné 12,5 millions chacun à MAGA Inc. ?")
    assert isinstance(found, Answer) and found.fact.id == "brockman-maga-donation"


def _fact(ident: str, topic: str, text: str, keywords: tuple[str, ...] = ()) -> Fact:
    said = Localized(text, text)
    return Fact(ident, topic, "a", Localized("article", "article"), said, said, (), keywords)


def _index(*facts: Fact, synonyms: tuple[tuple[str, ...], ...] = ()) -> FactIndex:
    topics = tuple(Topic(t, Localized(t, t)) for t in dict.fromkeys(fact.topic for fact in facts))
    article = Article("a", "a.txt", Localized("Titre", "Title"), "Journal")
    return FactIndex(FactBase((article,), topics, facts, synonyms))


BASE_FACTS = (
    _fact("deal", "dow", "OpenAI a signé un accord avec l'armée", ("c'est quoi",)),
    _fact("donation", "brockman", "En 2015, Brockman a donné 12000 dollars"),
    _fact("who", "brockman", "Brockman est le président", ("c'est qui",)),
    _fact("weather", "other", "Un robot humanoïde de Tesla"),
)
SYNONYMS = (("armée", "military", "department of war"), ("c'est quoi", "c'est qui", "what is"))


def _top(index: FactIndex, text: str) -> str:
    """The best-ranked fact (a base this small never scores enough for an answer)."""
    ranking = index.rank(text)
    return ranking[0].fact.id if ranking else ""


def test_synonyms_are_read_alike_in_facts_and_questions() -> None:
    assert _top(_index(*BASE_FACTS), "military") == ""
    index = _index(*BASE_FACTS, synonyms=SYNONYMS)
    assert _top(index, "military") == "deal"
    assert _top(index, "Department of War") == "deal"
    assert _top(index, "les militaires") == "deal"  # an unlisted form, through its stem


def test_a_question_form_ranks_but_never_covers() -> None:
    index = _index(*BASE_FACTS, synonyms=SYNONYMS)
    assert [match.coverage for match in index.rank("c'est quoi ?")] == [0.0, 0.0]
    assert _top(index, "what is brockman") == "who"


def test_numbers_and_short_words_are_not_matched_with_a_typo() -> None:
    index = _index(*BASE_FACTS)
    assert index.rank("2025") == index.rank("13000") == []
    assert index.rank("robt") == []
    assert _top(index, "brokman") in ("donation", "who")
    assert _top(index, "humanode") == "weather"


def test_the_headline_wins_a_tie_but_not_a_question_that_singles_out_another_fact() -> None:
    index = _index(*BASE_FACTS, synonyms=SYNONYMS)
    assert _top(index, "brockman") == "donation"
    assert _top(index, "c'est qui brockman") == "who"


def test_a_typo_whose_ending_reads_as_a_suffix_is_matched_on_the_word() -> None:
    # « prsion » stems to « prs » (« -ion » cut): the typo is found on the word as written.
    index = _index(_fact("jail", "altman", "Altman irait en prison"), *BASE_FACTS)
    assert _top(index, "prsion") == "jail"
