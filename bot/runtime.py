"""Start-up and shutdown: the console session, or every configured platform."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import sys
from collections.abc import AsyncIterator, Awaitable, Iterator
from typing import Protocol, TextIO, TypeVar

from bot.adapters.console import PLATFORM as CONSOLE
from bot.adapters.console import ConsoleAdapter
from bot.adapters.discord_adapter import DiscordAdapter
from bot.adapters.discord_http import InteractionsEndpoint
from bot.adapters.telegram import TelegramAdapter, Webhook
from bot.app import App, open_app
from bot.config import Config
from bot.delivery.deliverer import Deliverer
from bot.delivery.pacing import handover
from bot.delivery.sender_lease import SenderLease
from bot.delivery.worker import DeliveryWorker
from bot.public.server import public_server
from bot.scheduler import scheduled
from bot.status_server import status_server

log = logging.getLogger(__name__)


class PlatformAdapter(Deliverer, Protocol):
    """A chat platform served alongside the others in the shared event loop."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    @property
    def connected(self) -> bool: ...


Adapter = TypeVar("Adapter", bound=PlatformAdapter)


@contextlib.contextmanager
def stop_on_signals() -> Iterator[asyncio.Event]:
    """An event set by SIGINT or SIGTERM, installed before anything starts."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        yield stop
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


async def until_stopped(stop: asyncio.Event, work: Awaitable[object] | None = None) -> None:
    """Wait for the stop event, or for `work` to finish, whichever comes first."""
    waiters: set[asyncio.Future[object]] = {asyncio.ensure_future(stop.wait())}
    if work is not None:
        waiters.add(asyncio.ensure_future(work))
    done, pending = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    for task in done:
        task.result()


async def run_console(
    config: Config,
    stop: asyncio.Event,
    *,
    user: str,
    moderator: bool = False,
    language: str | None = None,
    stream: TextIO = sys.stdin,
) -> None:
    if moderator:  # `--moderator`: the local user joins the configured moderators
        config = config.with_moderator(CONSOLE, user)
    async with open_app(config) as app:
        console = ConsoleAdapter(app, user, language=language)
        worker = DeliveryWorker(app.services, console)
        async with (
            status_server(app.services, [console]),
            public_server(app.services),
            worker.active(),
            scheduled(app.services),
        ):
            await until_stopped(stop, console.run(stream))
        await worker.drain()  # what this session queued for the console itself
    log.info("console session ended")


def telegram_webhook(config: Config) -> Webhook | None:
    """The webhook Telegram posts to when a URL is configured, else None (long polling)."""
    if not config.telegram_webhook_url:
        return None
    return Webhook(
        config.telegram_webhook_url,
        config.telegram_webhook_listen,
        config.telegram_webhook_port,
        config.telegram_webhook_secret.value,
        config.telegram_webhook_path,
        managed=config.telegram_webhook_managed,
    )


def discord_interactions(config: Config) -> InteractionsEndpoint | None:
    """The endpoint Discord posts interactions to when a public key is configured, else
    None (the gateway)."""
    if not config.discord_public_key:
        return None
    return InteractionsEndpoint(
        config.discord_public_key,
        config.discord_interactions_listen,
        config.discord_interactions_port,
        config.discord_interactions_path,
    )


def platform_adapters(app: App) -> list[PlatformAdapter]:
    """An adapter for every platform that has a token in the configuration."""
    config = app.config
    adapters: list[PlatformAdapter] = []
    if config.telegram_token:
        adapters.append(
            TelegramAdapter(
                app,
                config.telegram_token.value,
                api_url=config.telegram_api_url,
                webhook=telegram_webhook(config),
            )
        )
    if config.discord_token:
        adapters.append(
            DiscordAdapter(
                app,
                config.discord_token.value,
                sharded=config.discord_sharded,
                api_url=config.discord_api_url,
                interactions=discord_interactions(config),
            )
        )
    return adapters


@contextlib.asynccontextmanager
async def serving(app: App, adapter: Adapter) -> AsyncIterator[Adapter]:
    """The adapter started with its delivery worker, which sends while this instance
    holds the platform's sender lease; they stop when the block ends, the lease given up
    once the messages in flight are done."""
    await adapter.start()
    name = app.config.instance or socket.gethostname()
    lease = SenderLease(app.services, adapter.platform, name, handover=handover(adapter.pacing))
    try:
        # Telegram is the one platform here that cannot refuse a repeat (see worker.py).
        unconfirmed = app.config.telegram_messages_in_flight
        worker = DeliveryWorker(app.services, adapter, lease=lease, unconfirmed=unconfirmed)
        async with lease.kept(), worker.active():
            yield adapter
    finally:
        await adapter.stop()


async def serve(app: App, adapters: list[PlatformAdapter], stop: asyncio.Event) -> None:
    """Serve every adapter with its delivery worker until `stop`, then close in reverse.
    The status server starts first: not ready until every adapter is connected."""
    async with contextlib.AsyncExitStack() as running:
        await running.enter_async_context(status_server(app.services, adapters))
        await running.enter_async_context(public_server(app.services))
        for adapter in adapters:
            await running.enter_async_context(serving(app, adapter))
        async with scheduled(app.services):
            await until_stopped(stop)


async def run_platforms(config: Config, stop: asyncio.Event) -> None:
    """Serve every platform that has a token in one process until stopped."""
    if not config.platforms:
        log.info("no platform token configured: starting the console")
        await run_console(config, stop, user="local")
        return
    async with open_app(config) as app:
        await serve(app, platform_adapters(app), stop)
    log.info("stopped")
