"""Answering interactions within Discord's windows, counted from the interaction's snowflake."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App
from bot.config import Config
from tests.discord_support import discord_bot
from tests.fakes.discord_api import FakeDiscord

MODERATOR = 9001


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(
        database=tmp_path / "dc.db",
        moderators={"discord": frozenset({str(MODERATOR)})},
        quiet_hours="",
    )


@contextlib.asynccontextmanager
async def busy_database(path: Path, seconds: float) -> AsyncIterator[None]:
    """Another program holds the database's write lock for `seconds`: writes wait."""
    other = sqlite3.connect(path, isolation_level=None, timeout=10, check_same_thread=False)
    # Off the event loop: the bot may be inside a write of its own, which needs the loop.
    await asyncio.to_thread(other.execute, "BEGIN IMMEDIATE")
    release = asyncio.get_running_loop().call_later(seconds, other.rollback)
    try:
        yield
    finally:
        release.cancel()
        other.close()  # rolls back what is still open


def where(dc: FakeDiscord, channel: str = "général") -> dict[str, int]:
    [guild] = dc.guilds.values()
    return {"guild_id": guild.id, "channel_id": guild.channel(channel)}


async def test_a_replayed_interaction_is_deferred_in_time_and_publicly(
    dc: FakeDiscord, app: App
) -> None:
    """1.6 s old on arrival, with 1.5 s of work: the defer comes before Discord's 3 s, and
    a public command's defer (and so its answer) is public."""
    async with discord_bot(app, dc), busy_database(app.config.database, 1.5):
        iid = await dc.slash(
            "abonner", user_id=5, member_permissions="manage_channels", age=1.6, **where(dc)
        )
        done = await dc.wait_for(
            lambda: [r for r in dc.responses(iid) if "C'est fait" in (r.content or "")]
        )
    defer = dc.responses(iid)[0]
    assert (defer.type, defer.ephemeral) == (5, False)
    assert not done[0].ephemeral and done[0].message is defer.message


async def test_a_private_reply_after_a_public_defer_is_sent_privately(
    dc: FakeDiscord, app: App
) -> None:
    """Late enough to be deferred at once: /abonner defers publicly, but the refusal is
    private, so the loading message gives way to an ephemeral follow-up."""
    async with discord_bot(app, dc):
        iid = await dc.slash("abonner", user_id=5, age=2.1, **where(dc))
        replies = await dc.wait_for(lambda: len(dc.responses(iid)) == 3 and dc.responses(iid))
    defer, deleted, refusal = replies
    assert (defer.type, defer.ephemeral, deleted.kind) == (5, False, "delete_original")
    assert refusal.ephemeral and (refusal.content or "").startswith("Seuls les administrateurs")


async def test_an_expired_interaction_is_logged_without_a_traceback(
    dc: FakeDiscord, app: App, caplog: pytest.LogCaptureFixture
) -> None:
    async with discord_bot(app, dc):
        caplog.set_level(logging.INFO)
        iid = await dc.slash(
            "abonner", user_id=5, member_permissions="manage_channels", age=3.5, **where(dc)
        )
        await dc.wait_for(lambda: any("expired" in r.message for r in caplog.records))
    assert dc.responses(iid) == []
    assert [r for r in caplog.records if r.exc_info] == []
    assert (
        await app.storage.subscriptions.list_subscriptions() == []
    )  # nothing done that nobody was told


async def test_a_moderators_slow_confirmation_stays_private_where_the_bot_cannot_post(
    dc: FakeDiscord, app: App
) -> None:
    """Typed or clicked, late or slow, what /annonce answers is ephemeral: nothing is
    posted in the channel (where the bot may not even write)."""
    general = where(dc)
    dc.deny_send(general["channel_id"])
    async with discord_bot(app, dc):
        sub = await dc.slash("abonner", user_id=MODERATOR, **where(dc, "annonces"))
        await dc.wait_for(lambda: dc.responses(sub))

        def posted() -> int:
            return len(dc.sent(where(dc, "annonces")["channel_id"]))

        for sent, confirm in enumerate(("typed", "clicked"), start=1):
            preview = await dc.slash("annonce", {"texte": confirm}, user_id=MODERATOR, **general)
            shown = await dc.wait_for(
                lambda p=preview: next((r for r in dc.responses(p) if r.message), None)
            )
            async with busy_database(app.config.database, 1.5):
                if confirm == "typed":
                    iid = await dc.slash(
                        "annonce", {"texte": "confirmer"}, user_id=MODERATOR, age=1.6, **general
                    )
                else:
                    [send, _] = shown.message.custom_ids()
                    iid = await dc.click(shown.message, send, user_id=MODERATOR, age=1.6)
                queued = await dc.wait_for(
                    lambda i=iid: [
                        r for r in dc.responses(i) if "en cours d'envoi" in (r.content or "")
                    ]
                )
            assert shown.ephemeral and all(r.ephemeral for r in dc.responses(iid)), confirm
            assert queued[-1].message is not None and queued[-1].message.ephemeral
            await dc.wait_for(lambda n=sent: posted() == n, timeout=10)
    assert dc.sent(general["channel_id"]) == []


async def test_a_private_reply_to_a_button_on_a_public_message_leaves_it_alone(
    dc: FakeDiscord, app: App
) -> None:
    """The guide is public; "I cancelled" pressed under it thanks the member privately."""
    async with discord_bot(app, dc):
        notice = await dc.slash("pledge", user_id=5, **where(dc))
        shown = await dc.wait_for(
            lambda: next((r for r in dc.responses(notice) if r.message), None)
        )
        pledged = await dc.click(shown.message, "/engagement appli ok2", user_id=5)
        await dc.wait_for(lambda: dc.responses(pledged))
        asked = await dc.slash("resilier", user_id=5, **where(dc))
        guide = await dc.wait_for(lambda: next((r for r in dc.responses(asked) if r.message), None))
        done = await dc.click(guide.message, "/accompli", user_id=5)
        [thanks] = await dc.wait_for(lambda: dc.responses(done))
    assert not guide.ephemeral and guide.message.edits == []
    assert thanks.ephemeral and (thanks.content or "").startswith("**Bravo")
