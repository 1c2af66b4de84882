"""/oubli erases everything that can be tied to a member: nothing of them is left anywhere.

A member goes through everything the bot can keep about them on each platform,
then erases it; every table, the database file, its WAL and the logs are then
searched for their user id, their private chat's id and their member key.
"""

from __future__ import annotations

import json
import logging
import stat
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import App, open_app
from bot.config import Config
from bot.logs import _CHATTY, JsonFormatter
from bot.privacy import secret_path
from tests.discord_support import discord_bot
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import FakeTelegram
from tests.support import table_rows
from tests.telegram_support import eventually, telegram_bot

MEMBER, MODERATOR = 731905428, 777


def _quiet_now() -> str:
    """Quiet hours around the present moment (UTC), so that private posts are held."""
    now = datetime.now(UTC)
    return f"{now - timedelta(hours=1):%H:%M}-{now + timedelta(hours=2):%H:%M}"


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(
        database=tmp_path / "erase.db",
        moderators={"telegram": frozenset({str(MODERATOR)})},
        quiet_hours=_quiet_now(),
        timezone="UTC",
    )


@pytest.fixture
async def dc() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        server.add_guild(name="QuitGPT", channels=["général"])
        yield server


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Everything logged at the operator's default level, as `setup_logging` filters it."""
    caplog.set_level(logging.INFO)
    for name in _CHATTY:
        logging.getLogger(name).setLevel(logging.WARNING)
    yield caplog


def traces(app: App, logs: pytest.LogCaptureFixture, *needles: str) -> list[str]:
    """Where any of `needles` still appears: tables, database and WAL bytes, logs."""
    path = app.config.database
    found = []
    rows = repr(table_rows(path))
    found += [f"table rows: {n}" for n in needles if n in rows]
    for file in (path, path.with_name(path.name + "-wal")):
        if file.exists():
            data = file.read_bytes()
            found += [f"{file.name}: {n}" for n in needles if n.encode() in data]
    formatter = JsonFormatter()
    text = "\n".join(formatter.format(record) for record in logs.records)
    found += [f"logs: {n}" for n in needles if n in text]
    return found


async def test_telegram_member_leaves_no_trace(
    config: Config, tg: FakeTelegram, logs: pytest.LogCaptureFixture
) -> None:
    member = str(MEMBER)

    def says(text: str) -> None:
        tg.user_sends(text, user_id=MEMBER, language_code="fr")

    async with open_app(config) as app, telegram_bot(app, tg):
        key = app.services.member_key("telegram", member)
        says("/engagement cancel ok2")
        says("/abonner")
        await tg.wait_for(2, chat_id=MEMBER)
        tg.user_sends("/annonce Réunion samedi", user_id=MODERATOR, language_code="fr")
        [preview] = await tg.wait_for(1, chat_id=MODERATOR)
        tg.press_button(preview, "/annonce confirmer 1", user_id=MODERATOR, language_code="fr")
        await tg.wait_for(2, chat_id=MODERATOR)  # held for the member: quiet hours
        says("/faits combien a donné brockman ?")
        [*_, answer] = await tg.wait_for(3, chat_id=MEMBER)
        [yes] = [b["callback_data"] for b in answer.buttons if b["callback_data"].endswith("oui")]
        tg.press_button(answer, yes, user_id=MEMBER, language_code="fr")
        await tg.wait_for(4, chat_id=MEMBER)
        says("/faits qui a fondé openai ?")  # answered, its feedback not given
        says("/faits recette de la tarte aux pommes")  # unanswered: counted for the daily cap
        await tg.wait_for(6, chat_id=MEMBER)
        tg.bot_blocked_by(MEMBER)
        await eventually(lambda: not tg.pending_updates)
        says("/abonner")  # writing again unblocks the bot
        says("/mesdonnees")
        [*_, data] = await tg.wait_for(8, chat_id=MEMBER)
        assert "en attente pour votre discussion privée (heures calmes) : 1" in (
            data.plain_text or ""
        )
        assert "qui attendent votre avis (gardées un jour, sous une empreinte distincte) : 1" in (
            data.plain_text or ""
        )
        assert "transmises aujourd'hui aux modérateurs" in (data.plain_text or "")
        before = traces(app, logs, member, key)
        assert {"table rows: " + member, "table rows: " + key} <= set(before)  # the scan sees
        says("/oubli confirmer")
        [*_, done] = await tg.wait_for(9, chat_id=MEMBER)
        assert (done.plain_text or "").startswith("C'est fait")
        assert await app.storage.subscriptions.get_subscription("telegram", member) is None
        assert traces(app, logs, member, key) == []
        rows = table_rows(config.database)
        assert rows["queued_counts"] == []
        assert all(row[-1] is None for row in rows["fact_questions"])  # no asker left
    assert traces(app, logs, member, key) == []
    files = (config.database, secret_path(config.database))
    assert [stat.S_IMODE(path.stat().st_mode) for path in files] == [0o600, 0o600]


async def test_discord_dm_subscription_is_erased_from_a_server_channel(
    config: Config, dc: FakeDiscord, logs: pytest.LogCaptureFixture
) -> None:
    guild = next(iter(dc.guilds.values()))
    general = guild.channel("général")
    in_server = {"user_id": MEMBER, "guild_id": guild.id, "channel_id": general}
    async with open_app(config) as app, discord_bot(app, dc):
        key = app.services.member_key("discord", str(MEMBER))
        subscribed = await dc.slash("abonner", user_id=MEMBER, dm=True)
        await dc.wait_for(lambda: dc.responses(subscribed) or None)
        dm = str(dc.dm_channel(MEMBER).id)
        assert [s.chat_id for s in await app.storage.subscriptions.list_subscriptions()] == [
            str(MEMBER)
        ]
        notice = await dc.slash("pledge", **in_server)
        shown = await dc.wait_for(
            lambda: next((r.message for r in dc.responses(notice) if r.message), None)
        )
        pledged = await dc.click(shown, "/engagement appli ok2", user_id=MEMBER)
        await dc.wait_for(lambda: dc.responses(pledged) or None)
        assert len(traces(app, logs, str(MEMBER), key)) >= 2
        asked = await dc.slash("oubli", **in_server)
        question = await dc.wait_for(
            lambda: next((r.message for r in dc.responses(asked) if r.message), None)
        )
        erased = await dc.click(question, "/oubli confirmer", user_id=MEMBER)
        reply = await dc.wait_for(
            lambda: next((r.content for r in dc.responses(erased) if r.content), None)
        )
        assert reply.startswith("C'est fait")
        assert await app.storage.subscriptions.list_subscriptions() == []
        assert traces(app, logs, str(MEMBER), key, dm) == []
    assert json.dumps(table_rows(config.database)["pledges"]) == "[]"
