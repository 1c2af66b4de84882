"""Every string the code uses exists in French, with the same placeholders in English."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from bot.i18n import (
    LOCALES_DIR,
    PLURAL,
    Catalogues,
    Entry,
    LocaleError,
    number,
    placeholders,
    plural_forms,
)
from bot.markup import escape

ROOT = Path(__file__).resolve().parent.parent
KEY = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")
# Calls whose first string argument is a locale key.
KEYED_CALLS = {"t", "reply", "UserError", "get"}


def _catalogue(code: str) -> dict[str, Entry]:
    return json.loads((LOCALES_DIR / f"{code}.json").read_text(encoding="utf-8"))


def _keys_used_in_code() -> set[tuple[str, str]]:
    used = set()
    for folder in ("bot", "commands"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                args = [
                    a for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
                ]
                args += [
                    k.value
                    for k in node.keywords
                    if k.arg == "help_key" and isinstance(k.value, ast.Constant)
                ]
                for arg in args:
                    if (name in KEYED_CALLS or name in {"CommandSpec", "Argument"}) and KEY.match(
                        str(arg.value)
                    ):
                        used.add((f"{path.relative_to(ROOT)}:{node.lineno}", str(arg.value)))
    return used


def test_every_key_used_in_code_exists_in_french() -> None:
    french = _catalogue("fr")
    used = _keys_used_in_code()
    assert len(used) > 10
    missing = sorted(f"{where}: {key}" for where, key in used if key not in french)
    assert missing == []


def test_english_covers_french_with_the_same_placeholders() -> None:
    french, english = _catalogue("fr"), _catalogue("en")
    assert sorted(set(french) - set(english)) == []
    mismatched = [k for k in english if placeholders(english[k]) != placeholders(french[k])]
    assert mismatched == []


# CLDR plural categories, written out rather than asked of Babel: French counts 0 and 1
# as "one" and round millions as "many" (« 1 000 000 de discussions »); English only 1 as "one".
CATEGORIES = {"fr": {"one", "many", "other"}, "en": {"one", "other"}}
CATEGORY_OF = {
    "fr": {0: "one", 1: "one", 2: "other", 1_000_000: "many"},
    "en": {0: "other", 1: "one", 2: "other", 1_000_000: "other"},
}


def test_plural_entries_name_the_same_count_and_spell_out_every_category() -> None:
    plural = {
        code: {k: v for k, v in _catalogue(code).items() if not isinstance(v, str)}
        for code in CATEGORIES
    }
    assert len(plural["fr"]) >= 5 and plural["fr"].keys() == plural["en"].keys()
    for code, entries in plural.items():
        for key, entry in entries.items():
            assert entry[PLURAL] == plural["fr"][key][PLURAL], key
            assert set(plural_forms(entry)) == CATEGORIES[code], (code, key)


@pytest.mark.parametrize("code", sorted(CATEGORIES))
@pytest.mark.parametrize("count", sorted(CATEGORY_OF["fr"]))
def test_every_string_reads_naturally_with_any_count(code: str, count: int) -> None:
    """Each string rendered with every parameter set to the count, as a member would read it."""
    catalogues = Catalogues.load()

    def t(key: str, /, **params: object) -> str:
        return catalogues.get(code, key, **params)

    shown = number(t, count).markup
    for key, entry in catalogues.languages[code].items():
        params = dict.fromkeys(placeholders(entry), number(t, count))
        text = t(key, **params)
        assert "(s)" not in text and "(ies)" not in text, (key, text)
        assert not re.search(r"\{[a-z_]+\}", text), (key, text)
        if isinstance(entry, str):
            continue
        chosen = entry[CATEGORY_OF[code][count]]
        assert text == chosen.format(**dict.fromkeys(params, shown)), (key, count)
        assert shown in text, (key, text)


def test_a_noun_agrees_with_its_own_count() -> None:
    catalogues = Catalogues.load()

    def reached(code: str, count: int) -> str:
        def t(key: str, /, **params: object) -> str:
            return catalogues.get(code, key, **params)

        return t("broadcast.reached", count=number(t, count))

    assert [reached("fr", n) for n in (0, 1, 2)] == [
        "0 discussion atteinte",
        "1 discussion atteinte",
        "2 discussions atteintes",
    ]
    assert reached("fr", 1_000_000) == "1\u202f000\u202f000 de discussions atteintes"
    assert [reached("en", n) for n in (0, 1, 2, 1_000_000)] == [
        "0 chats reached",
        "1 chat reached",
        "2 chats reached",
        "1,000,000 chats reached",
    ]
    # A plain int picks the form as well as a formatted number does.
    assert catalogues.get("en", "broadcast.failures", count=1) == escape("1") + " failure"


@pytest.mark.parametrize(
    ("english", "problem"),
    [
        ({"plural": "n", "one": "{n} a"}, "needs exactly the forms"),
        ({"plural": "m", "one": "{m} a", "other": "{m} as"}, "plural argument differs"),
        ({"plural": "n", "one": "a", "other": "{n} as"}, "has a form without"),
        ({"plural": "n", "one": "{n} a", "other": 2}, "neither a string nor a plural"),
    ],
)
def test_a_broken_plural_entry_stops_the_load(english: object, problem: str) -> None:
    french = {"a.b": {"plural": "n", "one": "{n} a", "many": "{n} d'as", "other": "{n} as"}}
    with pytest.raises(LocaleError, match=problem):
        Catalogues({"fr": french, "en": {"a.b": english}})  # type: ignore[dict-item]


def test_a_placeholder_mismatch_stops_the_load() -> None:
    with pytest.raises(LocaleError, match="placeholders differ"):
        Catalogues({"fr": {"a.b": "{x}"}, "en": {"a.b": "{y}"}})


def test_a_key_missing_in_english_falls_back_to_french() -> None:
    catalogues = Catalogues({"fr": {"a.b": "bonjour {nom}"}, "en": {}})
    assert catalogues.get("en", "a.b", nom="*Léa*") == "bonjour " + escape("*Léa*")
