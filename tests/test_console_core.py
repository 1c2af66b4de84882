"""The core through the in-process console adapter: a member's first steps."""

from __future__ import annotations

import re
import stat
import tempfile
from pathlib import Path

from bot.adapters.console import ConsoleAdapter
from bot.app import App
from tests.support import table_rows


async def test_start_is_short_with_a_button_for_each_first_step(
    console: ConsoleAdapter, console_en: ConsoleAdapter
) -> None:
    [reply] = await console.say("/start")
    assert reply.startswith("Bienvenue dans QuitGPT !")
    assert "MAGA Inc." in reply
    # What the articles only report stays reported.
    assert "dons que son président aurait faits" in reply
    assert "que l'ICE utiliserait" in reply
    assert "• /aide" not in reply  # the commands are one button away, not listed
    for action in ("/engagement", "/faits", "/compteur", "/resilier", "/aide"):
        assert f"[{action}]" in reply
    [english] = await console_en.say("/start")
    for action in ("/pledge", "/facts", "/tally", "/guide", "/help"):
        assert f"[{action}]" in english


async def test_help_in_french_and_english(
    console: ConsoleAdapter, console_en: ConsoleAdapter
) -> None:
    [french] = await console.say("/aide")
    [english] = await console_en.say("/help")
    assert french.startswith("Commandes\n")
    assert english.startswith("Commands\n")
    assert "• /help — show this help" in english
    assert await console_en.say("/aide") == [english]


async def test_unknown_command_gets_a_localised_hint(
    console: ConsoleAdapter, console_en: ConsoleAdapter
) -> None:
    [reply] = await console.say("/meteo paris")
    assert reply.startswith("Commande inconnue. Commandes disponibles : /start, /aide")
    [reply] = await console_en.say("/weather")
    assert reply.startswith("Unknown command. Available commands: /start, /help")


async def test_odd_spacing_case_and_accents_in_commands(console: ConsoleAdapter) -> None:
    [help_text] = await console.say("/aide")
    assert await console.say("   /AIDE    ") == [help_text]
    assert await console.say("/Aide\textra   words") == [help_text]
    assert await console.say("/aidé") == [help_text]
    assert await console.say("/aide@QuitGPTBot") == [help_text]


async def test_empty_and_slash_only_lines(console: ConsoleAdapter) -> None:
    [empty] = await console.say("")
    assert empty.startswith("Message vide.")
    assert await console.say("   \t  ") == [empty]
    [slash] = await console.say("/")
    assert slash.startswith("Commande inconnue.")


async def test_very_long_line_is_refused_plainly(console: ConsoleAdapter) -> None:
    [reply] = await console.say("/aide " + "x" * 10_000)
    assert reply == (
        "Votre message est trop long (10006 caractères, 4000 au plus). "
        "Raccourcissez-le et réessayez."
    )


async def test_control_and_markup_characters_are_harmless(console: ConsoleAdapter) -> None:
    [help_text] = await console.say("/aide")
    assert await console.say("/ai\x00de \x1b\u202etexte\x07") == [help_text]
    [reply] = await console.say("/*gras* _x_ [lien](http://x) <b>&amp;")
    assert reply.startswith("Commande inconnue.")


async def test_language_falls_back_to_french(app, tmp_path) -> None:
    german = ConsoleAdapter(app, "hans", language="de-DE", image_dir=tmp_path)
    [reply] = await german.say("/help")
    assert reply.startswith("Commandes\n")


async def test_a_lone_surrogate_is_replaced_at_the_seam(
    console: ConsoleAdapter, moderator: ConsoleAdapter
) -> None:
    """JSON may carry "\\ud83d" alone (Telegram and Discord payloads are JSON); Python then
    holds a string that UTF-8, and so SQLite, cannot store."""
    [reply] = await console.say("/faits recette \ud83d des crêpes")
    assert reply.startswith(
        "Je n'ai pas de fait sourcé qui réponde à « recette \ufffd des crêpes »"
    )
    [queued] = await moderator.say("/questions")
    assert "\ud83d" not in queued


async def test_monid_tells_the_member_the_setting_that_makes_them_a_moderator(
    console: ConsoleAdapter, console_en: ConsoleAdapter
) -> None:
    [fr] = await console.say("/monid")
    assert fr.startswith("Votre identifiant console : alice")
    assert "« console:alice » à QUITGPT_MODERATORS" in fr
    [en] = await console_en.say("/myid")
    assert en.startswith("Your console id: bob")


async def test_a_console_chart_is_private_and_unguessable(app: App) -> None:
    member = ConsoleAdapter(app, "alice", language="fr")
    paths = []
    for _ in range(2):
        [answer] = await member.say("/compteur graphique")
        [path] = re.findall(r"(/\S+\.png)", answer)
        paths.append(Path(path))
    first, second = paths
    assert first.read_bytes().startswith(b"\x89PNG") and first != second
    assert "alice" not in first.name  # nothing to guess a member's chart by
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    assert stat.S_IMODE(first.parent.stat().st_mode) == 0o700
    assert first.parent != Path(tempfile.gettempdir())


async def test_monid_stores_nothing(app: App, tmp_path: Path) -> None:
    member = ConsoleAdapter(app, "zed-4242", language="fr", image_dir=tmp_path)
    [answer] = await member.say("/monid")
    assert "zed-4242" in answer
    assert "zed-4242" not in repr(table_rows(app.config.database))
