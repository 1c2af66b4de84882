"""The fact card image: offered by /faits, rendered for a phone in both languages, its text
wrapped and cleaned so that nothing is cut off or drawn as a box."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from bot.adapters.console import ConsoleAdapter
from bot.app import App
from bot.chart import load_font
from bot.fact_image import MARGIN, WIDTH, FactImageText, drawable, render_fact_image, wrap
from bot.facts.model import Fact

SHOWN = re.compile(r"(\S+\.png)")


def button_line(reply: str, label: str) -> str:
    """The line a console button sends (printed `[/line] label`)."""
    [line] = [ln for ln in reply.splitlines() if ln.endswith(f"] {label}")]
    return line[1:].split("] ", 1)[0]


def dated_fact(app: App) -> Fact:
    base = app.services.facts.base
    return next(fact for fact in base.facts if base.article(fact.article).date)


@pytest.mark.parametrize(
    ("language", "command", "label", "source"),
    [
        ("fr", "/faits", "🖼️ Partager en image", "Source :"),
        ("en", "/facts", "🖼️ Share as an image", "Source:"),
    ],
)
async def test_a_fact_offers_its_image_with_source_and_date(
    app: App, tmp_path: Path, language: str, command: str, label: str, source: str
) -> None:
    fact = dated_fact(app)
    member = ConsoleAdapter(app, "alice", language=language, image_dir=tmp_path)
    [reply] = await member.say(f"{command} ={fact.id}")
    [image_reply] = await member.say(button_line(reply, label))
    [path] = SHOWN.findall(image_reply)
    assert image_reply.startswith(fact.title(language))  # the card in words, as the caption
    with Image.open(path) as image:
        assert image.format == "PNG" and image.width == WIDTH and image.height >= WIDTH
    year = app.services.facts.base.article(fact.article).date[:4]
    assert f"{source} " in image_reply and f" {year}" in image_reply


def test_lines_fit_the_card_and_long_words_are_cut_with_a_hyphen() -> None:
    font, _ = load_font(42)
    inner = WIDTH - 2 * MARGIN
    word = "anticonstitutionnellement" * 4
    lines = wrap(f"Un mot {word} déborde", font, inner)
    assert all(font.getlength(line) <= inner for line in lines)
    assert "".join(line.removesuffix("-") for line in lines).replace(" ", "") == (
        f"Unmot{word}déborde"
    )
    assert lines[1].endswith("-")


def test_no_break_spaces_hold_and_emoji_the_font_lacks_are_left_out() -> None:
    font, full = load_font(32)
    text = drawable("✊ Source\u202f: 6\u00a0mars\u00a02026 🇺🇸 é à ç « a » b ?", font, full)
    assert text == "Source\u202f: 6\u00a0mars\u00a02026 é à ç «\u00a0a\u00a0» b\u00a0?"
    lines = wrap(text, font, 260)
    assert "6\u00a0mars\u00a02026" in lines[1] and lines[0].endswith("Source\u202f:")


def test_a_long_fact_grows_the_card_instead_of_overflowing() -> None:
    statement = " ".join(["Une phrase longue avec des accents é è à ù."] * 30)
    png = render_fact_image(FactImageText("QuitGPT", "Titre", statement, "Source : X", "Pied"))
    with Image.open(io.BytesIO(png)) as image:
        assert image.height > WIDTH
        bottom = image.crop((0, image.height - MARGIN // 2, WIDTH, image.height))
        assert bottom.getcolors() == [(WIDTH * (MARGIN // 2), (255, 255, 255))]  # margin kept
