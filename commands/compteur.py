"""/compteur: how many pledged, how many did it, where and what; as text or a chart."""

from __future__ import annotations

import asyncio

from bot.chart import ChartText, cumulate, render_chart
from bot.i18n import Raw, Translate, number
from bot.markup import to_plain
from bot.parsing import fold
from bot.seam import Button, Image, Reply
from commands.base import Argument, CommandSpec, Context
from commands.fact_replies import date_text
from commands.pledging import KIND_LABELS, kinds_text, platform_name
from storage.tally import Tally, daily_counts, get_tally

CHART_SYNONYMS = {"courbe", "graph"}  # besides `action.chart` in every language


def tally_markup(t: Translate, tally: Tally) -> str:
    """The tally in one language (also used for the periodic tally posts)."""
    if not tally.total:
        return t("tally.empty")
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
        total=number(t, tally.total),
        done=number(t, tally.done),
        last_day=number(t, tally.last_day),
        platforms=Raw("\n".join(platforms)),
        kinds=Raw("\n".join(kinds)),
    )


async def handle(ctx: Context) -> list[Reply]:
    if ctx.means(ctx.msg.args, "chart") or fold(ctx.msg.args) in CHART_SYNONYMS:
        return [await _chart(ctx)]
    tally = await get_tally(ctx.services.db, ctx.services.clock())
    chart = Button(ctx.t("tally.button_chart"), ctx.action("compteur", ctx.word("chart")))
    return [Reply(tally_markup(ctx.t, tally), ((chart,),))]


async def _chart(ctx: Context) -> Reply:
    services = ctx.services
    now = services.clock()
    series = cumulate(await daily_counts(services.db), now.date())
    text = ChartText(
        ctx.t("chart.title"),
        ctx.t("chart.total"),
        ctx.t("chart.done"),
        lambda n: to_plain(number(ctx.t, n).markup),
    )
    png = await asyncio.to_thread(render_chart, series, text)
    alt = ctx.t(
        "chart.alt",
        total=number(ctx.t, series.total[-1]),
        done=number(ctx.t, series.done[-1]),
        start=Raw(date_text(ctx, series.days[0].isoformat())),
        end=Raw(date_text(ctx, series.days[-1].isoformat())),
    )
    return Reply(alt, image=Image(png, to_plain(alt)))


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
        choices=(("graphique", "arg.compteur_chart"),),
    ),
)
