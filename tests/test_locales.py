"""Every string the code uses exists in French, with the same placeholders in English."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from bot.i18n import LOCALES_DIR, Catalogues, LocaleError, placeholders
from bot.markup import escape

ROOT = Path(__file__).resolve().parent.parent
KEY = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")
# Calls whose first string argument is a locale key.
KEYED_CALLS = {"t", "reply", "UserError", "get"}


def _catalogue(code: str) -> dict[str, str]:
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


def test_a_placeholder_mismatch_stops_the_load() -> None:
    with pytest.raises(LocaleError, match="placeholders differ"):
        Catalogues({"fr": {"a.b": "{x}"}, "en": {"a.b": "{y}"}})


def test_a_key_missing_in_english_falls_back_to_french() -> None:
    catalogues = Catalogues({"fr": {"a.b": "bonjour {nom}"}, "en": {}})
    assert catalogues.get("en", "a.b", nom="*Léa*") == "bonjour " + escape("*Léa*")
