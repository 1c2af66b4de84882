"""The public counter in a real browser (Chromium from the Debian packages, headless): the
page shows the number of pledges the database file holds, and the README's embed snippet
reads the JSON from another origin."""

from __future__ import annotations

import asyncio
import io
import os
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from PIL import Image

from bot.adapters.console import ConsoleAdapter
from bot.app import App, open_app
from bot.chart import TOTAL_COLOUR
from bot.config import Config
from bot.http_site import listening
from bot.public.server import public_server
from bot.public.snapshot import PublicCounter
from tests.public_support import compteur_figures, digits, free_port, pledge_count
from tests.test_tally_console import say_on

CHROMIUM = shutil.which("chromium")
README = Path(__file__).parent.parent / "README.md"
EMBED_ORIGIN = "https://compteur.example.org"  # the address the README's snippet uses
# Skipped on a developer's machine without Chromium; never in CI, which installs it.
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="no chromium (Debian: apt-get install chromium; .ci/run does)",
)


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    config = Config(database=tmp_path / "bot.db", public_port=free_port())
    async with open_app(config) as opened:
        yield opened


@pytest.fixture
async def counter(app: App, console: ConsoleAdapter) -> AsyncIterator[PublicCounter]:
    await console.say("/pledge cancel+app ok2")
    for user in range(1, 4):
        await say_on(app, "telegram", str(1000 + user), "/pledge switch ok2")
    await say_on(app, "discord", "77", "/pledge cancel ok2")
    await say_on(app, "discord", "77", "/accompli")
    async with public_server(app.services) as running:
        assert running is not None
        yield running


async def chromium(profile: Path, *args: str) -> str:
    """Headless Chromium's standard output. No sandbox: CI runs as root, where Chromium
    refuses to start with one."""
    assert CHROMIUM is not None
    process = await asyncio.create_subprocess_exec(
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        f"--user-data-dir={profile}",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    out, _ = await asyncio.wait_for(process.communicate(), 90)
    assert process.returncode == 0
    return out.decode()


def element_text(dom: str, element: str) -> str:
    match = re.search(rf'id="{element}"[^>]*>([^<]*)<', dom)
    assert match, dom
    return match[1]


async def test_the_page_shows_the_number_the_database_holds(
    app: App, console: ConsoleAdapter, counter: PublicCounter, tmp_path: Path
) -> None:
    held = pledge_count(app.config.database)
    [tally] = await console.say("/compteur")
    assert held == compteur_figures(app, tally)["total"] == 5
    base = f"http://127.0.0.1:{app.config.public_port}"
    for language in ("fr", "en"):
        dom = await chromium(tmp_path / "profile", "--dump-dom", f"{base}/{language}")
        assert f'<html lang="{language}">' in dom
        assert digits(element_text(dom, "total")) == held
        done = element_text(dom, "done")
        assert digits(done.rsplit(":", 1)[1]) == compteur_figures(app, tally)["done"]
    for language in ("fr", "en"):  # the badge opened as a document: its SVG text
        dom = await chromium(
            tmp_path / "profile", "--dump-dom", f"{base}/badge.svg?lang={language}"
        )
        *_, value = re.findall(r"<text[^>]*>([^<]*)</text>", dom)
        assert digits(value) == held
    for name, width in (("desktop", 900), ("phone", 400)):
        shot = tmp_path / f"counter-{name}.png"
        await chromium(
            tmp_path / "profile",
            f"--screenshot={shot}",
            f"--window-size={width},1300",
            "--hide-scrollbars",
            f"{base}/fr",
        )
        with Image.open(io.BytesIO(shot.read_bytes())) as image:
            assert (image.format, image.size) == ("PNG", (width, 1300))
            colours = image.convert("RGB").getcolors(maxcolors=1 << 20) or []
        red = tuple(int(TOTAL_COLOUR[i : i + 2], 16) for i in (1, 3, 5))
        # the big total and the curve are drawn in the campaign's red
        assert sum(count for count, colour in colours if colour == red) > 1000


def embed_snippet(port: int) -> str:
    """The README's embed snippet, pointed at the counter under test."""
    section = README.read_text(encoding="utf-8").split("## Public counter", 1)[1]
    [snippet] = re.findall(r"```html\n(.*?)```", section.split("\n## ", 1)[0], re.S)
    return snippet.replace(EMBED_ORIGIN, f"http://127.0.0.1:{port}")


async def test_the_readme_snippet_embeds_the_count_in_another_site(
    app: App, counter: PublicCounter, tmp_path: Path
) -> None:
    snippet = embed_snippet(app.config.public_port)

    # once loaded, the page notes the width the badge image has (0 had it not loaded)
    measure = (
        '<script>addEventListener("load", () => { document.body.dataset.badge ='
        ' document.querySelector("img").naturalWidth; });</script>'
    )

    async def site(request: web.Request) -> web.Response:
        return web.Response(
            text=f"<!doctype html><html><body>{snippet}{measure}</body></html>",
            content_type="text/html",
        )

    other = web.Application()
    other.router.add_get("/", site)
    port = free_port()  # another origin: the JSON is read across origins (CORS)
    async with listening(other, "127.0.0.1", port, setting="test", name="campaign site"):
        dom = await chromium(
            tmp_path / "profile",
            "--virtual-time-budget=10000",
            "--dump-dom",
            f"http://127.0.0.1:{port}/",
        )
    assert digits(element_text(dom, "quitgpt-total")) == pledge_count(app.config.database)
    [width] = re.findall(r'<body data-badge="(\d+)"', dom)
    badge = counter.snapshot.badges["fr"].data.decode() if counter.snapshot else ""
    assert f'width="{width}"' in badge and int(width) > 0
