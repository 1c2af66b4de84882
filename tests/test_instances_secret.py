"""Several instances on one database share one member key secret, given by the configuration;
an instance with another one refuses to start instead of making every member a stranger."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from dataclasses import replace
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.app import open_app
from bot.config import Config, ConfigError, Secret
from bot.privacy import secret_path
from storage.sqlite.store import SqliteStorage
from tests.support import run_bot

SHARED = "ab" * 32
OTHER = "cd" * 32


def test_an_instance_with_another_secret_refuses_to_start_in_one_line(tmp_path: Path) -> None:
    db = str(tmp_path / "shared.db")
    first = run_bot(
        "--db", db, "console", "--user", "alice", stdin="/pledge app ok2\n",
        env={"QUITGPT_MEMBER_SECRET": SHARED},
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    other = run_bot(
        "--db", db, "console", stdin="/compteur\n", env={"QUITGPT_MEMBER_SECRET": OTHER}
    )
    assert other.returncode == 2 and not other.stdout
    [line] = other.stderr.splitlines()
    assert "QUITGPT_MEMBER_SECRET" in line and OTHER not in line
    same = run_bot(
        "--db", db, "console", "--user", "alice", stdin="/mesdonnees\n",
        env={"QUITGPT_MEMBER_SECRET": SHARED},
    )  # fmt: skip
    assert same.returncode == 0 and "supprimer l'appli" in same.stdout
    assert not secret_path(Path(db)).exists()


async def test_a_database_started_with_its_secret_file_keeps_working_with_the_setting(
    config: Config, tmp_path: Path
) -> None:
    async with open_app(config) as app:
        await ConsoleAdapter(app, "alice", language="fr", image_dir=tmp_path).say("/pledge app ok2")
    kept = secret_path(config.database).read_bytes()
    copy = tmp_path / "elsewhere.secret"
    copy.write_bytes(kept)
    for given in (
        replace(config, member_secret=Secret(kept.hex())),
        replace(config, member_secret_file=copy),
    ):
        async with open_app(given) as app:
            alice = ConsoleAdapter(app, "alice", language="fr", image_dir=tmp_path)
            [data] = await alice.say("/mesdonnees")
        assert "supprimer l'appli" in data
    with pytest.raises(ConfigError, match="QUITGPT_MEMBER_SECRET is not the one"):
        async with open_app(replace(config, member_secret=Secret(OTHER))):
            pass
    copy.write_bytes(bytes.fromhex(OTHER))
    with pytest.raises(ConfigError, match=rf"QUITGPT_MEMBER_SECRET_FILE={copy} is not the one"):
        async with open_app(replace(config, member_secret_file=copy)):
            pass


async def test_instances_starting_together_keep_the_first_secret_recorded(
    config: Config,
) -> None:
    """Each instance reads no fingerprint yet, then records its own: only the first counts."""
    await (await SqliteStorage.open(config.database)).close()  # migrated, no fingerprint yet
    secrets = (SHARED, OTHER, SHARED, OTHER)

    async def start(secret: str) -> str:
        async with AsyncExitStack() as stack:
            try:
                given = replace(config, member_secret=Secret(secret))
                await stack.enter_async_context(open_app(given))
            except ConfigError:
                return "refused"
            return secret

    started = await asyncio.gather(*(start(secret) for secret in secrets))
    winner = next(s for s in started if s != "refused")
    assert started == [s if s == winner else "refused" for s in secrets]
