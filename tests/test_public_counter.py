"""The public counter over 127.0.0.1: the JSON, the badge and the page say what /compteur
says, in both languages, cache well, and never show a member or touch the database per
request."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import socket
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import aiohttp
import pytest

from bot.adapters.console import ConsoleAdapter
from bot.app import App, open_app
from bot.config import Config, ConfigError, load_config
from bot.public.render import thinned
from bot.public.server import accepted_languages, public_server
from bot.public.snapshot import PublicCounter
from storage.api.records import Kind, NewPledge
from tests.public_support import absent, compteur_figures, counted, digits, fetch, free_port
from tests.test_status_server import console_bot, served
from tests.test_tally_console import Clock, say_on

MEMBERS = {"telegram": "4242424242", "discord": "987654321987654321", "waiting": "5151515151"}


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(
        database=tmp_path / "bot.db",
        public_port=free_port(),
        public_refresh_seconds=3600,  # the tests refresh by hand unless they say otherwise
    )


@pytest.fixture
async def app(config: Config) -> AsyncIterator[App]:
    async with open_app(config) as opened:
        yield opened


@pytest.fixture
async def counter(app: App) -> AsyncIterator[PublicCounter]:
    async with public_server(app.services) as running:
        assert running is not None
        yield running


async def pledge_everywhere(app: App, console: ConsoleAdapter) -> None:
    await console.say("/pledge cancel+app ok2")
    await say_on(app, "telegram", MEMBERS["telegram"], "/pledge switch ok2")
    await say_on(app, "discord", MEMBERS["discord"], "/pledge cancel ok2")
    await say_on(app, "discord", MEMBERS["discord"], "/accompli")
    await say_on(app, "telegram", MEMBERS["waiting"], "/pledge cancel si1000 ok2")


def badge_count(svg: str) -> int:
    [label] = re.findall(r'aria-label="[^"]*: ([^"]*)"', svg)
    return digits(label)


def page_total(html: str) -> tuple[int, int]:
    """The total as the page's data attribute and as its visible text."""
    match = re.search(r'id="total" data-total="(\d+)">([^<]*)<', html)
    assert match, html
    return int(match[1]), digits(match[2])


async def test_the_json_the_badge_and_the_page_say_what_compteur_says(
    app: App, console: ConsoleAdapter, counter: PublicCounter
) -> None:
    await pledge_everywhere(app, console)
    await counter.refresh()
    [tally] = await console.say("/compteur")
    shown = compteur_figures(app, tally)
    answer = await fetch(app.config.public_port, "/api/tally.json")
    document = json.loads(answer.text)
    assert {key: document[key] for key in shown} == shown
    assert shown["total"] == 3 and shown["by_platform"] == {
        "console": 1,
        "discord": 1,
        "telegram": 1,
    }
    assert document["firm"] == document["total"]  # the conditional pledge is in neither
    assert shown["conditional"] == 1
    assert set(document) == {*shown, "firm", "updated"}
    for language in ("fr", "en"):
        badge = await fetch(app.config.public_port, f"/badge.svg?lang={language}")
        assert badge.headers["Content-Type"] == "image/svg+xml; charset=utf-8"
        assert badge_count(badge.text) == shown["total"]
        page = await fetch(app.config.public_port, f"/{language}")
        assert page_total(page.text) == (shown["total"], shown["total"])
        assert f'<html lang="{language}">' in page.text
        for element, figure in (("done", "done"), ("last-day", "last_24h")):
            [text] = re.findall(rf'id="{element}">([^<]*)<', page.text)
            assert digits(text.rsplit(":", 1)[1]) == shown[figure]


async def test_a_new_pledge_shows_within_the_refresh_interval(
    app: App, console: ConsoleAdapter
) -> None:
    services = replace(app.services, config=replace(app.config, public_refresh_seconds=1))
    async with public_server(services):
        port = app.config.public_port
        assert json.loads((await fetch(port, "/api/tally.json")).text)["total"] == 0
        await console.say("/pledge cancel ok2")
        async with asyncio.timeout(10):
            while json.loads((await fetch(port, "/api/tally.json")).text)["total"] != 1:
                await asyncio.sleep(0.1)
        assert badge_count((await fetch(port, "/badge.svg")).text) == 1


async def test_numbers_are_written_as_each_language_writes_them(
    app: App, console: ConsoleAdapter, counter: PublicCounter
) -> None:
    now = datetime.now(UTC)
    await app.storage.pledges.load_pledges(
        NewPledge(f"m{i}", "telegram", Kind.CANCEL, 2, now) for i in range(12_345)
    )
    await counter.refresh()
    port = app.config.public_port
    # CLDR: a narrow no-break space groups French digits, a comma English ones.
    assert ">12\u202f345 engagements<" in (await fetch(port, "/fr")).text
    assert ">12,345 pledges<" in (await fetch(port, "/en")).text
    assert "12,345 pledges" in (await fetch(port, "/badge.svg?lang=en")).text
    [tally] = await console.say("/compteur")
    assert compteur_figures(app, tally)["total"] == 12_345


