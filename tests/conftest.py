"""Shared fixtures: a real app on a real SQLite file, and a console member."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.app import App, open_app
from bot.config import Config
from storage.db import Database


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(
        database=tmp_path / "bot.db",
        moderators={"console": frozenset({"mod"})},
    )


@pytest.fixture
async def app(config: Config) -> AsyncIterator[App]:
    async with open_app(config) as opened:
        yield opened


@pytest.fixture
def console(app: App, tmp_path: Path) -> ConsoleAdapter:
    """A French-speaking member at the console."""
    return ConsoleAdapter(app, "alice", language="fr", image_dir=tmp_path)


@pytest.fixture
def console_en(app: App, tmp_path: Path) -> ConsoleAdapter:
    return ConsoleAdapter(app, "bob", language="en", image_dir=tmp_path)


@pytest.fixture
def moderator(app: App, tmp_path: Path) -> ConsoleAdapter:
    """The console user `mod`, a moderator by configuration."""
    return ConsoleAdapter(app, "mod", language="fr", image_dir=tmp_path)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated database on its own, for the storage tests."""
    database = await Database.open(tmp_path / "storage.db")
    yield database
    await database.close()
