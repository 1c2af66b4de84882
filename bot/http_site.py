"""One aiohttp application listening on a configured address and port for a block."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from bot.config import ConfigError

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def listening(
    app: web.Application, listen: str, port: int, *, setting: str, name: str
) -> AsyncIterator[web.AppRunner]:
    """Serve `app` during the block; a port that cannot be had stops the start with a
    message naming `setting`."""
    # No access log: a scrape every few seconds, or a page embedded on a busy site,
    # would bury everything else.
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, listen, port).start()
        except OSError as exc:
            raise ConfigError(
                f"{setting}={port}: cannot listen on {listen}:{port} ({exc.strerror or exc})"
            ) from exc
        log.info(f"{name} listening", extra={"listen": listen, "port": port})
        yield runner
    finally:
        await runner.cleanup()