async def test_the_language_comes_from_the_query_then_the_browser(
    app: App, counter: PublicCounter
) -> None:
    port = app.config.public_port
    english = {"Accept-Language": "de-DE,de;q=0.9,en-GB;q=0.8,fr;q=0.5"}
    assert 'lang="en"' in (await fetch(port, "/badge.svg", english)).text
    assert 'lang="fr"' in (await fetch(port, "/badge.svg?lang=fr", english)).text
    assert 'lang="fr"' in (await fetch(port, "/badge.svg", {"Accept-Language": "de"})).text
    negotiated = await fetch(port, "/", english)
    assert '<html lang="en">' in negotiated.text
    assert negotiated.headers["Vary"] == "Accept-Language"
    assert '<html lang="fr">' in (await fetch(port, "/?lang=fr", english)).text
    assert "Vary" not in (await fetch(port, "/en")).headers
    assert (await fetch(port, "/badge.svg")).headers["Vary"] == "Accept-Language"
    policy = (await fetch(port, "/fr")).headers["Content-Security-Policy"]
    assert policy.startswith("default-src 'none';") and "script-src" not in policy
    assert (await fetch(port, "/de")).status == 404
    assert accepted_languages("fr;q=0, en;q=0.1, de") == ["de", "en"]


async def test_readers_revalidate_with_the_etag_or_the_date(
    app: App, console: ConsoleAdapter, counter: PublicCounter
) -> None:
    port = app.config.public_port
    for path in ("/api/tally.json", "/badge.svg", "/fr"):
        first = await fetch(port, path)
        assert first.headers["Cache-Control"] == "public, max-age=3600"
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        assert (await fetch(port, path, {"If-None-Match": etag})).status == 304
        assert (await fetch(port, path, {"If-None-Match": f'"x", W/{etag}'})).status == 304
        assert (await fetch(port, path, {"If-Modified-Since": modified})).status == 304
        # If-None-Match decides when both are sent (RFC 9110 13.1.3)
        both = {"If-None-Match": '"other"', "If-Modified-Since": modified}
        assert (await fetch(port, path, both)).status == 200
    etag = (await fetch(port, "/api/tally.json")).headers["ETag"]
    await counter.refresh()  # nothing changed: the same body, the same tag
    assert (await fetch(port, "/api/tally.json", {"If-None-Match": etag})).status == 304
    await console.say("/pledge cancel ok2")
    await counter.refresh()
    changed = await fetch(port, "/api/tally.json", {"If-None-Match": etag})
    assert changed.status == 200 and json.loads(changed.text)["total"] == 1
    assert parsedate_to_datetime(changed.headers["Last-Modified"]) == datetime.strptime(
        json.loads(changed.text)["updated"], "%Y-%m-%dT%H:%M:%S%z"
    )


async def test_any_website_may_read_the_json(app: App, counter: PublicCounter) -> None:
    port = app.config.public_port
    answer = await fetch(port, "/api/tally.json", {"Origin": "https://quitgpt.example"})
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in answer.headers["Access-Control-Expose-Headers"]
    async with (
        aiohttp.ClientSession() as session,
        session.options(
            f"http://127.0.0.1:{port}/api/tally.json",
            headers={"Origin": "https://x.example", "Access-Control-Request-Method": "GET"},
        ) as preflight,
    ):
        assert preflight.status == 204
        assert "GET" in preflight.headers["Access-Control-Allow-Methods"]


async def test_no_member_chat_or_key_is_shown(
    app: App, console: ConsoleAdapter, counter: PublicCounter
) -> None:
    await pledge_everywhere(app, console)
    await counter.refresh()
    keys = [app.services.member_key(platform, user) for platform, user in MEMBERS.items()]
    keys.append(app.services.member_key("console", "alice"))
    port = app.config.public_port
    bodies = [
        (await fetch(port, path)).text
        for path in ("/api/tally.json", "/badge.svg", "/badge.svg?lang=en", "/fr", "/en", "/")
    ]
    assert absent([*MEMBERS.values(), "alice", *keys], *bodies) == []


async def test_a_flood_of_readers_never_reads_the_database(app: App) -> None:
    services, counting = counted(app.services)
    async with public_server(services):
        after_start = counting.reads
        paths = ["/api/tally.json", "/badge.svg", "/fr", "/en", "/", "/badge.svg?lang=en"]
        answers = await asyncio.gather(
            *(fetch(app.config.public_port, path) for path in paths * 50)
        )
        assert {answer.status for answer in answers} == {200}
        assert counting.reads == after_start == 2  # the first snapshot only


