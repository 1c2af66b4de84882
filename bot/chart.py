"""The tally chart: cumulative pledges and pledges carried out over real time, as a PNG.

The time axis runs from the first pledge's hour to now, whatever the span: pledges all made
in the last hour are drawn over that hour, not over a day. Sized and lettered for a phone
screen. Pure and synchronous: callers run it in a thread, off the event loop.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from storage.api.records import HourCount

SIZE = (1080, 720)
LEFT, RIGHT, TOP, BOTTOM = 190, 60, 150, 90
BACKGROUND, INK, GRID = "#ffffff", "#1f2328", "#d0d7de"
TOTAL_COLOUR, DONE_COLOUR = "#cf222e", "#1a7f37"
# Looked up in the system font folders (Debian: fonts-dejavu-core).
SYSTEM_FONTS = ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "NotoSans-Regular.ttf")
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
HOUR = timedelta(hours=1)
MIN_SPAN = HOUR  # the shortest time axis drawn: a first pledge a minute ago is not a wall


@dataclass(frozen=True, slots=True)
class ChartText:
    title: str
    total: str
    done: str
    number: Callable[[int], str]
    when: Callable[[datetime], str]  # a time on the axis, in the member's language


@dataclass(frozen=True, slots=True)
class Series:
    """Running totals at real times, oldest first (at least two points)."""

    times: list[datetime]
    total: list[int]
    done: list[int]

    @property
    def span(self) -> timedelta:
        return self.times[-1] - self.times[0]


def cumulate(counts: Sequence[HourCount], now: datetime) -> Series:
    """The running totals from the first pledge's hour (at least `MIN_SPAN` before now)
    to now: flat between hours with pledges, rising across each such hour, since a
    pledge's time is kept to the hour only."""
    start = min([*(count.hour for count in counts), now - MIN_SPAN])
    series = Series([start], [0], [0])
    total = done = 0
    for count in counts:
        if count.hour > series.times[-1]:  # nothing happened since the last point
            series.times.append(count.hour)
            series.total.append(total)
            series.done.append(done)
        total, done = total + count.pledged, done + count.done
        series.times.append(min(count.hour + HOUR, now))
        series.total.append(total)
        series.done.append(done)
    if series.times[-1] < now:
        series.times.append(now)
        series.total.append(total)
        series.done.append(done)
    return series


# The time axis labels, by the longest span each suits: hours, then days and hours, days,
# months (CLDR patterns in the catalogue).
AXIS_PATTERNS = (
    (timedelta(hours=12), "chart.axis_time"),
    (timedelta(days=3), "chart.axis_day_time"),
    (timedelta(days=300), "chart.axis_day"),
)


def axis_pattern(span: timedelta) -> str:
    """The catalogue key of the pattern that writes the time axis of a chart this long."""
    return next((key for longest, key in AXIS_PATTERNS if span <= longest), "chart.axis_month")


def ticks(series: Series) -> list[datetime]:
    """The times labelled under the axis: its start, middle and end."""
    start, span = series.times[0], series.span
    return [start, start + span / 2, start + span]


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
        number, when = text.number, text.when
        text = ChartText(
            ascii_text(text.title),
            ascii_text(text.total),
            ascii_text(text.done),
            lambda n: ascii_text(number(n)),
            lambda moment: ascii_text(when(moment)),
        )
    width, height = SIZE[0] - LEFT - RIGHT, SIZE[1] - TOP - BOTTOM
    step = nice_step(max(series.total))
    top = max(step, -(-max(series.total) // step) * step)

    start, span = series.times[0], series.span

    def point(moment: datetime, value: int) -> tuple[float, float]:
        x = LEFT + width * ((moment - start) / span)
        return x, TOP + height * (1 - value / top)

    draw.text((LEFT, 30), text.title, font=title_font, fill=INK)
    _legend(draw, font, [(text.total, TOTAL_COLOUR), (text.done, DONE_COLOUR)])
    for value in range(0, top + 1, step):
        y = point(start, value)[1]
        draw.line([(LEFT, y), (LEFT + width, y)], fill=GRID, width=2)
        draw.text((LEFT - 16, y), text.number(value), font=font, fill=INK, anchor="rm")
    for moment, anchor in zip(ticks(series), ("la", "ma", "ra"), strict=True):
        x = point(moment, 0)[0]
        draw.text((x, TOP + height + 16), text.when(moment), font=font, fill=INK, anchor=anchor)
    for values, colour in ((series.total, TOTAL_COLOUR), (series.done, DONE_COLOUR)):
        line = [point(moment, value) for moment, value in zip(series.times, values, strict=True)]
        draw.line(line, fill=colour, width=7, joint="curve")
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
