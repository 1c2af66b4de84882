"""The intents file: what free text may ask for, checked like the fact base."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULT_INTENTS
from bot.facts.loader import FactBaseError
from bot.facts.phrasebook import load_phrasebook
from bot.i18n import Catalogues
from commands import COMMANDS

NAMES = frozenset(spec.name for spec in COMMANDS)


def test_the_shipped_intents_point_to_commands_members_may_use() -> None:
    book = load_phrasebook(DEFAULT_INTENTS, NAMES)
    assert {i.id for i in book.intents} == {"pledge", "tally", "done", "cancel_guide", "help"}
    specs = {spec.name: spec for spec in COMMANDS}
    assert not [i.id for i in book.intents if specs[i.command].moderator_only]
    assert len(book.elsewhere) >= 50


def test_an_offered_intent_has_its_words_in_every_language() -> None:
    catalogues = Catalogues.load()
    offered = [i.id for i in load_phrasebook(DEFAULT_INTENTS, NAMES).intents if not i.run]
    for language in ("fr", "en"):
        for ident in offered:
            for key in (f"intent.{ident}", f"intent.{ident}.button"):
                assert catalogues.get(language, key) != key


def test_a_broken_intents_file_names_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "intents.toml"
    path.write_text(
        '[[intent]]\nid = "x"\ncommand = "nope"\nfr = []\n\n'
        '[[intent]]\nid = "x"\ncommand = "aide"\nrun = true\nen = ["help"]\n\n[[other]]\n',
        encoding="utf-8",
    )
    with pytest.raises(FactBaseError) as raised:
        load_phrasebook(path, NAMES)
    assert sorted(raised.value.problems) == [
        "intent 'x': listed twice",
        "intent 'x': no example in fr or en",
        "intent 'x': run must be true or false",
        "intent 'x': unknown command 'nope'",
        "unknown section 'other' (expected [[intent]], [[elsewhere]])",
    ]
