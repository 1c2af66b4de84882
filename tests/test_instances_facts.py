"""/recharger on one instance reaches every instance on the same database."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.app import open_app
from bot.config import DEFAULT_FACTS, Config
from bot.facts.embedding import vector_file
from bot.scheduler import scheduled
from tests.telegram_support import eventually
from tests.test_factbase import minimal
from tests.tomlfile import read_toml, write_base, write_toml

POLL = timedelta(seconds=0.1)


@pytest.fixture
def shared(tmp_path: Path) -> Config:
    """Two instances' configuration: one database, one fact file (as each host's own copy)."""
    facts = write_base(tmp_path / "facts.toml", read_toml(DEFAULT_FACTS))
    shutil.copy(vector_file(DEFAULT_FACTS), vector_file(facts))  # reloads, not re-embedding
    return Config(
        database=tmp_path / "bot.db", facts=facts, moderators={"console": frozenset({"mod"})}
    )


async def test_a_reload_on_one_instance_reaches_the_other(shared: Config, tmp_path: Path) -> None:
    async with open_app(shared) as one, open_app(shared) as two:
        moderator = ConsoleAdapter(one, "mod", language="fr", image_dir=tmp_path)
        member = ConsoleAdapter(two, "alice", language="fr", image_dir=tmp_path)
        async with (
            scheduled(one.services, reloads_every=POLL),
            scheduled(two.services, reloads_every=POLL),
        ):
            [before] = await member.say("/faits")
            assert "[/faits #dons] Dons" not in before
            write_toml(shared.facts, minimal())
            assert await moderator.say("/recharger") == [
                "Base de faits rechargée (faits : 2, sujets : 1)."
            ]
            await eventually(lambda: len(two.services.facts.base.facts) == 2)
            [after] = await member.say("/faits")
            assert "[/faits #dons] Dons" in after
            reloaded = one.services.facts
            await eventually(lambda: two.services.facts_version == one.services.facts_version)
            assert one.services.facts is reloaded  # the instance that reloaded does not again


async def test_an_instance_whose_file_is_broken_keeps_its_base(
    shared: Config, tmp_path: Path
) -> None:
    elsewhere = write_base(tmp_path / "other" / "facts.toml", minimal())
    broken = minimal()
    broken["fact"][0]["source"] = ""
    async with open_app(shared) as one, open_app(replace(shared, facts=elsewhere)) as two:
        kept = two.services.facts
        write_toml(elsewhere, broken)  # the other host's copy is damaged
        moderator = ConsoleAdapter(one, "mod", language="fr", image_dir=tmp_path)
        write_toml(shared.facts, minimal())
        async with scheduled(two.services, reloads_every=POLL):
            await moderator.say("/recharger")
            await eventually(lambda: two.services.facts_version == one.services.facts_version)
            assert two.services.facts is kept
            write_toml(elsewhere, minimal())  # fixed: read again at the next /recharger only
            await moderator.say("/recharger")
            await eventually(lambda: two.services.facts is not kept)
        member = ConsoleAdapter(two, "alice", language="fr", image_dir=tmp_path)
        [after] = await member.say("/faits")
        assert "[/faits #dons] Dons" in after
