"""The public counter's bodies, as pure functions of the figures: the JSON document, the
SVG badge and the HTML page with its curve. Every text comes from the catalogues."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import Any

from babel.numbers import format_decimal

from bot.chart import (
    DONE_COLOUR,
    INK,
    TOTAL_COLOUR,
    Series,
    axis_pattern,
    load_font,
    nice_step,
    ticks,
)
from bot.i18n import Catalogues, Number, moment, timestamp
from bot.markup import to_plain
from storage.api.records import Kind, Tally

CURVE_SIZE = (640, 300)
CURVE_RIGHT, CURVE_TOP, CURVE_BOTTOM = 16, 16, 40
# The curve's labels in SVG units: on a phone the drawing shrinks to about half its size,
# so the page's style makes them larger there (PHONE_FONT) to stay readable.
CURVE_FONT, PHONE_FONT = 13, 22


def tally_document(tally: Tally, updated: datetime) -> dict[str, Any]:
    """The figures for `/api/tally.json`. A conditional pledge counts only once firm: `total`
    and `firm` are the same figure, `conditional` those still waiting for their threshold."""
    return {
        "total": tally.total,
        "firm": tally.total,
        "conditional": tally.conditional,
        "done": tally.done,
        "last_24h": tally.last_day,
        "by_platform": dict(tally.platforms),
        "by_kind": {_kind_name(kind): count for kind, count in tally.kinds.items()},
        "updated": updated.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _kind_name(kind: Kind) -> str:
    return (kind.name or str(int(kind))).lower()


class Words:
    """The catalogue in one language, as plain text, numbers written by Babel."""

    def __init__(self, catalogues: Catalogues, language: str, timezone: str) -> None:
        self.catalogues = catalogues
        self.language = language
        self.timezone = timezone

    def __call__(self, key: str, /, **params: object) -> str:
        return to_plain(self.catalogues.get(self.language, key, **params))

    def number(self, value: int) -> Number:
        return Number(format_decimal(value, locale=self.language), value)

    def moment(self, when: datetime) -> str:
        t = self.catalogues.get
        return moment(lambda key: t(self.language, key), self.language, when, self.timezone)

    def axis_time(self, key: str) -> Callable[[datetime], str]:
        pattern = self(key)
        return lambda when: timestamp(self.language, when, self.timezone, pattern)


def badge_svg(label: str, value: str, language: str) -> str:
    """A flat badge in the usual two-part shape, sized to its text."""
    left, right = _text_width(label) + 12, _text_width(value) + 12
    width = left + right
    title = escape(f"{label}: {value}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img"'
        f' lang="{language}" aria-label="{title}"><title>{title}</title>'
        f'<rect width="{width}" height="20" rx="3" fill="#555"/>'
        f'<rect x="{left}" width="{right}" height="20" rx="3" fill="{TOTAL_COLOUR}"/>'
        f'<rect x="{left}" width="4" height="20" fill="{TOTAL_COLOUR}"/>'
        '<g fill="#fff" font-family="DejaVu Sans,Verdana,Geneva,sans-serif" font-size="11"'
        ' text-anchor="middle">'
        f'<text x="{left / 2}" y="14">{escape(label)}</text>'
        f'<text x="{left + right / 2}" y="14">{escape(value)}</text></g></svg>'
    )


def _text_width(text: str) -> int:
    """Measured with the chart's font at the badge's size, else about 7 px a character."""
    font, full = load_font(11)
    return round(font.getlength(text)) if full else 7 * len(text)


def curve_svg(series: Series, words: Words) -> str:
    """The running totals as an inline SVG line chart, labelled in the page's language."""
    width, height = CURVE_SIZE
    step = nice_step(max(series.total))
    top = max(step, -(-max(series.total) // step) * step)
    levels = {value: words.number(value).markup for value in range(0, top + 1, step)}
    # room for the widest level label at the phone's size (about 0.6 em a character)
    left = 12 + round(0.6 * PHONE_FONT * max(len(label) for label in levels.values()))
    plot_w = width - left - CURVE_RIGHT
    plot_h = height - CURVE_TOP - CURVE_BOTTOM
    start, span = series.times[0], series.span

    def point(when: datetime, value: int) -> tuple[float, float]:
        x = left + plot_w * ((when - start) / span)
        return round(x, 1), round(CURVE_TOP + plot_h * (1 - value / top), 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img"'
        f' aria-label="{escape(words("chart.title"))}" font-family="sans-serif"'
        f' font-size="{CURVE_FONT}" fill="{INK}">'
    ]
    for value, label in levels.items():
        y = point(start, value)[1]
        parts.append(
            f'<line x1="{left}" x2="{width - CURVE_RIGHT}" y1="{y}" y2="{y}" stroke="#d0d7de"/>'
            f'<text x="{left - 8}" y="{y}" dominant-baseline="middle" text-anchor="end">'
            f"{escape(label)}</text>"
        )
    when = words.axis_time(axis_pattern(series.span))
    for tick, anchor in zip(ticks(series), ("start", "middle", "end"), strict=True):
        parts.append(
            f'<text x="{point(tick, 0)[0]}" y="{height - 8}" text-anchor="{anchor}">'
            f"{escape(when(tick))}</text>"
        )
    # Dashed, the pledges carried out stay visible where they equal the total.
    lines = ((series.total, TOTAL_COLOUR, ""), (series.done, DONE_COLOUR, "8 5"))
    for values, colour, dashes in lines:
        drawn = thinned([point(t, v) for t, v in zip(series.times, values, strict=True)])
        points = " ".join(f"{x},{y}" for x, y in drawn)
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="3"'
            f' stroke-linejoin="round" stroke-dasharray="{dashes or "none"}"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def thinned(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """One point per unit of width, the last of each: months of hourly points weigh on
    the page and draw nothing more."""
    kept = list(points[:1])
    for x, y in points[1:]:
        if kept and int(kept[-1][0]) == int(x) and len(kept) > 1:
            kept[-1] = (x, y)
        else:
            kept.append((x, y))
    return kept


@dataclass(frozen=True, slots=True)
class Page:
    """What the page shows besides the figures: when, how often, the other languages."""

    tally: Tally
    series: Series
    updated: datetime
    refresh_seconds: int
    languages: Sequence[tuple[str, str]]  # (code, name in that language) of the others


_STYLE = (
    "body{margin:0;font-family:system-ui,sans-serif;color:#1f2328;background:#f6f8fa}"
    "main{max-width:44rem;margin:0 auto;padding:1.5rem}"
    "nav{text-align:right}h1{margin:.5rem 0}"
    f".total{{font-size:2.6rem;font-weight:700;color:{TOTAL_COLOUR};margin:.6rem 0}}"
    "figure{margin:1rem 0;background:#fff;border:1px solid #d0d7de;border-radius:6px;"
    "padding:.5rem}svg{width:100%;height:auto;display:block}"
    "figcaption{font-size:.9rem}.key{display:inline-block;width:1rem;height:.6rem;"
    "margin:0 .3rem 0 .8rem}section{display:inline-block;vertical-align:top;"
    "min-width:18rem;margin-right:1rem}h2{font-size:1.1rem}.small{font-size:.85rem;color:#57606a}"
    ".entry{white-space:nowrap}"
    "@media (max-width:32rem){.total{font-size:2rem}"
    f"figure svg text{{font-size:{PHONE_FONT}px}}}}"
)


def page_html(page: Page, words: Words) -> str:
    tally = page.tally
    platforms = [
        words("public.line", label=name.capitalize(), count=words.number(count))
        for name, count in tally.platforms.items()
    ]
    kinds = [
        words("public.line", label=words(f"kind.{_kind_name(kind)}"), count=words.number(count))
        for kind, count in tally.kinds.items()
    ]
    others = "".join(
        f'<a href="{code}" hreflang="{code}" lang="{code}">{escape(name)}</a> '
        for code, name in page.languages
    )
    legend = "".join(
        f'<span class="entry"><span class="key" style="background:{colour}"></span>'
        f"{escape(words(key))}</span>"
        for key, colour in (("chart.total", TOTAL_COLOUR), ("chart.done", DONE_COLOUR))
    )
    updated = words("public.updated", when=words.moment(page.updated), seconds=page.refresh_seconds)
    return (
        f'<!doctype html><html lang="{words.language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(words('public.title'))}</title><style>{_STYLE}</style></head>"
        f"<body><main><nav>{others}</nav><h1>{escape(words('public.title'))}</h1>"
        f"<p>{escape(words('public.intro'))}</p>"
        f'<p class="total" id="total" data-total="{tally.total}">'
        f"{escape(words('public.total', count=words.number(tally.total)))}</p>"
        f'<p id="done">{escape(words("public.done", count=words.number(tally.done)))}</p>'
        f'<p id="last-day">'
        f"{escape(words('public.last_day', count=words.number(tally.last_day)))}</p>"
        f"<figure>{curve_svg(page.series, words)}<figcaption>{legend}</figcaption></figure>"
        f"{_section(words('public.by_platform'), platforms)}"
        f"{_section(words('public.by_kind'), kinds)}"
        f'<p class="small" id="updated">{escape(updated)}</p>'
        f"<p>{escape(words('public.join'))}</p></main></body></html>"
    )


def _section(title: str, lines: Sequence[str]) -> str:
    """A heading and its list; nothing at all for an empty list."""
    if not lines:
        return ""
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return f"<section><h2>{escape(title)}</h2><ul>{items}</ul></section>"
