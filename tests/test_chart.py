"""The chart's time axis: from the first pledge's hour to now, labelled in the member's
language."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from bot.adapters.console import ConsoleAdapter
from bot.app import App, open_app
from bot.chart import cumulate, render_chart, ticks
from bot.config import Config
from bot.seam import ChatKind, ChatRef, Message, Sender
from commands.base import Context
from commands.compteur import chart_text
from storage.api.records import HourCount

NOW = datetime(2026, 3, 4, 14, 40, tzinfo=UTC)  # 15 h 40 in Paris
THIS_HOUR = datetime(2026, 3, 4, 14, tzinfo=UTC)


def context(app: App, language: str) -> Context:
    chat = ChatRef("console", "alice", ChatKind.PRIVATE)
    return Context(Message(chat, Sender("alice", language), "/compteur"), app.services, language)


def test_pledges_of_the_last_hour_are_drawn_over_that_hour() -> None:
    series = cumulate([HourCount(THIS_HOUR, 40, 3)], NOW)
    assert series.span == timedelta(hours=1)  # not a line climbing over a whole day
    assert series.times == [NOW - timedelta(hours=1), THIS_HOUR, NOW]
    assert series.total == [0, 0, 40] and series.done == [0, 0, 3]


def test_the_axis_starts_at_the_first_pledge_s_hour_and_stays_flat_between() -> None:
    first = datetime(2026, 3, 1, 9, tzinfo=UTC)
    later = datetime(2026, 3, 3, 20, tzinfo=UTC)
    series = cumulate([HourCount(first, 2, 0), HourCount(later, 5, 1)], NOW)
    assert series.times == [
        first,
        first + timedelta(hours=1),
        later,
        later + timedelta(hours=1),
        NOW,
    ]
    assert series.total == [0, 2, 2, 7, 7] and series.done == [0, 0, 0, 1, 1]


def test_with_no_pledge_the_chart_shows_the_last_hour_at_zero() -> None:
    series = cumulate([], NOW)
    assert series.times == [NOW - timedelta(hours=1), NOW] and series.total == [0, 0]


@pytest.mark.parametrize(
    ("first", "french", "english"),
    [
        (THIS_HOUR, ["14 h 40", "15 h 10", "15 h 40"], ["2:40 PM", "3:10 PM", "3:40 PM"]),
        (
            datetime(2026, 3, 2, 10, tzinfo=UTC),
            ["2 mars, 11 h", "3 mars, 13 h", "4 mars, 15 h"],
            ["2 Mar, 11 AM", "3 Mar, 1 PM", "4 Mar, 3 PM"],
        ),
        (
            datetime(2026, 1, 4, 14, 40, tzinfo=UTC),
            ["4 janv.", "3 févr.", "4 mars"],
            ["4 Jan", "3 Feb", "4 Mar"],
        ),
        (datetime(2025, 1, 4, 14, tzinfo=UTC), ["janv. 2025", "août 2025", "mars 2026"], None),
    ],
)
def test_axis_labels_are_dates_in_the_member_s_language(
    app: App, first: datetime, french: list[str], english: list[str] | None
) -> None:
    series = cumulate([HourCount(first, 1, 0)], NOW)
    for language, expected in (("fr", french), ("en", english)):
        if expected is not None:
            when = chart_text(context(app, language), series).when
            assert [when(moment) for moment in ticks(series)] == expected


def test_a_chart_of_the_last_hour_renders(app: App) -> None:
    series = cumulate([HourCount(THIS_HOUR, 3, 0)], NOW)
    png = render_chart(series, chart_text(context(app, "en"), series))
    with Image.open(io.BytesIO(png)) as image:
        assert (image.format, image.size) == ("PNG", (1080, 720))


@pytest.mark.parametrize(
    ("language", "line", "alt"),
    [
        (
            "fr",
            "/compteur graphique",
            "Courbe des engagements du 4 mars 2026, de 14 h 40 à 15 h 40.",
        ),
        ("en", "/tally chart", "Pledge curve on 4 March 2026, from 2:40 PM to 3:40 PM."),
    ],
)
async def test_a_chart_of_today_says_which_hours_it_shows(
    config: Config, tmp_path: Path, language: str, line: str, alt: str
) -> None:
    async with open_app(config, clock=lambda: NOW) as app:
        member = ConsoleAdapter(app, "alice", language=language, image_dir=tmp_path)
        await member.say("/pledge cancel ok2")
        [chart] = await member.say(line)
    assert chart.startswith(alt)
