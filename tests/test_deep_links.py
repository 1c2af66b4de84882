"""Deep links: `/start <payload>` to pledge, to a topic, or from a campaign source, whose
pledges are counted as totals only; moderators get the counts, the links and QR codes."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from bot.adapters.console import ConsoleAdapter
from bot.app import App, open_app
from bot.config import Config, ConfigError, load_config
from bot.qr import qr_png
from tests.fakes.telegram_api import BOT_USERNAME, FakeTelegram
from tests.support import table_rows
from tests.telegram_support import MODERATOR, telegram_bot

SOURCE = "affiche_lyon"


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(
        database=tmp_path / "bot.db",
        moderators={"console": frozenset({"mod"}), "telegram": frozenset({str(MODERATOR)})},
        sources=(SOURCE, "tract_paris"),
        quiet_hours="",
    )


def member(app: App, tmp_path: Path, name: str) -> ConsoleAdapter:
    return ConsoleAdapter(app, name, language="fr", image_dir=tmp_path)


async def test_a_source_link_counts_the_pledges_it_brings_and_nothing_else(
    app: App, tmp_path: Path
) -> None:
    alice, bob, carol = (member(app, tmp_path, n) for n in ("alice", "bob", "carol"))
    [welcome] = await alice.say(f"/start src_{SOURCE}")
    assert welcome.startswith("Bienvenue dans QuitGPT !")
    await alice.say("/engagement resilier ok2")
    await alice.say("/engagement appli ok2")  # a change, not a new pledge: counted once
    await bob.say("/start src_inconnue")  # not a configured source: nothing counted
    await bob.say("/engagement resilier ok2")
    await carol.say(f"/start src_{SOURCE}")  # came, did not pledge
    [counts] = await member(app, tmp_path, "mod").say("/compteur sources")
    assert f"• {SOURCE} : arrivées 2, engagements 1" in counts
    assert "• tract_paris : arrivées 0, engagements 0" in counts
    [refused] = await bob.say("/compteur sources")
    assert refused == "/compteur sources est réservé aux modérateurs."  # /compteur is not
    [entry, *_] = await app.storage.audit.recent_audit()  # newest first
    assert (entry.action, entry.detail) == ("refused", "compteur sources")


async def test_no_table_links_a_member_to_a_source(app: App, tmp_path: Path) -> None:
    alice = member(app, tmp_path, "alice")
    await alice.say(f"/start src_{SOURCE}")
    await alice.say("/engagement resilier ok2")
    keys = {app.services.member_key("console", "alice"), app.services.asker_key("console", "alice")}
    for table, rows in table_rows(app.config.database).items():
        for row in rows:
            cells = {str(cell) for cell in row}
            if SOURCE in " ".join(cells):
                assert table == "source_counts" and not cells & keys, (table, row)
    assert table_rows(app.config.database)["source_counts"] == [(SOURCE, 1, 1)]


async def test_the_source_is_forgotten_by_oubli_and_after_a_day(config: Config) -> None:
    now = [datetime(2026, 3, 6, 12, tzinfo=UTC)]
    async with open_app(config, clock=lambda: now[0]) as app:
        alice, bob = ConsoleAdapter(app, "alice"), ConsoleAdapter(app, "bob")
        await alice.say(f"/start src_{SOURCE}")
        [shown] = await alice.say("/mesdonnees")
        assert f"lien de la source de campagne « {SOURCE} »" in shown
        await alice.say("/oubli")
        await alice.say("/oubli confirmer")
        await bob.say(f"/start src_{SOURCE}")
        now[0] += timedelta(days=1, minutes=1)
        for each in (alice, bob):
            await each.say("/engagement resilier ok2")
        [counts] = await ConsoleAdapter(app, "mod").say("/compteur sources")
    assert f"• {SOURCE} : arrivées 2, engagements 0" in counts
    assert len(app.services.arrivals) == 0


async def test_a_member_arriving_again_is_held_from_then(config: Config) -> None:
    """Held in arrival order: arriving again moves a member behind those who came since."""
    now = [datetime(2026, 3, 6, 12, tzinfo=UTC)]
    async with open_app(config, clock=lambda: now[0]) as app:
        alice, bob = ConsoleAdapter(app, "alice"), ConsoleAdapter(app, "bob")
        await alice.say(f"/start src_{SOURCE}")
        now[0] += timedelta(hours=1)
        await bob.say("/start src_tract_paris")
        now[0] += timedelta(hours=22)
        await alice.say(f"/start src_{SOURCE}")
        now[0] += timedelta(hours=3)  # bob's arrival is 25 hours old, alice's again 3
        for each in (alice, bob):
            await each.say("/engagement resilier ok2")
        [counts] = await ConsoleAdapter(app, "mod").say("/compteur sources")
    assert f"• {SOURCE} : arrivées 2, engagements 1" in counts
    assert "• tract_paris : arrivées 1, engagements 0" in counts
    assert len(app.services.arrivals) == 0


async def test_payloads_open_a_pledge_or_a_topic(app: App, tmp_path: Path) -> None:
    alice = member(app, tmp_path, "alice")
    [direct] = await alice.say("/engagement")
    assert await alice.say("/start engagement") == [direct]
    topic = app.services.facts.base.topics[0]
    assert await alice.say(f"/start faits_{topic.id}") == await alice.say(f"/faits #{topic.id}")


async def test_telegram_links_and_qr_codes_for_moderators(app: App, tg: FakeTelegram) -> None:
    link = f"https://t.me/{BOT_USERNAME}?start=src_{SOURCE}"
    async with telegram_bot(app, tg):
        tg.user_sends(f"/start src_{SOURCE}", user_id=42, language_code="fr")
        await tg.wait_for(1, chat_id=42)
        tg.user_sends("/engagement resilier ok2", user_id=42, language_code="fr")
        await tg.wait_for(2, chat_id=42)
        # ?startgroup= adds the bot to a group, which then gets /start@bot <payload>
        tg.user_sends(f"/start@{BOT_USERNAME} src_tract_paris", chat_id=-100900, user_id=50)
        await tg.wait_for(1, chat_id=-100900)
        tg.user_sends("/liens", user_id=MODERATOR, language_code="fr")
        sent = await tg.wait_for(2, chat_id=MODERATOR, kind="photo")
    counts = tg.sent(chat_id=MODERATOR, kind="message")[0].plain_text or ""
    assert f"{SOURCE} : arrivées 1, engagements 1" in counts
    assert "tract_paris : arrivées 1, engagements 0" in counts
    first = sent[0]
    assert f'<a href="{link}">' in (first.text or "")
    assert first.photo == qr_png(link)
    with Image.open(io.BytesIO(first.photo or b"")) as image:
        assert image.format == "PNG" and image.width == image.height >= 400


def test_source_codes_are_checked_at_start(tmp_path: Path) -> None:
    config = load_config(None, environ={"QUITGPT_SOURCES": "affiche_lyon, tract_paris"})
    assert config.sources == ("affiche_lyon", "tract_paris")
    for bad in ("Affiche Lyon", "a,a", "x" * 41):
        with pytest.raises(ConfigError, match="QUITGPT_SOURCES"):
            load_config(None, environ={"QUITGPT_SOURCES": bad})
    assert replace(config, sources=()).sources == ()


async def test_without_telegram_the_links_are_the_commands_to_type(
    app: App, tmp_path: Path, config: Config
) -> None:
    replies = await member(app, tmp_path, "mod").say("/liens")
    assert replies[1:] == [
        f"{code} : le lien Telegram apparaîtra une fois Telegram connecté ; la commande est "
        f"/start src_{code}"
        for code in config.sources
    ]
    [refused] = await member(app, tmp_path, "alice").say("/liens")
    assert refused == "/liens est réservée aux modérateurs."
    async with open_app(replace(config, sources=())) as bare:
        [none] = await ConsoleAdapter(bare, "mod").say("/links")
    assert none == "Aucune source de campagne n'est configurée (réglage QUITGPT_SOURCES)."
