"""Shared fixtures: a real app on a real SQLite file, console members, the fake platforms."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram import Bot

from bot.adapters.console import ConsoleAdapter
from bot.app import App, open_app
from bot.config import Config
from storage.api.protocols import Storage
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import FakeTelegram
from tests.guide import Install, install_as_the_guide_says
from tests.postgres_server import postgres_server, postgres_url  # noqa: F401 (fixtures)
from tests.storage_backends import BACKENDS, Backend


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(
        database=tmp_path / "bot.db",
        moderators={"console": frozenset({"mod", "other-mod"})},
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


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest) -> Backend:
    """Each storage backend in turn (see tests/storage_backends.py to add one)."""
    backend = BACKENDS[request.param]
    if backend.server is not None:
        request.getfixturevalue(backend.server)
    return backend


@pytest.fixture
async def storage(backend: Backend, tmp_path: Path) -> AsyncIterator[Storage]:
    """A migrated, empty database on its own, for the storage tests, on each backend."""
    async with backend.open(tmp_path) as opened:
        yield opened


@pytest.fixture
async def tg(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeTelegram]:
    """The fake Bot API on 127.0.0.1. PTB_TIMEDELTA: without it, merely constructing
    RetryAfter emits a PTBDeprecationWarning."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    """A bare PTB client of the fake Bot API."""
    async with Bot(tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url) as client:
        yield client


@pytest.fixture
async def dc() -> AsyncIterator[FakeDiscord]:
    """The fake Discord with one guild; the test must leave no task running."""
    async with FakeDiscord() as fake:
        fake.add_guild(name="QuitGPT", channels=["général", "annonces"], news=["annonces"])
        yield fake
    await asyncio.sleep(0)
    current = asyncio.current_task()
    pending = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
    assert not pending, f"tasks left running: {pending}"


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Install:
    """The package built and installed by the deployment guide's install block, once per
    session: the wheel test and the guide's test share it (a build and an install take
    about 30 s)."""
    return install_as_the_guide_says(tmp_path_factory.mktemp("guide"))
