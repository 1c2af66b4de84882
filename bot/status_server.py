"""The optional HTTP server for supervisors: `/healthz`, `/readyz` and `/metrics`.

Off unless `QUITGPT_HTTP_PORT` is set, and bound to 127.0.0.1 unless
`QUITGPT_HTTP_LISTEN` says otherwise: it tells how the bot runs, not to the world.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from typing import Protocol

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.http_site import listening
from bot.services import Services
from storage.api.records import Backlog

log = logging.getLogger(__name__)
# A database that takes longer than this to answer one read is not ready.
DATABASE_TIMEOUT_S = 2.0


class Connected(Protocol):
    """What readiness asks of an adapter: is it connected to its platform now."""

    platform: str

    @property
    def connected(self) -> bool: ...


async def readiness(services: Services, adapters: Sequence[Connected]) -> dict[str, str]:
    """Every check by name: "ok", or why it is not."""
    config = services.config
    checks = {"database": "ok"}
    backlog: list[Backlog] = []
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT_S):
            backlog = await services.storage.deliveries.outbox_backlog(services.clock())
    except Exception as exc:  # closed, locked past its timeout, unreadable
        log.warning("readiness: the database did not answer", extra={"error": type(exc).__name__})
        checks["database"] = "unreachable"
    by_platform = {row.platform: row for row in backlog}
    for adapter in adapters:
        checks[adapter.platform] = "ok" if adapter.connected else "disconnected"
        row = by_platform.get(adapter.platform)
        if row is None or checks["database"] != "ok":
            checks[f"outbox.{adapter.platform}"] = checks["database"]
        elif row.pending > config.ready_max_backlog:
            checks[f"outbox.{adapter.platform}"] = (
                f"{row.pending} posts pending, more than {config.ready_max_backlog}"
            )
        elif row.oldest_due_seconds > config.ready_max_delay_seconds:
            checks[f"outbox.{adapter.platform}"] = (
                f"the oldest due post has waited {row.oldest_due_seconds:.0f} s,"
                f" more than {config.ready_max_delay_seconds} s"
            )
        else:
            checks[f"outbox.{adapter.platform}"] = "ok"
    return checks


def status_app(services: Services, adapters: Sequence[Connected]) -> web.Application:
    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "up"})

    async def readyz(request: web.Request) -> web.Response:
        checks = await readiness(services, adapters)
        ready = all(value == "ok" for value in checks.values())
        return web.json_response({"ready": ready, "checks": checks}, status=200 if ready else 503)

    async def metrics(request: web.Request) -> web.Response:
        tally = await services.storage.pledges.get_tally(services.clock())
        backlog = await services.storage.deliveries.outbox_backlog(services.clock())
        body = services.metrics.exposition(
            tally.platforms, [(b.platform, b.pending, b.oldest_due_seconds) for b in backlog]
        )
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    return app


@contextlib.asynccontextmanager
async def status_server(
    services: Services, adapters: Sequence[Connected]
) -> AsyncIterator[web.AppRunner | None]:
    """The server running during the block, or None when it is off."""
    config = services.config
    if not config.http_port:
        yield None
        return
    async with listening(
        status_app(services, adapters),
        config.http_listen,
        config.http_port,
        setting="QUITGPT_HTTP_PORT",
        name="status server",
    ) as runner:
        yield runner
