"""The moderators' campaign-source counts on Discord, where /compteur offers only its listed
choices: reachable as one of them, refused to anyone not configured as a moderator."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.app import open_app
from bot.config import Config
from tests.discord_support import MANAGE_GUILD, discord_bot
from tests.fakes.discord_api import FakeDiscord

MODERATOR, MEMBER = 9001, 9002
SOURCE = "affiche_lyon"


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(
        database=tmp_path / "dc.db",
        moderators={"discord": frozenset({str(MODERATOR)})},
        sources=(SOURCE, "tract_paris"),
        quiet_hours="",
    )


async def test_source_counts_are_a_choice_of_compteur_for_moderators_only(
    config: Config, dc: FakeDiscord, tmp_path: Path
) -> None:
    guild = next(iter(dc.guilds.values()))
    where = {"guild_id": guild.id, "channel_id": guild.channel("général")}
    async with open_app(config) as app, discord_bot(app, dc):
        alice = ConsoleAdapter(app, "alice", language="fr", image_dir=tmp_path)
        await alice.say(f"/start src_{SOURCE}")
        await alice.say("/engagement resilier ok2")
        [option] = dc.command("compteur")["options"]
        answers = {}
        for user, permissions in ((MODERATOR, None), (MEMBER, MANAGE_GUILD)):
            asked = await dc.slash(
                "compteur",
                {"vue": "sources"},
                user_id=user,
                member_permissions=permissions,
                **where,  # type: ignore[arg-type]
            )
            answers[user] = await dc.wait_for(
                lambda asked=asked: next((r for r in dc.responses(asked) if r.content), None)
            )
    sources = next(c for c in option["choices"] if c["value"] == "sources")
    assert sources["name_localizations"]["en-US"] == "campaign sources (moderators)"
    counts = answers[MODERATOR]
    assert counts.ephemeral and (counts.content or "").startswith("**Sources de la campagne**")
    escaped = SOURCE.replace("_", "\\_")  # Discord markdown
    assert f"- {escaped} : arrivées 1, engagements 1" in (counts.content or "")
    refused = answers[MEMBER]
    assert refused.content == "/compteur sources est réservé aux modérateurs."
