"""Follow-ups through the console and a Telegram member of the same core, with an injected
clock: asked after pledging, by consent only, sent once at the chosen time, never during
quiet hours, never after /oubli."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.app import App, open_app
from bot.config import Config
from bot.delivery.notices import queue_notices
from bot.delivery.worker import DeliveryWorker
from tests.support import table_rows, tables_holding
from tests.test_tally_console import Clock, say_on

MEMBER, OTHER = "member-7310042", "member-7310043"
TELEGRAM_MEMBER = "7310044"


@pytest.fixture
def clock() -> Clock:
    clock = Clock()
    clock.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 10:00 in Paris, a Monday
    return clock


@pytest.fixture
async def app(config: Config, clock: Clock) -> AsyncIterator[App]:
    night = replace(config, quiet_hours="22:00-08:00", timezone="Europe/Paris")
    async with open_app(night, clock=clock) as opened:
        yield opened


def console(app: App, user: str, tmp_path: Path) -> ConsoleAdapter:
    return ConsoleAdapter(app, user, language="fr", image_dir=tmp_path)


async def delivered(app: App) -> list[str]:
    """What the console's private messages say once the outbox is drained now."""
    inbox: list[str] = []
    await queue_notices(app.services)  # the scheduler's look, once a minute
    await DeliveryWorker(app.services, ConsoleAdapter(app, "w", out=inbox.append)).drain()
    return inbox


async def test_a_followup_is_sent_once_at_the_chosen_time(
    app: App, clock: Clock, tmp_path: Path
) -> None:
    member, other = console(app, MEMBER, tmp_path), console(app, OTHER, tmp_path)
    [thanks] = await member.say("/engagement resilier ok2")
    assert "[/engagement rappel 3] ⏰ Rappelle-moi dans 3 jours" in thanks
    await other.say("/engagement resilier ok2")  # never asks: nothing kept for them
    [notice] = await member.say("/engagement rappel 3")
    assert notice.startswith("Avant de vous rappeler\nPour vous écrire en privé dans 3 jours")
    assert notice.endswith("[/engagement rappel 3 confirmer] ✅ D'accord, rappelez-moi")
    assert table_rows(app.config.database)["pledge_notices"] == []  # not before agreeing
    [agreed] = await member.say("/engagement rappel 3 confirmer")
    assert agreed.startswith("⏰ C'est noté : un rappel en privé le 5 mars 2026 à 10 h")
    [mine] = await member.say("/mesdonnees")
    assert "• un rappel prévu le 5 mars 2026 à 10 h" in mine
    assert tables_holding(app.config.database, MEMBER) == []  # sealed

    clock.now += timedelta(days=3) - timedelta(minutes=1)
    assert await delivered(app) == []
    clock.now += timedelta(minutes=1)
    [message] = await delivered(app)
    assert message == (
        f"— message du bot pour {MEMBER} —\n"
        "Petit rappel, comme demandé : où en êtes-vous de votre engagement ?\n\n"
        "Pour résilier pas à pas : /resilier.\n"
        "[/accompli] ✅ C'est fait\n"
        "[/engagement pasencore] ⏳ Pas encore\n"
    )
    clock.now += timedelta(days=30)
    assert await delivered(app) == []
    assert tables_holding(app.config.database, MEMBER) == []
    assert tables_holding(app.config.database, OTHER) == []
    [not_yet] = await member.say("/engagement pasencore")
    assert not_yet.startswith("Pas de souci")
    assert "[/engagement rappel 7] ⏰ Rappelle-moi dans 7 jours" in not_yet


async def test_a_followup_due_at_night_waits_for_the_morning(app: App, clock: Clock) -> None:
    clock.now = datetime(2026, 3, 2, 21, 30, tzinfo=UTC)  # 22:30 in Paris
    await say_on(app, "telegram", TELEGRAM_MEMBER, "/engagement resilier ok2")
    await say_on(app, "telegram", TELEGRAM_MEMBER, "/engagement rappel 3 confirmer")
    clock.now += timedelta(days=3)
    assert await queue_notices(app.services) == 1
    due = await app.storage.deliveries.next_due_time("telegram")
    assert due == datetime(2026, 3, 6, 7, 0, tzinfo=UTC)  # 08:00 in Paris


async def test_no_followup_after_oubli_nor_once_done(
    app: App, clock: Clock, tmp_path: Path
) -> None:
    member, other = console(app, MEMBER, tmp_path), console(app, OTHER, tmp_path)
    for who in (member, other):
        await who.say("/engagement resilier ok2")
        await who.say("/engagement rappel 7 confirmer")
    await member.say("/oubli confirmer")
    [done] = await other.say("/accompli")
    assert done.startswith("Bravo")
    assert table_rows(app.config.database)["pledge_notices"] == []
    clock.now += timedelta(days=8)
    assert await delivered(app) == []
    [refused] = await member.say("/engagement rappel 3 confirmer")
    assert refused.startswith("Il n'y a pas d'engagement à rappeler")


async def test_a_followup_cancelled_keeps_nothing(app: App, clock: Clock, tmp_path: Path) -> None:
    member = console(app, MEMBER, tmp_path)
    await member.say("/engagement resilier ok2")
    [agreed] = await member.say("/engagement rappel 7 confirmer")
    assert agreed.endswith("[/engagement rappel annuler] 🔕 Annuler le rappel")
    [cancelled] = await member.say("/engagement rappel annuler")
    assert cancelled.startswith("🔕 Rappel annulé")
    assert table_rows(app.config.database)["pledge_notices"] == []
    [again] = await member.say("/engagement rappel annuler")  # nothing left: said so
    assert again == "Aucun rappel n'était prévu : il n'y a rien à annuler."
    [refused] = await member.say("/engagement rappel 5")
    assert refused == "Un rappel se demande dans 3 ou 7 jours."
    clock.now += timedelta(days=8)
    assert await delivered(app) == []
