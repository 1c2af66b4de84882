"""The tally through the console: by platform, the last 24 hours, milestones, the chart."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from PIL import Image

from bot.adapters.console import ConsoleAdapter
from bot.app import App, open_app
from bot.config import Config
from bot.delivery.worker import DeliveryWorker
from bot.seam import ChatKind, ChatRef, Reply, Sender
from commands.compteur import tally_markup
from storage.api.records import Kind, Tally
from tests.support import table_rows


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 10, 15, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def app(config: Config, clock: Clock) -> AsyncIterator[App]:
    async with open_app(replace(config, milestones=(2, 3)), clock=clock) as opened:
        yield opened


async def say_on(app: App, platform: str, user: str, line: str) -> list[Reply]:
    """A member of another platform, through the same core (no platform library)."""
    chat = ChatRef(platform, user, ChatKind.PRIVATE)
    msg = app.dispatcher.message(chat, Sender(user, "fr"), line)
    assert msg is not None
    return await app.dispatcher.handle(msg)


async def test_tally_by_platform_counts_each_platform_once(
    app: App, console: ConsoleAdapter
) -> None:
    await console.say("/pledge cancel ok2")
    await say_on(app, "telegram", "1001", "/pledge cancel+app ok2")
    await say_on(app, "telegram", "1001", "/pledge cancel ok2")  # same member: once
    await say_on(app, "discord", "1001", "/pledge switch ok2")  # same id, another platform
    await say_on(app, "discord", "1001", "/accompli")
    [tally] = await console.say("/compteur")
    assert tally == (
        "Compteur QuitGPT\n"
        "Engagements : 3\n"
        "Déjà tenus : 1\n"
        "Ces dernières 24 heures : +3\n\n"
        "Par plateforme\n"
        "• Console : 1\n"
        "• Discord : 1\n"
        "• Telegram : 1\n\n"
        "Par engagement\n"
        "• résilier l'abonnement ChatGPT : 2\n"
        "• supprimer l'appli ChatGPT : 1\n"
        "• passer à un autre assistant : 1\n"
        "[/compteur graphique] 📈 Voir la courbe"
    )


async def test_last_24_hours_moves_with_the_clock(
    app: App, console: ConsoleAdapter, clock: Clock
) -> None:
    await console.say("/pledge cancel ok2")
    clock.now += timedelta(hours=23)
    await say_on(app, "telegram", "1", "/pledge cancel ok2")
    [tally] = await console.say("/compteur")
    assert "Ces dernières 24 heures : +2" in tally
    clock.now += timedelta(hours=2)
    [tally] = await console.say("/compteur")
    assert "Engagements : 2\n" in tally and "Ces dernières 24 heures : +1" in tally


async def test_a_milestone_is_celebrated_once_in_each_chats_language(
    app: App, console: ConsoleAdapter, console_en: ConsoleAdapter, tmp_path: Path
) -> None:
    inbox: list[str] = []
    watcher = ConsoleAdapter(app, "watcher", language="fr", image_dir=tmp_path, out=inbox.append)
    worker = DeliveryWorker(app.services, watcher)
    await console.say("/abonner")
    await console_en.say("/subscribe")
    await console.say("/pledge cancel ok2")
    [thanks] = await console_en.say("/pledge app ok2")
    assert thanks.endswith(
        "🎉 With you, the campaign passes 2 pledges!\n[/guide] 📖 Cancellation guide\n"
        "[/pledge remind 3] ⏰ Remind me in 3 days\n[/pledge remind 7] ⏰ Remind me in 7 days\n"
        "[/share] 📣 Say it in the chat"
    )
    assert await worker.drain() == 2
    assert [post.split("\n")[:2] for post in inbox] == [
        ["— message du bot pour alice —", "🎉 2 engagements !"],
        ["— message du bot pour bob —", "🎉 2 pledges!"],
    ]
    await console_en.say("/withdraw")
    await console_en.say("/pledge app ok2")  # back to 2: already celebrated
    await say_on(app, "telegram", "5", "/pledge cancel ok2")  # 3
    await console_en.say("/withdraw")
    await console_en.say("/pledge app ok2")  # back to 3
    assert await worker.drain() == 2
    assert [post.split("\n")[1] for post in inbox[2:]] == ["🎉 3 engagements !", "🎉 3 pledges!"]
    assert sorted(row[0] for row in table_rows(app.config.database)["milestones"]) == [2, 3]


async def test_the_chart_is_a_png_for_phones(
    app: App, console: ConsoleAdapter, clock: Clock, tmp_path: Path
) -> None:
    await console.say("/pledge cancel ok2")
    clock.now += timedelta(days=3)
    await say_on(app, "telegram", "1", "/pledge cancel ok2")
    await say_on(app, "telegram", "1", "/accompli")
    [reply] = await console.say("/compteur graphique")
    assert reply.startswith(
        "Courbe des engagements du 1er mars 2026 au 4 mars 2026. Engagements : 2 ; tenus : 1.\n"
    )
    path = Path(reply.rsplit("enregistrée dans ", 1)[1].rstrip(")"))
    with Image.open(io.BytesIO(path.read_bytes())) as image:
        assert (image.format, image.size) == ("PNG", (1080, 720))
    [chart] = await say_on(app, "discord", "9", "/tally chart")
    assert chart.image is not None and chart.image.png.startswith(b"\x89PNG")
    assert chart.image.alt.startswith("Courbe des engagements du 1er mars 2026")


def test_tally_markup_in_each_language(app: App) -> None:
    tally = Tally(
        total=17_000,
        done=4_321,
        last_day=250,
        platforms={"telegram": 12_000, "discord": 5_000},
        kinds={Kind.CANCEL: 15_000, Kind.APP: 9_000, Kind.SWITCH: 1_000},
    )
    catalogues = app.services.catalogues
    english = tally_markup(partial(catalogues.get, "en"), tally)
    assert english.startswith("*QuitGPT tally*\nPledges: *17,000*\nCarried out")
    assert "- Telegram: 12,000\n- Discord: 5,000" in english
    french = tally_markup(partial(catalogues.get, "fr"), tally)
    assert french.startswith("*Compteur QuitGPT*\nEngagements : *17\u202f000*\n")
