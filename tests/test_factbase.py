"""The fact base file: what the loader accepts, and how it names what it refuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.facts.loader import FactBaseError, load_factbase
from tests.tomlfile import write_base


def minimal() -> dict[str, Any]:
    return {
        "article": [
            {
                "id": "courrier",
                "seed": "000_cb608368102cd426.txt",
                "title_fr": "Le mouvement s'intensifie",
                "title_en": "The movement grows",
                "publisher": "Courrier international",
                "date": "2026-03-06",
            }
        ],
        "topic": [{"id": "dons", "label_fr": "Dons", "label_en": "Donations", "keywords": ["x"]}],
        "fact": [
            {
                "id": f"fact-{n}",
                "topic": "dons",
                "article": "courrier",
                "source": "MIT Technology Review",
                "title_fr": f"Titre {fr}",
                "title_en": f"Title {en}",
                "fr": f"Énoncé {fr}.",
                "en": f"Statement {en}.",
                "figures": [],
                "keywords": ["don"],
            }
            for n, fr, en in ((1, "un", "one"), (2, "deux", "two"))
        ],
    }


def entity(ident: str, *names: str, kind: str = "organisation", **more: str) -> dict[str, Any]:
    return {"id": ident, "kind": kind, "names": list(names), **more}


def problems(tmp_path: Path, document: dict[str, Any]) -> list[str]:
    path = write_base(tmp_path / "facts.toml", document)
    with pytest.raises(FactBaseError) as caught:
        load_factbase(path)
    return caught.value.problems


def test_a_valid_file_loads(tmp_path: Path) -> None:
    base = load_factbase(write_base(tmp_path / "facts.toml", minimal()))
    assert [f.id for f in base.facts] == ["fact-1", "fact-2"]
    assert base.facts[0].statement("en") == "Statement one."
    assert base.facts[0].statement("de") == "Énoncé un."
    assert base.article("courrier").date == "2026-03-06"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["fact"][1].update(id="fact-1"), "fact 'fact-1': duplicate id (fact #1"),
        (lambda d: d["fact"][0].pop("source"), "fact 'fact-1': source is missing or empty"),
        (lambda d: d["fact"][0].update(source="  "), "fact 'fact-1': source is missing or empty"),
        (lambda d: d["fact"][1].update(en=""), "fact 'fact-2': en is missing or empty"),
        (lambda d: d["fact"][0].update(topic="meteo"), "fact 'fact-1': unknown topic 'meteo'"),
        (lambda d: d["fact"][0].update(article="x"), "fact 'fact-1': unknown article 'x'"),
        (lambda d: d["fact"][0].update(sources="x"), "fact 'fact-1': unknown key 'sources'"),
        (lambda d: d["fact"][0].update(keywords="don"), "keywords must be a list of texts"),
        (lambda d: d["fact"][0].update(keywords=["don", " "]), "'fact-1': keywords holds an empty"),
        (lambda d: d["fact"][0].update(asked="pk ?"), "fact 'fact-1': asked must be a list of"),
        (lambda d: d["fact"][1].update(asked=["pk ?", ""]), "'fact-2': asked holds an empty text"),
        (
            lambda d: d["fact"][0].update(asked=["?!"]),
            "fact 'fact-1': question '?!' has no word to search",
        ),
        (
            lambda d: d["fact"][0].update(asked=["Il a donné combien ?", "il a donne combien"]),
            "fact 'fact-1': question 'il a donne combien' is asked twice",
        ),
        (
            lambda d: (
                d["fact"][0].update(asked=["Brockman, MAGA ?"]),
                d["fact"][1].update(asked=["brockman maga"]),
            ),
            "fact 'fact-2': question 'brockman maga' is already asked under fact 'fact-1'",
        ),
        (lambda d: d["fact"][0].update(id="Fait 1"), "fact 'Fait 1': id must be lower-case"),
        (lambda d: d["fact"][0].pop("id"), "fact #1: id is missing or empty"),
        (lambda d: d["article"][0].update(date="2026-13-01"), "date '2026-13-01' is not"),
        (lambda d: d["topic"].append({**d["topic"][0], "id": "vide"}), "topic 'vide': no fact"),
        (lambda d: d.update(faq=[{"q": "?"}]), "unknown section 'faq'"),
        (lambda d: d.pop("fact"), "no fact"),
        (lambda d: d.update(synonyms=[{"words": "don gift"}]), "words must be a list of texts"),
        (lambda d: d.update(synonyms=[{"mots": ["a"]}]), "synonyms #1: unknown key 'mots'"),
        (
            lambda d: d.update(synonyms=[{"words": ["armée"]}]),
            "synonyms 'armée': words needs at least two entries",
        ),
        (
            lambda d: d.update(synonyms=[{"words": ["armée", "?!"]}]),
            "synonyms 'armée': '?!' has no word to search",
        ),
        (
            lambda d: d.update(synonyms=[{"words": ["don", "gift"]}, {"words": ["Dön", "gave"]}]),
            "synonyms 'Dön': 'Dön' is already in synonyms 'don'",
        ),
        (
            lambda d: d.update(synonyms=[{"words": ["pourquoi", "why", "reason"]}]),
            "synonyms 'pourquoi': mixes stop words only ('pourquoi') with other words ('reason')",
        ),
        (
            lambda d: d.update(entity=[entity("apple", "Apple", kind="company")]),
            "entity 'apple': kind 'company' is not one of person, organisation, product, place",
        ),
        (
            lambda d: d.update(entity=[entity("apple")]),
            "entity 'apple': names is missing or empty",
        ),
        (
            lambda d: d.update(entity=[entity("apple", "Apple"), entity("apple", "Pomme")]),
            "entity 'apple': duplicate id (entity #1",
        ),
        (
            lambda d: d.update(entity=[entity("apple", "Apple", parent="x")]),
            "entity 'apple': unknown key 'parent'",
        ),
        (
            lambda d: d.update(entity=[entity("chatgpt", "ChatGPT", part_of="openai")]),
            "entity 'chatgpt': part_of 'openai' names no entity",
        ),
        (
            lambda d: d.update(entity=[entity("chatgpt", "ChatGPT", part_of="chatgpt")]),
            "entity 'chatgpt': part_of names the entity itself",
        ),
        (
            lambda d: d.update(
                entity=[
                    entity("openai", "OpenAI"),
                    entity("sam", "Sam Altman", kind="person", part_of="openai"),
                ]
            ),
            "entity 'sam': a person has no part_of",
        ),
        (
            lambda d: d.update(entity=[entity("openai", "Öpen AI"), entity("ai", "open-ai")]),
            "entity 'ai': 'open-ai' is already a name of entity 'openai'",
        ),
        (
            lambda d: d.update(
                entity=[entity("dow", "Département de la Guerre", "departement de la guerre")]
            ),
            "entity 'dow': 'departement de la guerre' is already a name of entity 'dow'",
        ),
        (
            lambda d: d.update(entity=[entity("twitter", "Twitter", "X")]),
            "entity 'twitter': 'X' is only stop words or single letters",
        ),
        (
            lambda d: d.update(entity=[entity("ue", "EU")]),
            "entity 'ue': 'EU' is only stop words or single letters",
        ),
        (
            lambda d: d.update(entity=[entity("apple", "?!")]),
            "entity 'apple': '?!' has no word to search",
        ),
        (
            lambda d: d.update(contrast=[{"classes": ["sociologue, sociologist"]}]),
            "contrast 'sociologue': classes needs at least two texts",
        ),
        (
            lambda d: d.update(
                contrast=[{"classes": ["par mois, monthly", "par semaine, par mois"]}]
            ),
            "contrast 'par mois': 'par mois' reads as 'par mois' already listed",
        ),
        (
            lambda d: d.update(unheld=[{"held_as": ["ans"]}]),
            "unheld #1: asks is missing or empty",
        ),
        (
            lambda d: d["article"][0].update(seed="absent.txt"),
            "article 'courrier': cannot read",
        ),
        (
            lambda d: d["article"][0].update(seed="../facts.toml"),
            "article 'courrier': seed must be a file name",
        ),
    ],
)
def test_each_problem_names_its_entry(tmp_path: Path, change: Any, expected: str) -> None:
    document = minimal()
    change(document)
    found = problems(tmp_path, document)
    assert any(expected in problem for problem in found), found


def counted(document: dict[str, Any], figures: list[str], **texts: str) -> None:
    """Give the first fact these figures and texts (fr, en, title_fr, title_en)."""
    document["fact"][0].update(figures=figures, **texts)


@pytest.mark.parametrize(
    ("figures", "texts", "expected"),
    [
        (
            ["17 000"],
            {"fr": "Plus de 18 000."},
            "fr writes '18 000', which is not among its figures ('17 000')",
        ),
        (
            ["17 000"],
            {"en": "More than 18,000."},
            "en writes '18,000', which is not among its figures ('17 000')",
        ),
        (
            [],
            {"title_fr": "Plus de 17 000"},
            "title_fr writes '17 000', which is not among its figures (none)",
        ),
        (["36 millions de vues"], {"title_en": "36 billion views"}, "title_en writes '36 billion'"),
        (["12,5 millions de dollars"], {"en": "$12,5 million."}, "en writes '12', which"),
        ([], {"fr": "Florian, 26 ans, depuis 2018."}, "fr writes '26', which is not among"),
        (["18 000"], {"fr": "Plus de 18 000."}, "figure '18 000' is not in its article as written"),
        (["17 000"], {"fr": "Des milliers."}, "figure '17 000' is in neither statement"),
    ],
)
def test_a_number_that_is_no_figure_of_its_article_is_refused(
    tmp_path: Path, figures: list[str], texts: dict[str, str], expected: str
) -> None:
    document = minimal()
    counted(document, figures, **texts)
    found = problems(tmp_path, document)
    assert any(problem.startswith(f"fact 'fact-1': {expected}") for problem in found), found


@pytest.mark.parametrize(
    ("figures", "fr", "en"),
    [
        (["17 000"], "Plus de 17 000 utilisateurs.", "More than 17,000 users."),
        (["17 000"], "Plus de 17\u202f000 utilisateurs.", "More than 17000 users."),
        (["12,5 millions de dollars"], "12,5 millions de dollars chacun.", "$12.5 million each."),
        (["1,3 million de likes"], "1,3 million de likes.", "1.3 million likes."),
        (["900 millions"], "Environ 900 millions d'utilisateurs.", "About 900 million users."),
        ([], "Des outils basés sur GPT-4.", "GPT-4 tools; GPT-4o was withdrawn."),
    ],
)
def test_numbers_written_as_a_figure_in_either_language_load(
    tmp_path: Path, figures: list[str], fr: str, en: str
) -> None:
    document = minimal()
    counted(document, figures, fr=fr, en=en)
    assert load_factbase(write_base(tmp_path / "facts.toml", document)).facts[0].figures == tuple(
        figures
    )


def test_percentages_and_dates_read_alike_in_both_languages(tmp_path: Path) -> None:
    document = minimal()
    document["article"][0]["seed"] = "003_fd9995dc3aab176e.txt"
    counted(document, ["295 %"], fr="En hausse de 295 %.", en="Up 295%.", title_en="+295 %")
    document["fact"][1].update(
        figures=["March 3, 2026"], fr="Le 3 mars 2026.", en="On March 3, 2026."
    )
    assert load_factbase(write_base(tmp_path / "facts.toml", document)).facts[1].figures == (
        "March 3, 2026",
    )
    counted(document, ["295 %"], fr="En hausse de 295 fois.", en="Up 295%.")
    assert "fact 'fact-1': fr writes '295', which is not among its figures ('295 %')" in (
        problems(tmp_path, document)
    )


def test_asked_questions_load_in_order(tmp_path: Path) -> None:
    document = minimal()
    document["fact"][0]["asked"] = ["il a donné combien ?", "  how much did he give  "]
    base = load_factbase(write_base(tmp_path / "facts.toml", document))
    assert base.facts[0].asked == ("il a donné combien ?", "how much did he give")
    assert base.facts[1].asked == ()


def test_synonym_groups_load_in_order(tmp_path: Path) -> None:
    document = minimal()
    document["synonyms"] = [
        {"words": ["armée", "military", "department of war"]},
        {"words": ["c'est quoi", "what is"]},  # a question form: stop words only
    ]
    base = load_factbase(write_base(tmp_path / "facts.toml", document))
    assert base.synonyms == (("armée", "military", "department of war"), ("c'est quoi", "what is"))
    assert load_factbase(write_base(tmp_path / "none.toml", minimal())).synonyms == ()


def test_entities_load_in_order_with_their_parents(tmp_path: Path) -> None:
    document = minimal()
    document["entity"] = [
        entity("openai", "OpenAI", "Open AI"),
        entity("chatgpt", "ChatGPT", kind="product", part_of="openai"),
    ]
    base = load_factbase(write_base(tmp_path / "facts.toml", document))
    assert [e.id for e in base.entities] == ["openai", "chatgpt"]
    openai = base.entity("openai")
    assert openai is not None and openai.names == ("OpenAI", "Open AI") and openai.part_of is None
    chatgpt = base.entity("chatgpt")
    assert chatgpt is not None and chatgpt.kind == "product" and chatgpt.part_of == "openai"
    assert base.entity("apple") is None
    assert load_factbase(write_base(tmp_path / "none.toml", minimal())).entities == ()


def test_contrasts_and_what_the_facts_do_not_hold_load_in_order(tmp_path: Path) -> None:
    document = minimal()
    document["contrast"] = [{"classes": ["sociologue, sociologist", "économiste, economist"]}]
    document["unheld"] = [{"asks": ["salaire", "salary"]}, {"asks": ["âge"], "held_as": ["ans"]}]
    base = load_factbase(write_base(tmp_path / "facts.toml", document))
    assert base.contrasts == ((("sociologue", "sociologist"), ("économiste", "economist")),)
    assert base.unheld == ((("salaire", "salary"), ()), (("âge",), ("ans",)))


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    document = minimal()
    document["fact"][0]["source"] = ""
    document["fact"][1]["topic"] = "meteo"
    assert len(problems(tmp_path, document)) == 2


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(FactBaseError, match="cannot read the file"):
        load_factbase(tmp_path / "missing.toml")
    (tmp_path / "bad.toml").write_text("[[fact]\nid = ", encoding="utf-8")
    with pytest.raises(FactBaseError, match="not valid TOML"):
        load_factbase(tmp_path / "bad.toml")