async def test_a_failed_read_keeps_the_last_figures(app: App, console: ConsoleAdapter) -> None:
    await console.say("/pledge cancel ok2")
    services, counting = counted(app.services, public_refresh_seconds=1)
    async with public_server(services):
        counting.broken = True
        reads = counting.reads
        async with asyncio.timeout(10):
            while counting.reads == reads:  # a refresh was tried, and failed
                await asyncio.sleep(0.1)
        answer = await fetch(app.config.public_port, "/api/tally.json")
        assert answer.status == 200 and json.loads(answer.text)["total"] == 1


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"QUITGPT_PUBLIC_PORT": "web"}, "QUITGPT_PUBLIC_PORT"),
        ({"QUITGPT_PUBLIC_PORT": "70000"}, "QUITGPT_PUBLIC_PORT"),
        ({"QUITGPT_PUBLIC_LISTEN": "localhost"}, "QUITGPT_PUBLIC_LISTEN"),
        ({"QUITGPT_PUBLIC_REFRESH_SECONDS": "0"}, "QUITGPT_PUBLIC_REFRESH_SECONDS"),
        ({"QUITGPT_PUBLIC_REFRESH_SECONDS": "3601"}, "QUITGPT_PUBLIC_REFRESH_SECONDS"),
        ({"QUITGPT_PUBLIC_PORT": "9464", "QUITGPT_HTTP_PORT": "9464"}, "QUITGPT_HTTP_PORT"),
    ],
)
def test_bad_settings_stop_the_start_naming_them(environ: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        load_config(environ=environ)


def test_the_counter_is_off_unless_a_port_is_given() -> None:
    default = load_config(environ={})
    assert (default.public_port, default.public_listen) == (0, "127.0.0.1")
    on = load_config(environ={"QUITGPT_PUBLIC_PORT": "8080", "QUITGPT_PUBLIC_LISTEN": "::"})
    assert (on.public_port, on.public_listen, on.public_refresh_seconds) == (8080, "::", 5)


async def test_a_port_in_use_stops_the_start_naming_the_setting(app: App) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        services = replace(app.services, config=replace(app.config, public_port=port))
        with pytest.raises(ConfigError, match=f"QUITGPT_PUBLIC_PORT={port}"):
            async with public_server(services):
                pass


def test_the_curve_keeps_one_point_per_unit_of_width() -> None:
    hourly = [(x / 7, float(x)) for x in range(7_000)]  # seven points per unit
    drawn = thinned(hourly)
    assert len(drawn) == 1_001
    assert drawn[0] == hourly[0] and drawn[-1] == hourly[-1]
    assert [int(x) for x, _ in drawn[1:]] == list(range(1_000))


async def test_the_bodies_change_with_the_figures_or_the_hour_only(tmp_path: Path) -> None:
    clock = Clock()
    config = Config(database=tmp_path / "bot.db", public_port=free_port())
    async with open_app(config, clock=clock) as app, public_server(app.services) as counter:
        assert counter is not None
        first = await counter.refresh()
        clock.now += timedelta(minutes=40)  # 10:55, the same hour, nothing new
        assert await counter.refresh() is first
        clock.now += timedelta(minutes=10)  # 11:05: the last 24 hours and the curve moved
        later = await counter.refresh()
        assert later.json.etag != first.json.etag
        answer = await fetch(config.public_port, "/api/tally.json")
        assert json.loads(answer.text)["updated"] == "2026-03-01T11:05:00Z"
        assert answer.headers["Last-Modified"] == "Sun, 01 Mar 2026 11:05:00 GMT"


async def test_the_console_session_serves_the_counter(tmp_path: Path) -> None:
    config = Config(
        database=tmp_path / "bot.db",
        quiet_hours="",
        public_port=free_port(),
        public_refresh_seconds=1,
    )
    async with console_bot(config) as type_line:
        type_line("/pledge cancel ok2")
        async with asyncio.timeout(30):
            while True:
                with contextlib.suppress(aiohttp.ClientConnectorError):
                    answer = await fetch(config.public_port, "/api/tally.json")
                    if json.loads(answer.text)["total"] == 1:
                        break
                await asyncio.sleep(0.1)


async def test_the_platforms_run_serves_it_beside_the_status_server(tmp_path: Path) -> None:
    config = Config(database=tmp_path / "bot.db", http_port=free_port(), public_port=free_port())
    async with open_app(config) as app, served(app, []):
        answer = await fetch(config.public_port, "/api/tally.json")
        assert answer.status == 200 and json.loads(answer.text)["total"] == 0
        assert (await fetch(config.public_port, "/metrics")).status == 404
