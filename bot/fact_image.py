"""A fact as an image to share: the campaign's name, the fact, its source and date, lettered
for a phone screen. Pure and synchronous: callers run it in a thread, off the event loop.

Text is wrapped to the card's width by measuring it; a word longer than a line is cut; a
character the font cannot draw (an emoji, with DejaVu) is left out rather than drawn as a
box.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from bot.chart import Font, ascii_text, load_font

WIDTH, MIN_HEIGHT, MARGIN = 1080, 1080, 80
BAND_HEIGHT = 140
BACKGROUND, INK, MUTED, BAND, BAND_INK = "#ffffff", "#1f2328", "#57606a", "#cf222e", "#ffffff"
BOLD_FONTS = ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "NotoSans-Bold.ttf")
# (size, bold, colour, space after) of the campaign, title, statement, source, footer
CAMPAIGN, TITLE, STATEMENT, SOURCE, FOOTER = (
    (52, True, BAND_INK, 0),
    (58, True, INK, 36),
    (42, False, INK, 40),
    (32, False, MUTED, 0),
    (30, True, BAND, 0),
)
LINE_SPACING = 1.3
_MISSING = "\ue000"  # a private-use character: drawn as the font's "no glyph" box
# Where a line may break: not at a no-break space (French puts one before « : » and « ? »),
# nor at a space inside « » or before : ; ? ! (French spacing typed as plain spaces).
_BREAKS = re.compile(r"[ \t\n\r]+")
_GLUED = re.compile(r"(?<=«) | (?=[»:;?!])")


@dataclass(frozen=True, slots=True)
class FactImageText:
    campaign: str
    title: str
    statement: str
    source: str  # who said it, where and when
    footer: str


@cache
def bold_font(size: int) -> tuple[Font, bool]:
    for name in BOLD_FONTS:
        try:
            return ImageFont.truetype(name, size), True
        except OSError:
            continue
    return load_font(size)


def font_for(style: tuple[int, bool, str, int]) -> tuple[Font, bool]:
    size, bold, _, _ = style
    return bold_font(size) if bold else load_font(size)


@cache
def _has_glyph(font: Font, char: str) -> bool:
    """Whether `font` draws `char` as anything else than its "no glyph" box."""
    return bytes(font.getmask(char)) != bytes(font.getmask(_MISSING))


def drawable(text: str, font: Font, full: bool) -> str:
    """`text` without the characters `font` has no glyph for (ASCII only for Pillow's own)."""
    if not full:
        return ascii_text(text)
    kept = "".join(ch for ch in text if ch.isspace() or _has_glyph(font, ch))
    return _GLUED.sub("\u00a0", " ".join(_BREAKS.split(kept)).strip())


def wrap(text: str, font: Font, width: int) -> list[str]:
    """Lines no wider than `width`, broken between words, or inside a word too long (with a
    hyphen)."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if font.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        while font.getlength(word) > width:
            fits = [i for i in range(1, len(word)) if font.getlength(f"{word[:i]}-") <= width]
            cut = max(fits, default=1)
            lines.append(f"{word[:cut]}-")
            word = word[cut:]
        line = word
    return [*lines, line] if line else lines


def render_fact_image(text: FactImageText) -> bytes:
    inner = WIDTH - 2 * MARGIN
    blocks = []
    for content, style in ((text.title, TITLE), (text.statement, STATEMENT), (text.source, SOURCE)):
        font, full = font_for(style)
        blocks.append((wrap(drawable(content, font, full), font, inner), font, style))
    heights = [_line_height(style) * len(lines) + style[3] for lines, _, style in blocks]
    footer_height = 2 * _line_height(FOOTER)
    height = max(MIN_HEIGHT, BAND_HEIGHT + 2 * MARGIN + sum(heights) + footer_height)
    image = Image.new("RGB", (WIDTH, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, BAND_HEIGHT), fill=BAND)
    campaign_font, full = font_for(CAMPAIGN)
    campaign = drawable(text.campaign, campaign_font, full)
    draw.text((MARGIN, BAND_HEIGHT / 2), campaign, font=campaign_font, fill=BAND_INK, anchor="lm")
    y = BAND_HEIGHT + MARGIN
    for lines, font, style in blocks:
        for line in lines:
            draw.text((MARGIN, y), line, font=font, fill=style[2])
            y += _line_height(style)
        y += style[3]
    footer_font, full = font_for(FOOTER)
    footer = wrap(drawable(text.footer, footer_font, full), footer_font, inner)
    y = height - MARGIN - _line_height(FOOTER) * len(footer)
    draw.line((MARGIN, y - 24, WIDTH - MARGIN, y - 24), fill=MUTED, width=2)
    for line in footer:
        draw.text((MARGIN, y), line, font=footer_font, fill=FOOTER[2])
        y += _line_height(FOOTER)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _line_height(style: tuple[int, bool, str, int]) -> int:
    return round(style[0] * LINE_SPACING)
