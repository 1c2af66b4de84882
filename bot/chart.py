"""The tally chart: cumulative pledges and pledges carried out, by day, as a PNG.

Sized and lettered for a phone screen. Pure and synchronous: callers run it in
a thread, off the event loop.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from storage.tally import DayCount

SIZE = (1080, 720)
LEFT, RIGHT, TOP, BOTTOM = 190, 60, 150, 90
BACKGROUND, INK, GRID = "#ffffff", "#1f2328", "#d0d7de"
TOTAL_COLOUR, DONE_COLOUR = "#cf222e", "#1a7f37"
# Looked up in the system font folders (Debian: fonts-dejavu-core).
SYSTEM_FONTS = ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "NotoSans-Regular.ttf")
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True, slots=True)
class ChartText:
    title: str
    total: str
    done: str
    number: Callable[[int], str]


@dataclass(frozen=True, slots=True)
class Series:
    days: list[date]
    total: list[int]
    done: list[int]


def cumulate(counts: Sequence[DayCount], today: date) -> Series:
    """Running totals for every day from the first count to today (at least two days)."""
    by_day = {count.day: (count.pledged, count.done) for count in counts}
    start = min(min(by_day, default=today), today - timedelta(days=1))
    series = Series([], [], [])
    total = done = 0
    for offset in range((today - start).days + 1):
        day = start + timedelta(days=offset)
        pledged, carried_out = by_day.get(day, (0, 0))
        total, done = total + pledged, done + carried_out
        series.days.append(day)
        series.total.append(total)
        series.done.append(done)
    return series


def nice_step(top: int, ticks: int = 5) -> int:
    """A round gap between grid lines (1, 2 or 5 times a power of ten)."""
    rough = max(top / ticks, 1)
    magnitude = 10 ** (len(str(int(rough))) - 1)
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= rough)


@cache
def load_font(size: int) -> tuple[Font, bool]:
    """A system font that has accented letters, or Pillow's own (ASCII only): (font, full)."""
    for name in SYSTEM_FONTS:
        try:
            return ImageFont.truetype(name, size), True
        except OSError:
            continue
    return ImageFont.load_default(size=size), False


def ascii_text(text: str) -> str:
    """What Pillow's own font can draw: `résilié` as `resilie`, any space as a space."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = (" " if ch.isspace() else ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch if ch.isascii() else "?" for ch in kept)


def render_chart(series: Series, text: ChartText) -> bytes:
    image = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    title_font, full = load_font(44)
    font, _ = load_font(28)
    if not full:
        number = text.number
        text = ChartText(
            ascii_text(text.title),
            ascii_text(text.total),
            ascii_text(text.done),
            lambda n: ascii_text(number(n)),
        )
    width, height = SIZE[0] - LEFT - RIGHT, SIZE[1] - TOP - BOTTOM
    step = nice_step(max(series.total))
    top = max(step, -(-max(series.total) // step) * step)

    def point(index: int, value: int) -> tuple[float, float]:
        x = LEFT + width * index / (len(series.days) - 1)
        return x, TOP + height * (1 - value / top)

    draw.text((LEFT, 30), text.title, font=title_font, fill=INK)
    _legend(draw, font, [(text.total, TOTAL_COLOUR), (text.done, DONE_COLOUR)])
    for value in range(0, top + 1, step):
        y = point(0, value)[1]
        draw.line([(LEFT, y), (LEFT + width, y)], fill=GRID, width=2)
        draw.text((LEFT - 16, y), text.number(value), font=font, fill=INK, anchor="rm")
    last = len(series.days) - 1
    for index in sorted({0, last // 2, last}):
        x = point(index, 0)[0]
        anchor = "la" if index == 0 else "ra" if index == last else "ma"
        label = series.days[index].isoformat()
        draw.text((x, TOP + height + 16), label, font=font, fill=INK, anchor=anchor)
    for values, colour in ((series.total, TOTAL_COLOUR), (series.done, DONE_COLOUR)):
        draw.line([point(i, v) for i, v in enumerate(values)], fill=colour, width=7, joint="curve")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _legend(
    draw: ImageDraw.ImageDraw,
    font: Font,
    entries: list[tuple[str, str]],
) -> None:
    x = LEFT
    for label, colour in entries:
        draw.rectangle([(x, 100), (x + 36, 124)], fill=colour)
        draw.text((x + 48, 112), label, font=font, fill=INK, anchor="lm")
        x += 48 + int(draw.textlength(label, font=font)) + 48
