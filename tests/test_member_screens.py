"""What members see on their screens: every topic once, and buttons that run commands in
the member's own language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.adapters.discord_render import markdown_chunks
from bot.app import App
from bot.config import DEFAULT_FACTS
from bot.facts.loader import load_factbase
from bot.i18n import Raw
from bot.seam import ChatKind, ChatRef, Message, Sender
from commands.base import Context
from commands.fact_replies import unsourced_reply

BASE = load_factbase(DEFAULT_FACTS)
BUTTON = re.compile(r"^\[(/[^\]]*)\] ", re.MULTILINE)
FRENCH = {"oui", "non", "confirmer", "forcer", "jeter", "annuler", "graphique"}
FRENCH |= {"resilier", "appli", "changer", "engagement"}
ENGLISH = {"yes", "no", "confirm", "force", "discard", "cancel", "chart", "app", "switch"}


def actions(reply: str) -> list[str]:
    """The lines the reply's buttons send, as the console shows them."""
    return BUTTON.findall(reply)


def assert_topics_once(reply: str, language: str) -> None:
    for topic in BASE.topics:
        label = topic.label(language)
        assert reply.count(label) == 1, (label, reply)
        assert f"] {label}" in reply  # as a button, not as a line of text


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("fr", "/faits"),
        ("en", "/facts"),
        ("fr", "/faits quel temps fera-t-il à Lyon demain ?"),
        ("en", "/facts a good recipe for pancakes"),
        ("fr", "/faits =fiche-disparue"),
        ("en", "/facts #gone-topic"),
        ("fr", "bonjour"),
    ],
)
async def test_topics_are_shown_once_in_answers_and_refusals(
    app: App, tmp_path: Path, language: str, line: str
) -> None:
    member = ConsoleAdapter(app, "alice", language=language, image_dir=tmp_path)
    [reply] = await member.say(line)
    assert_topics_once(reply, language)
    name = "faits" if language == "fr" else "facts"
    assert set(actions(reply)) == {f"/{name} #{topic.id}" for topic in BASE.topics}


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_a_name_no_fact_covers_gets_the_topics_once(app: App, language: str) -> None:
    chat = ChatRef("console", "alice", ChatKind.PRIVATE)
    ctx = Context(Message(chat, Sender("alice", language), "/faits"), app.services, language)
    reply = unsourced_reply(ctx, BASE, ("Zuckerberg",), None)
    texts = [reply.text, *(button.label for row in reply.buttons for button in row)]
    for topic in BASE.topics:
        assert sum(text.count(topic.label(language)) for text in texts) == 1


async def screens(member: ConsoleAdapter) -> list[str]:
    """What a member (here a moderator) meets on a first visit, as the console prints it."""
    dispatcher = member.app.dispatcher
    language = dispatcher.language_of(member.sender)

    def line(command: str, args: str = "") -> str:
        spec = dispatcher.command(command)
        assert spec is not None
        return f"/{spec.display_name(language)} {args}".strip()

    shown = []
    for command in ("start", "faits", "pledge", "compteur", "resilier", "mesdonnees", "oubli"):
        shown += await member.say(line(command))
    shown += await member.say(line("faits", f"#{BASE.topics[0].id}"))
    shown += await member.say(line("faits", "Brockman"))
    [notice] = [reply for reply in shown if "ok2" in reply]
    [all_three] = [action for action in actions(notice) if action.count("+") == 2]
    shown += await member.say(all_three)  # thanks, with their buttons
    shown += await member.say(line("pledge"))  # the pledge, with buttons to change it
    shown += await member.say(line("annonce", "Rendez-vous samedi"))
    return shown


@pytest.mark.parametrize(("language", "foreign"), [("en", FRENCH), ("fr", ENGLISH)])
async def test_buttons_run_commands_in_the_member_s_language(
    app: App, tmp_path: Path, language: str, foreign: set[str]
) -> None:
    member = ConsoleAdapter(app, "mod", language=language, image_dir=tmp_path)  # a moderator
    names = {spec.display_name(language) for spec in app.services.commands}
    lines = [line for reply in await screens(member) for line in actions(reply)]
    assert len(lines) > 30
    for line in lines:
        command, *words = line.split()
        assert command[1:] in names, line
        assert not {w for part in words for w in part.split("+")} & foreign, line


async def test_english_buttons_carrying_words_do_what_they_say(app: App, tmp_path: Path) -> None:
    member = ConsoleAdapter(app, "mod", language="en", image_dir=tmp_path)
    [answer] = await member.say("/facts Brockman")
    yes = next(a for a in actions(answer) if a.endswith(" yes"))
    assert yes.startswith("/feedback ")
    assert (await member.say(yes))[0].startswith("Thank you")
    [tally] = await member.say("/tally")
    [chart] = actions(tally)
    assert chart == "/tally chart" and "image" in (await member.say(chart))[0].lower()
    [preview] = await member.say("/broadcast Hello")
    send, discard = actions(preview)
    assert (send, discard) == ("/broadcast confirm 1", "/broadcast discard 1")
    assert await member.say(discard) == ["Draft discarded: nothing was sent."]
    [notice] = await member.say("/pledge")
    assert "/pledge cancel+app+switch ok2" in actions(notice)
    [forget] = await member.say("/mydata")
    assert "/forget" in actions(forget)
    [confirm] = await member.say("/forget")
    assert actions(confirm) == ["/forget confirm"]


async def test_a_button_sent_in_french_still_works_for_a_member_now_in_english(
    app: App, tmp_path: Path
) -> None:
    before = ConsoleAdapter(app, "alice", language="fr", image_dir=tmp_path)
    [answer] = await before.say("/faits Brockman")
    oui = next(a for a in actions(answer) if a.endswith(" oui"))
    after = ConsoleAdapter(app, "alice", language="en", image_dir=tmp_path)
    assert (await after.say(oui))[0].startswith("Thank you")


@pytest.mark.parametrize("key", ["guide.text", "sources.list"])
def test_discord_shows_no_preview_of_a_link_list(app: App, key: str) -> None:
    """Discord unfolds a link into a preview unless it is written `<url>` (Discord's help,
    "Turning off embeds for a link"); every link the guide and the sources list give is."""
    text = app.services.catalogues.get("fr", key, articles=Raw("[lien](https://example.org)"))
    links = [chunk for chunk in markdown_chunks(text) if "http" in chunk]
    assert links
    for chunk in links:
        assert len(re.findall(r"https?://", chunk)) == len(re.findall(r"<https?://", chunk))
