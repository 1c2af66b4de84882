"""The status server of a running bot, over 127.0.0.1 with aiohttp's client: alive, ready
or why not, and counters that say how the bot runs without saying who uses it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.adapters.console import ConsoleAdapter
from bot.adapters.discord_adapter import DiscordAdapter
from bot.app import App, open_app
from bot.config import Config, ConfigError, Secret
from bot.delivery.publish import publish
from bot.runtime import PlatformAdapter, platform_adapters, run_console, serve
from bot.status_server import status_server
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import FakeTelegram

MEMBER = "alice-4242"  # a member id that must not show in the metrics
QUESTIONS = {
    "combien a donné Brockman ?": "answered",
    "Brockman a donné 50 millions à MAGA ?": "corrected",
    "quel temps fait-il à Lyon demain ?": "refused",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(database=tmp_path / "bot.db", quiet_hours="", http_port=free_port())


async def get(config: Config, path: str) -> tuple[int, Any]:
    """Status and body (JSON, or the text of /metrics) of one request to the server."""
    url = f"http://127.0.0.1:{config.http_port}{path}"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        if response.content_type == "application/json":
            return response.status, await response.json()
        return response.status, await response.text()


async def until(config: Config, path: str, wanted: Callable[[int, Any], bool]) -> Any:
    """Ask again until the answer is the one wanted (30 s at most, the server may not be
    listening yet); that answer's body."""
    async with asyncio.timeout(30):
        while True:
            with contextlib.suppress(aiohttp.ClientConnectorError):
                status, body = await get(config, path)
                if wanted(status, body):
                    return body
            await asyncio.sleep(0.05)


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of an exposition, by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(
    found: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


@contextlib.asynccontextmanager
async def console_bot(config: Config) -> AsyncIterator[Callable[[str], None]]:
    """`quitgpt-bot console` as `run_console` runs it, typed into through a pipe."""
    read_end, write_end = os.pipe()
    stream = os.fdopen(read_end, "r", encoding="utf-8")
    stop = asyncio.Event()
    task = asyncio.create_task(run_console(config, stop, user=MEMBER, stream=stream))

    def type_line(line: str) -> None:
        os.write(write_end, f"{line}\n".encode())

    try:
        yield type_line
    finally:
        os.close(write_end)  # end of input: the session ends
        await asyncio.wait_for(task, 30)
        stream.close()


@contextlib.asynccontextmanager
async def served(app: App, adapters: list[PlatformAdapter]) -> AsyncIterator[None]:
    """`quitgpt-bot run` as `serve` runs it, with the status server, until the block ends;
    ready by then."""
    stop = asyncio.Event()
    running = asyncio.create_task(serve(app, adapters, stop))
    try:
        await until(app.config, "/readyz", lambda status, _: status == 200)
        yield
    finally:
        stop.set()
        await running


def telegram_config(tg: FakeTelegram, tmp_path: Path, **settings: Any) -> Config:
    return Config(
        database=tmp_path / "bot.db",
        quiet_hours="",
        http_port=free_port(),
        telegram_token=Secret(tg.token),
        telegram_api_url=tg.base_url,
        **settings,
    )


async def test_a_console_bot_is_up_ready_and_counted_without_personal_data(
    config: Config,
) -> None:
    async with console_bot(config) as type_line:
        assert await until(config, "/healthz", lambda status, _: status == 200) == {"status": "up"}
        for line in ["/pledge cancel ok2", "/compteur", "/inconnue", "/annonce test"]:
            type_line(line)
        for question in QUESTIONS:
            type_line(f"/faits {question}")
        # /faits counts its outcome before the dispatcher counts the command: wait for the
        # latter, the last thing done for the last line.
        text = await until(
            config,
            "/metrics",
            lambda _, body: (
                "quitgpt_commands_total" in body
                and sum(
                    count
                    for (name, labels), count in samples(body).items()
                    if name == "quitgpt_commands_total" and ("command", "faits") in labels
                )
                == len(QUESTIONS)
            ),
        )
        status, ready = await get(config, "/readyz")

    assert status == 200
    assert ready == {
        "ready": True,
        "checks": {"database": "ok", "console": "ok", "outbox.console": "ok"},
    }
    found = samples(text)
    console = {"platform": "console"}
    assert value(found, "quitgpt_commands_total", command="pledge", outcome="ok", **console) == 1
    assert value(found, "quitgpt_commands_total", command="-", outcome="user_error", **console) == 1
    assert (
        value(found, "quitgpt_commands_total", command="annonce", outcome="refused", **console) == 1
    )
    assert value(found, "quitgpt_commands_total", command="faits", outcome="ok", **console) == 3
    assert value(found, "quitgpt_command_seconds_count", command="compteur", **console) == 1
    assert value(found, "quitgpt_pledges", **console) == 1
    for outcome in QUESTIONS.values():
        assert value(found, "quitgpt_fact_questions_total", outcome=outcome) == 1, outcome
    # Labels are command names, platforms and outcomes: no member, chat or question.
    labels = {item for name, pairs in found for pair in pairs for item in pair}
    assert not [label for label in labels if "alice" in label or "4242" in label]
    assert "inconnue" not in text and "Brockman" not in text and "Lyon" not in text
    assert MEMBER not in text


async def test_ready_until_the_outbox_is_stuck_then_again(tg: FakeTelegram, tmp_path: Path) -> None:
    """A chat that answers 429 for three seconds holds its second post, which is due: past
    the one second allowed, the bot is not ready, and it is again once both are sent."""
    config = telegram_config(tg, tmp_path, ready_max_delay_seconds=1)
    chat = 5001
    async with open_app(config) as app, served(app, platform_adapters(app)):
        await app.storage.subscriptions.subscribe(
            "telegram", str(chat), "private", "fr", app.services.clock()
        )
        tg.fail_chat(chat, "429", seconds=3)
        for text in ("Premier", "Second"):
            await publish(app.services, "tally", lambda _, text=text: text)
        stuck = await until(config, "/readyz", lambda status, _: status == 503)
        assert stuck["ready"] is False
        assert stuck["checks"]["telegram"] == "ok"
        assert "the oldest due post has waited" in stuck["checks"]["outbox.telegram"]
        ready = await until(config, "/readyz", lambda status, _: status == 200)
        assert ready["checks"]["outbox.telegram"] == "ok"
        assert [m.text for m in tg.sent(chat)] == ["Premier", "Second"]
        text = (await get(config, "/metrics"))[1]
    found = samples(text)
    assert value(found, "quitgpt_rate_limited_total", platform="telegram") >= 1
    assert (
        value(found, "quitgpt_outbox_retries_total", platform="telegram", reason="rate_limited")
        >= 1
    )
    assert value(found, "quitgpt_outbox_deliveries_total", platform="telegram", status="sent") == 2
    assert value(found, "quitgpt_outbox_pending", platform="telegram") == 0
    assert str(chat) not in text


async def test_not_ready_while_telegram_polling_fails(tg: FakeTelegram, tmp_path: Path) -> None:
    """The Bot API answers getUpdates with 500 twice: python-telegram-bot tries again
    by itself, and readiness follows until a poll is answered again."""
    config = telegram_config(tg, tmp_path)
    async with open_app(config) as app, served(app, platform_adapters(app)):
        tg.fail_next("getUpdates", "500", times=2)
        tg.user_sends("bonjour", chat_id=-100777, chat_type="supergroup")  # ends the long poll
        down = await until(config, "/readyz", lambda status, _: status == 503)
        assert down["checks"]["telegram"] == "disconnected"
        # A poll tells it worked when it is answered: with an update waiting, at once.
        tg.user_sends("encore", chat_id=-100777, chat_type="supergroup")
        back = await until(config, "/readyz", lambda status, _: status == 200)
        assert back["checks"]["telegram"] == "ok"


async def test_not_ready_while_discord_is_disconnected(dc: FakeDiscord, config: Config) -> None:
    async with open_app(config) as app:
        adapter = DiscordAdapter(app, dc.token, guild_ready_timeout=0.05)
        async with served(app, [adapter]):
            assert adapter.connected
            dc.set_gateway_down()
            down = await until(config, "/readyz", lambda status, _: status == 503)
            assert down["checks"]["discord"] == "disconnected"
            assert (await get(config, "/healthz"))[0] == 200  # up all the same
            dc.set_gateway_down(False)
            back = await until(config, "/readyz", lambda status, _: status == 200)
            assert back["checks"]["discord"] == "ok"


async def test_not_ready_when_the_database_does_not_answer(app: App, config: Config) -> None:
    console = ConsoleAdapter(app, MEMBER)
    async with status_server(app.services, [console]):
        assert (await get(config, "/readyz"))[0] == 200
        await app.storage.close()
        status, body = await get(config, "/readyz")
    assert status == 503
    assert body["checks"]["database"] == "unreachable"
    assert body["checks"]["outbox.console"] == "unreachable"


async def test_off_unless_a_port_is_set_and_on_loopback_by_default(
    app: App, config: Config
) -> None:
    assert Config().http_port == 0 and Config().http_listen == "127.0.0.1"
    off = replace(app.services, config=replace(config, http_port=0))
    async with status_server(off, []) as server:
        assert server is None
    async with status_server(app.services, []) as server:
        assert server is not None and server.addresses == [("127.0.0.1", config.http_port)]
        with pytest.raises(ConfigError, match=rf"^QUITGPT_HTTP_PORT={config.http_port}: cannot"):
            async with status_server(app.services, []):
                pass  # the port is taken
