"""Dates inside sentences: in each language's words, in the campaign's time zone, to the hour."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.app import App, open_app
from bot.config import Config

PLEDGED = datetime(2026, 3, 1, 14, 23, tzinfo=UTC)


@pytest.fixture(params=["Europe/Paris", "UTC"])
async def app(config: Config, request: pytest.FixtureRequest) -> AsyncIterator[App]:
    config = replace(config, timezone=request.param)
    async with open_app(config, clock=lambda: PLEDGED) as opened:
        yield opened


async def test_a_pledge_date_reads_as_a_date_in_each_language(
    app: App, console: ConsoleAdapter, tmp_path: Path
) -> None:
    hour = {"Europe/Paris": 15, "UTC": 14}[app.services.config.timezone]
    await console.say("/pledge cancel ok2")
    [current] = await console.say("/engagement")
    assert f"(depuis le 1 mars 2026 à {hour} h)" in current
    bob = ConsoleAdapter(app, "bob", language="en", image_dir=tmp_path)
    await bob.say("/pledge cancel ok2")
    [current] = await bob.say("/pledge")
    assert f"(since 1 March 2026, {hour - 12} PM)" in current
    await bob.say("/done")
    [data] = await bob.say("/mydata")
    assert f"yes, since 1 March 2026, {hour - 12} PM" in data


async def test_announcements_are_listed_with_their_minute(
    app: App, moderator: ConsoleAdapter
) -> None:
    await moderator.say("/annonce Rendez-vous samedi")
    await moderator.say("/annonce confirmer 1")
    [listing] = await moderator.say("/annonces")
    hour = {"Europe/Paris": 15, "UTC": 14}[app.services.config.timezone]
    assert f"n°1 · 1 mars 2026 à {hour} h 23 ·" in listing
