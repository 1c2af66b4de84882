"""What members type is matched folded: lower case, no accents, whatever the script."""

from __future__ import annotations

import sys
import unicodedata

from bot.adapters.console import ConsoleAdapter
from bot.parsing import fold


def decomposed_fold(text: str) -> str:
    """The definition: case folded, decomposed (NFKD), combining marks dropped."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def test_every_character_folds_as_the_definition_says() -> None:
    """ASCII text skips the decomposition: a character outside ASCII that folds into it
    (the Kelvin sign, `ﬁ`) must still come out as the long way gives."""
    characters = (chr(code) for code in range(sys.maxunicode + 1))
    wrong = [
        ch
        for ch in characters
        if unicodedata.category(ch) != "Cs" and fold(ch) != decomposed_fold(ch)
    ]
    assert wrong == []
    for text in ("Résilier", "CANCEL ok2", "\N{KELVIN SIGN}o", "ﬁn", "Straße", "İ", "e\u0301"):
        assert fold(text) == decomposed_fold(text), text


async def test_button_words_match_in_any_case_accent_and_language(console: ConsoleAdapter) -> None:
    [thanks] = await console.say("/engagement RÉSILIER OK2")
    assert thanks.startswith("Merci ! Votre engagement est enregistré : résilier")
    for word in ("Silence", "QUIET"):  # French, then the English of the same button
        [quiet] = await console.say(f"/engagement {word}")
        assert quiet.startswith("Aucun message n'était prévu"), word  # the quiet button, read
    for word in ("PasEncore", "notYET"):
        [not_yet] = await console.say(f"/engagement {word}")
        assert not_yet.startswith("Pas de souci, chacun son rythme."), word
