"""The model of what Discord shows live, on the examples of Discord's own documentation."""

from __future__ import annotations

import pytest

from tests.fakes.discord_markdown import live_constructs, unescape


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        ("**bold**", "bold"),
        ("*italics*", "italic"),
        ("__underline__", "underline"),
        ("~~strikethrough~~", "strikethrough"),
        ("||spoiler||", "spoiler"),
        ("`code`", "code"),
        ("```\ncode\n```", "code block"),
        ("> quote", "quote"),
        ("## Header", "heading"),
        ("-# subtext", "subtext"),
        ("- item", "list"),
        ("1. item", "list"),
        ("[masked](https://discord.com)", "masked link"),
        ("see https://discord.com", "link"),
        ("<@80351110224678912>", "mention"),
        ("<@&165511591545143296>", "mention"),
        ("<#103735883630395392>", "mention"),
        ("</airhorn:816437322781949972>", "mention"),
        ("@everyone", "mention"),
        ("<a:b1nzy:392938283556143104>", "emoji"),
        ("<t:1618953630:R>", "timestamp"),
    ],
)
def test_documented_constructs_are_live(content: str, kind: str) -> None:
    assert kind in [found for found, _ in live_constructs(content)]


@pytest.mark.parametrize(
    "content",
    [
        r"\*\*bold\*\*",
        r"\|\|spoiler\|\|",
        r"\## Header",
        r"\- item",
        r"1\. item",
        r"\[masked\]\(https\://discord.com\)",
        r"\<@80351110224678912\>",
        r"\@everyone",
        r"\<t\:1618953630\:R\>",
        "a - b # c > d",
    ],
)
def test_escaped_punctuation_is_text(content: str) -> None:
    assert live_constructs(content) == []


def test_the_reader_sees_escaped_characters_without_their_backslash() -> None:
    assert unescape(r"\*a\* \\ \é")[0] == r"*a* \ \é"
