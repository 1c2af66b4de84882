"""Text from members, echoed in a reply, stays text on Discord and Telegram: no markup, link,
mention, command or number the platform would make live, and it reads as it was written."""

from __future__ import annotations

import string
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.discord_render import markdown_chunks
from bot.adapters.telegram_render import MESSAGE_LIMIT, WORD_JOINER, html_chunks
from bot.i18n import Catalogues
from tests.fakes.discord_markdown import live_constructs, unescape
from tests.fakes.telegram_checks import format_text
from tests.fakes.telegram_state import JSON

CATALOGUES = Catalogues.load()
# Replies that echo a member: mid-line (a question not found) and at a line start (a post).
ECHOES = [("fr", "facts.not_found"), ("en", "facts.not_found"), ("fr", "broadcast.message")]
# Our own markup in the same message, whose command, hashtag, list and link stay live: a
# reply is made of paragraphs (a fact card, "see also", a question) joined by blank lines.
OURS = "- /faits #sources\n- [chatgpt.com](https://chatgpt.com)"
PIECES = [
    *("[a](https://evil.example/a)", "https://evil.example/x", "http://x.y", "evil.example"),
    *("@everyone", "@here", "<@123>", "<@!123>", "<@&123>", "<#123>", "</faits:123>"),
    *("<:quit:123>", "<a:quit:123>", "<t:1700000000:R>", "<https://evil.example>"),
    *("# ", "## ", "### ", "-# ", "- ", "* ", "+ ", "1. ", "> ", ">>> ", "\n", "\n\n", "  "),
    *("\n# title", "\n-# note", "\n- item", "\n + item", "\n12. item", "\n> quote"),
    *("**", "__", "~~", "||", "`", "```", "*", "_", "\\", "<b>", "</b>", "&amp;", "&"),
    *("**bold**", "__under__", "~~gone~~", "||spoiler||", "*it*", "_it_", "`code`", "```a```"),
    *("@someone_42", "#tag", "$USD", "/start@quitgpt_bot", "/faits", "do-not-reply@x.org"),
    *("+1-212-555-0123", "0123456789", "t.me/quitgpt", "пример.рф", "é", "ß", "🙂", "\u2060"),
]
ALPHABET = string.ascii_letters + string.digits + string.punctuation + " \néß🙂"
member_texts = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(ALPHABET, max_size=6)), max_size=12
).map("".join)
examples = settings(max_examples=300, derandomize=True, deadline=None, database=None)


def reply(echo: tuple[str, str], text: str) -> str:
    """The reply echoing `text` (as the question of one template, the text of the other),
    followed by a paragraph of our own markup."""
    language, key = echo
    return "\n\n".join([CATALOGUES.get(language, key, question=text, text=text), OURS])


def discord(markup: str) -> tuple[list[tuple[str, str]], str]:
    """The live constructs of the rendered reply, and its text as members read it."""
    chunks = markdown_chunks(markup)
    shown = "\n".join(unescape(chunk)[0] for chunk in chunks)
    return [found for chunk in chunks for found in live_constructs(chunk)], shown


def telegram(markup: str) -> tuple[list[tuple[str, str]], str]:
    """The entities Telegram would see in the rendered reply, and its text."""
    found: list[tuple[str, str]] = []
    texts = []
    for chunk in html_chunks(markup):
        text, entities = format_text(chunk, {"parse_mode": "HTML"}, "entities", MESSAGE_LIMIT)
        found += [(entity["type"], _covered(text, entity)) for entity in entities]
        texts.append(text)
    return found, "\n".join(texts)


def _covered(text: str, entity: JSON) -> str:
    units = text.encode("utf-16-le")[2 * entity["offset"] :]
    return units[: 2 * entity["length"]].decode("utf-16-le")


RENDERED = {"discord": discord, "telegram": telegram}


@cache
def baseline(platform: str, echo: tuple[str, str]) -> list[tuple[str, str]]:
    """What is live in the same reply to a plain word: our own text's constructs."""
    return RENDERED[platform](reply(echo, "question"))[0]


def assert_stays_text(platform: str, echo: tuple[str, str], text: str) -> None:
    """Nothing more is live than in the reply to a plain word, and the text reads the same."""
    live, shown = RENDERED[platform](reply(echo, text))
    assert live == baseline(platform, echo)
    assert readable(text) in readable(shown)


def readable(text: str) -> str:
    return " ".join(text.replace(WORD_JOINER, "").split())


@pytest.mark.parametrize("platform", RENDERED)
@examples
@given(member_texts, st.sampled_from(ECHOES))
def test_member_text_is_never_live(platform: str, text: str, echo: tuple[str, str]) -> None:
    assert_stays_text(platform, echo, text)


def test_our_own_command_hashtag_and_link_stay_live() -> None:
    assert ("list", "- /") in baseline("discord", ECHOES[0])
    assert ("masked link", "[chatgpt.com](<https://chatgpt.com>)") in baseline("discord", ECHOES[0])
    live = baseline("telegram", ECHOES[0])
    assert {("bot_command", "/faits"), ("hashtag", "#sources")} <= set(live)
    assert ("text_link", "chatgpt.com") in live


@pytest.mark.parametrize(
    ("platform", "echo", "text"),
    [
        (
            "discord",
            0,
            "[a](https://evil.example/a) [b](https://evil.example/b) [c](<https://e.x/c>)",
        ),
        ("discord", 0, "@everyone and @here"),
        ("discord", 0, "<@123>, <@&456> and <#789> at <t:1700000000:R>"),
        ("discord", 2, "# heading\n-# small\n> quoted\n1. listed"),
        ("discord", 1, "see https://evil.example/x"),
        ("telegram", 0, "ask @someone_42 about #tag and $USD"),
        ("telegram", 0, "/start@quitgpt_bot or /faits"),
        ("telegram", 0, "https://evil.example/x, evil.example and do-not-reply@telegram.org"),
        ("telegram", 2, "call +1-212-555-0123 or 0123456789"),
    ],
)
def test_known_attacks_stay_text(platform: str, echo: int, text: str) -> None:
    assert_stays_text(platform, ECHOES[echo], text)
