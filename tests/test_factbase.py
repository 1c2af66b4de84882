"""The fact base file: what the loader accepts, and how it names what it refuses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.config import DEFAULT_FACTS
from bot.facts.loader import FactBaseError, load_factbase
from tests.tomlfile import read_toml, write_toml


def minimal() -> dict[str, Any]:
    return {
        "article": [
            {
                "id": "courrier",
                "seed": "000.txt",
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
                "title_fr": f"Titre {n}",
                "title_en": f"Title {n}",
                "fr": f"Énoncé {n}.",
                "en": f"Statement {n}.",
                "figures": [],
                "keywords": ["don"],
            }
            for n in (1, 2)
        ],
    }


def problems(tmp_path: Path, document: dict[str, Any]) -> list[str]:
    path = write_toml(tmp_path / "facts.toml", document)
    with pytest.raises(FactBaseError) as caught:
        load_factbase(path)
    return caught.value.problems


def test_a_valid_file_loads(tmp_path: Path) -> None:
    base = load_factbase(write_toml(tmp_path / "facts.toml", minimal()))
    assert [f.id for f in base.facts] == ["fact-1", "fact-2"]
    assert base.facts[0].statement("en") == "Statement 1."
    assert base.facts[0].statement("de") == "Énoncé 1."
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
    ],
)
def test_each_problem_names_its_entry(tmp_path: Path, change: Any, expected: str) -> None:
    document = minimal()
    change(document)
    found = problems(tmp_path, document)
    assert any(expected in problem for problem in found), found


def test_synonym_groups_load_in_order(tmp_path: Path) -> None:
    document = minimal()
    document["synonyms"] = [
        {"words": ["armée", "military", "department of war"]},
        {"words": ["c'est quoi", "what is"]},  # a question form: stop words only
    ]
    base = load_factbase(write_toml(tmp_path / "facts.toml", document))
    assert base.synonyms == (("armée", "military", "department of war"), ("c'est quoi", "what is"))
    assert load_factbase(write_toml(tmp_path / "none.toml", minimal())).synonyms == ()


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


def check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "facts", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_facts_check_accepts_the_shipped_file() -> None:
    result = check(DEFAULT_FACTS)
    base = load_factbase(DEFAULT_FACTS)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"OK: {len(base.facts)} facts, {len(base.topics)} topics\n"


def test_facts_check_names_the_broken_facts(tmp_path: Path) -> None:
    document = read_toml(DEFAULT_FACTS)
    first, second, third = document["fact"][:3]
    document["fact"].append(dict(first))
    second.pop("source")
    third["en"] = ""
    document["fact"][3]["topic"] = "nowhere"
    result = check(write_toml(tmp_path / "broken.toml", document))
    assert result.returncode == 2
    assert result.stdout == ""
    assert f"fact '{first['id']}': duplicate id" in result.stderr
    assert f"fact '{second['id']}': source is missing or empty" in result.stderr
    assert f"fact '{third['id']}': en is missing or empty" in result.stderr
    assert "unknown topic 'nowhere'" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_invalid_fact_base_stops_the_start_cleanly(tmp_path: Path) -> None:
    document = minimal()
    document["fact"][1]["topic"] = "meteo"
    broken = write_toml(tmp_path / "facts.toml", document)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--db", str(tmp_path / "bot.db")],
        input="/faits\n",
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QUITGPT_FACTS": str(broken)},
    )
    assert result.returncode == 2
    assert "fact 'fact-2': unknown topic 'meteo'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "bot.db").exists()
