"""Discord interactions over HTTP: an endpoint every instance serves behind a load balancer.

Once an Interactions Endpoint URL is set in the Developer Portal, Discord posts every
interaction there instead of sending it over the gateway: "These two methods are mutually
exclusive" (https://discord.com/developers/docs/interactions/receiving-and-responding
#receiving-an-interaction). The bot uses interactions only, so it then needs no gateway
connection at all, and any instance can take any interaction.

Each request carries `X-Signature-Ed25519` and `X-Signature-Timestamp`: the signature of the
timestamp followed by the body, under the application's public key; one that fails gets
401 (https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint). A
PING gets a PONG. Any other interaction is handed to discord.py as a gateway
INTERACTION_CREATE would be, so that the bot answers it as it answers those, through the
interaction callback endpoint (deferring, then editing the original response), and the
request gets "a 202 and no body", as the docs ask of an interaction answered that way
(receiving-and-responding#interaction-callback).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from http import HTTPStatus

import discord
from aiohttp import web
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

PING, PONG = 1, 1
# Discord must have an answer within 3 s: a request signed long before is a replay.
MAX_AGE_SECONDS = 300
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class InteractionsEndpoint:
    public_key: str  # the application's, in hexadecimal, from the Developer Portal
    listen: str
    port: int
    path: str = "/discord"


class InteractionsServer:
    """Serves the endpoint for `client`, which is logged in but never connects a gateway."""

    def __init__(self, client: discord.Client, endpoint: InteractionsEndpoint) -> None:
        self.client = client
        self.endpoint = endpoint
        self.verify_key = VerifyKey(bytes.fromhex(endpoint.public_key))
        server = web.Application()
        server.router.add_post(endpoint.path, self._receive)
        self._runner = web.AppRunner(server, access_log=None, shutdown_timeout=2.0)
        self.running = False

    async def start(self) -> None:
        await self._runner.setup()
        await web.TCPSite(self._runner, self.endpoint.listen, self.endpoint.port).start()
        self.running = True

    async def stop(self) -> None:
        self.running = False
        await self._runner.cleanup()

    def genuine(self, signature: str, timestamp: str, body: bytes) -> bool:
        """Signed by Discord, and not long ago."""
        try:
            self.verify_key.verify(timestamp.encode() + body, bytes.fromhex(signature))
            signed_at = int(timestamp)
        except (BadSignatureError, ValueError):
            return False
        return abs(time.time() - signed_at) <= MAX_AGE_SECONDS

    async def _receive(self, request: web.Request) -> web.Response:
        body = await request.read()
        signature = request.headers.get("X-Signature-Ed25519", "")
        timestamp = request.headers.get("X-Signature-Timestamp", "")
        if not self.genuine(signature, timestamp, body):
            return web.Response(status=HTTPStatus.UNAUTHORIZED, text="invalid request signature")
        try:
            payload = json.loads(body)
            kind = payload["type"]
        except (ValueError, TypeError, KeyError):
            return web.Response(status=HTTPStatus.BAD_REQUEST)
        if kind == PING:
            return web.json_response({"type": PONG})
        # What discord.py does with a gateway INTERACTION_CREATE: the command tree, the
        # views and the `interaction` event each get the interaction.
        self.client._connection.parse_interaction_create(payload)
        return web.Response(status=HTTPStatus.ACCEPTED)
