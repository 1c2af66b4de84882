"""/compteur: how many pledged, how many did it, where and what; as text or a chart."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.chart import ChartText, Series, axis_pattern, cumulate, render_chart
from bot.i18n import Raw, Translate, number, timestamp
from bot.markup import to_plain
from bot.parsing import fold
from bot.seam import Button, Image, Reply
from commands.base import Argument, CommandSpec, Context, ModeratorOnly
from commands.campaign_sources import source_counts_reply
from commands.fact_replies import date_text
from commands.pledging import KIND_LABELS, kinds_text, platform_name
from storage.api.records import Tally

CHART_SYNONYMS = {"courbe", "graph"}  # besides `action.chart` in every language


def tally_markup(t: Translate, tally: Tally) -> str:
    """The tally in one language (also used for the periodic tally posts)."""
    # Conditional pledges waiting for their threshold, apart: never in the total.
    waiting = "\n" + t("tally.conditional", count=number(t, tally.conditional))
    waiting = waiting if tally.conditional else ""
    if not tally.total:
        return t("tally.empty") + waiting
    platforms = [
        t("tally.line", label=platform_name(name), count=number(t, count))
        for name, count in tally.platforms.items()
    ]
    kinds = [
        t("tally.line", label=kinds_text(t, kind), count=number(t, tally.kinds[kind]))
        for kind in KIND_LABELS
    ]
    return t(
        "tally.text",
        conditional=Raw(waiting),
        total=number(t, tally.total),
        done=number(t, tally.done),
        last_day=number(t, tally.last_day),
        platforms=Raw("\n".join(platforms)),
        kinds=Raw("\n".join(kinds)),
    )


async def handle(ctx: Context) -> list[Reply]:
    if ctx.means(ctx.msg.args, "chart") or fold(ctx.msg.args) in CHART_SYNONYMS:
        return [await _chart(ctx)]
    if ctx.means(ctx.msg.args, "sources"):  # moderators: what each campaign source brought
        if not ctx.msg.is_moderator:
            raise ModeratorOnly(SPEC, ctx.word("sources"))
        return [await source_counts_reply(ctx)]
    tally = await ctx.services.storage.pledges.get_tally(ctx.services.clock())
    chart = Button(ctx.t("tally.button_chart"), ctx.action("compteur", ctx.word("chart")))
    return [Reply(tally_markup(ctx.t, tally), ((chart,),))]


async def _chart(ctx: Context) -> Reply:
    services = ctx.services
    series = cumulate(await services.storage.pledges.hourly_counts(), services.clock())
    png = await asyncio.to_thread(render_chart, series, chart_text(ctx, series))
    alt = _alt(ctx, series)
    return Reply(alt, image=Image(png, to_plain(alt)))


def chart_text(ctx: Context, series: Series) -> ChartText:
    """The chart's words in the member's language; its times as suits the span drawn."""
    axis = axis_pattern(series.span)
    return ChartText(
        ctx.t("chart.title"),
        ctx.t("chart.total"),
        ctx.t("chart.done"),
        lambda n: to_plain(number(ctx.t, n).markup),
        _written(ctx, axis),
    )


def _written(ctx: Context, key: str) -> Callable[[datetime], str]:
    """Times as the catalogue's pattern `key` writes them, in the campaign's time zone."""
    pattern, zone = ctx.t(key), ctx.services.config.timezone
    return lambda moment: timestamp(ctx.language, moment, zone, pattern)


def _alt(ctx: Context, series: Series) -> str:
    """The chart in words: from which day to which, or within one day from which time."""
    zone = ZoneInfo(ctx.services.config.timezone)
    first, last = (moment.astimezone(zone) for moment in (series.times[0], series.times[-1]))
    figures = {"total": number(ctx.t, series.total[-1]), "done": number(ctx.t, series.done[-1])}
    start, end = (Raw(date_text(ctx, moment.date().isoformat())) for moment in (first, last))
    if first.date() != last.date():
        return ctx.t("chart.alt", start=start, end=end, **figures)
    hour = _written(ctx, "chart.axis_time")
    return ctx.t("chart.alt_hours", day=start, start=hour(first), end=hour(last), **figures)


SPEC = CommandSpec(
    "compteur",
    handle,
    "help.compteur",
    aliases=("tally",),
    localized={"en": "tally"},
    argument=Argument(
        "vue",
        "arg.compteur",
        localized={"en": "view"},
        # Discord offers only the listed values: the moderators' source counts are one too.
        choices=(("graphique", "arg.compteur_chart"), ("sources", "arg.compteur_sources")),
    ),
    anywhere=True,
)
