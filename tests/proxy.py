"""A loopback HTTP proxy for tests: a load balancer over instances, or a REST proxy shared
by them. It forwards every request to its upstreams in turn and records which got what."""

from __future__ import annotations

import itertools
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from aiohttp import web

# Headers that belong to one connection, not to the request forwarded.
_HOP = {"host", "content-length", "transfer-encoding", "connection", "content-encoding"}


class Proxy:
    def __init__(self, upstreams: list[str]) -> None:
        self.upstreams = upstreams
        self._turns = itertools.cycle(upstreams)
        self.forwarded: list[tuple[str, str, int]] = []  # (upstream, "METHOD /path", status)
        self.url = ""

    def paths(self) -> list[str]:
        return [request for _, request, _ in self.forwarded]

    async def _forward(self, request: web.Request) -> web.Response:
        upstream = next(self._turns)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP}
        try:
            async with (
                aiohttp.ClientSession() as http,
                http.request(
                    request.method,
                    upstream + request.path_qs,
                    headers=headers,
                    data=await request.read(),
                ) as answer,
            ):
                body = await answer.read()
                kept = {k: v for k, v in answer.headers.items() if k.lower() not in _HOP}
        except aiohttp.ClientError:  # an upstream down: what a load balancer answers
            self.forwarded.append((upstream, f"{request.method} {request.path}", 502))
            return web.Response(status=502)
        self.forwarded.append((upstream, f"{request.method} {request.path}", answer.status))
        return web.Response(status=answer.status, body=body, headers=kept)


@asynccontextmanager
async def proxy(*upstreams: str) -> AsyncIterator[Proxy]:
    """A proxy on 127.0.0.1 and a free port, forwarding to `upstreams` round-robin."""
    running = Proxy(list(upstreams))
    server = web.Application()
    server.router.add_route("*", "/{tail:.*}", running._forward)
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    running.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield running
    finally:
        await runner.cleanup()


def free_ports(count: int) -> list[int]:
    """Ports nothing listens on now, for servers a test starts later."""
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports
