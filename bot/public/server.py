"""The public counter's HTTP server: `/api/tally.json`, `/badge.svg` and the page (`/`,
`/fr`, `/en`), each answered from the snapshot in memory, never from the database.

A port of its own (`QUITGPT_PUBLIC_PORT`), apart from the status server: this one is meant
to be reached from the world, while `/metrics` and `/readyz` are for supervisors only.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from datetime import datetime

from aiohttp import web

from bot.http_site import listening
from bot.public.snapshot import Body, PublicCounter, Snapshot
from bot.services import Services

PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'"
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag",
}


def accepted_languages(header: str) -> list[str]:
    """The languages of an Accept-Language header, most wanted first (RFC 9110 12.5.4)."""
    ranked = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if tag and weight > 0:
            ranked.append((-weight, position, tag))
    return [tag for _, _, tag in sorted(ranked)]


def is_fresh(request: web.Request, body: Body, updated: datetime) -> bool:
    """Whether the reader's copy is this one: If-None-Match decides when sent
    (RFC 9110 13.1.2), else If-Modified-Since."""
    if request.if_none_match is not None:
        return any(tag.value in ("*", body.etag.strip('"')) for tag in request.if_none_match)
    since = request.if_modified_since
    return since is not None and updated.replace(microsecond=0) <= since


def public_app(counter: PublicCounter) -> web.Application:
    services = counter.services
    catalogues, config = services.catalogues, services.config
    cache = f"public, max-age={config.public_refresh_seconds}"
    fallback = catalogues.resolve(config.default_language)

    def snapshot() -> Snapshot:
        assert counter.snapshot is not None  # read before the server starts
        return counter.snapshot

    def language(request: web.Request) -> str:
        wanted = [request.query.get("lang", "")]
        wanted += accepted_languages(request.headers.get("Accept-Language", ""))
        codes = (tag.split("-")[0].lower() for tag in wanted)
        return next((code for code in codes if code in catalogues.languages), fallback)

    def answer(
        request: web.Request, body: Body, headers: Mapping[str, str] | None = None
    ) -> web.Response:
        current = snapshot()
        common = {
            "Cache-Control": cache,
            "ETag": body.etag,
            "Last-Modified": current.last_modified,
            "X-Content-Type-Options": "nosniff",
            **(headers or {}),
        }
        if is_fresh(request, body, current.updated):
            return web.Response(status=304, headers=common)
        return web.Response(
            body=body.data, content_type=body.content_type, charset="utf-8", headers=common
        )

    async def tally(request: web.Request) -> web.Response:
        return answer(request, snapshot().json, CORS)

    async def preflight(request: web.Request) -> web.Response:
        return web.Response(
            status=204,
            headers={
                **CORS,
                "Access-Control-Allow-Methods": "GET, HEAD",
                "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
                "Access-Control-Max-Age": "86400",
            },
        )

    async def badge(request: web.Request) -> web.Response:
        body = snapshot().badges[language(request)]
        return answer(request, body, {"Vary": "Accept-Language"})

    async def page(request: web.Request) -> web.Response:
        code = request.match_info.get("lang")
        if code is None:
            chosen, vary = language(request), {"Vary": "Accept-Language"}
        elif code in catalogues.languages:
            chosen, vary = code, {}
        else:
            raise web.HTTPNotFound()
        body = snapshot().pages[chosen]
        return answer(request, body, {"Content-Security-Policy": PAGE_POLICY, **vary})

    app = web.Application()
    app.router.add_get("/api/tally.json", tally)
    app.router.add_route("OPTIONS", "/api/tally.json", preflight)
    app.router.add_get("/badge.svg", badge)
    app.router.add_get("/", page)
    app.router.add_get("/{lang:[a-z]{2,3}}", page)
    return app


@contextlib.asynccontextmanager
async def public_server(services: Services) -> AsyncIterator[PublicCounter | None]:
    """The counter and its server running during the block, or None when it is off."""
    config = services.config
    if not config.public_port:
        yield None
        return
    counter = PublicCounter(services)
    async with (
        counter.running(),
        listening(
            public_app(counter),
            config.public_listen,
            config.public_port,
            setting="QUITGPT_PUBLIC_PORT",
            name="public counter",
        ),
    ):
        yield counter
