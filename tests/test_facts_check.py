"""The fact base file from the command line: `quitgpt-bot facts check`, and a start with a
file it would refuse."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.config import DEFAULT_FACTS
from bot.facts.loader import load_factbase
from tests.test_factbase import minimal
from tests.tomlfile import read_toml, write_base


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


def test_facts_check_refuses_a_statement_that_contradicts_its_figures(tmp_path: Path) -> None:
    document = read_toml(DEFAULT_FACTS)
    [fact] = [f for f in document["fact"] if f["id"] == "quitgpt-17000-soutiens"]
    assert fact["figures"] == ["17 000"]
    fact["fr"] = fact["fr"].replace("17 000", "18 000")
    result = check(write_base(tmp_path / "facts.toml", document))
    assert result.returncode == 2
    assert (
        "  fact 'quitgpt-17000-soutiens': fr writes '18 000', which is not among its figures"
        " ('17 000')"
    ) in result.stderr.splitlines()
    assert all("fact 'quitgpt-17000-soutiens'" in line for line in result.stderr.splitlines()[1:])


def test_facts_check_names_the_broken_facts(tmp_path: Path) -> None:
    document = read_toml(DEFAULT_FACTS)
    first, second, third = document["fact"][:3]
    document["fact"].append(dict(first))
    second.pop("source")
    third["en"] = ""
    document["fact"][3]["topic"] = "nowhere"
    result = check(write_base(tmp_path / "broken.toml", document))
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
    broken = write_base(tmp_path / "facts.toml", document)
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
